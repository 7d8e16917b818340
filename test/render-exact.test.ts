/**
 * Renderers, exactly, on every kind of node and every branch of their layout (issue 15.5: each
 * case kills mutants of src/render that the other render tests let live, see docs/MUTATION.md).
 * Small hand-made snapshots; the whole output is compared.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderDot, renderText, type CombinatorMember, type CombinatorNode, type FrameNode, type GroupNode, type LeafNode, type Snapshot, type SnapshotNode } from '../dist/index.js';

interface FrameSpec {
  fn?: string;
  line?: number;
  text?: string;
  awaits?: string[];
  awaitedBy?: string[];
  pendingMs?: number;
  kind?: FrameNode['kind'];
  state?: FrameNode['state'];
  /** null: not suspended (suspendedAt null). */
  at?: { file?: string; line?: number; column?: number } | null;
  file?: string;
}

function frame(seq: number, spec: FrameSpec = {}): FrameNode {
  const line = spec.line ?? seq;
  const file = spec.file ?? 'app.mjs';
  return {
    id: `f${seq}`,
    type: 'frame',
    function: spec.fn ?? `fn${seq}`,
    kind: spec.kind ?? 'function',
    location: { file, line, column: 1 },
    state: spec.state ?? 'awaiting',
    suspendedAt: spec.at === null ? null : { file: spec.at?.file ?? file, line: spec.at?.line ?? line, column: spec.at?.column ?? 3, kind: 'await', text: spec.text ?? `await x${seq}()` },
    pendingMs: spec.pendingMs ?? 1500,
    seq,
    awaits: spec.awaits ?? [],
    awaitedBy: spec.awaitedBy ?? [],
  };
}

function leaf(id: string, text: string, awaitedBy: string[], valueKind: LeafNode['valueKind'] = 'promise'): LeafNode {
  return { id, type: 'leaf', valueKind, text, location: { file: 'app.mjs', line: 1, column: 1 }, awaits: [], awaitedBy };
}

function combinator(id: string, kind: CombinatorNode['combinator'], members: CombinatorMember[], awaitedBy: string[], unlisted: Partial<CombinatorNode['states']> = {}): CombinatorNode {
  const states = { pending: 0, fulfilled: 0, rejected: 0, value: 0, unknown: 0, ...unlisted };
  for (const m of members) states[m.state]++;
  const total = Object.values(states).reduce((a, b) => a + b, 0);
  const awaits = members.flatMap((m) => (m.node === null ? [] : [m.node]));
  return { id, type: 'combinator', combinator: kind, members, pending: states.pending, total, states, membersKnown: true, awaits, awaitedBy };
}

function group(id: string, text: string, calls: number | undefined, awaits: string[], awaitedBy: string[]): GroupNode {
  const g = { id, type: 'group', text, calls, awaits, awaitedBy } as GroupNode;
  if (calls === undefined) delete (g as Partial<GroupNode>).calls;
  return g;
}

function snapshotOf(nodes: SnapshotNode[], roots: string[], cycles: string[][] = [], stats: Snapshot['stats'] | undefined = undefined): Snapshot {
  const frames = nodes.filter((n) => n.type === 'frame').length;
  const s: Snapshot = { schema: 'awaitwhat.snapshot/1', capturedAt: 0, pid: 1, threadId: 0, nodes, roots, cycles, stats: stats ?? { frames, collected: 0, evicted: 0, omitted: 0 } };
  return s;
}

/** A chain of frames f<first>… each awaiting the next, the last awaiting `end` (if given). */
function chain(first: number, specs: FrameSpec[], end?: string, awaitedBy: string[] = []): FrameNode[] {
  return specs.map((spec, k) => {
    const seq = first + k;
    const next = k + 1 < specs.length ? [`f${seq + 1}`] : end === undefined ? [] : [end];
    return frame(seq, { ...spec, awaits: next, awaitedBy: k === 0 ? awaitedBy : [`f${seq - 1}`] });
  });
}

const lines = (...l: string[]): string => `${l.join('\n')}\n`;


/** The runs of deep recursion: a chain of 8 frames of one function whose frames differ only in `what`, alternately. */
function alternating(what: Partial<FrameSpec> & { at?: FrameSpec['at'] }): Snapshot {
  const specs: FrameSpec[] = [];
  for (let k = 0; k < 8; k++) specs.push(k % 2 === 0 ? { fn: 'walk', line: 5, text: 'await walk()' } : { fn: 'walk', line: 5, text: 'await walk()', ...what });
  return snapshotOf([...chain(1, specs, 'l1'), leaf('l1', 'io()', ['f8'])], ['f1']);
}

/** Every kind of node and state, with a self-await, a deadlock of two, and frames the report cannot show. */
function everything(): Snapshot {
  const nodes: SnapshotNode[] = [
    frame(1, { fn: 'main', text: 'await Promise.race(tasks)', awaits: ['c1'], pendingMs: 2500 }),
    combinator(
      'c1',
      'race',
      [
        { index: 0, text: 'gen.next()', state: 'pending', node: 'f2' },
        { index: 1, text: '42', state: 'value', node: null },
        { index: 2, text: '', state: 'rejected', node: null },
        { index: 3, text: 'thenable', state: 'unknown', node: 'l1' },
        { index: 4, text: '', state: 'unknown', node: null },
        { index: 5, text: 'gone', state: 'pending', node: 'nowhere' },
      ],
      ['f1'],
    ),
    frame(2, { fn: 'produce', kind: 'generator', state: 'yielded', text: 'yield item', awaitedBy: ['c1'], pendingMs: 40 }),
    leaf('l1', 'thenable', ['c1'], 'thenable'),
    frame(3, { fn: 'finish', state: 'returning', at: null, awaits: ['l2'], pendingMs: 61_000 }),
    leaf('l2', 'stream', ['f3'], 'async-iterable'),
    frame(4, { fn: 'dispose', text: 'await using res = open()', awaits: ['l3', 'l4'] }),
    leaf('l3', 'open()', ['f4'], 'disposal'),
    leaf('l4', '7', ['f4'], 'value'),
    frame(5, { fn: 'anyOf', text: 'await Promise.any(set)', awaits: ['c2'] }),
    { id: 'c2', type: 'combinator', combinator: 'any', members: [], pending: 0, total: 0, states: { pending: 0, fulfilled: 0, rejected: 0, value: 0, unknown: 0 }, membersKnown: false, awaits: [], awaitedBy: ['f5'] },
    frame(6, { fn: 'mapAll', text: 'await pMap(ids, load)', awaits: ['g1'] }),
    group('g1', 'pMap(ids, load)', undefined, ['f7'], ['f6']),
    frame(7, { fn: 'load', text: '', awaitedBy: ['g1'], awaits: ['l5'] }),
    leaf('l5', 'fetch(id)', ['f7']),
    frame(8, { fn: 'self', text: 'await self.promise', awaits: ['f8'], awaitedBy: ['f8'] }),
    frame(9, { fn: 'ping', text: 'await pong', awaits: ['f10'], awaitedBy: ['f10'] }),
    frame(10, { fn: 'pong', text: 'await ping', awaits: ['f9'], awaitedBy: ['f9'] }),
  ];
  return snapshotOf(nodes, ['f1', 'f3', 'f4', 'f5', 'f6'], [['f8'], ['f9', 'f10']], { frames: 10, collected: 2, evicted: 1, omitted: 3 });
}

/** 10 distinct frames, then a pattern of `period` functions repeated 4 times, then a leaf. */
function deepPattern(period: number): Snapshot {
  const specs: FrameSpec[] = [];
  for (let k = 0; k < 10; k++) specs.push({ fn: `top${k}`, line: 100 + k });
  for (let r = 0; r < 4; r++) for (let k = 0; k < period; k++) specs.push({ fn: `p${k}`, line: 200 + k, text: 'await next()' });
  const frames = chain(1, specs, 'l1');
  return snapshotOf([...frames, leaf('l1', 'io()', [`f${frames.length}`])], ['f1']);
}

