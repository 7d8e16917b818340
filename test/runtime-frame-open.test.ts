/**
 * Paths of src/runtime/frame.ts that no program of the other tests reached (issue 15.5: each case
 * kills mutants docs/MUTATION.md listed as open), driven directly, each case on a fresh instance of
 * the module: `await it.next()` entering an async generator while other handoffs are pending (the
 * general claim), and what is known of a returning frame's result during a compaction sweep (no
 * watching there), in the sweep of weakly held frames, and at a return site marked `discardable`.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addSite, RETURN_SITE_BASE } from '../dist/runtime/sites.js';
import { tick } from '../dist/runtime/clock.js';
import { freshInstanceUrl } from './support/fresh.ts';

type FrameModule = typeof import('../dist/runtime/frame.js');
type Frame = InstanceType<FrameModule['Frame']>;
let instances = 0;
const freshFrames = async (): Promise<FrameModule> => (await import(freshInstanceUrl('runtime/frame.js', `open=${++instances}`))) as FrameModule;

const forever = new Promise(() => {});
const turn = () => new Promise((resolve) => setImmediate(resolve));
const LOOP = 11;
const AWAIT = 12;
/** A return site with no site record. */
const RETURN = RETURN_SITE_BASE + 900;

/** A clock for one fresh module, set to `start` (the thread's clock only moves forward: each case starts later): `advance(ms)` moves it on and returns the time (ms) for `maintain`. */
function clockOf(m: FrameModule, start: number): (ms: number) => number {
  let now = start;
  m.setClock(tick(now));
  return (ms) => {
    now += ms;
    m.setClock(tick(now));
    return now;
  };
}

/** A frame that awaited once, registered by maintenance, so that its return finds it registered. */
function registeredFrame(m: FrameModule, advance: (ms: number) => number): Frame {
  const f = m.enterFunction(0);
  f.a(AWAIT, forever);
  m.maintain(advance(100));
  return f;
}

/**
 * Makes what suspended in the current tick pending longer than weakAfterMs: a suspension counts
 * from the end of its tick, so the tick is closed first.
 */
function outlastWeakAfter(m: FrameModule, advance: (ms: number) => number): number {
  advance(100);
  return advance(m.limits.weakAfterMs + 1000);
}

/**
 * More than 4096 frames handed off in one run, registered by the job behind it: registering them
 * compacts `recent` into `live` until it holds 4096, which sweeps `live` without watching anything
 * (no maintenance in between).
 */
async function compactionSweep(m: FrameModule): Promise<void> {
  for (let i = 0; i < 5000; i++) m.enterFunction(0).a(AWAIT, forever);
  await turn();
}

