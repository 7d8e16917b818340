/**
 * buildGraph on runtime records made by hand (no program runs): which frames are pending —
 * running and yielded frames not, returning frames while what they return is pending, a frame
 * returning its own promise not, two frames returning each other's promises both (a deadlock) —,
 * a caller's kept promise found through many distinct values (the scan, then the map), return
 * sites kept apart from await sites with the same number, the graph's edges by position, and
 * `frameOf`.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildGraph } from '../dist/snapshot/build.js';
import type { SiteInfo, SnapshotSource } from '../dist/snapshot/source.js';
import { ArraySlot, CombinatorLink, DONE, Frame, GENERATOR, KIND_AWAIT, KIND_RETURN, KIND_YIELD, UNCLAIMABLE } from '../dist/runtime/frame.js';
import { RETURN_SITE_BASE } from '../dist/snapshot/frame-records.js';

const FILE = '/app/a.mjs';
const site = (kind: string, line: number, extra: Partial<SiteInfo> = {}): SiteInfo => ({ kind, file: FILE, line, column: 3, name: '', text: '', ...extra });

/** Functions 0 (alpha) and 10 (gen, a generator); await 1, yield 11, await 2 with the same number as return site R2. */
const R2 = RETURN_SITE_BASE + 2;
const sites = new Map<number, SiteInfo>([
  [0, site('function', 1, { name: 'alpha', column: 1 })],
  [1, site('await', 2, { fn: 0, text: 'await x' })],
  [2, site('await', 3, { fn: 0, text: 'await y' })],
  [R2, site('return', 4, { fn: 0, text: 'return p' })],
  [10, site('generator', 9, { name: 'gen', column: 1 })],
  [11, site('yield', 10, { fn: 10, text: 'yield 1' })],
  [20, site('combinator', 20, { combinator: 'race', members: ['first()', '', 'third'] })],
  [21, site('combinator', 21)],
  [30, site('promise', 30, { column: 9 })],
  [31, site('await', 31, { fn: 0, text: 'await new Promise(r)', created: 32 })],
  [32, site('promise', 31, { column: 9 })],
  // A module's top level (another file), and one in this test's own file (on the stack while the test takes the snapshot).
  [40, { kind: 'module', file: '/app/m.mjs', line: 1, column: 1, name: '<module>', text: '' }],
  [41, { kind: 'await', file: '/app/m.mjs', line: 2, column: 1, name: '', text: 'await p', fn: 40 }],
  [42, { kind: 'module', file: import.meta.url, line: 1, column: 1, name: '<module>', text: '' }],
  [43, { kind: 'await', file: import.meta.url, line: 2, column: 1, name: '', text: 'await p', fn: 42 }],
  [44, site('generator', 44, { name: 'gen', column: 1 })],
  [45, site('await', 45, { fn: 44, text: 'await p' })],
]);
const kinds = new Map([[R2, KIND_RETURN], [11, KIND_YIELD]]);

interface Hooks {
  groups?: Map<object, Frame[]>;
  combinators?: Map<object, CombinatorLink>;
  created?: Map<object, number>;
}

function sourceOf(registered: Frame[], hooks: Hooks = {}): SnapshotSource {
  return {
    forEachRegistered: (visit: (f: Frame) => void) => registered.forEach((f) => visit(f)),
    getSite: (id: number) => sites.get(id),
    siteKindOf: (id: number) => kinds.get(id) ?? KIND_AWAIT,
    iterationsOf: () => undefined,
    keptCombinatorOf: (v: object) => hooks.combinators?.get(v),
    groupOf: (v: object) => hooks.groups?.get(v),
    promiseSiteOf: (v: object) => hooks.created?.get(v),
    elapsed: (since: number) => since,
    counters: { collected: 0, evicted: 0 },
  } as unknown as SnapshotSource;
}

/** A frame with the given seq (and kept promise), suspended at `siteId` on `value` (a return when the site is a return site). */
function frame(seq: number, siteId: number, value: unknown, kept: unknown = undefined): Frame {
  const f = new Frame(kept);
  f.seq = seq;
  f.site = 0;
  if (siteId >= RETURN_SITE_BASE) f.r(siteId, value);
  else f.a(siteId, value);
  f.since = seq;
  return f;
}

function running(seq: number): Frame {
  const f = new Frame(undefined);
  f.seq = seq;
  return f;
}