/** `descend` 8 deep, the 6th also awaited by another root. */
function sharedInRun(): Snapshot {
  const frames = chain(1, Array(8).fill({ fn: 'descend', line: 4, text: 'await descend(n - 1)' }), 'l1');
  frames[5]!.awaitedBy.push('f9');
  return snapshotOf([...frames, leaf('l1', 'io()', ['f8']), frame(9, { fn: 'other', awaits: ['f6'] })], ['f1', 'f9']);
}

/** Six frames of `spin` awaiting one another in a ring. */
function spinCycle(): Snapshot {
  const ids = [1, 2, 3, 4, 5, 6];
  const nodes = ids.map((i) => frame(i, { fn: 'spin', line: 3, text: 'await next.done', awaits: [`f${(i % 6) + 1}`], awaitedBy: [`f${((i + 4) % 6) + 1}`] }));
  return snapshotOf(nodes, [], [ids.map((i) => `f${i}`)]);
}

/** No roots: every frame no other reaches starts a tree (a snapshot cut short); cycles naming a leaf, or nothing, are passed over. */
function unrooted(): Snapshot {
  return snapshotOf(
    [leaf('l1', 'orphan', []), frame(2, { fn: 'a', awaits: ['f3'] }), frame(3, { fn: 'b', awaits: ['l2'], awaitedBy: ['f2'] }), leaf('l2', 'io()', ['f3']), frame(4, { fn: 'c', awaits: [] })],
    ['l1', 'nothing'],
    [[], ['f2', 'l1']],
  );
}

function thresholdCase(): Snapshot {
  const s = snapshotOf([frame(1, { fn: 'exact', pendingMs: 1000 }), frame(2, { fn: 'under', pendingMs: 999 })], ['f1', 'f2']);
  delete (s as Partial<Snapshot>).stats;
  return s;
}

/** Brief lines: the innermost frame and what it awaits at position 0, paths through a combinator's leaf members to its frame, and two trees sharing a path. */
function briefCase(): Snapshot {
  return snapshotOf(
    [
      frame(1, { fn: 'inner', awaits: ['l1'], awaitedBy: ['f3'], pendingMs: 10 }),
      leaf('l1', 'io()', ['f1']),
      frame(3, { fn: 'outer', awaits: ['f1'], pendingMs: 10 }),
      frame(4, { fn: 'all', awaits: ['c1'], pendingMs: 10 }),
      combinator('c1', 'all', [{ index: 0, text: 'p', state: 'pending', node: 'l2' }, { index: 1, text: 'w()', state: 'pending', node: 'f5' }], ['f4']),
      leaf('l2', 'p', ['c1']),
      frame(5, { fn: 'worker', awaits: ['f6'], awaitedBy: ['c1', 'f7'], pendingMs: 10 }),
      frame(6, { fn: 'deep', awaits: ['l3'], awaitedBy: ['f5'], pendingMs: 10 }),
      leaf('l3', 'sleep()', ['f6']),
      frame(7, { fn: 'alsoWaits', awaits: ['f5'], pendingMs: 10 }),
      frame(8, { fn: 'leaves', awaits: ['c2'], pendingMs: 10 }),
      combinator('c2', 'allSettled', [{ index: 0, text: 'a', state: 'pending', node: 'l4' }], ['f8']),
      leaf('l4', 'a', ['c2']),
      frame(9, { fn: 'stuck', awaits: ['l5'], pendingMs: 9000 }),
      leaf('l5', 'never()', ['f9']),
    ],
    ['f3', 'f4', 'f7', 'f8', 'f9'],
  );
}

function briefJoin(): Snapshot {
  return snapshotOf(
    [
      frame(1, { fn: 'inner', awaits: ['l1'], awaitedBy: ['f3', 'f4'], pendingMs: 10 }),
      leaf('l1', 'io()', ['f1']),
      frame(3, { fn: 'outerA', awaits: ['f1'], pendingMs: 10 }),
      frame(4, { fn: 'outerB', awaits: ['f1'], pendingMs: 10 }),
      frame(5, { fn: 'leaves', awaits: ['c1'], pendingMs: 10 }),
      combinator('c1', 'all', [{ index: 0, text: 'p', state: 'pending', node: 'l2' }], ['f5']),
      frame(7, { fn: 'next', awaits: ['f8'], pendingMs: 10 }),
      frame(8, { fn: 'target', awaitedBy: ['f7'], pendingMs: 10 }),
      leaf('l2', 'p', ['c1']),
      frame(10, { fn: 'stuck', pendingMs: 9000 }),
    ],
    ['f3', 'f4', 'f5', 'f7', 'f10'],
  );
}

/** A combinator and a group each awaited by two frames. */
function sharedNodes(): Snapshot {
  return snapshotOf(
    [
      frame(1, { fn: 'a', awaits: ['c1'] }),
      frame(2, { fn: 'b', awaits: ['c1'] }),
      combinator('c1', 'all', [{ index: 0, text: '', state: 'fulfilled', node: null }], ['f1', 'f2']),
      frame(3, { fn: 'c', awaits: ['g1'] }),
      frame(4, { fn: 'd', awaits: ['g1'] }),
      group('g1', 'lib.run(cb)', 2, [], ['f3', 'f4']),
    ],
    ['f1', 'f2', 'f3', 'f4'],
  );
}

/** A combinator as snapshots made before member states were counted: no `states`. */
function stateless(): Snapshot {
  const c = combinator('c1', 'all', [{ index: 0, text: 'x', state: 'fulfilled', node: null }, { index: 1, text: 'y', state: 'rejected', node: null }], ['f1']);
  delete (c as Partial<CombinatorNode>).states;
  return snapshotOf([frame(1, { fn: 'main', awaits: ['c1'] }), c], ['f1']);
}

function longCycle(n: number): Snapshot {
  const ids = Array.from({ length: n }, (_, k) => k + 1);
  const nodes = ids.map((i) => frame(i, { fn: `c${i}`, awaits: [`f${(i % n) + 1}`], awaitedBy: [`f${((i + n - 2) % n) + 1}`] }));
  return snapshotOf(nodes, [], [ids.map((i) => `f${i}`)]);
}

/** A deadlock listed from its second frame, and a combinator whose member's node is the first node. */
function orderCase(): Snapshot {
  return snapshotOf(
    [
      leaf('l1', 'p', ['c1']),
      frame(2, { fn: 'ping', awaits: ['f3'], awaitedBy: ['f3'] }),
      frame(3, { fn: 'pong', awaits: ['f2'], awaitedBy: ['f2'] }),
      frame(4, { fn: 'main', awaits: ['c1'] }),
      combinator('c1', 'all', [{ index: 0, text: 'p', state: 'pending', node: 'l1' }], ['f4']),
    ],
    ['f4'],
    [['f3', 'f2']],
  );
}

/** Four deadlocks of two frames each. */
function manyCycles(): Snapshot {
  const nodes: SnapshotNode[] = [];
  const cycles: string[][] = [];
  for (let k = 0; k < 4; k++) {
    const a = 2 * k + 1;
    const b = a + 1;
    nodes.push(frame(a, { fn: `x${k}`, awaits: [`f${b}`], awaitedBy: [`f${b}`] }), frame(b, { fn: `y${k}`, awaits: [`f${a}`], awaitedBy: [`f${a}`] }));
    cycles.push([`f${a}`, `f${b}`]);
  }
  return snapshotOf(nodes, [], cycles);
}

/** Six trees of three frames; the first two stuck (1.5 s), the others not (10 ms). */
function manyTrees(): Snapshot {
  const nodes: SnapshotNode[] = [];
  const roots: string[] = [];
  for (let t = 0; t < 6; t++) {
    const first = 3 * t + 1;
    roots.push(`f${first}`);
    nodes.push(...chain(first, [{ fn: `t${t}a`, pendingMs: t < 2 ? 1500 : 10 }, { fn: `t${t}b`, pendingMs: t < 2 ? 1500 : 10 }, { fn: `t${t}c`, pendingMs: t < 2 ? 1500 : 10 }]));
  }
  return snapshotOf(nodes, roots);
}

