/**
 * The runtime's own timer: an unref'd interval that refreshes the coarse clock every `TICK_MS`
 * and runs registry maintenance about once a second. Created when the runtime is installed,
 * before the program runs, with the timer functions of that moment; it never keeps the process
 * alive.
 */

import { tick, TICK_MS } from './clock.ts';
import { reportFault } from './faults.ts';
import { maintain, setClock } from './frame.ts';
import { preciseNow } from './intrinsics.ts';

const MAINTAIN_EVERY = 20;

let timer: NodeJS.Timeout | undefined;
let ticks = 0;

function onTick(): void {
  const now = preciseNow();
  setClock(tick(now));
  if (++ticks % MAINTAIN_EVERY !== 0) return;
  try {
    maintain(now);
  } catch (error) {
    // The registry is left as the failed sweep left it (every step keeps frames listed until it
    // has placed them); the next maintenance tries again.
    reportFault('maintenance', error);
  }
}

export function startTicker(): void {
  if (timer !== undefined) return;
  setClock(tick(preciseNow()));
  timer = setInterval(onTick, TICK_MS);
  timer.unref();
}