describe('frame records: paths the programs do not reach', () => {
  describe('the general claim (other handoffs pending) of a call that entered an async generator', () => {
    it('`await it.next()` after a callee started a `for await`: waits on the generator, which is no longer the loop\'s', async () => {
      const m = await freshFrames();
      const y = m.enterFunction(0);
      // y's callee starts a `for await` and suspends at it: still a pending handoff when y calls it.next().
      const loop = m.enterFunction(1);
      loop.fb(LOOP);
      const q = y.q;
      const gen = m.enterGenerator(2);
      assert.equal(m.iterationsOf(loop)![0]!.entered, gen.seq);
      gen.y(AWAIT, 1);
      const next = Promise.resolve();
      assert.equal(y.c(AWAIT, q, next), next);
      assert.equal(m.frameValue(y), gen);
      assert.equal(m.iterationsOf(loop)![0]!.entered, 0);
      // The loop's frame (entered before q: not the callee) and the generator are registered; y is the pending handoff.
      assert.deepEqual(m.registeredCount(), { recent: 2, live: 0, old: 0, unclaimed: 1 });
      m.maintain(0);
      const seqs: number[] = [];
      m.forEachRegistered((f) => seqs.push(f.seq));
      assert.deepEqual(seqs, [loop.seq, gen.seq, y.seq]);
    });

    it('a generator entered before the counter was read (the call before) is not what the await waits on', async () => {
      const m = await freshFrames();
      const older = m.enterFunction(0);
      older.a(AWAIT, forever);
      const y = m.enterFunction(0);
      const dropped = m.enterGenerator(1);
      dropped.y(AWAIT, 1);
      // q is the seq of the generator entered just before: it was not this call's.
      const q = y.q;
      assert.equal(q, dropped.seq);
      const v = Promise.resolve();
      y.c(AWAIT, q, v);
      assert.equal(m.frameValue(y), v);
      assert.deepEqual(m.registeredCount(), { recent: 1, live: 0, old: 0, unclaimed: 2 });
    });

    it('a generator two levels below, under an unclaimable callee (a module), is not what the await waits on; nor is that callee', async () => {
      const m = await freshFrames();
      const older = m.enterFunction(0);
      older.a(AWAIT, forever);
      const y = m.enterFunction(0);
      const q = y.q;
      const mod = m.enterUnclaimable(1);
      const deep = m.enterGenerator(2);
      deep.y(AWAIT, 1);
      mod.a(AWAIT, forever);
      const v = Promise.resolve();
      y.c(AWAIT, q, v);
      assert.equal(m.frameValue(y), v);
      assert.equal(m.framePromise(mod), m.UNCLAIMABLE);
      assert.deepEqual(m.registeredCount(), { recent: 2, live: 0, old: 0, unclaimed: 2 });
    });

    it('two callees and a generator entered (`await Promise.all([a(), b(), it.next()])`): a group of the callees, not the generator', async () => {
      const m = await freshFrames();
      const older = m.enterFunction(0);
      older.a(AWAIT, forever);
      const y = m.enterFunction(0);
      const q = y.q;
      const a = m.enterFunction(1);
      a.a(AWAIT, forever);
      const b = m.enterFunction(1);
      b.a(AWAIT, forever);
      const gen = m.enterGenerator(1);
      gen.y(AWAIT, 1);
      const all = Promise.resolve();
      y.c(AWAIT, q, all);
      assert.equal(m.frameValue(y), all);
      assert.deepEqual(m.groupOf(all), [a, b]);
    });
  });

  describe('a returning frame\'s result, in the sweeps', () => {
    it('a compaction sweep watches nothing: a frame returning an unwatched promise stays held strongly, however long pending', async () => {
      const m = await freshFrames();
      const advance = clockOf(m, 4_000_000);
      const f = registeredFrame(m, advance);
      f.r(RETURN, new Promise(() => {}));
      f.x();
      outlastWeakAfter(m, advance);
      await compactionSweep(m);
      assert.deepEqual(m.registeredCount(), { recent: 904, live: 4097, old: 0, unclaimed: 0 });
      assert.equal(f.site, RETURN);
    });

    it('a compaction sweep moves a frame whose returned promise is watched already to the weakly held ones, once pending weakAfterMs', async () => {
      const m = await freshFrames();
      const advance = clockOf(m, 5_000_000);
      const f = registeredFrame(m, advance);
      f.r(RETURN, new Promise(() => {}));
      f.x();
      m.maintain(advance(100));
      outlastWeakAfter(m, advance);
      await compactionSweep(m);
      assert.deepEqual(m.registeredCount(), { recent: 904, live: 4096, old: 1, unclaimed: 0 });
      assert.equal(f.site, RETURN);
    });

    it('a compaction sweep retires a frame that returned a thenable (taken as settled)', async () => {
      const m = await freshFrames();
      const advance = clockOf(m, 6_000_000);
      const f = registeredFrame(m, advance);
      f.r(RETURN, { then() {} });
      f.x();
      await compactionSweep(m);
      assert.deepEqual(m.registeredCount(), { recent: 904, live: 4096, old: 0, unclaimed: 0 });
      assert.equal(f.site, m.DONE);
    });

    it('a frame returning a pending promise at a `discardable` return site (inside try/finally) is taken as settled', async () => {
      const m = await freshFrames();
      const advance = clockOf(m, 7_000_000);
      const discardable = addSite({ kind: 'return', file: 'file:///open.mjs', line: 1, column: 1, name: '', text: 'return p', discardable: true });
      const f = registeredFrame(m, advance);
      f.r(discardable, new Promise(() => {}));
      f.x();
      m.maintain(advance(100));
      assert.equal(f.site, m.DONE);
      assert.deepEqual(m.registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
    });

    it('a weakly held frame that returned a callee\'s call is retired by the sweep after that callee ends', async () => {
      const m = await freshFrames();
      const advance = clockOf(m, 8_000_000);
      const f = registeredFrame(m, advance);
      const q = f.q;
      const g = m.enterFunction(0);
      g.a(AWAIT, forever);
      f.rc(RETURN, q, Promise.resolve());
      f.x();
      assert.equal(m.frameValue(f), g);
      m.maintain(outlastWeakAfter(m, advance));
      assert.deepEqual(m.registeredCount(), { recent: 0, live: 0, old: 1, unclaimed: 0 });
      m.maintain(advance(100));
      assert.deepEqual(m.registeredCount(), { recent: 0, live: 0, old: 1, unclaimed: 0 });
      assert.equal(f.site, RETURN);
      g.x();
      m.maintain(advance(100));
      assert.deepEqual(m.registeredCount(), { recent: 0, live: 0, old: 0, unclaimed: 0 });
      assert.equal(f.site, m.DONE);
    });
  });
});