/** `walk` recursing through a group of one call at each level: groups are never part of a run (and have no place to compare). */
function groupChain(): Snapshot {
  const nodes: SnapshotNode[] = [];
  for (let k = 1; k <= 5; k++) {
    nodes.push(frame(k, { fn: 'walk', line: 3, text: 'await pMap(next, walk)', awaits: [k < 5 ? `g${k}` : 'l1'], awaitedBy: k === 1 ? [] : [`g${k - 1}`] }));
    if (k < 5) nodes.push(group(`g${k}`, 'pMap(next, walk)', 1, [`f${k + 1}`], [`f${k}`]));
  }
  return snapshotOf([...nodes, leaf('l1', 'io()', ['f5'])], ['f1']);
}

/** A roots list (edited by hand) naming a frame another frame awaits, first: `recur` 5 deep from f1, its tree printed after the one from f3. */
function rootedInside(): Snapshot {
  const frames = chain(1, Array(5).fill({ fn: 'recur', line: 4, text: 'await recur(n - 1)' }), 'l1');
  return snapshotOf([...frames, leaf('l1', 'io()', ['f5'])], ['f3', 'f1']);
}

/** Brief lines into a deadlock, entered at each of its two frames: r1 → c1 ⇄ c2 ← r2; a stuck tree makes the others brief. */
function briefIntoCycle(): Snapshot {
  return snapshotOf(
    [
      frame(1, { fn: 'r1', awaits: ['f3'], pendingMs: 10 }),
      frame(2, { fn: 'r2', awaits: ['f4'], pendingMs: 10 }),
      frame(3, { fn: 'c1', awaits: ['f4'], awaitedBy: ['f1', 'f4'], pendingMs: 10 }),
      frame(4, { fn: 'c2', awaits: ['f3'], awaitedBy: ['f2', 'f3'], pendingMs: 10 }),
      frame(5, { fn: 'stuck', awaits: ['l1'], pendingMs: 9000 }),
      leaf('l1', 'never()', ['f5']),
    ],
    ['f1', 'f2', 'f5'],
    [['f3', 'f4']],
  );
}

/** Brief lines of three trees sharing `inner` (the second and third each meet the path already followed). */
function briefThreeShare(): Snapshot {
  return snapshotOf(
    [
      frame(1, { fn: 'outerA', awaits: ['f4'], pendingMs: 10 }),
      frame(2, { fn: 'outerB', awaits: ['f4'], pendingMs: 10 }),
      frame(3, { fn: 'outerC', awaits: ['f4'], pendingMs: 10 }),
      frame(4, { fn: 'inner', awaits: ['f5'], awaitedBy: ['f1', 'f2', 'f3'], pendingMs: 10 }),
      frame(5, { fn: 'innermost', awaits: ['l1'], awaitedBy: ['f4'], pendingMs: 10 }),
      leaf('l1', 'io()', ['f5']),
      frame(6, { fn: 'stuck', pendingMs: 9000 }),
    ],
    ['f1', 'f2', 'f3', 'f6'],
  );
}

/** Holders on leaves (never: drawn red; held; none), a frame with no pending time; a cycle, and a node whose id is the string `undefined` awaiting into it (not a cycle edge). */
function holdersDot(): Snapshot {
  const never = leaf('l1', 'new Promise(() => {})', ['f1']);
  never.holder = { state: 'never', text: 'nothing holds it', holder: '', package: null, facts: {}, alternatives: 0, path: [] } as unknown as LeafNode['holder'];
  const held = leaf('l2', 'sleep(1000)', ['f2']);
  held.holder = { state: 'held', text: 'Timeout._onTimeout (timer 1000ms)', holder: 'Timeout._onTimeout', package: null, facts: {}, alternatives: 0, path: [] } as unknown as LeafNode['holder'];
  const untimed = frame(1, { fn: 'forever', awaits: ['l1'] });
  untimed.pendingMs = null;
  return snapshotOf(
    [untimed, never, frame(2, { fn: 'nap', awaits: ['l2'] }), held, frame(3, { fn: 'plain', awaits: ['l3'] }), leaf('l3', 'io()', ['f3']), frame(4, { fn: 'a', awaits: ['f5'], awaitedBy: ['f5'] }), frame(5, { fn: 'b', awaits: ['f4'], awaitedBy: ['f4', 'undefined'] }), { ...frame(6, { fn: 'outside', awaits: ['f5'] }), id: 'undefined' }],
    ['f1', 'f2', 'f3', 'undefined'],
    [['f4', 'f5']],
  );
}

