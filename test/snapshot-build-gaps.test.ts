/**
 * buildSnapshot / buildGraph on hand-made runtime records, for the corners the mutation run of
 * src/snapshot/build.ts found untested (docs/MUTATION.md): frames at sites no table knows, a
 * returning frame's value read as a frame, a kept promise or nothing, the pending memo, modules
 * at `for await` sites, iteration and disposal records, groups reached twice, combinator members
 * that are groups, past the listed ones or made at a `new Promise`, and the integer graph kept
 * beside the snapshot. Every output is compared whole.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildGraph, buildSnapshot } from '../dist/snapshot/build.js';
import { builtGraphOf } from '../dist/snapshot/built-graph.js';
import type { SiteInfo, SnapshotSource } from '../dist/snapshot/source.js';
import { CombinatorLink, Frame, IterationLink, KIND_AWAIT, KIND_RETURN, KIND_YIELD, UNCLAIMABLE } from '../dist/runtime/frame.js';
import { RETURN_SITE_BASE } from '../dist/snapshot/frame-records.js';

const FILE = '/app/a.mjs';
const site = (kind: string, line: number, extra: Partial<SiteInfo> = {}): SiteInfo => ({ kind, file: FILE, line, column: 3, name: '', text: '', ...extra });

/** Function 0 (alpha); await 1; return R2; yield 11; combinator 20 (race, three texts); promise 30; a module (40) and its for-await (46); for-await 47, yield* 48, await-using 49 in alpha; a module in this very file, named by path (50, 51). Site 99 is in no table. */
const R2 = RETURN_SITE_BASE + 2;
const sites = new Map<number, SiteInfo>([
  [0, site('function', 1, { name: 'alpha', column: 1 })],
  [1, site('await', 2, { fn: 0, text: 'await x' })],
  [R2, site('return', 4, { fn: 0, text: 'return p' })],
  // The first return site the runtime registers has id RETURN_SITE_BASE itself.
  [RETURN_SITE_BASE, site('return', 5, { fn: 0, text: 'return q' })],
  [10, site('generator', 9, { name: 'gen', column: 1 })],
  [11, site('yield', 10, { fn: 10, text: 'yield 1' })],
  [20, site('combinator', 20, { combinator: 'race', members: ['first()', '', 'third'] })],
  [30, site('promise', 30, { column: 9 })],
  [40, { kind: 'module', file: '/app/m.mjs', line: 1, column: 1, name: '<module>', text: '' }],
  [46, { kind: 'for-await', file: '/app/m.mjs', line: 6, column: 1, name: '', text: 'for await (const x of xs)', fn: 40 }],
  [47, site('for-await', 47, { fn: 0, text: 'for await (const x of xs)' })],
  [48, site('yield*', 48, { fn: 0, text: 'yield* inner' })],
  [49, site('await-using', 49, { fn: 0, text: 'await using r = open()' })],
  [50, { kind: 'module', file: fileURLToPath(import.meta.url), line: 1, column: 1, name: '<module>', text: '' }],
  [51, { kind: 'await', file: fileURLToPath(import.meta.url), line: 2, column: 1, name: '', text: 'await p', fn: 50 }],
]);
const kinds = new Map([[R2, KIND_RETURN], [RETURN_SITE_BASE, KIND_RETURN], [11, KIND_YIELD]]);

interface Hooks {
  groups?: Map<object, Frame[]>;
  combinators?: Map<object, CombinatorLink>;
  created?: Map<object, number>;
  iterations?: Map<Frame, IterationLink[]>;
}

