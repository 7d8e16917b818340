/**
 * The tools the graph tests compare with: graphProblems (what must hold in every snapshot) and
 * canonicalGraph (a snapshot without times, ids renamed). Each check is shown to fail on a graph
 * broken in the way it looks for.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CombinatorNode, FrameNode, LeafNode, Snapshot, SnapshotNode } from '../dist/index.js';
import { canonicalGraph, formatCanonical } from '../dist/snapshot/canonical.js';
import { graphProblems } from '../dist/snapshot/invariants.js';

function frame(seq: number, awaits: string[], awaitedBy: string[], pendingMs = 300): FrameNode {
  return {
    id: `f${seq}`,
    type: 'frame',
    function: `fn${seq}`,
    kind: 'function',
    location: { file: 'a.mjs', line: seq, column: 1 },
    state: 'awaiting',
    suspendedAt: { file: 'a.mjs', line: seq, column: 3, kind: 'await', text: 'await x' },
    pendingMs,
    seq,
    awaits,
    awaitedBy,
  };
}

function leaf(id: string, awaitedBy: string[]): LeafNode {
  return { id, type: 'leaf', valueKind: 'promise', text: 'x', location: { file: 'a.mjs', line: 1, column: 3 }, awaits: [], awaitedBy };
}

function all(id: string, memberNodes: (string | null)[], awaitedBy: string[]): CombinatorNode {
  const members = memberNodes.map((node, index) => ({ index, text: '', state: node === null ? ('fulfilled' as const) : ('pending' as const), node }));
  const pending = members.filter((m) => m.node !== null).length;
  return {
    id,
    type: 'combinator',
    combinator: 'all',
    members,
    pending,
    total: members.length,
    states: { pending, fulfilled: members.length - pending, rejected: 0, value: 0, unknown: 0 },
    membersKnown: true,
    awaits: memberNodes.filter((n) => n !== null),
    awaitedBy,
  };
}

function snapshotOf(nodes: SnapshotNode[], roots: string[], cycles: string[][] = []): Snapshot {
  return { schema: 'awaitwhat.snapshot/1', capturedAt: 1, pid: 2, threadId: 0, nodes, roots, cycles, stats: { frames: nodes.filter((n) => n.type === 'frame').length, collected: 0, evicted: 0, omitted: 0 } };
}

/** f10 → c3 → (f20 → l9, fulfilled, f30 → l9); f40 ⇄ f50. */
function consistent(): Snapshot {
  return snapshotOf(
    [frame(10, ['c3'], []), frame(20, ['l9'], ['c3']), frame(30, ['l9'], ['c3']), frame(40, ['f50'], ['f50']), frame(50, ['f40'], ['f40']), all('c3', ['f20', null, 'f30'], ['f10']), leaf('l9', ['f20', 'f30'])],
    ['f10'],
    [['f40', 'f50']],
  );
}

describe('graphProblems()', () => {
  it('finds nothing wrong in a consistent snapshot', () => {
    assert.deepEqual(graphProblems(consistent()), []);
  });

  const breakages: [string, (s: Snapshot) => void, string[]][] = [
    ['an edge listed on one side only', (s) => (s.nodes[6]!.awaitedBy = ['f20']), ['7 edges in awaits but 6 in awaitedBy']],
    ['an awaitedBy with no awaits behind it', (s) => s.nodes[6]!.awaitedBy.push('f10'), ['l9 is awaited by f10, which does not list it in awaits', '7 edges in awaits but 8 in awaitedBy']],
    ['a dangling id', (s) => (s.nodes[0]!.awaits = ['nope']), ['f10: awaits names nope, which is no node', 'c3 is awaited by f10, which does not list it in awaits']],
    ['frames out of seq order', (s) => ([s.nodes[1], s.nodes[2]] = [s.nodes[2]!, s.nodes[1]!]), ['f20: seq 20 not after the previous frame\'s 30']],
    ['an id that does not match its seq', (s) => ((s.nodes[0] as FrameNode).seq = 11), ['f10: id does not match seq 11']],
    ['a frame after other nodes', (s) => s.nodes.push(s.nodes.splice(4, 1)[0]!), ['f50: a frame after other nodes']],
    ['a duration that is not whole milliseconds', (s) => ((s.nodes[0] as FrameNode).pendingMs = 0.3), ['f10: pendingMs 0.3 is not a whole number of milliseconds >= 0']],
    ['a wrong root list', (s) => (s.roots = ['f10', 'f20']), ['roots are f10 f20, expected the frames nothing awaits: f10']],
    ['a combinator count off by one', (s) => ((s.nodes[5] as CombinatorNode).pending = 3), ['c3: pending 3 but states.pending 2']],
    ['a combinator listing one member too many', (s) => (s.nodes[5] as CombinatorNode).members.push({ index: 3, text: '', state: 'fulfilled', node: null }), ['c3: lists 4 of 3 members']],
    // f10 reaches f20 through its Promise.all; nothing leads back.
    ['a cycle whose frames do not await each other', (s) => (s.cycles = [['f10', 'f20']]), ['cycle f10 f20: f20 does not await f10']],
    ['a cycle not starting with its oldest frame', (s) => (s.cycles = [['f50', 'f40']]), ['cycle f50 f40: does not start with its oldest frame']],
    ['stats that miscount frames', (s) => (s.stats.frames = 4), ['stats.frames is 4, but there are 5 frames']],
  ];
  for (const [what, breakIt, problems] of breakages) {
    it(`finds ${what}`, () => {
      const s = consistent();
      breakIt(s);
      assert.deepEqual(graphProblems(s), problems);
    });
  }
});

describe('canonicalGraph()', () => {
  it('renames frames by seq rank and other nodes in the order a walk from the frames meets them, and drops times and the pid', () => {
    const graph = canonicalGraph(consistent());
    assert.deepEqual(
      graph.nodes.map((n) => [n.id, n.awaits.join(' '), n.awaitedBy.join(' ')]),
      [
        ['f1', 'c1', ''],
        ['f2', 'l1', 'c1'],
        ['f3', 'l1', 'c1'],
        ['f4', 'f5', 'f5'],
        ['f5', 'f4', 'f4'],
        ['c1', 'f2 f3', 'f1'],
        ['l1', '', 'f2 f3'],
      ],
    );
    assert.deepEqual(graph.roots, ['f1']);
    assert.deepEqual(graph.cycles, [['f4', 'f5']]);
    assert.deepEqual((graph.nodes[5] as CombinatorNode).members.map((m) => m.node), ['f2', null, 'f3']);
    assert.deepEqual(graph.nodes.slice(0, 5).map((n) => (n as FrameNode).seq), [1, 2, 3, 4, 5]);
    assert.equal(graph.nodes.some((n) => 'pendingMs' in n), false);
    assert.equal('capturedAt' in graph || 'pid' in graph, false);
  });

  it('two runs that differ only in ids, times and node order give the same text', () => {
    const a = consistent();
    const b = consistent();
    b.nodes.reverse();
    b.nodes = [...b.nodes.filter((n) => n.type === 'frame').reverse(), ...b.nodes.filter((n) => n.type !== 'frame')];
    for (const n of b.nodes) if (n.type === 'frame') n.pendingMs = (n.pendingMs ?? 0) + 1000;
    assert.equal(formatCanonical(canonicalGraph(b)), formatCanonical(canonicalGraph(a)));
  });
});
