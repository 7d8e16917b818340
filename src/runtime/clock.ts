/**
 * A coarse clock for the hot path: reading `performance.now()` costs about 70 ns here, more than
 * the rest of an await's bookkeeping, so frames store a value refreshed by an unref'd timer instead.
 * The same timer runs registry maintenance about once a second.
 */

import { reportFault } from './faults.ts';
import { maintain, setClock } from './frame.ts';
import { preciseNow } from './intrinsics.ts';

export const CLOCK_RESOLUTION_MS = 50;
const MAINTAIN_EVERY = 20;

let timer: NodeJS.Timeout | undefined;
let ticks = 0;

function tick(): void {
  const now = preciseNow();
  setClock(now);
  if (++ticks % MAINTAIN_EVERY !== 0) return;
  try {
    maintain(now);
  } catch (error) {
    // The registry is left as the failed sweep left it (every step keeps frames listed until it
    // has placed them); the next maintenance tries again.
    reportFault('maintenance', error);
  }
}

export function startClock(): void {
  if (timer !== undefined) return;
  setClock(preciseNow());
  timer = setInterval(tick, CLOCK_RESOLUTION_MS);
  timer.unref();
}
