/**
 * The runtime's registry of frames (src/runtime/frame.ts) driven directly, as instrumented code
 * drives it, with a clock this test sets (no ticker runs here, so nothing moves on its own):
 * unclaimed calls handed off, then registered; finished frames dropped; frames pending past
 * `weakAfterMs` held weakly and, once collected, counted; the `maxFrames` cap (oldest first);
 * frames that returned a promise watched until it settles; kept combinators and groups.
 * Assertions are on what a snapshot reads: the frames `forEachRegistered` visits and the counters.
 */

import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, it } from 'node:test';
import { intervalEnd, tick } from '../dist/runtime/clock.js';
import {
  counters,
  currentSeq,
  DONE,
  enterFunction,
  enterUnclaimable,
  forEachRegistered,
  Frame,
  framePromise,
  frameValue,
  groupOf,
  keep,
  keepCombinator,
  keptCombinatorOf,
  KIND_YIELD,
  limits,
  longestSuspension,
  maintain,
  registeredCount,
  setClock,
  setSiteKind,
  stashMembers,
  UNCLAIMABLE,
} from '../dist/runtime/frame.js';
import { RETURN_SITE_BASE } from '../dist/runtime/sites.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** An await site and a return site (no site records: every id here is an await's by default). */
const AWAIT = 3;
const RETURN = RETURN_SITE_BASE + 5;
const YIELD = 4;
const forever = new Promise(() => {});

/** The fake time: each step well apart, so that a tick interval ends where the next begins. */
let now = 1_000_000;
function advance(ms: number): number {
  now += ms;
  setClock(tick(now));
  return now;
}
advance(0);

/** `g()` as a statement: a call nobody claims, suspended at `await forever`. */
function dropped(): Frame {
  const f = enterFunction(0);
  f.a(AWAIT, forever);
  return f;
}

/** Seqs of the frames a snapshot would start from. */
function visited(): number[] {
  const out: number[] = [];
  forEachRegistered((f) => out.push(f.seq));
  return out;
}

