/**
 * Corners of the runtime's frame records (src/runtime/frame.ts) driven directly, each case on a
 * fresh instance of the module (its own counters, lists and flags): site kinds of foreign ids
 * (self-contained modules), the job that ends a run when the first thing it did was start a
 * `for await` or an `await using` disposal, and which frame a disposal waits on.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FOREIGN_SITE_BASE, RETURN_SITE_BASE } from '../dist/runtime/sites.js';
import { tick } from '../dist/runtime/clock.js';
import { freshInstanceUrl } from './support/fresh.ts';

type FrameModule = typeof import('../dist/runtime/frame.js');
let instances = 0;
const freshFrames = async (): Promise<FrameModule> => (await import(freshInstanceUrl('runtime/frame.js', `edges=${++instances}`))) as FrameModule;

const forever = new Promise(() => {});
const turn = () => new Promise((resolve) => setImmediate(resolve));
/** A `for await` / `await using` site and a plain await site (no site records needed). */
const LOOP = 11;
const AWAIT = 12;

describe('frame records: corners', () => {
  it('site kinds of foreign ids live in their own table, grown as needed; own ids and return ids unaffected', async () => {
    const m = await freshFrames();
    m.setSiteKind(FOREIGN_SITE_BASE, m.KIND_YIELD);
    m.setSiteKind(7, m.KIND_YIELD);
    // The foreign table starts at 1024 entries: 2048 is past its size and exactly its double.
    m.setSiteKind(FOREIGN_SITE_BASE + 2048, m.KIND_RETURN);
    m.setSiteKind(FOREIGN_SITE_BASE + 9000, m.KIND_YIELD);
    assert.deepEqual(
      [0, 7, 2048, FOREIGN_SITE_BASE, FOREIGN_SITE_BASE + 7, FOREIGN_SITE_BASE + 2047, FOREIGN_SITE_BASE + 2048, FOREIGN_SITE_BASE + 9000, FOREIGN_SITE_BASE + 9001].map(m.siteKindOf),
      [m.KIND_AWAIT, m.KIND_YIELD, m.KIND_AWAIT, m.KIND_YIELD, m.KIND_AWAIT, m.KIND_AWAIT, m.KIND_RETURN, m.KIND_YIELD, m.KIND_AWAIT],
    );
    assert.equal(m.siteKindOf(RETURN_SITE_BASE + FOREIGN_SITE_BASE), m.KIND_RETURN);
  });

  it('the first run of the thread hands its unclaimed calls to the job behind it, with no maintenance before', async () => {
    const m = await freshFrames();
    const a = m.enterFunction(0);
    a.a(AWAIT, forever);
    const b = m.enterFunction(0);
    b.a(AWAIT, forever);
    assert.deepEqual(m.registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 2 });
    await turn();
    assert.deepEqual(m.registeredCount(), { recent: 2, live: 0, old: 0, unclaimed: 0 });
  });

  it('a `for await` begun first in its run: the run\'s end forgets it, so a generator entered in a later run is not its', async () => {
    const m = await freshFrames();
    const f = m.enterFunction(0);
    f.fb(LOOP);
    assert.equal(f.site, LOOP);
    await turn();
    const g = m.enterGenerator(1);
    g.a(AWAIT, forever);
    assert.deepEqual(m.iterationsOf(f)!.map((l) => [l.site, l.firstSeq, l.entered]), [[LOOP, f.seq + 1, 0]]);
  });

  it('an `await using` block ending first in its run: suspended at the disposal, which the run\'s end forgets', async () => {
    const m = await freshFrames();
    m.setClock(5000);
    const f = m.enterFunction(0);
    f.ud(LOOP);
    assert.deepEqual([f.site, m.frameValue(f), f.since], [LOOP, undefined, 5000]);
    await turn();
    const later = m.enterFunction(1);
    later.a(AWAIT, forever);
    assert.deepEqual(m.iterationsOf(f)!.map((l) => [l.site, l.firstSeq, l.entered]), [[LOOP, f.seq + 1, 0]]);
    assert.equal(m.framePromise(later), undefined);
  });

  it('the disposal waits on the first frame entered after it one level deeper; while its function is the pending handoff, no caller may claim that frame', async () => {
    const m = await freshFrames();
    const f = m.enterFunction(0);
    f.ud(LOOP);
    const disposer = m.enterFunction(1);
    disposer.a(AWAIT, forever);
    assert.equal(m.iterationsOf(f)![0]!.entered, disposer.seq);
    assert.equal(m.framePromise(disposer), m.UNCLAIMABLE);
    // The next frame to hand off is no disposer.
    const next = m.enterFunction(2);
    next.a(AWAIT, forever);
    assert.equal(m.framePromise(next), undefined);
    await turn();
  });

  it('a disposer that calls an async function and drops it before its own first await: still the disposal\'s, and unclaimable while its function is the pending handoff', async () => {
    const m = await freshFrames();
    const f = m.enterFunction(0);
    f.ud(LOOP);
    const disposer = m.enterFunction(1);
    // `log()` inside the disposer, entered one level deeper, hands off before the disposer does.
    const dropped = m.enterFunction(2);
    dropped.a(AWAIT, forever);
    disposer.a(AWAIT, forever);
    assert.equal(m.iterationsOf(f)![0]!.entered, disposer.seq);
    assert.deepEqual([m.framePromise(disposer), m.framePromise(dropped)], [m.UNCLAIMABLE, undefined]);
    await turn();
  });

  it('a disposal in a later run of its function (claimed already): the disposer is its, and claimable', async () => {
    const m = await freshFrames();
    const f = m.enterFunction(0);
    f.a(AWAIT, forever);
    // A single handoff waits for the next claim or maintenance to be registered.
    m.maintain(0);
    assert.deepEqual(m.registeredCount(), { recent: 0, live: 1, old: 0, unclaimed: 0 });
    f.ud(LOOP);
    const disposer = m.enterFunction(1);
    disposer.a(AWAIT, forever);
    assert.equal(m.iterationsOf(f)![0]!.entered, disposer.seq);
    assert.equal(m.framePromise(disposer), undefined);
    await turn();
  });

  it('the first frame after a disposal, entered at another depth, is not its disposer, and the disposal is forgotten', async () => {
    const m = await freshFrames();
    const outer = m.enterFunction(0);
    const f = m.enterFunction(1);
    f.ud(LOOP);
    // Back in `outer` (depth 1), which suspends: it entered before the disposal.
    outer.a(AWAIT, forever);
    // Entered at depth 1, not 2: a call `outer`'s caller made, not the disposal's.
    const other = m.enterFunction(2);
    other.a(AWAIT, forever);
    const after = m.enterFunction(3);
    after.a(AWAIT, forever);
    assert.equal(m.iterationsOf(f)![0]!.entered, 0);
    assert.deepEqual([m.framePromise(other), m.framePromise(after)], [undefined, undefined]);
    await turn();
  });

  it('longestSuspension: walks a chain to its end (the deepest waits longest), the earliest precise reading wins, an await of null ends the walk', async () => {
    const m = await freshFrames();
    const T = 1_000_000;
    const root = m.enterFunction(0);
    const q0 = root.q;
    const c1 = m.enterFunction(1);
    const q1 = c1.q;
    const c2 = m.enterFunction(2);
    const q2 = c2.q;
    const c3 = m.enterFunction(3);
    c3.a(AWAIT, forever);
    c2.c(AWAIT, q2, forever);
    c1.c(AWAIT, q1, forever);
    root.c(AWAIT, q0, forever);
    assert.deepEqual([m.frameValue(root), m.frameValue(c1), m.frameValue(c2)], [c1, c2, c3]);
    m.maintain(0);
    // Precise stamps (negative readings): exact durations at T.
    root.since = -(T - 10);
    c1.since = -(T - 20);
    c2.since = -(T - 30);
    c3.since = -(T - 4000);
    assert.equal(m.longestSuspension(T), 4000);
    // A later root with a later reading does not replace the earliest.
    const later = m.enterFunction(0);
    later.a(AWAIT, null);
    m.maintain(0);
    later.since = -(T - 5);
    assert.equal(m.longestSuspension(T), 4000);
    c3.since = -(T - 40);
    assert.equal(m.longestSuspension(T), 40);
  });

  it('a kept combinator result that is null or a primitive is returned as it is, and recorded nowhere', async () => {
    const m = await freshFrames();
    assert.equal(m.keepCombinator(5, null), null);
    assert.equal(m.keepCombinator(5, 42), 42);
    const kept = Promise.resolve();
    assert.equal(m.keepCombinator(5, kept), kept);
    assert.equal(m.keptCombinatorOf(kept)!.site, 5);
  });

  it('a proxy of a one-element array kept for a callee is not read: the callee\'s promise is the proxy itself, no slot', async () => {
    const m = await freshFrames();
    let trapped = 0;
    const proxy = new Proxy([Promise.resolve()], {
      get(target, key) {
        trapped++;
        return Reflect.get(target, key);
      },
      getPrototypeOf(target) {
        trapped++;
        return Reflect.getPrototypeOf(target);
      },
    });
    const caller = m.enterFunction(0);
    const q = caller.q;
    const g = m.enterFunction(1);
    g.a(AWAIT, forever);
    assert.equal(m.keep(q, proxy), proxy);
    assert.equal(m.framePromise(g), proxy);
    // Two callees and a proxy of a two-element array: the same.
    const q2 = caller.q;
    const h1 = m.enterFunction(1);
    h1.a(AWAIT, forever);
    const h2 = m.enterFunction(1);
    h2.a(AWAIT, forever);
    const proxy2 = new Proxy([1, 2], { get: (t, k) => (trapped++, Reflect.get(t, k)) });
    assert.equal(m.keep(q2, proxy2), proxy2);
    assert.deepEqual([m.framePromise(h1), m.framePromise(h2)], [undefined, undefined]);
    assert.equal(trapped, 0);
    caller.a(AWAIT, forever);
    await turn();
  });

  it('over maxFrames, the weakly held frames kept move down in the list: each finishing later clears its own entry, an evicted one none', async () => {
    const m = await freshFrames();
    const saved = m.limits.maxFrames;
    try {
      let now = 2_000_000;
      const advance = (ms: number) => {
        now += ms;
        m.setClock(tick(now));
        return now;
      };
      advance(0);
      const frames = [0, 1, 2, 3].map(() => {
        const f = m.enterFunction(0);
        f.a(AWAIT, forever);
        return f;
      });
      const [o1, o2, o3, o4] = frames as [InstanceType<FrameModule['Frame']>, InstanceType<FrameModule['Frame']>, InstanceType<FrameModule['Frame']>, InstanceType<FrameModule['Frame']>];
      m.maintain(advance(100));
      m.maintain(advance(m.limits.weakAfterMs + 1000));
      assert.deepEqual(m.registeredCount(), { recent: 0, live: 0, old: 4, unclaimed: 0 });
      m.limits.maxFrames = 3;
      m.maintain(advance(100));
      const seqs = () => {
        const out: number[] = [];
        m.forEachRegistered((f) => out.push(f.seq));
        return out;
      };
      assert.deepEqual(seqs(), [o2.seq, o3.seq, o4.seq]);
      // The evicted frame finishing clears nobody's entry; a kept one clears exactly its own.
      o1.x();
      assert.deepEqual(seqs(), [o2.seq, o3.seq, o4.seq]);
      o2.x();
      assert.deepEqual(seqs(), [o3.seq, o4.seq]);
      o4.x();
      assert.deepEqual(seqs(), [o3.seq]);
      m.limits.maxFrames = saved;
      m.maintain(advance(100));
      assert.deepEqual(m.registeredCount(), { recent: 0, live: 0, old: 1, unclaimed: 0 });
      assert.equal(m.counters.evicted, 1);
    } finally {
      m.limits.maxFrames = saved;
    }
  });

  it('a frame that returned a pending promise, watched, is held weakly once pending weakAfterMs, and retired when the promise settles', async () => {
    const m = await freshFrames();
    let now = 3_000_000;
    const advance = (ms: number) => {
      now += ms;
      m.setClock(tick(now));
      return now;
    };
    advance(0);
    let resolve!: () => void;
    const pending = new Promise<void>((r) => (resolve = r));
    const f = m.enterFunction(0);
    f.a(AWAIT, forever);
    m.maintain(advance(100));
    f.r(RETURN_SITE_BASE + 1, pending);
    f.x();
    m.maintain(advance(100));
    assert.deepEqual(m.registeredCount(), { recent: 0, live: 1, old: 0, unclaimed: 0 });
    m.maintain(advance(m.limits.weakAfterMs + 1000));
    assert.deepEqual(m.registeredCount(), { recent: 0, live: 0, old: 1, unclaimed: 0 });
    m.maintain(advance(100));
    assert.deepEqual(m.registeredCount(), { recent: 0, live: 0, old: 1, unclaimed: 0 });
    assert.equal(f.site, RETURN_SITE_BASE + 1);
    resolve();
    await pending;
    await turn();
    assert.equal(f.site, m.DONE);
    m.maintain(advance(100));
    assert.deepEqual(m.registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
  });
});
