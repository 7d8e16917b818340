/**
 * The coarse clock (src/runtime/clock.ts): durations read from stamps are lower bounds of the
 * truth, within the tick interval the suspension began in, whatever the ticks' timing. Each case
 * drives a clock of its own with ticks at chosen times.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { preciseStamp, REGULAR_MS, stampStart, TickRecord } from '../dist/runtime/clock.js';

describe('clock', () => {
  it('elapsed: a stamp of the current interval reads 0, however long it has lasted', () => {
    const c = new TickRecord();
    const stamp = c.tick(1000);
    assert.equal(c.elapsed(stamp, 1000), 0);
    assert.equal(c.elapsed(stamp, 2499.9), 0);
  });

  it('elapsed: measured from the end of the stamp\'s interval, rounded down', () => {
    const c = new TickRecord();
    const stamp = c.tick(1000);
    c.tick(1050);
    c.tick(1100);
    assert.equal(c.elapsed(stamp, 1100), 50);
    assert.equal(c.elapsed(stamp, 1349.99), 299);
    assert.equal(c.intervalEnd(stamp), 1050);
  });

  it('elapsed: after 1.5 s of synchronous work, a stamp of the blocked interval is measured from the tick that ended it', () => {
    const c = new TickRecord();
    c.tick(100);
    const blocked = c.tick(150);
    // 1.5 s of synchronous work: the next tick runs late. An await at 1640 stamped `blocked`.
    c.tick(1650);
    c.tick(1700);
    // At 1940 the await has truly lasted 300 ms; it reads 290, not 1790.
    assert.equal(c.elapsed(blocked, 1940), 290);
  });

  it('elapsed: precise stamps are exact', () => {
    const c = new TickRecord();
    c.tick(100);
    const p = preciseStamp(123.25);
    assert.ok(p < 0);
    assert.equal(stampStart(p), 123.25);
    assert.equal(c.elapsed(p, 1123.5), 1000);
    assert.equal(c.elapsed(p, 100), 0);
  });

  it('intervals older than the ring: late ones kept exactly, regular ones bounded by REGULAR_MS', () => {
    const c = new TickRecord();
    let t = 1000;
    c.tick(t);
    const lateStamp = c.tick((t += 50));
    const lateEnd = c.tick((t += 3000));
    const regularStamp = c.tick((t += 50));
    const regularEnd = c.tick((t += 50));
    for (let i = 0; i < 2000; i++) c.tick((t += 50));
    assert.equal(c.intervalEnd(lateStamp), lateEnd);
    assert.equal(c.intervalEnd(regularStamp), Math.min(regularStamp + REGULAR_MS, regularEnd + 1e9));
    assert.ok(c.intervalEnd(regularStamp) >= regularEnd);
  });

  it('a full late record merges the neighbours whose union covers least: here two back-to-back late intervals, so every other stamp stays exact', () => {
    const c = new TickRecord();
    let t = 1000;
    c.tick(t);
    const late: [number, number][] = [];
    const regular: number[] = [];
    for (let k = 0; k < 256; k++) {
      late.push([t, c.tick((t += 200))]);
      if (k === 10) late.push([t, c.tick((t += 200))]);
      for (let r = 0; r < 3; r++) {
        regular.push(t);
        c.tick((t += 50));
      }
    }
    for (let r = 0; r < 600; r++) c.tick((t += 50));
    // 257 late intervals for 256 entries: the pair at k = 10 (no regular tick between) is merged.
    for (const [i, [start, end]] of late.entries()) assert.equal(c.intervalEnd(start), i === 10 ? late[11]![1] : end, `late interval ${i}`);
    for (const stamp of regular) assert.ok(c.intervalEnd(stamp) <= stamp + REGULAR_MS, `regular tick at ${stamp}`);
  });

  it('is a lower bound within one interval for any tick timing and any suspension', () => {
    // Ticks at random gaps (mostly regular, some blocked for up to 3 s); suspensions begin at
    // random moments and stamp the tick current then; reads at random later moments.
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 40, max: 100 }) }, { weight: 1, arbitrary: fc.integer({ min: 101, max: 3000 }) }), { minLength: 1, maxLength: 1500 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 1e6 })), { minLength: 1, maxLength: 30 }),
        (gaps, probes) => {
          const c = new TickRecord();
          const ticks = [500];
          c.tick(500);
          for (const gap of gaps) {
            ticks.push(ticks[ticks.length - 1]! + gap);
            c.tick(ticks[ticks.length - 1]!);
          }
          const last = ticks[ticks.length - 1]!;
          for (const [at, readAt] of probes) {
            const began = 500 + (at / 1e6) * (last - 500);
            const i = ticks.findLastIndex((tk) => tk <= began);
            const stamp = ticks[i]!;
            const end = i + 1 < ticks.length ? ticks[i + 1]! : Infinity;
            const now = began + (readAt / 1e6) * (last + 1000 - began);
            const truth = now - began;
            const read = c.elapsed(stamp, now);
            assert.ok(read <= truth, `overstated: ${read} > ${truth}`);
            if (end !== Infinity && now > end) {
              // Understated by at most the interval's length (older regular ones: REGULAR_MS), or
              // for intervals merged in an overflowing late record, by what the merge covers.
              const slack = Math.max(end - stamp, REGULAR_MS) + 1;
              if (gaps.length < 700) assert.ok(truth - read <= slack, `understated by ${truth - read} > ${slack}`);
            }
          }
        },
      ),
      { numRuns: 60, seed: 20261202 },
    );
  });

  it('stays a lower bound when more late intervals than the record holds have left the ring (merged)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 101, max: 400 }), { minLength: 900, maxLength: 1400 }), fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 20, maxLength: 40 }), (gaps, probes) => {
        const c = new TickRecord();
        const ticks = [500];
        c.tick(500);
        for (const gap of gaps) {
          ticks.push(ticks[ticks.length - 1]! + gap);
          c.tick(ticks[ticks.length - 1]!);
        }
        const last = ticks[ticks.length - 1]!;
        for (const at of probes) {
          const began = 500 + (at / 1e6) * (last - 500);
          const stamp = ticks[ticks.findLastIndex((tk) => tk <= began)]!;
          const now = last + 10;
          assert.ok(c.elapsed(stamp, now) <= now - began);
        }
      }),
      { numRuns: 10, seed: 7 },
    );
  });
});
