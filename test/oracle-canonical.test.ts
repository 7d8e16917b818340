/**
 * The graph oracle's comparison (test/differential/oracle/canonical.ts, snapshot-view.ts) can fail:
 * every kind of wrong graph changes the canonical lines, and nothing that leaves the graph the same
 * (ids, node order) does. Without this, a canonical form that dropped some field would let the
 * differential test pass whatever awaitwhat reported.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FrameNode, Snapshot, SnapshotNode } from '../dist/index.js';
import { canonicalLines } from './differential/oracle/canonical.ts';
import { snapshotView } from './differential/oracle/snapshot-view.ts';

const FILE = 'graph.js';

function frame(id: string, seq: number, fn: string, line: number, awaits: string[], awaitedBy: string[]): FrameNode {
  return {
    id,
    type: 'frame',
    function: fn,
    kind: 'function',
    location: { file: FILE, line, column: 1 },
    state: 'awaiting',
    suspendedAt: { file: FILE, line: line + 1, column: 3, kind: 'await', text: `await x${seq}` },
    pendingMs: 0,
    seq,
    awaits,
    awaitedBy,
  };
}

/**
 * a awaits Promise.all([b, 1, leaf]); c awaits a group of two d calls, both awaiting one leaf;
 * e awaits its own promise.
 */
function sample(): Snapshot {
  const nodes: SnapshotNode[] = [
    frame('f1', 1, 'a', 1, ['c1'], []),
    frame('f2', 2, 'b', 5, ['l1'], ['c1']),
    frame('f3', 3, 'c', 9, ['g1'], []),
    frame('f4', 4, 'd', 13, ['l2'], ['g1']),
    frame('f5', 5, 'd', 13, ['l2'], ['g1']),
    frame('f6', 6, 'e', 17, ['f6'], ['f6']),
    {
      id: 'c1',
      type: 'combinator',
      combinator: 'all',
      members: [
        { index: 0, text: 'b()', state: 'pending', node: 'f2' },
        { index: 1, text: '1', state: 'value', node: null },
        { index: 2, text: 'gate', state: 'pending', node: 'l1' },
      ],
      pending: 2,
      total: 3,
      states: { pending: 2, fulfilled: 0, rejected: 0, value: 1, unknown: 0 },
      membersKnown: true,
      awaits: ['f2', 'l1'],
      awaitedBy: ['f1'],
    },
    { id: 'g1', type: 'group', text: 'lib.all([d, d])', calls: 2, awaits: ['f4', 'f5'], awaitedBy: ['f3'] },
    { id: 'l1', type: 'leaf', valueKind: 'promise', text: 'gate', location: { file: FILE, line: 6, column: 3 }, awaits: [], awaitedBy: ['f2', 'c1'] },
    { id: 'l2', type: 'leaf', valueKind: 'promise', text: 'gate', location: { file: FILE, line: 14, column: 3 }, awaits: [], awaitedBy: ['f4', 'f5'] },
  ];
  return {
    schema: 'awaitwhat.snapshot/1',
    capturedAt: 0,
    pid: 1,
    threadId: 0,
    nodes,
    roots: ['f1', 'f3'],
    cycles: [['f6']],
    stats: { frames: 6, collected: 0, evicted: 0, omitted: 0 },
  };
}

const lines = (s: Snapshot) => canonicalLines(snapshotView(s, FILE));

function node<T extends SnapshotNode['type']>(s: Snapshot, id: string, type: T): Extract<SnapshotNode, { type: T }> {
  const found = s.nodes.find((n) => n.id === id);
  assert.ok(found !== undefined && found.type === type, `no ${type} ${id}`);
  return found as Extract<SnapshotNode, { type: T }>;
}