const CASES: { name: string; render: () => string; expected: string }[] = [
  { name: 'everything, as text with durations', render: () => renderText(everything()), expected: lines(
      'awaitwhat: 10 pending async functions',
      'awaitwhat: not shown: 2 pending frames reclaimed by the garbage collector (nothing could resume them: waits that could never end); 1 frame evicted over the limit of pending frames; 3 frames left out of this snapshot',
      '',
      'DEADLOCK: 1 frame awaits itself',
      '   self  app.mjs:8:3  await self.promise  1.5s',
      ' → self (again)',
      '',
      'DEADLOCK: 2 frames await each other',
      '   ping  app.mjs:9:3  await pong  1.5s',
      ' → pong  app.mjs:10:3  await ping  1.5s',
      ' → ping (again)',
      '',
      'main  app.mjs:1:3  await Promise.race(tasks)  2.5s',
      '└─ Promise.race: 2 of 6 pending, 2 of unknown state',
      '   ├─ [0] produce (async generator)  app.mjs:2:3  yield item (yielded, waiting for its consumer)  40ms',
      '   ├─ [1] 42  not a promise',
      '   ├─ [2] rejected',
      '   ├─ [3] thenable  — a thenable (its state cannot be read)',
      '   ├─ [4] state unknown',
      '   └─ [5] gone  pending',
      '',
      'finish  app.mjs:3:1  (returning)  1m01s',
      '└─ stream  — an async iterator',
      '',
      'dispose  app.mjs:4:3  await using res = open()  1.5s',
      '├─ open()  — disposal of its resources',
      '└─ 7  — a plain value',
      '',
      'anyOf  app.mjs:5:3  await Promise.any(set)  1.5s',
      '└─ Promise.any: members unknown (not an array or set)',
      '',
      'mapAll  app.mjs:6:3  await pMap(ids, load)  1.5s',
      '└─ pMap(ids, load): 1 call into instrumented code still pending',
      '   └─ load  app.mjs:7:3  1.5s',
      '      └─ fetch(id)  — a promise no instrumented code created',
      '',
      'self  app.mjs:8:3  await self.promise  1.5s',
      '└─ self  app.mjs:8:3 (shown above)',
      '',
      'ping  app.mjs:9:3  await pong  1.5s',
      '└─ pong  app.mjs:10:3  await ping  1.5s',
      '   └─ ping  app.mjs:9:3 (shown above)',
    ) },
  { name: 'everything, as text without durations and with two members listed', render: () => renderText(everything(), { durations: false, maxMembers: 2 }), expected: lines(
      'awaitwhat: 10 pending async functions',
      'awaitwhat: not shown: 2 pending frames reclaimed by the garbage collector (nothing could resume them: waits that could never end); 1 frame evicted over the limit of pending frames; 3 frames left out of this snapshot',
      '',
      'DEADLOCK: 1 frame awaits itself',
      '   self  app.mjs:8:3  await self.promise',
      ' → self (again)',
      '',
      'DEADLOCK: 2 frames await each other',
      '   ping  app.mjs:9:3  await pong',
      ' → pong  app.mjs:10:3  await ping',
      ' → ping (again)',
      '',
      'main  app.mjs:1:3  await Promise.race(tasks)',
      '└─ Promise.race: 2 of 6 pending, 2 of unknown state',
      '   ├─ [0] produce (async generator)  app.mjs:2:3  yield item (yielded, waiting for its consumer)',
      '   ├─ [1] 42  not a promise',
      '   └─ … 4 more members: 1 pending, 1 rejected, 2 of unknown state',
      '',
      'finish  app.mjs:3:1  (returning)',
      '└─ stream  — an async iterator',
      '',
      'dispose  app.mjs:4:3  await using res = open()',
      '├─ open()  — disposal of its resources',
      '└─ 7  — a plain value',
      '',
      'anyOf  app.mjs:5:3  await Promise.any(set)',
      '└─ Promise.any: members unknown (not an array or set)',
      '',
      'mapAll  app.mjs:6:3  await pMap(ids, load)',
      '└─ pMap(ids, load): 1 call into instrumented code still pending',
      '   └─ load  app.mjs:7:3',
      '      └─ fetch(id)  — a promise no instrumented code created',
      '',
      'self  app.mjs:8:3  await self.promise',
      '└─ self  app.mjs:8:3 (shown above)',
      '',
      'ping  app.mjs:9:3  await pong',
      '└─ pong  app.mjs:10:3  await ping',
      '   └─ ping  app.mjs:9:3 (shown above)',
    ) },
  { name: 'everything, as DOT with durations by default', render: () => renderDot(everything()), expected: lines(
      'digraph awaitwhat {',
      '  rankdir=TB;',
      '  node [fontname="monospace", fontsize=10];',
      '  "f1" [shape=box, label="main\\napp.mjs:1:3\\nawait Promise.race(tasks)\\n2.5s"];',
      '  "c1" [shape=diamond, label="Promise.race\\n2 of 6 pending, 2 of unknown state"];',
      '  "f2" [shape=box, label="produce\\napp.mjs:2:3\\nyield item\\n40ms"];',
      '  "l1" [shape=ellipse, label="thenable\\n(thenable)"];',
      '  "f3" [shape=box, label="finish\\napp.mjs:3:1\\n1m01s"];',
      '  "l2" [shape=ellipse, label="stream\\n(async-iterable)"];',
      '  "f4" [shape=box, label="dispose\\napp.mjs:4:3\\nawait using res = open()\\n1.5s"];',
      '  "l3" [shape=ellipse, label="open()\\n(disposal)"];',
      '  "l4" [shape=ellipse, label="7\\n(value)"];',
      '  "f5" [shape=box, label="anyOf\\napp.mjs:5:3\\nawait Promise.any(set)\\n1.5s"];',
      '  "c2" [shape=diamond, label="Promise.any\\nmembers unknown (not an array or set)"];',
      '  "f6" [shape=box, label="mapAll\\napp.mjs:6:3\\nawait pMap(ids, load)\\n1.5s"];',
      '  "g1" [shape=box, style=dashed, label="pMap(ids, load)\\n1 call into instrumented code still pending"];',
      '  "f7" [shape=box, label="load\\napp.mjs:7:3\\n1.5s"];',
      '  "l5" [shape=ellipse, label="fetch(id)\\n(promise)"];',
      '  "f8" [shape=box, label="self\\napp.mjs:8:3\\nawait self.promise\\n1.5s"];',
      '  "f9" [shape=box, label="ping\\napp.mjs:9:3\\nawait pong\\n1.5s"];',
      '  "f10" [shape=box, label="pong\\napp.mjs:10:3\\nawait ping\\n1.5s"];',
      '  "f1" -> "c1";',
      '  "c1" -> "f2";',
      '  "c1" -> "l1";',
      '  "c1" -> "nowhere";',
      '  "f3" -> "l2";',
      '  "f4" -> "l3";',
      '  "f4" -> "l4";',
      '  "f5" -> "c2";',
      '  "f6" -> "g1";',
      '  "g1" -> "f7";',
      '  "f7" -> "l5";',
      '  "f8" -> "f8" [color=red, penwidth=2];',
      '  "f9" -> "f10" [color=red, penwidth=2];',
      '  "f10" -> "f9" [color=red, penwidth=2];',
      '}',
    ) },
  { name: 'everything, brief lines', render: () => renderText(everything(), { minPendingMs: 60_000 }), expected: lines(
      'awaitwhat: 10 pending async functions, 1 suspension pending 1m00s or longer',
      'awaitwhat: not shown: 2 pending frames reclaimed by the garbage collector (nothing could resume them: waits that could never end); 1 frame evicted over the limit of pending frames; 3 frames left out of this snapshot',
      '',
      'DEADLOCK: 1 frame awaits itself',
      '   self  app.mjs:8:3  await self.promise  1.5s',
      ' → self (again)',
      '',
      'DEADLOCK: 2 frames await each other',
      '   ping  app.mjs:9:3  await pong  1.5s',
      ' → pong  app.mjs:10:3  await ping  1.5s',
      ' → ping (again)',
      '',
      'finish  app.mjs:3:1  (returning)  1m01s',
      '└─ stream  — an async iterator',
      '',
      '6 other pending trees, each pending less than 1m00s, one line each (first frame → innermost await → what it waits for):',
      'main  app.mjs:1:3 → produce (async generator)  app.mjs:2:3  yield item (yielded, waiting for its consumer)  40ms',
      'dispose  app.mjs:4:3  await using res = open()  1.5s → open()  — disposal of its resources',
      'anyOf  app.mjs:5:3  await Promise.any(set)  1.5s → Promise.any: members unknown (not an array or set)',
      'mapAll  app.mjs:6:3 → load  app.mjs:7:3  1.5s → fetch(id)  — a promise no instrumented code created',
      'self  app.mjs:8:3  await self.promise  1.5s → self  app.mjs:8:3 (again: an await cycle)',
      'ping  app.mjs:9:3 → pong  app.mjs:10:3  await ping  1.5s → ping  app.mjs:9:3 (again: an await cycle)',
    ) },
  { name: 'alternating files', render: () => renderText(alternating({ file: 'lib.mjs', at: { file: 'app.mjs', line: 5 } }), { durations: false }), expected: lines(
      'awaitwhat: 8 pending async functions',
      '',
      'walk  app.mjs:5:3  await walk()',
      '└─ walk  app.mjs:5:3  await walk()',
      '   └─ … 2 more repetitions of walk → walk (4 frames)',
      '      └─ walk  app.mjs:5:3  await walk()',
      '         └─ walk  app.mjs:5:3  await walk()',
      '            └─ io()  — a promise no instrumented code created',
    ) },
  { name: 'alternating lines', render: () => renderText(alternating({ line: 6, at: { line: 5 } }), { durations: false }), expected: lines(
      'awaitwhat: 8 pending async functions',
      '',
      'walk  app.mjs:5:3  await walk()',
      '└─ walk  app.mjs:5:3  await walk()',
      '   └─ … 2 more repetitions of walk → walk (4 frames)',
      '      └─ walk  app.mjs:5:3  await walk()',
      '         └─ walk  app.mjs:5:3  await walk()',
      '            └─ io()  — a promise no instrumented code created',
    ) },
  { name: 'alternating function', render: () => renderText(alternating({ fn: 'walk2' }), { durations: false }), expected: lines(
      'awaitwhat: 8 pending async functions',
      '',
      'walk  app.mjs:5:3  await walk()',
      '└─ walk2  app.mjs:5:3  await walk()',
      '   └─ … 2 more repetitions of walk → walk2 (4 frames)',
      '      └─ walk  app.mjs:5:3  await walk()',
      '         └─ walk2  app.mjs:5:3  await walk()',
      '            └─ io()  — a promise no instrumented code created',
    ) },
  { name: 'alternating suspension line', render: () => renderText(alternating({ at: { line: 9 } }), { durations: false }), expected: lines(
      'awaitwhat: 8 pending async functions',
      '',
      'walk  app.mjs:5:3  await walk()',
      '└─ walk  app.mjs:9:3  await walk()',
      '   └─ … 2 more repetitions of walk → walk (4 frames)',
      '      └─ walk  app.mjs:5:3  await walk()',
      '         └─ walk  app.mjs:9:3  await walk()',
      '            └─ io()  — a promise no instrumented code created',
    ) },
  { name: 'alternating suspension column', render: () => renderText(alternating({ at: { line: 5, column: 9 } }), { durations: false }), expected: lines(
      'awaitwhat: 8 pending async functions',
      '',
      'walk  app.mjs:5:3  await walk()',
      '└─ walk  app.mjs:5:9  await walk()',
      '   └─ … 2 more repetitions of walk → walk (4 frames)',
      '      └─ walk  app.mjs:5:3  await walk()',
      '         └─ walk  app.mjs:5:9  await walk()',
      '            └─ io()  — a promise no instrumented code created',
    ) },
  { name: 'alternating suspension file', render: () => renderText(alternating({ at: { line: 5, file: 'other.mjs' } }), { durations: false }), expected: lines(
      'awaitwhat: 8 pending async functions',
      '',
      'walk  app.mjs:5:3  await walk()',
      '└─ walk  other.mjs:5:3  await walk()',
      '   └─ … 2 more repetitions of walk → walk (4 frames)',
      '      └─ walk  app.mjs:5:3  await walk()',
      '         └─ walk  other.mjs:5:3  await walk()',
      '            └─ io()  — a promise no instrumented code created',
    ) },
  { name: 'alternating not suspended', render: () => renderText(alternating({ at: null }), { durations: false }), expected: lines(
      'awaitwhat: 8 pending async functions',
      '',
      'walk  app.mjs:5:3  await walk()',
      '└─ walk  app.mjs:5:1  (awaiting)',
      '   └─ … 2 more repetitions of walk → walk (4 frames)',
      '      └─ walk  app.mjs:5:3  await walk()',
      '         └─ walk  app.mjs:5:1  (awaiting)',
      '            └─ io()  — a promise no instrumented code created',
    ) },
  { name: 'a run, then the frames below it', render: () => renderText(snapshotOf([...chain(1, [...Array(5).fill({ fn: 'descend', line: 4, text: 'await descend(n - 1)' }), { fn: 'base', line: 9, text: 'await read()' }], 'l1'), leaf('l1', 'read()', ['f6'])], ['f1']), { durations: false }), expected: lines(
      'awaitwhat: 6 pending async functions',
      '',
      'descend  app.mjs:4:3  await descend(n - 1)',
      '└─ … 3 more descend at the same await',
      '   └─ descend  app.mjs:4:3  await descend(n - 1)',
      '      └─ base  app.mjs:9:3  await read()',
      '         └─ read()  — a promise no instrumented code created',
    ) },
  { name: 'a pattern of 8 repeated 4 times, 10 levels down: the margin inside the run', render: () => renderText(deepPattern(8), { durations: false }), expected: lines(
      'awaitwhat: 42 pending async functions',
      '',
      'top0  app.mjs:100:3  await x1()',
      '└─ top1  app.mjs:101:3  await x2()',
      '   └─ top2  app.mjs:102:3  await x3()',
      '      └─ top3  app.mjs:103:3  await x4()',
      '         └─ top4  app.mjs:104:3  await x5()',
      '            └─ top5  app.mjs:105:3  await x6()',
      '               └─ top6  app.mjs:106:3  await x7()',
      '                  └─ top7  app.mjs:107:3  await x8()',
      '                     └─ top8  app.mjs:108:3  await x9()',
      '                        └─ top9  app.mjs:109:3  await x10()',
      '                           └─ p0  app.mjs:200:3  await next()',
      '                              └─ p1  app.mjs:201:3  await next()',
      '                                 └─ p2  app.mjs:202:3  await next()',
      '                                    └─ p3  app.mjs:203:3  await next()',
      '                                       └─ p4  app.mjs:204:3  await next()',
      '                                          └─ p5  app.mjs:205:3  await next()',
      '                                             └─ p6  app.mjs:206:3  await next()',
      '                                                └─ p7  app.mjs:207:3  await next()',
      '                                                   └─ … 2 more repetitions of p0 → p1 → p2 → p3 → p4 → p5 → p6 → p7 (16 frames)',
      '                                                      └─ p0  app.mjs:200:3  await next()',
      '                                                         └─ p1  app.mjs:201:3  await next()',
      '                                                            └─ p2  app.mjs:202:3  await next()',
      '                                                               └─ p3  app.mjs:203:3  await next()',
      '                                                                  └─ p4  app.mjs:204:3  await next()',
      '                                                                     └─ p5  app.mjs:205:3  await next()',
      '                                                                        ↓ depth 25 and below continue at the left margin',
      '└─ p6  app.mjs:206:3  await next()',
      '   └─ p7  app.mjs:207:3  await next()',
      '      └─ io()  — a promise no instrumented code created',
    ) },
  { name: 'a pattern of 9 is not looked for', render: () => renderText(deepPattern(9), { durations: false, maxLines: 60 }), expected: lines(
      'awaitwhat: 46 pending async functions',
      '',
      'top0  app.mjs:100:3  await x1()',
      '└─ top1  app.mjs:101:3  await x2()',
      '   └─ top2  app.mjs:102:3  await x3()',
      '      └─ top3  app.mjs:103:3  await x4()',
      '         └─ top4  app.mjs:104:3  await x5()',
      '            └─ top5  app.mjs:105:3  await x6()',
      '               └─ top6  app.mjs:106:3  await x7()',
      '                  └─ top7  app.mjs:107:3  await x8()',
      '                     └─ top8  app.mjs:108:3  await x9()',
      '                        └─ top9  app.mjs:109:3  await x10()',
      '                           └─ p0  app.mjs:200:3  await next()',
      '                              └─ p1  app.mjs:201:3  await next()',
      '                                 └─ p2  app.mjs:202:3  await next()',
      '                                    └─ p3  app.mjs:203:3  await next()',
      '                                       └─ p4  app.mjs:204:3  await next()',
      '                                          └─ p5  app.mjs:205:3  await next()',
      '                                             └─ p6  app.mjs:206:3  await next()',
      '                                                └─ p7  app.mjs:207:3  await next()',
      '                                                   └─ p8  app.mjs:208:3  await next()',
      '                                                      └─ p0  app.mjs:200:3  await next()',
      '                                                         └─ p1  app.mjs:201:3  await next()',
      '                                                            └─ p2  app.mjs:202:3  await next()',
      '                                                               └─ p3  app.mjs:203:3  await next()',
      '                                                                  └─ p4  app.mjs:204:3  await next()',
      '                                                                     └─ p5  app.mjs:205:3  await next()',
      '                                                                        ↓ depth 25 and below continue at the left margin',
      '└─ p6  app.mjs:206:3  await next()',
      '   └─ p7  app.mjs:207:3  await next()',
      '      └─ p8  app.mjs:208:3  await next()',
      '         └─ p0  app.mjs:200:3  await next()',
      '            └─ p1  app.mjs:201:3  await next()',
      '               └─ p2  app.mjs:202:3  await next()',
      '                  └─ p3  app.mjs:203:3  await next()',
      '                     └─ p4  app.mjs:204:3  await next()',
      '                        └─ p5  app.mjs:205:3  await next()',
      '                           └─ p6  app.mjs:206:3  await next()',
      '                              └─ p7  app.mjs:207:3  await next()',
      '                                 └─ p8  app.mjs:208:3  await next()',
      '                                    └─ p0  app.mjs:200:3  await next()',
      '                                       └─ p1  app.mjs:201:3  await next()',
      '                                          └─ p2  app.mjs:202:3  await next()',
      '                                             └─ p3  app.mjs:203:3  await next()',
      '                                                └─ p4  app.mjs:204:3  await next()',
      '                                                   └─ p5  app.mjs:205:3  await next()',
      '                                                      └─ p6  app.mjs:206:3  await next()',
      '                                                         └─ p7  app.mjs:207:3  await next()',
      '                                                            └─ p8  app.mjs:208:3  await next()',
      '                                                               └─ io()  — a promise no instrumented code created',
    ) },
  { name: 'a run stops at a frame awaited twice', render: () => renderText(sharedInRun(), { durations: false }), expected: lines(
      'awaitwhat: 9 pending async functions',
      '',
      'descend  app.mjs:4:3  await descend(n - 1)',
      '└─ … 3 more descend at the same await',
      '   └─ descend  app.mjs:4:3  await descend(n - 1)',
      '      └─ descend  app.mjs:4:3  await descend(n - 1)',
      '         └─ descend  app.mjs:4:3  await descend(n - 1)',
      '            └─ descend  app.mjs:4:3  await descend(n - 1)',
      '               └─ io()  — a promise no instrumented code created',
      '',
      'other  app.mjs:9:3  await x9()',
      '└─ descend  app.mjs:4:3 (shown above)',
    ) },
  { name: 'a cycle of one function at one await', render: () => renderText(spinCycle(), { durations: false }), expected: lines(
      'awaitwhat: 6 pending async functions',
      '',
      'DEADLOCK: 6 frames await each other',
      '   spin  app.mjs:3:3  await next.done',
      ' → spin  app.mjs:3:3  await next.done',
      ' → spin  app.mjs:3:3  await next.done',
      ' → spin  app.mjs:3:3  await next.done',
      ' → spin  app.mjs:3:3  await next.done',
      ' → spin  app.mjs:3:3  await next.done',
      ' → spin (again)',
      '',
      'spin  app.mjs:3:3  await next.done',
      '└─ … 4 more spin at the same await',
      '   └─ spin  app.mjs:3:3  await next.done',
      '      └─ spin  app.mjs:3:3 (shown above)',
    ) },
  { name: 'trees where nothing is a root; ids that name no frame', render: () => renderText(unrooted(), { durations: false }), expected: lines(
      'awaitwhat: 3 pending async functions',
      '',
      'a  app.mjs:2:3  await x2()',
      '└─ b  app.mjs:3:3  await x3()',
      '   └─ io()  — a promise no instrumented code created',
      '',
      'c  app.mjs:4:3  await x4()',
    ) },
  { name: 'the threshold itself counts as pending that long; no stats', render: () => renderText(thresholdCase(), { minPendingMs: 1000 }), expected: lines(
      'awaitwhat: 2 pending async functions, 1 suspension pending 1.0s or longer',
      '',
      'exact  app.mjs:1:3  await x1()  1.0s',
      '',
      '1 other pending tree, each pending less than 1.0s, one line each (first frame → innermost await → what it waits for):',
      'under  app.mjs:2:3  await x2()  999ms',
    ) },
  { name: 'brief lines through combinators and groups, shared paths, positions 0', render: () => renderText(briefCase(), { minPendingMs: 5000, durations: false }), expected: lines(
      'awaitwhat: 8 pending async functions, 1 suspension pending 5.0s or longer',
      '',
      'stuck  app.mjs:9:3  await x9()',
      '└─ never()  — a promise no instrumented code created',
      '',
      '4 other pending trees, each pending less than 5.0s, one line each (first frame → innermost await → what it waits for):',
      'outer  app.mjs:3:3 → inner  app.mjs:1:3  await x1() → io()  — a promise no instrumented code created',
      'all  app.mjs:4:3 → … 1 more → deep  app.mjs:6:3  await x6() → sleep()  — a promise no instrumented code created',
      'alsoWaits  app.mjs:7:3 → … 1 more → deep  app.mjs:6:3  await x6() → sleep()  — a promise no instrumented code created',
      'leaves  app.mjs:8:3  await x8() → Promise.allSettled: 1 of 1 pending',
    ) },
  { name: 'brief lines: what the innermost frame awaits at position 0', render: () => renderText(snapshotOf([leaf('l1', 'io()', ['f2']), frame(2, { fn: 'quick', awaits: ['l1'], pendingMs: 10 }), frame(3, { fn: 'stuck', pendingMs: 9000 })], ['f2', 'f3']), { minPendingMs: 5000, durations: false }), expected: lines(
      'awaitwhat: 2 pending async functions, 1 suspension pending 5.0s or longer',
      '',
      'stuck  app.mjs:3:3  await x3()',
      '',
      '1 other pending tree, each pending less than 5.0s, one line each (first frame → innermost await → what it waits for):',
      'quick  app.mjs:2:3  await x2() → io()  — a promise no instrumented code created',
    ) },
  { name: 'brief lines: a path joining a known one at the first node; a combinator of leaves before a frame that awaits a frame', render: () => renderText(briefJoin(), { minPendingMs: 5000, durations: false }), expected: lines(
      'awaitwhat: 7 pending async functions, 1 suspension pending 5.0s or longer',
      '',
      'stuck  app.mjs:10:3  await x10()',
      '',
      '4 other pending trees, each pending less than 5.0s, one line each (first frame → innermost await → what it waits for):',
      'outerA  app.mjs:3:3 → inner  app.mjs:1:3  await x1() → io()  — a promise no instrumented code created',
      'outerB  app.mjs:4:3 → inner  app.mjs:1:3  await x1() → io()  — a promise no instrumented code created',
      'leaves  app.mjs:5:3  await x5() → Promise.all: 1 of 1 pending',
      'next  app.mjs:7:3 → target  app.mjs:8:3  await x8()',
    ) },
  { name: 'shared combinators and groups are named again', render: () => renderText(sharedNodes(), { durations: false }), expected: lines(
      'awaitwhat: 4 pending async functions',
      '',
      'a  app.mjs:1:3  await x1()',
      '└─ Promise.all: 0 of 1 pending',
      '   └─ [0] fulfilled',
      '',
      'b  app.mjs:2:3  await x2()',
      '└─ Promise.all (shown above)',
      '',
      'c  app.mjs:3:3  await x3()',
      '└─ lib.run(cb): 0 of 2 calls into instrumented code still pending',
      '',
      'd  app.mjs:4:3  await x4()',
      '└─ lib.run(cb) (shown above)',
    ) },
  { name: 'a combinator from before member states', render: () => renderText(stateless(), { durations: false, maxMembers: 1 }), expected: lines(
      'awaitwhat: 1 pending async function',
      '',
      'main  app.mjs:1:3  await x1()',
      '└─ Promise.all: 0 of 2 pending',
      '   ├─ [0] x  fulfilled',
      '   └─ … 1 more member',
    ) },
  { name: 'a long deadlock', render: () => renderText(longCycle(22), { durations: false }), expected: lines(
      'awaitwhat: 22 pending async functions',
      '',
      'DEADLOCK: 22 frames await each other',
      '   c1  app.mjs:1:3  await x1()',
      ' → c2  app.mjs:2:3  await x2()',
      ' → c3  app.mjs:3:3  await x3()',
      ' → c4  app.mjs:4:3  await x4()',
      ' → c5  app.mjs:5:3  await x5()',
      ' → c6  app.mjs:6:3  await x6()',
      ' → c7  app.mjs:7:3  await x7()',
      ' → c8  app.mjs:8:3  await x8()',
      ' → c9  app.mjs:9:3  await x9()',
      ' → c10  app.mjs:10:3  await x10()',
      ' → c11  app.mjs:11:3  await x11()',
      ' → c12  app.mjs:12:3  await x12()',
      ' → c13  app.mjs:13:3  await x13()',
      ' → c14  app.mjs:14:3  await x14()',
      ' → c15  app.mjs:15:3  await x15()',
      ' → c16  app.mjs:16:3  await x16()',
      ' → c17  app.mjs:17:3  await x17()',
      ' → c18  app.mjs:18:3  await x18()',
      ' → c19  app.mjs:19:3  await x19()',
      ' → … 3 more',
      ' → c1 (again)',
      '',
      'c1  app.mjs:1:3  await x1()',
      '└─ c2  app.mjs:2:3  await x2()',
      '   └─ c3  app.mjs:3:3  await x3()',
      '      └─ c4  app.mjs:4:3  await x4()',
      '         └─ c5  app.mjs:5:3  await x5()',
      '            └─ c6  app.mjs:6:3  await x6()',
      '               └─ c7  app.mjs:7:3  await x7()',
      '                  └─ c8  app.mjs:8:3  await x8()',
      '                     └─ c9  app.mjs:9:3  await x9()',
      '                        └─ c10  app.mjs:10:3  await x10()',
      '                           └─ c11  app.mjs:11:3  await x11()',
      '                              └─ c12  app.mjs:12:3  await x12()',
      '                                 └─ c13  app.mjs:13:3  await x13()',
      '                                    └─ c14  app.mjs:14:3  await x14()',
      '                                       └─ c15  app.mjs:15:3  await x15()',
      '                                          └─ c16  app.mjs:16:3  await x16()',
      '                                             └─ c17  app.mjs:17:3  await x17()',
      '                                                └─ c18  app.mjs:18:3  await x18()',
      '                                                   └─ c19  app.mjs:19:3  await x19()',
      '                                                      └─ c20  app.mjs:20:3  await x20()',
      '                                                         └─ c21  app.mjs:21:3  await x21()',
      '                                                            └─ c22  app.mjs:22:3  await x22()',
      '                                                               └─ c1  app.mjs:1:3 (shown above)',
    ) },
  { name: 'a deadlock of exactly 20 frames is listed whole', render: () => renderText(longCycle(20), { durations: false, maxLines: 60 }), expected: lines(
      'awaitwhat: 20 pending async functions',
      '',
      'DEADLOCK: 20 frames await each other',
      '   c1  app.mjs:1:3  await x1()',
      ' → c2  app.mjs:2:3  await x2()',
      ' → c3  app.mjs:3:3  await x3()',
      ' → c4  app.mjs:4:3  await x4()',
      ' → c5  app.mjs:5:3  await x5()',
      ' → c6  app.mjs:6:3  await x6()',
      ' → c7  app.mjs:7:3  await x7()',
      ' → c8  app.mjs:8:3  await x8()',
      ' → c9  app.mjs:9:3  await x9()',
      ' → c10  app.mjs:10:3  await x10()',
      ' → c11  app.mjs:11:3  await x11()',
      ' → c12  app.mjs:12:3  await x12()',
      ' → c13  app.mjs:13:3  await x13()',
      ' → c14  app.mjs:14:3  await x14()',
      ' → c15  app.mjs:15:3  await x15()',
      ' → c16  app.mjs:16:3  await x16()',
      ' → c17  app.mjs:17:3  await x17()',
      ' → c18  app.mjs:18:3  await x18()',
      ' → c19  app.mjs:19:3  await x19()',
      ' → c20  app.mjs:20:3  await x20()',
      ' → c1 (again)',
      '',
      'c1  app.mjs:1:3  await x1()',
      '└─ c2  app.mjs:2:3  await x2()',
      '   └─ c3  app.mjs:3:3  await x3()',
      '      └─ c4  app.mjs:4:3  await x4()',
      '         └─ c5  app.mjs:5:3  await x5()',
      '            └─ c6  app.mjs:6:3  await x6()',
      '               └─ c7  app.mjs:7:3  await x7()',
      '                  └─ c8  app.mjs:8:3  await x8()',
      '                     └─ c9  app.mjs:9:3  await x9()',
      '                        └─ c10  app.mjs:10:3  await x10()',
      '                           └─ c11  app.mjs:11:3  await x11()',
      '                              └─ c12  app.mjs:12:3  await x12()',
      '                                 └─ c13  app.mjs:13:3  await x13()',
      '                                    └─ c14  app.mjs:14:3  await x14()',
      '                                       └─ c15  app.mjs:15:3  await x15()',
      '                                          └─ c16  app.mjs:16:3  await x16()',
      '                                             └─ c17  app.mjs:17:3  await x17()',
      '                                                └─ c18  app.mjs:18:3  await x18()',
      '                                                   └─ c19  app.mjs:19:3  await x19()',
      '                                                      └─ c20  app.mjs:20:3  await x20()',
      '                                                         └─ c1  app.mjs:1:3 (shown above)',
    ) },
  { name: 'a deadlock starts its tree at the frame it lists first; a member whose node comes first', render: () => renderText(orderCase(), { durations: false }), expected: lines(
      'awaitwhat: 3 pending async functions',
      '',
      'DEADLOCK: 2 frames await each other',
      '   pong  app.mjs:3:3  await x3()',
      ' → ping  app.mjs:2:3  await x2()',
      ' → pong (again)',
      '',
      'main  app.mjs:4:3  await x4()',
      '└─ Promise.all: 1 of 1 pending',
      '   └─ [0] p  — a promise no instrumented code created',
      '',
      'pong  app.mjs:3:3  await x3()',
      '└─ ping  app.mjs:2:3  await x2()',
      '   └─ pong  app.mjs:3:3 (shown above)',
    ) },
  { name: 'stuck trees with no room, one line each', render: () => renderText(manyTrees(), { minPendingMs: 1000, durations: false, maxLines: 9 }), expected: lines(
      'awaitwhat: 18 pending async functions, 6 suspensions pending 1.0s or longer',
      '',
      't0a  app.mjs:1:3  await x1()',
      '└─ t0b  app.mjs:2:3  await x2()',
      '',
      '1 more tree with a suspension pending 1.0s or longer, one line each (no room to show them in full):',
      't1a  app.mjs:4:3 → … 1 more → t1c  app.mjs:6:3  await x6()',
      '',
      '… output cut at 9 lines; 4 more trees not shown',
    ) },
  { name: 'deadlocks beyond half the lines', render: () => renderText(manyCycles(), { durations: false, maxLines: 24 }), expected: lines(
      'awaitwhat: 8 pending async functions',
      '',
      'DEADLOCK: 2 frames await each other',
      '   x0  app.mjs:1:3  await x1()',
      ' → y0  app.mjs:2:3  await x2()',
      ' → x0 (again)',
      '',
      'DEADLOCK: 2 frames await each other',
      '   x1  app.mjs:3:3  await x3()',
      ' → y1  app.mjs:4:3  await x4()',
      ' → x1 (again)',
      '',
      '… 2 more deadlocks not listed',
      '',
      'x0  app.mjs:1:3  await x1()',
      '└─ y0  app.mjs:2:3  await x2()',
      '   └─ x0  app.mjs:1:3 (shown above)',
      '',
      '3 more trees, one line each (no room to show them in full):',
      'x1  app.mjs:3:3 → y1  app.mjs:4:3  await x4() → x1  app.mjs:3:3 (again: an await cycle)',
      'x2  app.mjs:5:3 → y2  app.mjs:6:3  await x6() → x2  app.mjs:5:3 (again: an await cycle)',
      'x3  app.mjs:7:3 → y3  app.mjs:8:3  await x8() → x3  app.mjs:7:3 (again: an await cycle)',
    ) },
  { name: 'a tree cut at maxLines', render: () => renderText(snapshotOf([...chain(1, Array.from({ length: 12 }, (_, k) => ({ fn: `step${k}` })), undefined)], ['f1']), { durations: false, maxLines: 8 }), expected: lines(
      'awaitwhat: 12 pending async functions',
      '',
      'step0  app.mjs:1:3  await x1()',
      '└─ step1  app.mjs:2:3  await x2()',
      '   └─ step2  app.mjs:3:3  await x3()',
      '      └─ step3  app.mjs:4:3  await x4()',
      '',
      '… output cut at 8 lines',
    ) },
  { name: 'trees that do not fit, in one line each, then counted', render: () => renderText(manyTrees(), { durations: false, maxLines: 12 }), expected: lines(
      'awaitwhat: 18 pending async functions',
      '',
      't0a  app.mjs:1:3  await x1()',
      '└─ t0b  app.mjs:2:3  await x2()',
      '   └─ t0c  app.mjs:3:3  await x3()',
      '',
      '5 more trees, one line each (no room to show them in full):',
      't1a  app.mjs:4:3 → … 1 more → t1c  app.mjs:6:3  await x6()',
      't2a  app.mjs:7:3 → … 1 more → t2c  app.mjs:9:3  await x9()',
      't3a  app.mjs:10:3 → … 1 more → t3c  app.mjs:12:3  await x12()',
      '',
      '… output cut at 12 lines; 2 more trees not shown',
    ) },
  { name: 'stuck trees that do not fit, then brief ones', render: () => renderText(manyTrees(), { minPendingMs: 1000, durations: false, maxLines: 14 }), expected: lines(
      'awaitwhat: 18 pending async functions, 6 suspensions pending 1.0s or longer',
      '',
      't0a  app.mjs:1:3  await x1()',
      '└─ t0b  app.mjs:2:3  await x2()',
      '   └─ t0c  app.mjs:3:3  await x3()',
      '',
      't1a  app.mjs:4:3  await x4()',
      '',
      '4 other pending trees, each pending less than 1.0s, one line each (first frame → innermost await → what it waits for):',
      't2a  app.mjs:7:3 → … 1 more → t2c  app.mjs:9:3  await x9()',
      't3a  app.mjs:10:3 → … 1 more → t3c  app.mjs:12:3  await x12()',
      't4a  app.mjs:13:3 → … 1 more → t4c  app.mjs:15:3  await x15()',
      '',
      '… output cut at 14 lines; 1 more tree not shown',
    ) },
  { name: 'recursion through groups of one call: no run', render: () => renderText(groupChain(), { durations: false }), expected: lines(
      'awaitwhat: 5 pending async functions',
      '',
      'walk  app.mjs:3:3  await pMap(next, walk)',
      '└─ pMap(next, walk): 1 of 1 call into instrumented code still pending',
      '   └─ walk  app.mjs:3:3  await pMap(next, walk)',
      '      └─ pMap(next, walk): 1 of 1 call into instrumented code still pending',
      '         └─ walk  app.mjs:3:3  await pMap(next, walk)',
      '            └─ pMap(next, walk): 1 of 1 call into instrumented code still pending',
      '               └─ walk  app.mjs:3:3  await pMap(next, walk)',
      '                  └─ pMap(next, walk): 1 of 1 call into instrumented code still pending',
      '                     └─ walk  app.mjs:3:3  await pMap(next, walk)',
      '                        └─ io()  — a promise no instrumented code created',
    ) },
  { name: 'a root inside a chain (roots edited by hand): the tree above it stops at its frame, shown above; a run before the first node', render: () => renderText(rootedInside(), { durations: false, collapseAfter: 2 }), expected: lines(
      'awaitwhat: 5 pending async functions',
      '',
      'recur  app.mjs:4:3  await recur(n - 1)',
      '└─ … 1 more recur at the same await',
      '   └─ recur  app.mjs:4:3  await recur(n - 1)',
      '      └─ io()  — a promise no instrumented code created',
      '',
      'recur  app.mjs:4:3  await recur(n - 1)',
      '└─ recur  app.mjs:4:3  await recur(n - 1)',
      '   └─ recur  app.mjs:4:3 (shown above)',
    ) },
  { name: 'brief lines into a deadlock at each of its frames', render: () => renderText(briefIntoCycle(), { durations: false, minPendingMs: 1000 }), expected: lines(
      'awaitwhat: 5 pending async functions, 1 suspension pending 1.0s or longer',
      '',
      'DEADLOCK: 2 frames await each other',
      '   c1  app.mjs:3:3  await x3()',
      ' → c2  app.mjs:4:3  await x4()',
      ' → c1 (again)',
      '',
      'stuck  app.mjs:5:3  await x5()',
      '└─ never()  — a promise no instrumented code created',
      '',
      '2 other pending trees, each pending less than 1.0s, one line each (first frame → innermost await → what it waits for):',
      'r1  app.mjs:1:3 → … 1 more → c2  app.mjs:4:3  await x4() → c1  app.mjs:3:3 (again: an await cycle)',
      'r2  app.mjs:2:3 → c2  app.mjs:4:3  await x4() → c1  app.mjs:3:3 (again: an await cycle)',
    ) },
  { name: 'brief lines of three trees sharing a path', render: () => renderText(briefThreeShare(), { durations: false, minPendingMs: 1000 }), expected: lines(
      'awaitwhat: 6 pending async functions, 1 suspension pending 1.0s or longer',
      '',
      'stuck  app.mjs:6:3  await x6()',
      '',
      '3 other pending trees, each pending less than 1.0s, one line each (first frame → innermost await → what it waits for):',
      'outerA  app.mjs:1:3 → … 1 more → innermost  app.mjs:5:3  await x5() → io()  — a promise no instrumented code created',
      'outerB  app.mjs:2:3 → … 1 more → innermost  app.mjs:5:3  await x5() → io()  — a promise no instrumented code created',
      'outerC  app.mjs:3:3 → … 1 more → innermost  app.mjs:5:3  await x5() → io()  — a promise no instrumented code created',
    ) },
  { name: 'holders on leaves, a frame with no pending time, as text with durations', render: () => renderText(holdersDot()), expected: lines(
      'awaitwhat: 6 pending async functions',
      '',
      'DEADLOCK: 2 frames await each other',
      '   a  app.mjs:4:3  await x4()  1.5s',
      ' → b  app.mjs:5:3  await x5()  1.5s',
      ' → a (again)',
      '',
      'forever  app.mjs:1:3  await x1()',
      '└─ new Promise(() => {})  — a promise no instrumented code created; NEVER SETTLES: nothing holds it',
      '',
      'nap  app.mjs:2:3  await x2()  1.5s',
      '└─ sleep(1000)  — a promise no instrumented code created; held by Timeout._onTimeout (timer 1000ms)',
      '',
      'plain  app.mjs:3:3  await x3()  1.5s',
      '└─ io()  — a promise no instrumented code created',
      '',
      'outside  app.mjs:6:3  await x6()  1.5s',
      '└─ b  app.mjs:5:3  await x5()  1.5s',
      '   └─ a  app.mjs:4:3  await x4()  1.5s',
      '      └─ b  app.mjs:5:3 (shown above)',
    ) },
  { name: 'holders on leaves, a frame with no pending time, a node named `undefined` awaiting into a cycle, as DOT with durations', render: () => renderDot(holdersDot()), expected: lines(
      'digraph awaitwhat {',
      '  rankdir=TB;',
      '  node [fontname="monospace", fontsize=10];',
      '  "f1" [shape=box, label="forever\\napp.mjs:1:3\\nawait x1()"];',
      '  "l1" [shape=ellipse, color=red, fontcolor=red, label="new Promise(() => {})\\n(promise)\\nNEVER SETTLES: nothing holds it"];',
      '  "f2" [shape=box, label="nap\\napp.mjs:2:3\\nawait x2()\\n1.5s"];',
      '  "l2" [shape=ellipse, label="sleep(1000)\\n(promise)\\nheld by Timeout._onTimeout (timer 1000ms)"];',
      '  "f3" [shape=box, label="plain\\napp.mjs:3:3\\nawait x3()\\n1.5s"];',
      '  "l3" [shape=ellipse, label="io()\\n(promise)"];',
      '  "f4" [shape=box, label="a\\napp.mjs:4:3\\nawait x4()\\n1.5s"];',
      '  "f5" [shape=box, label="b\\napp.mjs:5:3\\nawait x5()\\n1.5s"];',
      '  "undefined" [shape=box, label="outside\\napp.mjs:6:3\\nawait x6()\\n1.5s"];',
      '  "f1" -> "l1";',
      '  "f2" -> "l2";',
      '  "f3" -> "l3";',
      '  "f4" -> "f5" [color=red, penwidth=2];',
      '  "f5" -> "f4" [color=red, penwidth=2];',
      '  "undefined" -> "f5";',
      '}',
    ) },
];



describe('renderText() and renderDot(), exactly', () => {
  for (const c of CASES) {
    it(c.name, () => {
      assert.equal(c.render(), c.expected);
    });
  }
});