function sourceOf(registered: Frame[], hooks: Hooks = {}): SnapshotSource {
  return {
    forEachRegistered: (visit: (f: Frame) => void) => registered.forEach((f) => visit(f)),
    getSite: (id: number) => sites.get(id),
    siteKindOf: (id: number) => kinds.get(id) ?? KIND_AWAIT,
    iterationsOf: (f: Frame) => hooks.iterations?.get(f),
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

/** A frame that is running now (taking the snapshot, or called by the code that does). */
function running(seq: number, kept: unknown = undefined): Frame {
  const f = new Frame(kept);
  f.seq = seq;
  return f;
}

function build(registered: Frame[], hooks: Hooks = {}) {
  return buildGraph(sourceOf(registered, hooks), { cwd: '/app' }).snapshot;
}

/** Each node as `id state-or-type > awaits`. */
function shape(registered: Frame[], hooks: Hooks = {}): string[] {
  return build(registered, hooks).nodes.map((n) => `${n.id} ${n.type === 'frame' ? n.state : n.type} > ${n.awaits.join(',')}`);
}

const pending = () => new Promise<never>(() => {});
const UNKNOWN = { file: '<unknown>', line: 0, column: 0 };

describe('buildGraph: the corners the mutation run found', () => {
  it('a frame at a site no table knows: <unknown> function, no suspension, awaiting nothing; one awaiting a running frame record links to it', () => {
    const taker = running(5);
    const s = build([frame(1, 99, pending()), frame(2, 1, taker), taker]);
    assert.deepEqual(
      s.nodes.map((n) => (n.type === 'frame' ? [n.id, n.function, n.kind, n.location, n.state, n.suspendedAt, n.awaits] : [n.id, n.type])),
      [
        ['f1', '<unknown>', 'function', UNKNOWN, 'awaiting', null, []],
        ['f2', 'alpha', 'function', { file: 'a.mjs', line: 1, column: 1 }, 'awaiting', { file: 'a.mjs', line: 2, column: 3, kind: 'await', text: 'await x' }, ['f5']],
        ['f5', '<unknown>', 'function', UNKNOWN, 'awaiting', null, []],
      ],
    );
    assert.deepEqual(s.roots, ['f1', 'f2']);
  });

  it('the first return site (id RETURN_SITE_BASE) and a frame with no site (running, its node made last) keep records of their own', () => {
    const taker = running(5);
    const s = build([frame(1, 1, taker), taker, frame(3, RETURN_SITE_BASE, pending())]);
    assert.deepEqual(
      s.nodes.filter((n) => n.type === 'frame').map((n) => [n.id, n.function, n.state, n.suspendedAt]),
      [
        ['f1', 'alpha', 'awaiting', { file: 'a.mjs', line: 2, column: 3, kind: 'await', text: 'await x' }],
        ['f3', 'alpha', 'returning', { file: 'a.mjs', line: 5, column: 3, kind: 'return', text: 'return q' }],
        ['f5', '<unknown>', 'awaiting', null],
      ],
    );
  });

  it('a frame awaiting a newer frame record links to it whatever its site; a yielded generator links to the one it yielded only while that one is pending', () => {
    assert.deepEqual(shape([frame(1, 99, frame(2, 1, pending()))]), ['f1 awaiting > f2', 'f2 awaiting > l1', 'l1 leaf > ']);
    const inner = frame(4, 11, 1);
    const outer = frame(3, 11, inner);
    assert.deepEqual(shape([frame(1, 1, outer), outer, inner]), ['f1 awaiting > f3', 'f3 yielded > ']);
  });

  it('a returning frame is pending while the frame it returns is, or the frame whose kept promise it returns; returning nothing is not', () => {
    const callee = frame(20, 1, pending());
    const keptByYielded = pending();
    assert.deepEqual(shape([frame(1, R2, callee)]), ['f1 returning > f20', 'f20 awaiting > l1', 'l1 leaf > ']);
    // f3 yielded (not pending) kept the promise f2 returns: f2 is not pending either, though the promise is.
    assert.deepEqual(shape([frame(2, R2, keptByYielded), frame(3, 11, 1, keptByYielded), frame(4, 1, 'x')]), ['f4 awaiting > l1', 'l1 leaf > ']);
    // f5 returns undefined, as every frame that kept no promise "keeps": no frame is behind it.
    assert.deepEqual(shape([frame(4, 1, pending()), frame(5, R2, undefined)]), ['f4 awaiting > l1', 'l1 leaf > ']);
  });

  it('a returning frame found not pending stays so when asked again (a member of a combinator: its promise\'s own state, no link)', () => {
    const kept = Promise.resolve('x');
    const racePromise = pending();
    const race = new CombinatorLink(20, [kept], racePromise);
    const s = build([frame(1, 1, racePromise), frame(5, R2, Promise.resolve(1), kept)], { combinators: new Map([[racePromise, race]]) });
    assert.deepEqual(s.nodes.map((n) => `${n.id} > ${n.awaits.join(',')}`), ['f1 > c1', 'c1 > ']);
    const c1 = s.nodes[1]!;
    assert.deepEqual(c1.type === 'combinator' && [c1.pending, c1.states, c1.members], [0, { pending: 0, fulfilled: 1, rejected: 0, value: 0, unknown: 0 }, [{ index: 0, text: 'first()', state: 'fulfilled', node: null }]]);
  });

  it('a module at a `for await` is pending whatever it iterates; a frame no caller can claim at an unknown site too; a module of a file on the stack named by path', () => {
    const s = build([frame(1, 46, 'a value', UNCLAIMABLE), frame(2, 99, Promise.resolve(), UNCLAIMABLE), frame(3, 51, Promise.resolve(), UNCLAIMABLE)]);
    assert.deepEqual(
      s.nodes.map((n) => (n.type === 'frame' ? `${n.id} ${n.kind} ${n.state} > ${n.awaits.join(',')}` : n.type === 'leaf' ? `${n.id} ${n.type} ${n.valueKind} ${n.text}` : n.id)),
      ['f1 module awaiting > l1', 'f2 function awaiting > ', 'f3 module awaiting > l2', 'l1 leaf async-iterable for await (const x of xs)', 'l2 leaf promise p'],
    );
  });

  it('iteration records: the one of the frame\'s own site, its iterable shared by loops over it, the frame its first next() entered when that frame is suspended; a disposal whose disposer entered none is a leaf', () => {
    const iterable = { [Symbol.asyncIterator]: () => ({}) };
    const other = { [Symbol.asyncIterator]: () => ({}) };
    const taker = running(9);
    const callee = frame(8, 1, pending());
    const a = frame(1, 47, 'next of a');
    const b = frame(2, 47, 'next of b');
    const c = frame(3, 49, undefined);
    const iterations = new Map<Frame, IterationLink[]>([
      [a, [Object.assign(new IterationLink(48, other, 1), { entered: 8 }), Object.assign(new IterationLink(47, iterable, 1), { entered: 9 })]],
      [b, [new IterationLink(47, iterable, 2)]],
      [c, [Object.assign(new IterationLink(47, other, 3), { entered: 8 }), new IterationLink(49, undefined, 3)]],
    ]);
    const s = build([a, b, c, callee, taker], { iterations });
    assert.deepEqual(
      s.nodes.map((n) => (n.type === 'frame' ? `${n.id} > ${n.awaits.join(',')}` : n.type === 'leaf' ? `${n.id} ${n.type} ${n.valueKind} ${n.text}` : n.id)),
      ['f1 > l1', 'f2 > l1', 'f3 > l2', 'f8 > l3', 'l1 leaf async-iterable for await (const x of xs)', 'l2 leaf disposal await using r = open()', 'l3 leaf promise x'],
    );
  });

  it('an awaited async iterable that no loop iterates is a value leaf; null awaited twice is two leaves', () => {
    const s = build([frame(1, 1, { [Symbol.asyncIterator]: () => ({}) }), frame(2, 1, null), frame(3, 1, null)]);
    assert.deepEqual(s.nodes.map((n) => (n.type === 'leaf' ? `${n.id} ${n.valueKind} < ${n.awaitedBy.join(',')}` : n.id)), ['f1', 'f2', 'f3', 'l1 value < f1', 'l2 value < f2', 'l3 value < f3']);
  });

  it('groups: one node per group value however many await it or list it as a member, one node per frame however many groups hold it; a member that is a group is named by its member text', () => {
    const g = pending();
    const g2 = pending();
    const g3 = pending();
    const inner = frame(70, 1, pending());
    const racePromise = pending();
    const race = new CombinatorLink(20, [g, g3, g2], racePromise);
    const s = build([frame(1, 1, g), frame(2, 1, g), frame(3, 1, g2), frame(4, 1, racePromise)], {
      groups: new Map([[g, [inner]], [g2, [inner]], [g3, [inner]]]),
      combinators: new Map([[racePromise, race]]),
    });
    assert.deepEqual(
      s.nodes.map((n) => `${n.id} ${n.type === 'group' ? n.text : n.type} > ${n.awaits.join(',')}`),
      ['f1 frame > g1', 'f2 frame > g1', 'f3 frame > g2', 'f4 frame > c3', 'g1 x > f70', 'f70 frame > l5', 'g2 x > f70', 'c3 combinator > g1,g4,g2', 'g4 Promise.race member [1] > f70', 'l5 leaf > '],
    );
    const c3 = s.nodes.find((n) => n.id === 'c3')!;
    assert.deepEqual(c3.type === 'combinator' && c3.members.map((m) => `${m.text}:${m.state}:${m.node}`), ['first():pending:g1', ':pending:g4', 'third:pending:g2']);
  });

  it('a kept combinator awaited directly after through its promise: one node', () => {
    const p = pending();
    const link = new CombinatorLink(20, [], p);
    assert.deepEqual(shape([frame(1, 1, p), frame(2, 1, link)], { combinators: new Map([[p, link]]) }), ['f1 awaiting > c1', 'f2 awaiting > c1', 'c1 combinator > ']);
  });

  it('a combinator of a site no table knows: `all`, its member leaves named by position at an unknown place', () => {
    const link = new CombinatorLink(99, [pending()], pending());
    const s = build([frame(1, 1, link)]);
    assert.deepEqual(
      s.nodes.map((n) => (n.type === 'combinator' ? [n.id, n.combinator, n.members] : n.type === 'leaf' ? [n.id, n.valueKind, n.text, n.location] : [n.id])),
      [['f1'], ['c1', 'all', [{ index: 0, text: '', state: 'pending', node: 'l2' }]], ['l2', 'promise', 'Promise.all member [0]', UNKNOWN]],
    );
  });

  it('members past the site\'s texts are named by position; a member promise made at a `new Promise` has its createdAt; thenables past the listed 1000 are counted, not linked', () => {
    const made = pending();
    const members: unknown[] = [1, 2, 3, made];
    const link = new CombinatorLink(20, members, pending());
    const s = build([frame(1, 1, link)], { created: new Map([[made, 30]]) });
    assert.deepEqual(
      s.nodes.map((n) => (n.type === 'leaf' ? [n.id, n.text, n.location, n.createdAt] : n.type === 'combinator' ? [n.id, n.members.at(-1)] : [n.id])),
      [['f1'], ['c1', { index: 3, text: '', state: 'pending', node: 'l2' }], ['l2', 'Promise.race member [3]', { file: 'a.mjs', line: 20, column: 3 }, { file: 'a.mjs', line: 30, column: 9 }]],
    );
    const many: unknown[] = Array.from({ length: 1001 }, () => 0);
    many[1000] = { then() {} };
    const s2 = build([frame(1, 1, new CombinatorLink(20, many, pending()))]);
    const c = s2.nodes[1]!;
    assert.deepEqual(c.type === 'combinator' && [c.awaits, c.total, c.members.length, c.states], [[], 1001, 1000, { pending: 0, fulfilled: 0, rejected: 0, value: 1000, unknown: 1 }]);
  });

  it('past the listed 1000: a member that is a group is linked and named by position; a promise some frame awaits as a leaf is not', () => {
    const groupPromise = pending();
    const awaitedElsewhere = pending();
    const inGroup = frame(70, 1, 'v');
    const many: unknown[] = Array.from({ length: 1002 }, () => 0);
    many[1000] = groupPromise;
    many[1001] = awaitedElsewhere;
    const s = build([frame(1, 1, awaitedElsewhere), frame(2, 1, new CombinatorLink(20, many, pending()))], { groups: new Map([[groupPromise, [inGroup]]]) });
    assert.deepEqual(
      s.nodes.map((n) => `${n.id} ${n.type === 'group' || n.type === 'leaf' ? n.text : n.type} > ${n.awaits.join(',')}`),
      ['f1 frame > l1', 'f2 frame > c2', 'l1 x > ', 'c2 combinator > g3', 'g3 Promise.race member [1000] > f70', 'f70 frame > l4', 'l4 x > '],
    );
  });

  it('an `await using` whose frame has no iteration record is a disposal leaf; a frame awaiting an older frame record (which discovery does not link) links to it', () => {
    const older = frame(1, 1, pending());
    const s = build([older, frame(2, 49, undefined), frame(3, 1, older)]);
    assert.deepEqual(
      s.nodes.map((n) => `${n.id} ${n.type === 'leaf' ? n.valueKind : n.type} > ${n.awaits.join(',')}`),
      ['f1 frame > l1', 'f2 frame > l2', 'f3 frame > f1', 'l1 promise > ', 'l2 disposal > '],
    );
  });

  it('holders: none unless asked; over maxHeapBytes the promise leaves make it skipped (no heap snapshot taken); with no promise leaf there is nothing to analyse', () => {
    const promiseLeaf = () => sourceOf([frame(1, 1, pending()), frame(2, 1, 5)]);
    assert.equal('holders' in buildSnapshot(promiseLeaf()), false);
    assert.equal('holders' in buildSnapshot(promiseLeaf(), { holders: false }), false);
    const skipped = buildSnapshot(promiseLeaf(), { holders: { maxHeapBytes: 1 } }).holders!;
    assert.deepEqual([skipped.state, skipped.reason.slice(0, 17), skipped.analysed], ['skipped', 'the heap in use (', 0]);
    const none = buildSnapshot(sourceOf([frame(2, 1, 5), frame(4, 1, new CombinatorLink(20, [], pending()))]), { holders: { maxHeapBytes: 1 } }).holders!;
    assert.deepEqual([none.state, none.reason, none.analysed], ['done', 'no leaf is a promise, a thenable, a for await or an await using', 0]);
  });

  it('the integer graph kept beside the snapshot: frame marks, frame and root positions, cycles, and whether every source is a root', () => {
    const pa = pending();
    const pb = pending();
    // f1 → f2 → l; f4 ⇄ f5 (returning each other's promises): a cycle under no root.
    const s = buildSnapshot(sourceOf([frame(1, 1, frame(2, 1, pending())), frame(4, R2, pb, pa), frame(5, R2, pa, pb)]), { cwd: '/app' });
    assert.deepEqual(s.nodes.map((n) => n.id), ['f1', 'f2', 'f4', 'f5', 'l1']);
    const g = builtGraphOf(s)!;
    assert.deepEqual(
      [[...g.isFrame], g.frameCount, [...g.frames], [...g.roots], g.cycles, g.sourcesAreRoots, g.nodes === s.nodes],
      [[1, 1, 1, 1, 0], 4, [0, 1, 2, 3], [0], [[2, 3]], true, true],
    );
    assert.deepEqual([...g.awaits.to], [1, 4, 3, 2]);
  });
});