/** Each a wrong graph, as a change to the sample. */
const WRONG: [string, (s: Snapshot) => void][] = [
  ['group members point to the group', (s) => {
    node(s, 'g1', 'group').awaits = [];
    node(s, 'g1', 'group').awaitedBy = ['f3', 'f4', 'f5'];
    node(s, 'f4', 'frame').awaits = ['l2', 'g1'];
    node(s, 'f5', 'frame').awaits = ['l2', 'g1'];
  }],
  ['a member left out', (s) => {
    node(s, 'c1', 'combinator').members.pop();
  }],
  ['a member state', (s) => {
    node(s, 'c1', 'combinator').members[1]!.state = 'fulfilled';
  }],
  ['member indexes swapped', (s) => {
    const c = node(s, 'c1', 'combinator');
    c.members[0]!.index = 2;
    c.members[2]!.index = 0;
  }],
  ['the pending count', (s) => {
    node(s, 'c1', 'combinator').pending = 1;
  }],
  ['the total', (s) => {
    node(s, 'c1', 'combinator').total = 4;
  }],
  ['a count by state', (s) => {
    const c = node(s, 'c1', 'combinator');
    c.states = { ...c.states, value: 0, fulfilled: 1 };
  }],
  ['the calls a group started', (s) => {
    node(s, 'g1', 'group').calls = 3;
  }],
  ['a suspension column', (s) => {
    node(s, 'f2', 'frame').suspendedAt!.column = 4;
  }],
  ['a suspension file', (s) => {
    node(s, 'f2', 'frame').suspendedAt!.file = 'other.js';
  }],
  ['a suspension text', (s) => {
    node(s, 'f2', 'frame').suspendedAt!.text = 'await y';
  }],
  ['a function location', (s) => {
    node(s, 'f3', 'frame').location = { file: FILE, line: 10, column: 1 };
  }],
  ['a frame state', (s) => {
    node(s, 'f2', 'frame').state = 'returning';
  }],
  ['an edge to another frame', (s) => {
    node(s, 'f1', 'frame').awaits = ['f2'];
  }],
  ['one shared leaf split in two', (s) => {
    s.nodes.push({ id: 'l3', type: 'leaf', valueKind: 'promise', text: 'gate', location: { file: FILE, line: 14, column: 3 }, awaits: [], awaitedBy: ['f5'] });
    node(s, 'f5', 'frame').awaits = ['l3'];
    node(s, 'l2', 'leaf').awaitedBy = ['f4'];
  }],
  ['awaitedBy disagreeing with awaits', (s) => {
    node(s, 'l1', 'leaf').awaitedBy = ['f2'];
  }],
  ['a leaf kind', (s) => {
    node(s, 'l2', 'leaf').valueKind = 'thenable';
  }],
  ['a self-await not listed as a cycle', (s) => {
    s.cycles = [];
  }],
  ['a cycle listed where there is none', (s) => {
    s.cycles.push(['f1', 'f2']);
  }],

  ['a root missing', (s) => {
    s.roots = ['f1'];
  }],
  ['roots out of order', (s) => {
    s.roots = ['f3', 'f1'];
  }],
  ['two frames of one function in the other creation order', (s) => {
    node(s, 'f4', 'frame').seq = 7;
    node(s, 'f4', 'frame').suspendedAt!.line = 20;
  }],
  ['a frame missing', (s) => {
    s.nodes = s.nodes.filter((n) => n.id !== 'f5');
    node(s, 'g1', 'group').awaits = ['f4'];
    node(s, 'l2', 'leaf').awaitedBy = ['f4'];
  }],
];

describe('the graph oracle compares graphs, not ids', () => {
  it('renumbering ids and reordering nodes changes nothing', () => {
    const s = sample();
    const rename = (id: string) => (id.startsWith('f') ? `f${100 - Number(id.slice(1))}` : `${id}x`);
    const renamed: Snapshot = JSON.parse(JSON.stringify(s), (key, value: unknown) => {
      if (typeof value === 'string' && ['id', 'node', 'awaits', 'awaitedBy', 'roots', 'cycles', ''].includes(key) && /^[fcgl]\d+$/.test(value)) return rename(value);
      if (typeof value === 'string' && /^\d+$/.test(key) && /^[fcgl]\d+$/.test(value)) return rename(value);
      return value;
    }) as Snapshot;
    renamed.nodes.reverse();
    assert.deepEqual(renamed.nodes.map((n) => n.id).sort(), ['c1x', 'f94', 'f95', 'f96', 'f97', 'f98', 'f99', 'g1x', 'l1x', 'l2x']);
    assert.deepEqual(renamed.roots, ['f99', 'f97']);
    assert.deepEqual(lines(renamed), lines(s));
  });

  it('reads any valid choice of cycle in a component the same, and notices an invalid one', () => {
    // c's group: d#0 and d#1 both await c, so c → d#0 → c and c → d#1 → c are both cycles.
    const figureEight = () => {
      const s = sample();
      node(s, 'f4', 'frame').awaits = ['f3'];
      node(s, 'f5', 'frame').awaits = ['f3'];
      node(s, 'f3', 'frame').awaitedBy = ['f4', 'f5'];
      node(s, 'l2', 'leaf').awaitedBy = [];
      s.roots = ['f1'];
      return s;
    };
    const listing = (cycle: string[]) => {
      const s = figureEight();
      s.cycles = [cycle, ['f6']];
      return lines(s);
    };
    assert.deepEqual(listing(['f3', 'f5']), listing(['f3', 'f4']));
    assert.notDeepEqual(listing(['f4', 'f3']), listing(['f3', 'f4']), 'not from the oldest frame');
    assert.notDeepEqual(listing(['f3', 'f4', 'f5']), listing(['f3', 'f4']), 'd#0 does not await d#1');
  });

  for (const [name, change] of WRONG) {
    it(`notices ${name}`, () => {
      const wrong = sample();
      change(wrong);
      assert.notDeepEqual(lines(wrong), lines(sample()));
    });
  }
});