/** Each node as `id state awaits`, and the roots. */
function shape(registered: Frame[], hooks: Hooks = {}) {
  const graph = buildGraph(sourceOf(registered, hooks), { cwd: '/app' });
  const nodes = graph.snapshot.nodes.map((n) => `${n.id} ${n.type === 'frame' ? n.state : n.type} > ${n.awaits.join(',')}`);
  return { nodes, roots: graph.snapshot.roots, graph };
}

const pending = () => new Promise<never>(() => {});

describe('buildGraph on hand-made records', () => {
  it('frame nodes: function, kind, location, state, suspension and pendingMs from the site tables; return sites apart from await sites of the same number', () => {
    const { graph } = shape([frame(1, 2, 'v'), frame(2, R2, pending()), frame(3, 2, 'w')]);
    const frames = graph.snapshot.nodes.filter((n) => n.type === 'frame');
    assert.deepEqual(
      frames.map((n) => [n.id, n.function, n.kind, n.location, n.state, n.suspendedAt, n.pendingMs]),
      [
        ['f1', 'alpha', 'function', { file: 'a.mjs', line: 1, column: 1 }, 'awaiting', { file: 'a.mjs', line: 3, column: 3, kind: 'await', text: 'await y' }, 1],
        ['f2', 'alpha', 'function', { file: 'a.mjs', line: 1, column: 1 }, 'returning', { file: 'a.mjs', line: 4, column: 3, kind: 'return', text: 'return p' }, 2],
        ['f3', 'alpha', 'function', { file: 'a.mjs', line: 1, column: 1 }, 'awaiting', { file: 'a.mjs', line: 3, column: 3, kind: 'await', text: 'await y' }, 3],
      ],
    );
    // The two awaits at site 2 share one suspension record; the return at R2 has its own.
    assert.equal(frames[0]!.suspendedAt, frames[2]!.suspendedAt);
    assert.notEqual(frames[0]!.suspendedAt, frames[1]!.suspendedAt);
  });

  it('running and yielded frames start no chain; a yielded generator a frame awaits is shown, awaiting what it yielded only while that is pending', () => {
    const idle = frame(5, 11, 1);
    const waiting = frame(8, 11, pending());
    const r = shape([running(1), frame(2, 1, idle), idle, frame(6, 1, waiting), waiting, frame(7, 11, pending())]);
    assert.deepEqual(r.nodes, ['f2 awaiting > f5', 'f6 awaiting > f8', 'f5 yielded > ', 'f8 yielded > l1', 'l1 leaf > ']);
    assert.deepEqual(r.roots, ['f2', 'f6']);
  });

  it('returning frames: pending while what they return is; not when returning their own promise; two returning each other\'s promises are a deadlock', () => {
    const settled = Promise.resolve(1);
    const own = pending();
    const pa = pending();
    const pb = pending();
    const r = shape([
      frame(1, R2, pending()),
      frame(2, R2, settled),
      frame(3, R2, own, own),
      frame(4, R2, pb, pa),
      frame(5, R2, pa, pb),
      frame(6, R2, 'not a promise'),
    ]);
    assert.deepEqual(r.nodes, ['f1 returning > l1', 'f4 returning > f5', 'f5 returning > f4', 'l1 leaf > ']);
    assert.deepEqual(r.graph.snapshot.cycles, [['f4', 'f5']]);
    assert.deepEqual(r.roots, ['f1']);
  });

  it('a kept promise is found for the first distinct values by a scan and for later ones by a map, each to the frame that kept it', () => {
    // Frames 101…112 each keep promise k; frames 1…12 each await one of them.
    const promises = Array.from({ length: 12 }, pending);
    const callees = promises.map((p, k) => frame(101 + k, 1, `leaf ${k}`, p));
    const awaiters = promises.map((p, k) => frame(1 + k, 1, p));
    const r = shape([...awaiters, ...callees]);
    assert.deepEqual(
      r.graph.snapshot.nodes.filter((n) => n.type === 'frame' && n.seq < 100).map((n) => `${n.id}>${n.awaits.join(',')}`),
      promises.map((_, k) => `f${1 + k}>f${101 + k}`),
    );
    assert.deepEqual(r.roots, awaiters.map((f) => `f${f.seq}`));
  });

  it('edges by node position match the ids, and frameOf gives each frame node\'s record', () => {
    const leafValue = pending();
    const c = frame(30, 1, leafValue);
    const b = frame(20, 1, c);
    const a = frame(10, 2, b);
    const graph = buildGraph(sourceOf([a]), { cwd: '/app' });
    const ids = graph.snapshot.nodes.map((n) => n.id);
    assert.deepEqual(ids, ['f10', 'f20', 'f30', 'l1']);
    const at = (e: { start: Int32Array; to: Int32Array }, i: number) => [...e.to.subarray(e.start[i]!, e.start[i + 1]!)].map((j) => ids[j]);
    assert.deepEqual([0, 1, 2, 3].map((i) => at(graph.awaits, i)), [['f20'], ['f30'], ['l1'], []]);
    assert.deepEqual([0, 1, 2, 3].map((i) => at(graph.awaitedBy, i)), [[], ['f10'], ['f20'], ['f30']]);
    assert.deepEqual([10, 20, 30, 15, 40].map((seq) => graph.frameOf(seq)), [a, b, c, undefined, undefined]);
  });

  it('a group: its pending frames linked, its calls counted; a kept combinator: every member\'s state, listed texts, frames and inner calls linked once', () => {
    const stuck = pending();
    const inGroup = frame(50, 1, stuck);
    const groupValue = {};
    const calleePromise = pending();
    const callee = frame(60, 1, 'v', calleePromise);
    const innerPromise = pending();
    const inner = new CombinatorLink(21, [], innerPromise);
    const thenable = { then() {} };
    const members: unknown[] = [calleePromise, thenable, 5, innerPromise, Promise.resolve(), calleePromise];
    Object.defineProperty(members, 6, { get: () => assert.fail('a getter ran'), enumerable: true });
    const racePromise = pending();
    const race = new CombinatorLink(20, members, racePromise);
    const r = shape([frame(1, 1, groupValue), frame(2, 1, racePromise), frame(3, 1, racePromise), inGroup, frame(51, 11, 1), callee], {
      groups: new Map([[groupValue, [inGroup, frame(51, 11, 1)]]]),
      combinators: new Map<object, CombinatorLink>([[racePromise, race], [innerPromise, inner]]),
    });
    const nodes = r.graph.snapshot.nodes;
    assert.deepEqual(r.nodes, ['f1 awaiting > g1', 'f2 awaiting > c2', 'f3 awaiting > c2', 'f50 awaiting > l5', 'f60 awaiting > l6', 'g1 group > f50', 'c2 combinator > f60,l3,c4', 'l3 leaf > ', 'c4 combinator > ', 'l5 leaf > ', 'l6 leaf > ']);
    assert.deepEqual(r.roots, ['f1', 'f2', 'f3']);
    const group = nodes.find((n) => n.id === 'g1')!;
    assert.deepEqual(group.type === 'group' && [group.text, group.calls], ['x', 2]);
    const c2 = nodes.find((n) => n.id === 'c2')!;
    assert.ok(c2.type === 'combinator');
    assert.deepEqual([c2.combinator, c2.pending, c2.total, c2.states, c2.membersKnown], ['race', 3, 7, { pending: 3, fulfilled: 1, rejected: 0, value: 1, unknown: 2 }, true]);
    assert.deepEqual(c2.members, [
      { index: 0, text: 'first()', state: 'pending', node: 'f60' },
      { index: 1, text: '', state: 'unknown', node: 'l3' },
      { index: 2, text: 'third', state: 'value', node: null },
      { index: 3, text: '', state: 'pending', node: 'c4' },
      { index: 4, text: '', state: 'fulfilled', node: null },
      { index: 5, text: '', state: 'pending', node: 'f60' },
      { index: 6, text: '', state: 'unknown', node: null },
    ]);
    const l3 = nodes.find((n) => n.id === 'l3')!;
    assert.deepEqual(l3.type === 'leaf' && [l3.valueKind, l3.text, l3.location], ['thenable', 'Promise.race member [1]', { file: 'a.mjs', line: 20, column: 3 }]);
    const c4 = nodes.find((n) => n.id === 'c4')!;
    assert.deepEqual(c4.type === 'combinator' && [c4.combinator, c4.total, c4.membersKnown], ['all', 0, true]);
  });

  it('a promise leaf\'s createdAt: the new Promise tagged at run time, else the one the await\'s operand names, else none', () => {
    const tagged = pending();
    const untagged = pending();
    const r = shape([frame(1, 31, tagged), frame(2, 31, untagged), frame(3, 1, pending())], { created: new Map([[tagged, 30]]) });
    const leaves = r.graph.snapshot.nodes.filter((n) => n.type === 'leaf');
    assert.deepEqual(
      leaves.map((n) => [n.id, n.valueKind, n.text, n.location, n.createdAt]),
      [
        ['l1', 'promise', 'new Promise(r)', { file: 'a.mjs', line: 31, column: 3 }, { file: 'a.mjs', line: 30, column: 9 }],
        ['l2', 'promise', 'new Promise(r)', { file: 'a.mjs', line: 31, column: 3 }, { file: 'a.mjs', line: 31, column: 9 }],
        ['l3', 'promise', 'x', { file: 'a.mjs', line: 2, column: 3 }, undefined],
      ],
    );
  });

  it('a frame reached only through a group (not registered, awaited by no frame) gets its node from its own record', () => {
    const groupValue = {};
    const leafValue = pending();
    const unregistered = frame(70, R2, leafValue);
    unregistered.since = 7;
    const { graph, nodes } = shape([frame(1, 1, groupValue)], { groups: new Map([[groupValue, [unregistered]]]) });
    assert.deepEqual(nodes, ['f1 awaiting > g1', 'g1 group > f70', 'f70 returning > l2', 'l2 leaf > ']);
    const f70 = graph.snapshot.nodes[2]!;
    assert.deepEqual(f70.type === 'frame' && [f70.seq, f70.state, f70.pendingMs, f70.suspendedAt], [70, 'returning', 7, { file: 'a.mjs', line: 4, column: 3, kind: 'return', text: 'return p' }]);
    const l2 = graph.snapshot.nodes[3]!;
    assert.deepEqual(l2.type === 'leaf' && [l2.valueKind, l2.text], ['promise', 'p']);
    assert.equal(graph.frameOf(70), unregistered);
    assert.equal(graph.frameOf(71), undefined);
  });

  it('a module\'s top level recorded at an await is over once what it awaited settled (it threw), unless its code is on the stack; claimable frames and generators are not modules', () => {
    const settled = Promise.resolve();
    const done = frame(90, 1, 'x');
    done.site = DONE;
    const running = frame(91, 1, pending());
    const settledAll = new CombinatorLink(21, [], settled);
    const pendingAll = new CombinatorLink(21, [], pending());
    const r = shape([
      frame(1, 41, settled, UNCLAIMABLE),
      frame(2, 41, pending(), UNCLAIMABLE),
      frame(3, 41, settled),
      frame(4, 41, 'a value', UNCLAIMABLE),
      frame(5, 41, { then() {} }, UNCLAIMABLE),
      frame(6, 41, done, UNCLAIMABLE),
      frame(7, 41, running, UNCLAIMABLE),
      frame(8, 41, settledAll, UNCLAIMABLE),
      frame(9, 41, pendingAll, UNCLAIMABLE),
      frame(10, 43, settled, UNCLAIMABLE),
      frame(11, 45, settled, GENERATOR),
      frame(12, 1, settled, UNCLAIMABLE),
    ]);
    assert.deepEqual(
      r.graph.snapshot.nodes.filter((n) => n.type === 'frame').map((n) => `${n.id} ${n.kind}`),
      ['f2 module', 'f3 module', 'f5 module', 'f7 module', 'f9 module', 'f10 module', 'f11 generator', 'f12 function', 'f91 function'],
    );
  });

  it('promises kept as array elements (`[g(), h()]`) are found through the callees\' shared slot, each by its seq', () => {
    const pA = pending();
    const pB = pending();
    const array: unknown[] = [pA, pB, 7];
    // One slot for the claim's three callees, seqs 50, 51, 52 in element order.
    const slot = new ArraySlot(array, 50);
    const r = shape([
      frame(1, 1, pB),
      frame(2, 1, pA),
      frame(3, 1, pending()),
      frame(50, 1, 'a', slot),
      frame(51, 1, 'b', slot),
      frame(52, 1, 'c', slot),
    ]);
    assert.deepEqual(
      r.graph.snapshot.nodes.filter((n) => n.type === 'frame').map((n) => `${n.id}>${n.awaits.join(',')}`),
      ['f1>f51', 'f2>f50', 'f3>l1', 'f50>l2', 'f51>l3', 'f52>l4'],
    );
  });
});
