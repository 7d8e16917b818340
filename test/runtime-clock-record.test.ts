/**
 * The interval record of the coarse clock (src/runtime/clock.ts) at its edges: readings that do
 * not move forward, an interval of exactly REGULAR_MS, the last regular intervals to leave the
 * ring, which late entry a full record merges when every pair spans the same time. Each case
 * drives a clock of its own with ticks at chosen times and reads exact interval ends.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { preciseStamp, REGULAR_MS, stampStart, TickRecord } from '../dist/runtime/clock.js';

/** More ticks than the ring of recent intervals holds (512). */
const PAST_THE_RING = 600;

describe('clock: the interval record', () => {
  it('a reading that does not move forward is ignored: the current tick stays, and no interval is closed', () => {
    const c = new TickRecord();
    assert.equal(c.tick(1000), 1000);
    assert.equal(c.tick(1050), 1050);
    assert.equal(c.tick(900), 1050);
    assert.equal(c.currentTick(), 1050);
    assert.equal(c.tick(1100), 1100);
    // Equal readings, more than the ring holds: were each closing an empty interval, [1000, 1050)
    // would leave the ring and be bounded by REGULAR_MS (1100) instead of read exactly.
    for (let i = 0; i < PAST_THE_RING; i++) assert.equal(c.tick(1100), 1100);
    assert.equal(c.intervalEnd(1000), 1050);
    assert.equal(c.intervalEnd(1050), 1100);
    assert.equal(c.intervalEnd(1100), Infinity);
  });

  it('an interval of exactly REGULAR_MS is regular: not kept once it leaves the ring', () => {
    const c = new TickRecord();
    let t = 1000;
    c.tick(t);
    const before = c.tick((t += 50));
    const exact = c.tick((t += 50));
    assert.equal(c.tick((t += REGULAR_MS)), exact + REGULAR_MS);
    for (let i = 0; i < PAST_THE_RING; i++) c.tick((t += 50));
    // Kept as late, its start would be the next known tick after `before`, and bound it to 1100.
    assert.equal(c.intervalEnd(before), before + REGULAR_MS);
    assert.equal(c.intervalEnd(exact), exact + REGULAR_MS);
  });

  it('a regular interval older than the ring ends no later than the late interval that followed it', () => {
    const c = new TickRecord();
    let t = 1000;
    c.tick(t);
    const regular = c.tick((t += 50));
    const lateStart = c.tick((t += 50));
    const lateEnd = c.tick((t += 1000));
    for (let i = 0; i < PAST_THE_RING; i++) c.tick((t += 50));
    assert.equal(c.intervalEnd(regular), lateStart);
    assert.equal(c.intervalEnd(lateStart), lateEnd);
  });

  it('a regular interval that has just left the ring ends no later than the ring\'s oldest tick', () => {
    const c = new TickRecord();
    let t = 1000;
    c.tick(t);
    const stamps: number[] = [];
    // 513 intervals of 30 ms closed: the first one has left the ring of 512.
    for (let i = 0; i < 513; i++) stamps.push(c.tick((t += 30)));
    const first = 1000;
    const ringOldest = stamps[0]!;
    assert.equal(ringOldest, first + 30);
    assert.equal(c.intervalEnd(first), ringOldest);
    assert.equal(c.intervalEnd(ringOldest), ringOldest + 30);
    assert.equal(c.elapsed(first, ringOldest + 100), 100);
  });

  it('a full late record whose neighbours all span the same time merges the oldest pair', () => {
    const c = new TickRecord();
    let t = 1000;
    c.tick(t);
    const late: [number, number][] = [];
    // 257 late intervals of 200 ms, each followed by one regular tick of 50: every pair of
    // neighbours spans 450 ms, so the first (oldest) pair is the one merged.
    for (let k = 0; k < 257; k++) {
      late.push([t, c.tick((t += 200))]);
      c.tick((t += 50));
    }
    for (let i = 0; i < PAST_THE_RING; i++) c.tick((t += 50));
    assert.equal(c.intervalEnd(late[0]![0]), late[1]![1]);
    for (let i = 1; i < late.length; i++) assert.equal(c.intervalEnd(late[i]![0]), late[i]![1], `late interval ${i}`);
  });

  it('stampStart: a coarse stamp is its tick, a precise one its reading', () => {
    assert.equal(stampStart(1234.5), 1234.5);
    assert.equal(stampStart(preciseStamp(1234.5)), 1234.5);
  });

  it('TickRecord\'s prototype is frozen: nothing can replace a method every frame relies on', () => {
    assert.ok(Object.isFrozen(TickRecord.prototype));
    assert.throws(() => {
      (TickRecord.prototype as unknown as Record<string, unknown>).tick = () => 0;
    }, TypeError);
  });
});