/** Finishes frames (resumed, then left) so that the next sweep drops them. */
function finish(...frames: Frame[]): void {
  for (const f of frames) f.x();
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('frame registry', () => {
  it('an unclaimed call is the pending handoff, several go to a list a job registers; a finished frame is no longer visited and the next sweep drops it', async () => {
    maintain(now);
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
    const a = dropped();
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 1 });
    assert.deepEqual(visited(), [a.seq]);
    const b = dropped();
    const c = dropped();
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 3 });
    assert.deepEqual(visited(), [a.seq, b.seq, c.seq]);
    // The job queued behind this run registers them all.
    await Promise.resolve();
    assert.deepEqual(registeredCount(), { recent: 3, live: 0, old: 0, unclaimed: 0 });
    finish(b);
    assert.equal(b.site, DONE);
    assert.equal(frameValue(b), undefined, 'a finished frame keeps nothing alive');
    assert.deepEqual(visited(), [a.seq, c.seq]);
    maintain(advance(100));
    assert.deepEqual(registeredCount(), { recent: 0, live: 2, old: 0, unclaimed: 0 });
    assert.deepEqual(visited(), [a.seq, c.seq]);
    finish(a, c);
    maintain(advance(100));
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
    assert.deepEqual(visited(), []);
  });

  it('a claimed callee is reached through its awaiter, not registered; an unclaimable frame (a generator) is registered', () => {
    const caller = enterFunction(0);
    const q = caller.q;
    const callee = enterFunction(1);
    callee.a(AWAIT, forever);
    const promise = Promise.resolve();
    caller.c(AWAIT, q, promise);
    assert.equal(frameValue(caller), callee);
    assert.equal(framePromise(callee), promise);
    const generator = enterUnclaimable(2);
    generator.a(AWAIT, forever);
    maintain(advance(100));
    assert.deepEqual(visited(), [caller.seq, generator.seq]);
    assert.equal(framePromise(generator), UNCLAIMABLE);
    finish(callee, caller, generator);
    maintain(advance(100));
    assert.deepEqual(visited(), []);
  });

  it('a frame pending weakAfterMs (from the end of the tick it suspended in) is held weakly from then on, not a millisecond before', () => {
    const early = dropped();
    const stamp = early.since;
    const late = (advance(100), dropped());
    maintain(advance(100));
    assert.deepEqual(registeredCount(), { recent: 0, live: 2, old: 0, unclaimed: 0 });
    const movesAt = intervalEnd(stamp) + limits.weakAfterMs;
    maintain(movesAt - 1);
    assert.deepEqual(registeredCount(), { recent: 0, live: 2, old: 0, unclaimed: 0 });
    maintain(movesAt);
    assert.deepEqual(registeredCount(), { recent: 0, live: 1, old: 1, unclaimed: 0 });
    // Held weakly, still visited, oldest-held first.
    assert.deepEqual(visited(), [early.seq, late.seq]);
    finish(early, late);
    maintain(advance(100));
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
  });

  it('a weakly held frame nothing else holds is collected and counted once', async () => {
    const before = counters.collected;
    (() => {
      dropped();
      dropped();
    })();
    const kept = dropped();
    maintain(advance(100));
    maintain(advance(limits.weakAfterMs + 1000));
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 3, unclaimed: 0 });
    await turn();
    gc();
    await turn();
    gc();
    maintain(advance(100));
    assert.equal(counters.collected - before, 2);
    assert.deepEqual(visited(), [kept.seq]);
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 1, unclaimed: 0 });
    maintain(advance(100));
    assert.equal(counters.collected - before, 2, 'counted once');
    finish(kept);
    maintain(advance(100));
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
  });

  it('over maxFrames, the oldest are dropped and counted: weakly held ones first, then the oldest strongly held', () => {
    const saved = limits.maxFrames;
    const before = counters.evicted;
    try {
      const o1 = dropped();
      const o2 = dropped();
      maintain(advance(100));
      maintain(advance(limits.weakAfterMs + 1000));
      const l1 = dropped();
      const l2 = dropped();
      const l3 = dropped();
      maintain(advance(100));
      assert.deepEqual(registeredCount(), { recent: 0, live: 3, old: 2, unclaimed: 0 });
      limits.maxFrames = 5;
      maintain(advance(100));
      assert.equal(counters.evicted - before, 0, 'at the cap: nothing dropped');
      limits.maxFrames = 4;
      maintain(advance(100));
      assert.equal(counters.evicted - before, 1);
      assert.deepEqual(visited(), [o2.seq, l1.seq, l2.seq, l3.seq]);
      limits.maxFrames = 2;
      maintain(advance(100));
      assert.equal(counters.evicted - before, 3);
      assert.deepEqual(visited(), [l2.seq, l3.seq]);
      assert.deepEqual(registeredCount(), { recent: 0, live: 2, old: 0, unclaimed: 0 });
      // An evicted frame that finishes later leaves the registry as it is.
      finish(o1, o2, l1);
      limits.maxFrames = saved;
      maintain(advance(100));
      assert.deepEqual(visited(), [l2.seq, l3.seq]);
      finish(l2, l3);
      maintain(advance(100));
      assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
    } finally {
      limits.maxFrames = saved;
    }
  });

  it('a frame that returned a pending promise stays until the promise settles; one that returned a thenable or an object goes at the next sweep', async () => {
    let resolve!: () => void;
    const pending = new Promise<void>((r) => (resolve = r));
    const returnsPromise = enterFunction(0);
    returnsPromise.r(RETURN, pending);
    returnsPromise.x();
    const returnsThenable = enterFunction(0);
    returnsThenable.r(RETURN, { then() {} });
    returnsThenable.x();
    const returnsObject = enterFunction(0);
    returnsObject.r(RETURN, {});
    returnsObject.x();
    const returnsFunction = enterFunction(0);
    returnsFunction.r(RETURN, () => {});
    returnsFunction.x();
    const returnsNumber = enterFunction(0);
    returnsNumber.r(RETURN, 7);
    returnsNumber.x();
    const returnsNull = enterFunction(0);
    returnsNull.r(RETURN, null);
    returnsNull.x();
    assert.deepEqual([returnsNumber.site, returnsNull.site], [DONE, DONE], 'a primitive settles its promise at once');
    assert.deepEqual(visited(), [returnsPromise.seq, returnsThenable.seq, returnsObject.seq, returnsFunction.seq]);
    await Promise.resolve();
    maintain(advance(100));
    assert.deepEqual(visited(), [returnsPromise.seq]);
    assert.equal(returnsPromise.site, RETURN);
    maintain(advance(limits.weakAfterMs + 1000));
    assert.deepEqual(visited(), [returnsPromise.seq], 'still there, held weakly');
    resolve();
    await pending;
    await Promise.resolve();
    assert.equal(returnsPromise.site, DONE, 'retired by the reaction watching its promise');
    assert.deepEqual(visited(), []);
    maintain(advance(100));
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
  });

  it('a frame that returned its own promise (which V8 rejects at once) goes at the next sweep, unwatched', async () => {
    const own = new Promise(() => {});
    const f = enterFunction(0);
    const q = currentSeq() - 1;
    f.a(AWAIT, forever);
    assert.equal(keep(q, own), own);
    assert.equal(framePromise(f), own);
    f.r(RETURN, own);
    f.x();
    assert.deepEqual(visited(), [f.seq]);
    maintain(advance(100));
    assert.deepEqual(visited(), []);
    assert.equal(f.site, DONE);
  });

  it('a frame that returned a claimed call (`return g()`) stays until that callee is done', () => {
    const outer = enterFunction(0);
    const q = outer.q;
    const inner = enterFunction(1);
    inner.a(AWAIT, forever);
    outer.rc(RETURN, q, Promise.resolve());
    outer.x();
    assert.equal(frameValue(outer), inner);
    maintain(advance(100));
    assert.deepEqual(visited(), [outer.seq]);
    maintain(advance(100));
    assert.deepEqual(visited(), [outer.seq]);
    finish(inner);
    maintain(advance(100));
    assert.deepEqual(visited(), []);
    assert.equal(outer.site, DONE);
  });

  it('a weakly held frame that then returns a pending promise is held strongly again until it settles', async () => {
    const f = dropped();
    maintain(advance(100));
    maintain(advance(limits.weakAfterMs + 1000));
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 1, unclaimed: 0 });
    let resolve!: () => void;
    const pending = new Promise<void>((r) => (resolve = r));
    f.r(RETURN, pending);
    f.x();
    assert.deepEqual(registeredCount(), { recent: 1, live: 0, old: 1, unclaimed: 0 });
    maintain(advance(100));
    assert.deepEqual(registeredCount(), { recent: 0, live: 1, old: 0, unclaimed: 0 });
    assert.deepEqual(visited(), [f.seq]);
    resolve();
    await pending;
    await Promise.resolve();
    assert.deepEqual(visited(), []);
    maintain(advance(100));
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
  });

  it('more than 1024 registrations move the first ones on without a maintenance, dropping the finished ones among them; those already moved go at the next sweep', async () => {
    const frames = Array.from({ length: 1030 }, () => dropped());
    await Promise.resolve();
    // The job registered all 1030: 1024 filled the first list, which moved on when the 1025th came.
    assert.deepEqual(registeredCount(), { recent: 6, live: 1024, old: 0, unclaimed: 0 });
    finish(...frames.slice(0, 1029));
    const more = Array.from({ length: 1024 }, () => dropped());
    await Promise.resolve();
    // The 6 left over (5 finished) and the first 1018 new ones moved on: 1024 + 1 + 1018.
    assert.deepEqual(registeredCount(), { recent: 6, live: 2043, old: 0, unclaimed: 0 });
    assert.deepEqual(visited(), [frames[1029]!.seq, ...more.map((f) => f.seq)]);
    finish(frames[1029]!, ...more);
    maintain(advance(100));
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
  });

  it('kept combinators and groups are found by their result', () => {
    const members = [forever];
    const result = Promise.race(members);
    stashMembers(members);
    assert.equal(keepCombinator(7, result), result);
    const link = keptCombinatorOf(result)!;
    assert.deepEqual([link.site, link.members, link.promise], [7, members, result]);
    assert.equal(keptCombinatorOf(Promise.resolve()), undefined);
    // The stash is used once.
    const other = Promise.resolve();
    keepCombinator(8, other);
    assert.equal(keptCombinatorOf(other)!.members, undefined);
    assert.equal(keepCombinator(9, 5), 5, 'a primitive result is passed through');

    // Two calls made by uninstrumented code during one call whose promise is kept: a group.
    const caller = enterFunction(0);
    const q = caller.q;
    const one = enterFunction(1);
    one.a(AWAIT, forever);
    const two = enterFunction(1);
    two.a(AWAIT, forever);
    const all = Promise.resolve();
    assert.equal(keep(q, all), all);
    assert.deepEqual(groupOf(all)?.map((f) => f.seq), [one.seq, two.seq]);
    caller.a(AWAIT, all);
    finish(one, two, caller);
    maintain(advance(100));
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
  });

  it('longestSuspension: the longest current await down any registered chain, 0 with none', () => {
    assert.equal(longestSuspension(now), 0);
    const first = dropped();
    const stamp = first.since;
    advance(5000);
    const second = dropped();
    maintain(advance(100));
    assert.equal(longestSuspension(intervalEnd(stamp) + 2500), 2500);
    finish(first, second);
    maintain(advance(100));
    assert.equal(longestSuspension(now), 0);
  });

  it('longestSuspension walks down each chain (the callee waits longest), skips frames at a yield, reads precise stamps, and ends on a cycle', () => {
    // caller → callee: the callee's await began a tick earlier.
    const early = now;
    const caller = enterFunction(0);
    const q = caller.q;
    const callee = enterFunction(1);
    callee.a(AWAIT, forever);
    advance(1000);
    caller.c(AWAIT, q, Promise.resolve());
    maintain(advance(100));
    const at = intervalEnd(early) + 4000;
    assert.equal(longestSuspension(at), 4000);
    // A frame idle at a yield is not waiting: neither it nor what it holds counts.
    setSiteKind(YIELD, KIND_YIELD);
    const idle = enterFunction(0);
    idle.y(YIELD, forever);
    idle.since = -(early - 50_000);
    maintain(advance(100));
    assert.equal(longestSuspension(at), 4000);
    // A precise stamp (a reading, negative) longer ago than any tick wins; a later one does not.
    const precise = dropped();
    precise.since = -(at - 6000.5);
    assert.equal(longestSuspension(at), 6000);
    precise.since = -(at - 10);
    assert.equal(longestSuspension(at), 4000);
    // A frame awaiting itself, and two awaiting each other: the walk ends.
    const self = dropped();
    self.a(AWAIT, self);
    const ping = dropped();
    const pong = dropped();
    ping.a(AWAIT, pong);
    pong.a(AWAIT, ping);
    assert.equal(longestSuspension(at), 4000);
    finish(callee, caller, idle, precise, self, ping, pong);
    maintain(advance(100));
    assert.equal(longestSuspension(now), 0);
  });

  it('with 4096 frames moved on, finished ones are swept without a maintenance, and the next sweep waits for twice as many', async () => {
    maintain(advance(100));
    const first = Array.from({ length: 4096 }, () => dropped());
    await Promise.resolve();
    finish(...first.slice(0, 4000));
    // Moving the next 1024 on brings live to 4096 + : the sweep keeps the 96 pending and the 1023 new.
    const next = Array.from({ length: 1025 }, () => dropped());
    await Promise.resolve();
    assert.deepEqual(registeredCount(), { recent: 1, live: 96 + 1024, old: 0, unclaimed: 0 });
    finish(...first.slice(4000), ...next);
    maintain(advance(100));
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
  });

});
