/**
 * The runtime's timer (src/runtime/ticker.ts) under node:test's mock timers: started once however
 * often it is asked, it ticks the coarse clock every TICK_MS and runs registry maintenance on
 * every 20th tick only (seen here as an unclaimed call becoming registered).
 */

import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { currentTick, TICK_MS } from '../dist/runtime/clock.js';
import { enterFunction, registeredCount } from '../dist/runtime/frame.js';
import { startTicker } from '../dist/runtime/ticker.js';

describe('ticker', () => {
  it('ticks the clock every TICK_MS and maintains the registry every 20th tick, one timer however often started', () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      assert.equal(currentTick(), 0);
      startTicker();
      const first = currentTick();
      assert.ok(first > 0, 'started: the clock has its first tick');
      startTicker();
      const f = enterFunction(0);
      f.a(0, new Promise(() => {}));
      assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 1 });
      let previous = currentTick();
      for (let k = 1; k < 20; k++) {
        const before = performance.now();
        while (performance.now() === before);
        mock.timers.tick(TICK_MS);
        assert.ok(currentTick() > previous, `tick ${k} moved the clock`);
        previous = currentTick();
      }
      // 19 ticks (of one timer: a second would have made 38, maintenance among them): not maintained yet.
      assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 1 });
      mock.timers.tick(TICK_MS);
      assert.deepEqual(registeredCount(), { recent: 0, live: 1, old: 0, unclaimed: 0 });
      f.x();
      for (let k = 0; k < 19; k++) mock.timers.tick(TICK_MS);
      assert.deepEqual(registeredCount(), { recent: 0, live: 1, old: 0, unclaimed: 0 }, 'the finished frame waits for the next maintenance');
      mock.timers.tick(TICK_MS);
      assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
    } finally {
      mock.timers.reset();
    }
  });
});
