/**
 * graphProblems: each invariant of a snapshot broken on its own, with the exact sentence that
 * names it, and the edge of each rule (equal seqs, 0 ms, a group's every call pending, a
 * combinator of more members than are listed) shown to pass. test/snapshot-checks.test.ts has the
 * first cases; these are the rest.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CombinatorNode, FrameNode, GroupNode, LeafNode, Snapshot, SnapshotNode } from '../dist/index.js';
import { graphProblems } from '../dist/snapshot/invariants.js';

function frame(seq: number, awaits: string[], awaitedBy: string[], pendingMs: number | null = 300): FrameNode {
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

function group(id: string, awaits: string[], awaitedBy: string[], calls: number): GroupNode {
  return { id, type: 'group', text: 'pMap(ids, fn)', calls, location: { file: 'a.mjs', line: 1, column: 3 }, awaits, awaitedBy } as GroupNode;
}

/** A Promise.all whose members with a node are pending, the others fulfilled. */
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

/**
 * f10 → c3 → (f20 → l9, fulfilled, f30 → g4 → (f60, f70)); f40 ⇄ f50 through c5; f80 awaits
 * itself; f60 (pending 0 ms) and f70 (pending time unknown) await l9.
 */
function consistent(): Snapshot {
  return snapshotOf(
    [
      frame(10, ['c3'], []),
      frame(20, ['l9'], ['c3']),
      frame(30, ['g4'], ['c3']),
      frame(40, ['c5'], ['f50']),
      frame(50, ['f40'], ['c5']),
      frame(60, ['l9'], ['g4'], 0),
      frame(70, ['l9'], ['g4'], null),
      frame(80, ['f80'], ['f80']),
      all('c3', ['f20', null, 'f30'], ['f10']),
      group('g4', ['f60', 'f70'], ['f30'], 2),
      all('c5', ['f50'], ['f40']),
      leaf('l9', ['f20', 'f60', 'f70']),
    ],
    ['f10'],
    [['f40', 'f50'], ['f80']],
  );
}

const byId = (s: Snapshot, id: string) => s.nodes.find((n) => n.id === id)!;

