/**
 * What the runtime records per frame besides the registry (src/runtime/frame.ts), driven directly
 * as instrumented code drives it: site kinds (a table that grows), iterations in flight per site,
 * a burst of handoffs in one run, an array of call results (a slot per callee), and a yield.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ArraySlot,
  arraySlotIndex,
  currentSeq,
  DONE,
  enterFunction,
  enterUnclaimable,
  framePromise,
  frameValue,
  groupOf,
  iterationsOf,
  keep,
  KIND_AWAIT,
  KIND_RETURN,
  KIND_YIELD,
  maintain,
  registeredCount,
  setSiteKind,
  siteKindOf,
} from '../dist/runtime/frame.js';
import { RETURN_SITE_BASE } from '../dist/runtime/sites.js';

const forever = new Promise(() => {});

describe('frame records', () => {
  it('site kinds: awaits by default, set ones kept, the table grown past its size and past double it; return ids are returns', () => {
    assert.deepEqual([KIND_AWAIT, KIND_RETURN, KIND_YIELD], [0, 1, 2]);
    assert.equal(siteKindOf(5), KIND_AWAIT);
    setSiteKind(5, KIND_YIELD);
    setSiteKind(1023, KIND_YIELD);
    setSiteKind(1024, KIND_YIELD);
    setSiteKind(5000, KIND_RETURN);
    assert.deepEqual([5, 6, 1023, 1024, 1025, 4999, 5000, 5001, 100_000].map(siteKindOf), [2, 0, 2, 2, 0, 0, 1, 0, 0]);
    setSiteKind(RETURN_SITE_BASE + 1, KIND_YIELD);
    assert.equal(siteKindOf(RETURN_SITE_BASE + 1), KIND_RETURN, 'return ids are returns whatever is set');
    assert.equal(siteKindOf(RETURN_SITE_BASE), KIND_RETURN);
    assert.equal(siteKindOf(RETURN_SITE_BASE - 1), KIND_AWAIT);
    setSiteKind(5, KIND_AWAIT);
    assert.equal(siteKindOf(5), KIND_AWAIT);
  });

  it('iterations: one per site, the latest loop start replacing the earlier at that site; each names the first frame entered after it', () => {
    const f = enterUnclaimable(0);
    assert.equal(iterationsOf(f), undefined);
    f.fb(10);
    assert.deepEqual(iterationsOf(f)!.map((l) => [l.site, l.firstSeq]), [[10, currentSeq() + 1]]);
    assert.equal(f.site, 10);
    assert.equal(frameValue(f), undefined);
    const inner = enterUnclaimable(1);
    inner.a(0, forever);
    f.ud(11);
    const afterInner = currentSeq() + 1;
    assert.deepEqual(iterationsOf(f)!.map((l) => [l.site, l.firstSeq]), [[10, inner.seq], [11, afterInner]]);
    enterFunction(2).x();
    f.fb(10);
    assert.deepEqual(iterationsOf(f)!.map((l) => [l.site, l.firstSeq]), [[10, currentSeq() + 1], [11, afterInner]]);
    // The end of a loop body: waiting at the loop's site again, on nothing recorded.
    f.a(12, forever);
    f.fh(10);
    assert.deepEqual([f.site, frameValue(f)], [10, undefined]);
    f.y(13, 'item');
    assert.deepEqual([f.site, frameValue(f)], [13, 'item']);
    f.x();
    inner.x();
    assert.deepEqual([f.site, inner.site], [DONE, DONE]);
    maintain(performance.now());
  });

  it('a burst of 100 unclaimed calls in one run: all handed off, then all registered by the job behind the run', async () => {
    maintain(performance.now());
    const frames = Array.from({ length: 100 }, () => {
      const f = enterFunction(0);
      f.a(0, forever);
      return f;
    });
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 100 });
    await Promise.resolve();
    assert.deepEqual(registeredCount(), { recent: 100, live: 0, old: 0, unclaimed: 0 });
    for (const f of frames) f.x();
    maintain(performance.now());
    assert.deepEqual(registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
  });

  it('an array of call results (`[g(), h()]`, `ids.map(async …)`) gives each callee a slot: its element', () => {
    const caller = enterFunction(0);
    const q = caller.q;
    const g = enterFunction(1);
    g.a(0, forever);
    const h = enterFunction(1);
    h.a(0, forever);
    const array = [Promise.resolve('g'), Promise.resolve('h')];
    assert.equal(keep(q, array), array);
    const slots = [g, h].map((f) => framePromise(f) as ArraySlot);
    assert.ok(slots.every((s) => s instanceof ArraySlot));
    assert.equal(slots[0], slots[1], 'one slot record for the whole array');
    assert.deepEqual(slots.map((s, i) => [s.array, arraySlotIndex(s, [g, h][i]!.seq)]), [[array, 0], [array, 1]]);
    assert.equal(slots[0]!.seqs, undefined, 'consecutive callees need no list of seqs');
    assert.equal(groupOf(array), undefined, 'an array is not a group');
    assert.deepEqual(registeredCount().unclaimed, 0);
    caller.a(0, forever);
    // A one-element array filled by uninstrumented code with one call: a slot too.
    const one = enterFunction(1);
    const q2 = currentSeq() - 1;
    one.a(0, forever);
    const single = [Promise.resolve()];
    keep(q2, single);
    assert.deepEqual([(framePromise(one) as ArraySlot).array, arraySlotIndex(framePromise(one) as ArraySlot, one.seq)], [single, 0]);
    // Two callees and a result of another length: neither slots nor a group (it is no promise).
    const caller2 = enterFunction(0);
    const q3 = caller2.q;
    const a = enterFunction(1);
    a.a(0, forever);
    const b = enterFunction(1);
    b.a(0, forever);
    const other = [1, 2, 3];
    keep(q3, other);
    assert.deepEqual([framePromise(a), framePromise(b), groupOf(other)], [undefined, undefined, undefined]);
    caller2.a(0, forever);
    // One callee whose result is not a one-element array of its own: the result itself is kept.
    let seqsOfLastKeep: number[] = [];
    const keptAs = (result: unknown, callees: number): unknown[] => {
      const c = enterFunction(0);
      const qq = c.q;
      const made = Array.from({ length: callees }, () => {
        const f = enterFunction(1);
        f.a(0, forever);
        return f;
      });
      keep(qq, result);
      c.a(0, forever);
      const seen = made.map((f) => framePromise(f));
      seqsOfLastKeep = made.map((f) => f.seq);
      for (const f of [...made, c]) f.x();
      return seen;
    };
    const two = [Promise.resolve(), Promise.resolve()];
    assert.deepEqual(keptAs(two, 1), [two]);
    const proxyOfOne = new Proxy([Promise.resolve()], {});
    assert.deepEqual(keptAs(proxyOfOne, 1), [proxyOfOne]);
    const arrayLike = { 0: Promise.resolve(), length: 1 };
    assert.deepEqual(keptAs(arrayLike, 1), [arrayLike]);
    const fn = Object.assign(() => {}, { 0: 1 });
    assert.deepEqual(keptAs(fn, 1), [fn]);
    assert.deepEqual(keptAs(null, 1), [null]);
    // Two callees: slots only in a real array of exactly two; nothing kept otherwise (no promise: no group).
    assert.deepEqual(keptAs(new Proxy([1, 2], {}), 2), [undefined, undefined]);
    assert.deepEqual(keptAs({ 0: 1, 1: 2, length: 2 }, 2), [undefined, undefined]);
    assert.deepEqual(keptAs(function twoArgs(_a: unknown, _b: unknown) {}, 2), [undefined, undefined]);
    assert.deepEqual(keptAs(null, 2), [undefined, undefined]);
    // A revoked proxy (on which Array.isArray throws): kept as the result itself with one callee, nothing with two; no throw.
    const revoked = (target: unknown[]): unknown => {
      const { proxy, revoke } = Proxy.revocable(target, {});
      revoke();
      return proxy;
    };
    const revokedOfOne = revoked([Promise.resolve()]);
    assert.deepEqual(keptAs(revokedOfOne, 1), [revokedOfOne]);
    assert.deepEqual(keptAs(revoked([1, 2]), 2), [undefined, undefined]);
    const pair = [1, 2];
    assert.deepEqual(keptAs(pair, 2).map((p, i) => [(p as ArraySlot).array, arraySlotIndex(p as ArraySlot, seqsOfLastKeep[i]!)]), [[pair, 0], [pair, 1]]);
    for (const f of [g, h, caller, one, a, b, caller2]) f.x();
    maintain(performance.now());
  });

  it('callees that made frames before suspending share one slot that lists their seqs', () => {
    const caller = enterFunction(0);
    const q = caller.q;
    // g awaits an inner call (claimed by g) before suspending: the seqs of the array's callees are not consecutive.
    const g = enterFunction(1);
    const gq = g.q;
    const inner = enterFunction(2);
    inner.a(0, forever);
    const innerPromise = Promise.resolve();
    g.c(0, gq, innerPromise);
    const h = enterFunction(1);
    h.a(0, forever);
    const k = enterFunction(1);
    k.a(0, forever);
    const array = [Promise.resolve('g'), Promise.resolve('h'), Promise.resolve('k')];
    keep(q, array);
    const slot = framePromise(g) as ArraySlot;
    assert.ok(slot instanceof ArraySlot);
    assert.deepEqual([framePromise(h), framePromise(k)], [slot, slot]);
    assert.equal(framePromise(inner), innerPromise, 'the inner call stays claimed by g');
    assert.deepEqual([g.seq + 2, k.seq], [h.seq, h.seq + 1]);
    assert.deepEqual(Array.from(slot.seqs as ArrayLike<number>), [g.seq, h.seq, k.seq]);
    assert.deepEqual([g, h, k, inner, caller].map((f) => arraySlotIndex(slot, f.seq)), [0, 1, 2, -1, -1]);
    caller.a(0, forever);
    for (const f of [inner, g, h, k, caller]) f.x();
    maintain(performance.now());
  });
});
