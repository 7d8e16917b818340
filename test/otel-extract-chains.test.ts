/**
 * extractChains (src/otel/pending-sampler.ts): the hung chains a pending-await sample reports —
 * each innermost frame pending at least the threshold, walked up through its first awaiter (and
 * through combinators and groups, which are not named) to its root, with the leaf it waits on —
 * on hand-built snapshots, longest pending first.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CombinatorNode, FrameNode, GroupNode, LeafNode, Snapshot, SnapshotNode } from '../dist/index.js';
import { extractChains } from '../dist/otel/pending-sampler.js';

function frame(seq: number, awaits: string[], awaitedBy: string[], pendingMs: number | null, state: FrameNode['state'] = 'awaiting'): FrameNode {
  return {
    id: `f${seq}`,
    type: 'frame',
    function: `fn${seq}`,
    kind: 'function',
    location: { file: 'a.mjs', line: seq, column: 1 },
    state,
    suspendedAt: { file: 'a.mjs', line: seq, column: 3, kind: 'await', text: 'await x' },
    pendingMs,
    seq,
    awaits,
    awaitedBy,
  };
}
function leaf(id: string, awaitedBy: string[]): LeafNode {
  return { id, type: 'leaf', valueKind: 'promise', text: id, location: { file: 'a.mjs', line: 1, column: 3 }, awaits: [], awaitedBy };
}
function combinator(id: string, awaits: string[], awaitedBy: string[]): CombinatorNode {
  return { id, type: 'combinator', combinator: 'all', members: [], pending: 0, total: 0, states: { pending: 0, fulfilled: 0, rejected: 0, value: 0, unknown: 0 }, membersKnown: false, awaits, awaitedBy } as CombinatorNode;
}
function group(id: string, awaits: string[], awaitedBy: string[]): GroupNode {
  return { id, type: 'group', text: '', calls: awaits.length, location: { file: 'a.mjs', line: 1, column: 3 }, awaits, awaitedBy } as GroupNode;
}
function snapshotOf(nodes: SnapshotNode[]): Snapshot {
  return { schema: 'awaitwhat.snapshot/1', capturedAt: 1, pid: 2, threadId: 0, nodes, roots: [], cycles: [], stats: { frames: 0, collected: 0, evicted: 0, omitted: 0 } };
}

/** Each chain as its frames' ids outermost first, their positions, its leaf's id and its time. */
function chains(s: Snapshot, threshold: number): [string[], number[], string | null, number][] {
  return extractChains(s, threshold).map((c) => [c.nodes.map((n) => n.id), c.positions, c.leaf?.id ?? null, c.pendingMs]);
}

describe('extractChains', () => {
  it('a chain from its root to its innermost frame and leaf, at and above the threshold, not below', () => {
    const s = snapshotOf([frame(1, ['f2'], [], 900), frame(2, ['f3'], ['f1'], 800), frame(3, ['l1'], ['f2'], 700), leaf('l1', ['f3'])]);
    assert.deepEqual(chains(s, 700), [[['f1', 'f2', 'f3'], [0, 1, 2], 'l1', 700]]);
    assert.deepEqual(chains(s, 699), [[['f1', 'f2', 'f3'], [0, 1, 2], 'l1', 700]]);
    assert.deepEqual(chains(s, 701), []);
  });

  it('a frame whose time is unknown counts as 0 ms; a frame idle at a yield is no chain', () => {
    const s = snapshotOf([frame(1, ['l1'], [], null), frame(2, ['l1'], [], 500, 'yielded'), leaf('l1', ['f1', 'f2'])]);
    assert.deepEqual(chains(s, 0), [[['f1'], [0], 'l1', 0]]);
    assert.deepEqual(chains(s, 1), []);
  });

  it('only innermost frames start chains: not one awaiting a frame, nor through a combinator or group with a frame member', () => {
    const s = snapshotOf([
      frame(1, ['c1'], [], 900),
      frame(2, ['l1'], ['c1'], 800),
      frame(3, ['g1'], [], 900),
      frame(4, ['l2'], ['g1'], 600),
      combinator('c1', ['l1', 'f2'], ['f1']),
      group('g1', ['f4'], ['f3']),
      leaf('l1', ['c1', 'f2']),
      leaf('l2', ['f4']),
    ]);
    assert.deepEqual(chains(s, 100), [
      [['f1', 'f2'], [0, 1], 'l1', 800],
      [['f3', 'f4'], [2, 3], 'l2', 600],
    ]);
  });

  it('a frame awaiting a combinator of leaves only is innermost, its leaf the first member leaf; without a leaf, none', () => {
    const s = snapshotOf([
      frame(1, ['c1'], [], 300),
      frame(2, ['c2'], [], 400),
      frame(3, [], [], 500),
      combinator('c1', ['c3', 'l2', 'l1'], ['f1']),
      combinator('c2', ['c3'], ['f2']),
      combinator('c3', [], ['c1', 'c2']),
      leaf('l1', ['c1']),
      leaf('l2', ['c1']),
    ]);
    assert.deepEqual(chains(s, 0), [
      [['f3'], [2], null, 500],
      [['f2'], [1], null, 400],
      [['f1'], [0], 'l2', 300],
    ]);
  });

  it('a frame awaiting a group of leaves only is innermost, its leaf the group\'s first leaf', () => {
    const s = snapshotOf([frame(1, ['g1'], [], 300), group('g1', ['l1', 'l2'], ['f1']), leaf('l1', ['g1']), leaf('l2', ['g1'])]);
    assert.deepEqual(chains(s, 0), [[['f1'], [0], 'l1', 300]]);
  });

  it('longest pending first; equal times keep snapshot order', () => {
    const s = snapshotOf([frame(1, ['l1'], [], 100), frame(2, ['l1'], [], 300), frame(3, ['l1'], [], 100), frame(4, ['l1'], [], 200), leaf('l1', ['f1', 'f2', 'f3', 'f4'])]);
    assert.deepEqual(chains(s, 0).map(([ids, , , ms]) => [ids[0], ms]), [['f2', 300], ['f4', 200], ['f1', 100], ['f3', 100]]);
  });

  it('walks up through the first awaiter only, through combinators unnamed, and stops where a cycle would repeat', () => {
    const s = snapshotOf([
      frame(1, ['c1'], ['f3'], 900),
      frame(2, ['c1'], [], 900),
      frame(3, ['f1'], [], 900),
      frame(4, ['l1'], ['c1'], 700),
      combinator('c1', ['f4'], ['f1', 'f2']),
      leaf('l1', ['f4']),
      // f6 ⇄ c2 loop above an innermost frame f5 (a hand-made shape: the walk must end).
      frame(5, ['l1'], ['c2'], 650),
      combinator('c2', ['f5', 'c2'], ['c2']),
    ]);
    s.nodes[5]!.awaitedBy.push('f5');
    assert.deepEqual(chains(s, 600), [
      [['f3', 'f1', 'f4'], [2, 0, 3], 'l1', 700],
      [['f5'], [6], 'l1', 650],
    ]);
  });
});
