/**
 * The claim paths of src/runtime/frame.ts driven directly, each case on a fresh instance of the
 * module: a frame that awaits again in a later run is registered once; `return g()` with nothing
 * handed off, and past an async generator its call entered; the general claim (several handoffs
 * pending) leaving shallower handoffs pending and deeper non-callees out of the array's slot; the
 * injected `np`/`pc` calls; the first return site id; a done callee in a chain.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RETURN_SITE_BASE } from '../dist/runtime/sites.js';
import { promiseSiteOf } from '../dist/runtime/created.js';
import { tick } from '../dist/runtime/clock.js';
import { freshInstanceUrl } from './support/fresh.ts';

type FrameModule = typeof import('../dist/runtime/frame.js');
let instances = 0;
const freshFrames = async (): Promise<FrameModule> => (await import(freshInstanceUrl('runtime/frame.js', `claims=${++instances}`))) as FrameModule;

const forever = new Promise(() => {});
const AWAIT = 12;
const AWAIT2 = 13;
/** The first return site a thread gives out has exactly this id. */
const FIRST_RETURN = RETURN_SITE_BASE;

function seqsOf(m: FrameModule): number[] {
  const out: number[] = [];
  m.forEachRegistered((f) => out.push(f.seq));
  return out;
}

describe('frame claims: corners', () => {
  it('a registered frame that awaits again in a later run, or returns a call, is not handed off again', async () => {
    const m = await freshFrames();
    const f = m.enterFunction(0);
    f.a(AWAIT, forever);
    const g = m.enterFunction(0);
    g.a(AWAIT, forever);
    const h = m.enterFunction(0);
    h.a(AWAIT, forever);
    m.maintain(0);
    assert.deepEqual(m.registeredCount(), { recent: 0, live: 3, old: 0, unclaimed: 0 });
    // Later runs: each resumes and suspends again, with nothing handed off.
    assert.equal(f.a(AWAIT2, forever), forever);
    assert.equal(g.c(AWAIT2, g.q, forever), forever);
    m.stashMembers([forever]);
    assert.equal(h.ac(AWAIT2, forever), forever);
    assert.deepEqual(m.registeredCount(), { recent: 0, live: 3, old: 0, unclaimed: 0 });
    const value = Promise.resolve(1);
    assert.equal(f.rc(FIRST_RETURN, f.q, value), value);
    assert.equal(m.frameValue(f), value);
    f.x();
    assert.deepEqual(m.registeredCount(), { recent: 0, live: 3, old: 0, unclaimed: 0 });
    assert.deepEqual(seqsOf(m), [f.seq, g.seq, h.seq]);
  });

  it('`return it.next()` on a generator its call entered does not wait on the generator (only an await does)', async () => {
    const m = await freshFrames();
    const f = m.enterFunction(0);
    const q = f.q;
    const gen = m.enterGenerator(1);
    gen.y(AWAIT, 1);
    const next = Promise.resolve();
    f.rc(FIRST_RETURN + 1, q, next);
    assert.equal(m.frameValue(f), next);
    // An await of the same shape waits on the generator.
    const f2 = m.enterFunction(0);
    const q2 = f2.q;
    const gen2 = m.enterGenerator(1);
    gen2.y(AWAIT, 1);
    f2.c(AWAIT, q2, next);
    assert.equal(m.frameValue(f2), gen2);
  });

  it('the general claim: shallower handoffs stay pending, one callee is returned and not registered, no group for it', async () => {
    const m = await freshFrames();
    // Two calls dropped at top level, then a caller whose callee it awaits.
    const x1 = m.enterFunction(0);
    x1.a(AWAIT, forever);
    const x2 = m.enterFunction(0);
    x2.a(AWAIT, forever);
    const y = m.enterFunction(0);
    const q = y.q;
    const g = m.enterFunction(1);
    g.a(AWAIT, forever);
    const p = Promise.resolve();
    y.c(AWAIT, q, p);
    assert.equal(m.frameValue(y), g);
    assert.equal(m.framePromise(g), p);
    assert.equal(m.groupOf(p), undefined);
    // x1, x2 and y are pending handoffs; g is its awaiter's, registered nowhere.
    assert.deepEqual(m.registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 3 });
    m.maintain(0);
    assert.deepEqual(seqsOf(m), [x1.seq, x2.seq, y.seq]);
  });

  it('the general claim with no callee: the handoffs pending are left as they are', async () => {
    const m = await freshFrames();
    const x1 = m.enterFunction(0);
    x1.a(AWAIT, forever);
    const x2 = m.enterFunction(0);
    x2.a(AWAIT, forever);
    const y = m.enterFunction(0);
    const v = Promise.resolve();
    y.c(AWAIT, y.q, v);
    assert.equal(m.frameValue(y), v);
    assert.deepEqual(m.registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 3 });
  });

  it('the general claim of an array: a frame a callee dropped (one level deeper) gets no slot, and the slot lists the callees\' seqs', async () => {
    const m = await freshFrames();
    const x1 = m.enterFunction(0);
    x1.a(AWAIT, forever);
    const y = m.enterFunction(0);
    const q = y.q;
    const g1 = m.enterFunction(1);
    const dropped = m.enterFunction(2);
    dropped.a(AWAIT, forever);
    g1.a(AWAIT, forever);
    const g2 = m.enterFunction(1);
    g2.a(AWAIT, forever);
    const array = [Promise.resolve(1), Promise.resolve(2)];
    y.c(AWAIT, q, array);
    const slot = m.framePromise(g1) as InstanceType<typeof m.ArraySlot>;
    assert.ok(slot instanceof m.ArraySlot);
    assert.equal(m.framePromise(g2), slot);
    assert.equal(m.framePromise(dropped), undefined);
    assert.deepEqual([slot.seqs![0], slot.seqs![1]], [g1.seq, g2.seq]);
    assert.deepEqual([m.arraySlotIndex(slot, g1.seq), m.arraySlotIndex(slot, g2.seq), m.arraySlotIndex(slot, dropped.seq)], [0, 1, -1]);
    // The dropped frame, g1 and g2 registered in the order they handed off; x1 and y pending.
    assert.deepEqual(m.registeredCount(), { recent: 3, live: 0, old: 0, unclaimed: 2 });
    assert.deepEqual(seqsOf(m), [dropped.seq, g1.seq, g2.seq, x1.seq, y.seq]);
  });

  it('np and pc, the injected calls for `new Promise` and a kept combinator, record their site and return the value', async () => {
    const m = await freshFrames();
    const f = m.enterFunction(0);
    const p = new Promise(() => {});
    assert.equal(f.np(21, p), p);
    assert.equal(promiseSiteOf(p), 21);
    const all = Promise.all([]);
    assert.equal(f.pc(22, all), all);
    assert.equal(m.keptCombinatorOf(all)!.site, 22);
    f.x();
  });

  it('the first return site id: a weakly held frame returning a pending promise there is held strongly again, and retired when it settles', async () => {
    const m = await freshFrames();
    let now = 5_000_000;
    const advance = (ms: number) => {
      now += ms;
      m.setClock(tick(now));
      return now;
    };
    advance(0);
    const w0 = m.enterFunction(0);
    w0.a(AWAIT, forever);
    const w1 = m.enterFunction(0);
    w1.a(AWAIT, forever);
    m.maintain(advance(100));
    m.maintain(advance(m.limits.weakAfterMs + 1000));
    assert.deepEqual(m.registeredCount(), { recent: 0, live: 0, old: 2, unclaimed: 0 });
    let resolve!: () => void;
    const pending = new Promise<void>((r) => (resolve = r));
    // The second weakly held frame (its entry at index 1) returns.
    w1.r(FIRST_RETURN, pending);
    w1.x();
    assert.deepEqual(m.registeredCount(), { recent: 1, live: 0, old: 2, unclaimed: 0 });
    assert.deepEqual(seqsOf(m), [w0.seq, w1.seq]);
    m.maintain(advance(100));
    assert.deepEqual(m.registeredCount(), { recent: 0, live: 1, old: 1, unclaimed: 0 });
    resolve();
    await pending;
    await new Promise((r) => setImmediate(r));
    assert.equal(w1.site, m.DONE);
    assert.deepEqual(seqsOf(m), [w0.seq]);
  });

  it('longestSuspension stops at a callee that is done, whatever its last stamp', async () => {
    const m = await freshFrames();
    const T = 9_000_000;
    const caller = m.enterFunction(0);
    const q = caller.q;
    const callee = m.enterFunction(1);
    callee.a(AWAIT, forever);
    caller.c(AWAIT, q, forever);
    m.maintain(0);
    caller.since = -(T - 100);
    callee.since = -(T - 5000);
    assert.equal(m.longestSuspension(T), 5000);
    callee.x();
    assert.equal(m.frameValue(caller), callee);
    callee.since = -(T - 5000);
    assert.equal(m.longestSuspension(T), 100);
  });

  it('a `for await` notes only a generator entered one level below it', async () => {
    const m = await freshFrames();
    const f = m.enterFunction(0);
    f.fb(11);
    const a = m.enterFunction(1);
    const deep = m.enterGenerator(2);
    deep.y(AWAIT, 1);
    a.a(AWAIT, forever);
    assert.equal(m.iterationsOf(f)![0]!.entered, 0);
    const g = m.enterGenerator(1);
    g.y(AWAIT, 1);
    assert.equal(m.iterationsOf(f)![0]!.entered, g.seq);
    await new Promise((r) => setImmediate(r));
  });
});
