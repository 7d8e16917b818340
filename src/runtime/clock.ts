/**
 * A coarse clock for the hot path: reading `performance.now()` costs about 70 ns here, more than
 * the rest of an await's bookkeeping, so frames store a value refreshed by an unref'd timer instead.
 * The same timer runs registry maintenance about once a second.
 */

import { maintain, setClock } from './frame.ts';

export const CLOCK_RESOLUTION_MS = 50;
const MAINTAIN_EVERY = 20;

let timer: NodeJS.Timeout | undefined;
let ticks = 0;

function tick(): void {
  try {
    const now = performance.now();
    setClock(now);
    if (++ticks % MAINTAIN_EVERY === 0) maintain(now);
  } catch {
    // Bookkeeping must never surface in the program; a failed sweep is retried on the next tick.
  }
}

export function startClock(): void {
  if (timer !== undefined) return;
  setClock(performance.now());
  timer = setInterval(tick, CLOCK_RESOLUTION_MS);
  timer.unref();
}

export function stopClock(): void {
  if (timer === undefined) return;
  clearInterval(timer);
  timer = undefined;
}