describe('graphProblems(): every invariant', () => {
  it('finds nothing wrong in a consistent snapshot with groups, a cycle through a combinator and a self-await', () => {
    assert.deepEqual(graphProblems(consistent()), []);
  });

  it('finds nothing wrong in a combinator of more members than are listed, whose unlisted pending frames it awaits', () => {
    const s = consistent();
    const c = byId(s, 'c3') as CombinatorNode;
    c.total = 1003;
    c.states.fulfilled += 1000;
    c.members.push(...Array.from({ length: 997 }, (_, k) => ({ index: 3 + k, text: '', state: 'fulfilled' as const, node: null })));
    assert.deepEqual(graphProblems(s), []);
    c.members.push({ index: 1000, text: '', state: 'fulfilled', node: null });
    assert.deepEqual(graphProblems(s), ['c3: lists 1001 of 1003 members']);
  });

  const breakages: [string, (s: Snapshot) => void, string[]][] = [
    ['an id used twice', (s) => s.nodes.push(leaf('l9', [])), ['l9: id used twice']],
    ['awaits listing a node twice', (s) => byId(s, 'g4').awaits.push('f60'), ['g4: awaits lists a node twice', 'g4: 3 pending calls out of 2']],
    ['awaitedBy listing a node twice', (s) => byId(s, 'l9').awaitedBy.push('f20'), ['l9: awaitedBy lists a node twice', '13 edges in awaits but 14 in awaitedBy']],
    ['awaitedBy naming no node', (s) => byId(s, 'f10').awaitedBy.push('x1'), ['f10: awaitedBy names x1, which is no node', 'f10 is awaited by x1, which does not list it in awaits', '13 edges in awaits but 14 in awaitedBy', 'roots are f10, expected the frames nothing awaits: ']],
    ['two frames of one seq', (s) => ((s.nodes[1] as FrameNode).seq = 10), ['f20: id does not match seq 10', "f20: seq 10 not after the previous frame's 10"]],
    ['a negative pending time', (s) => ((s.nodes[0] as FrameNode).pendingMs = -1), ['f10: pendingMs -1 is not a whole number of milliseconds >= 0']],
    ['a frame awaiting two nodes', (s) => {
      byId(s, 'f20').awaits.push('f60');
      byId(s, 'f60').awaitedBy.push('f20');
    }, ['f20: a frame awaits 2 nodes']],
    ['a leaf awaiting something', (s) => {
      byId(s, 'l9').awaits.push('f10');
      byId(s, 'f10').awaitedBy.push('l9');
    }, ['l9: a leaf awaits something', 'roots are f10, expected the frames nothing awaits: ']],
    ['a group awaiting a leaf', (s) => {
      byId(s, 'g4').awaits.push('l9');
      byId(s, 'l9').awaitedBy.push('g4');
      (byId(s, 'g4') as GroupNode).calls = 3;
    }, ['g4: a group awaits l9, which is not a frame']],
    ['a group awaiting an id that is no node', (s) => {
      byId(s, 'g4').awaits.push('f99');
      (byId(s, 'g4') as GroupNode).calls = 3;
    }, ['g4: awaits names f99, which is no node', 'g4: a group awaits f99, which is not a frame', '14 edges in awaits but 13 in awaitedBy']],
    ['a group with more pending frames than calls', (s) => ((byId(s, 'g4') as GroupNode).calls = 1), ['g4: 2 pending calls out of 1']],
    ['combinator states that do not add up to its total', (s) => ((byId(s, 'c3') as CombinatorNode).states.rejected = 1), ['c3: states add up to 4, not total 3']],
    ['a member with the wrong index', (s) => ((byId(s, 'c3') as CombinatorNode).members[1]!.index = 2), ['c3: member 1 has index 2']],
    ['a member whose node is not awaited', (s) => ((byId(s, 'c3') as CombinatorNode).members[1]!.node = 'l9'), ["c3: member 1's node l9 is not in awaits"]],
    ['a pending member without a node', (s) => {
      const c = byId(s, 'c3') as CombinatorNode;
      c.members[0]!.node = null;
      c.awaits = ['f30'];
      byId(s, 'f20').awaitedBy = [];
      s.roots = ['f10', 'f20'];
    }, ['c3: member 0 is pending but has no node']],
    ['a combinator awaiting a leaf no member names', (s) => {
      byId(s, 'c3').awaits.push('l9');
      byId(s, 'l9').awaitedBy.push('c3');
    }, ['c3: awaits l9, which is neither a listed member\'s node nor a frame']],
    ['a combinator on a cycle awaiting an id that is no node', (s) => byId(s, 'c5').awaits.push('x1'), ['c5: awaits names x1, which is no node', "c5: awaits x1, which is neither a listed member's node nor a frame", '14 edges in awaits but 13 in awaitedBy']],
    ['a root missing from the root list', (s) => {
      s.nodes.splice(8, 0, frame(90, ['l9'], []));
      byId(s, 'l9').awaitedBy.push('f90');
      s.stats.frames = 9;
    }, ['roots are f10, expected the frames nothing awaits: f10 f90']],
    ['stats counting one frame too many', (s) => (s.stats.frames = 9), ['stats.frames is 9, but there are 8 frames']],
    ['a cycle naming a combinator', (s) => (s.cycles = [['f40', 'c5']]), ['cycle f40 c5: names something that is not a frame']],
    ['a cycle naming no node', (s) => (s.cycles = [['f40', 'f99']]), ['cycle f40 f99: names something that is not a frame']],
    ['a cycle not starting with its oldest frame', (s) => (s.cycles = [['f50', 'f40'], ['f80']]), ['cycle f50 f40: does not start with its oldest frame']],
    // f10 reaches f20 and f30 through c3, but through f30 it does not reach f60.
    ['a cycle through another frame', (s) => (s.cycles = [['f10', 'f60']]), ['cycle f10 f60: f10 does not await f60', 'cycle f10 f60: f60 does not await f10']],
    ['a frame not on the cycle it is named in', (s) => (s.cycles = [['f80', 'f90']]), ['cycle f80 f90: names something that is not a frame']],
  ];
  for (const [what, breakIt, problems] of breakages) {
    it(`finds ${what}`, () => {
      const s = consistent();
      breakIt(s);
      assert.deepEqual(graphProblems(s), problems);
    });
  }

  it('does not add up the states of a combinator whose members are not known', () => {
    const s = consistent();
    const c = byId(s, 'c3') as CombinatorNode;
    c.membersKnown = false;
    c.states.rejected = 5;
    assert.deepEqual(graphProblems(s), []);
  });

  it('follows a cycle through a group and through combinators that await each other, stopping at other frames', () => {
    // f10 → c3 → f30 → g4 → f60 → c7 → c8 → (c7 again, f10).
    const nodes: SnapshotNode[] = [
      frame(10, ['c3'], ['c8']),
      frame(30, ['g4'], ['c3']),
      frame(60, ['c7'], ['g4']),
      all('c3', ['f30'], ['f10']),
      group('g4', ['f60'], ['f30'], 1),
      all('c7', ['c8'], ['f60', 'c8']),
      all('c8', ['f10', 'c7'], ['c7']),
    ];
    assert.deepEqual(graphProblems(snapshotOf(nodes, [], [['f10', 'f30', 'f60']])), []);
    assert.deepEqual(graphProblems(snapshotOf(nodes, [], [['f10', 'f60', 'f30']])), ['cycle f10 f60 f30: f10 does not await f60', 'cycle f10 f60 f30: f60 does not await f30', 'cycle f10 f60 f30: f30 does not await f10']);
  });
});
