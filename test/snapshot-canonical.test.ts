/**
 * canonicalGraph: ids renamed so that two runs of one program compare equal — frames by seq rank
 * whatever their order in the node list, the other nodes in the order a breadth-first walk from
 * the frames (oldest first, each node's targets in order) meets them, then the unreached ones in
 * list order; ids that name no node kept visibly (`?id`).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Snapshot, SnapshotNode } from '../dist/index.js';
import { canonicalGraph, formatCanonical } from '../dist/snapshot/canonical.js';

function frame(id: string, seq: number, awaits: string[], awaitedBy: string[] = []): SnapshotNode {
  return { id, type: 'frame', seq, pendingMs: 5, awaits, awaitedBy } as unknown as SnapshotNode;
}
function node(id: string, type: 'combinator' | 'group' | 'leaf', awaits: string[] = [], awaitedBy: string[] = []): SnapshotNode {
  const extra = type === 'combinator' ? { members: awaits.map((a, index) => ({ index, node: a })) } : {};
  return { id, type, awaits, awaitedBy, ...extra } as unknown as SnapshotNode;
}
function snapshotOf(nodes: SnapshotNode[], roots: string[] = [], cycles: string[][] = []): Snapshot {
  return { schema: 'awaitwhat.snapshot/1', capturedAt: 1, pid: 2, threadId: 3, nodes, roots, cycles, stats: { frames: 0, collected: 0, evicted: 0, omitted: 0 } } as Snapshot;
}

/** Each node as `id>awaits<awaitedBy`, in canonical order. */
function shape(s: Snapshot): string[] {
  return canonicalGraph(s).nodes.map((n) => `${n.id}>${n.awaits.join(',')}<${n.awaitedBy.join(',')}`);
}

describe('canonicalGraph: names', () => {
  it('frames by seq rank, however the list orders them', () => {
    const s = snapshotOf([frame('f30', 30, ['f10']), frame('f10', 10, []), frame('f20', 20, ['f30'])], ['f20']);
    assert.deepEqual(shape(s), ['f1><', 'f2>f3<', 'f3>f1<']);
    assert.deepEqual(canonicalGraph(s).roots, ['f2']);
    assert.deepEqual(
      canonicalGraph(s).nodes.map((n) => (n as unknown as { seq: number }).seq),
      [1, 2, 3],
    );
  });

  it('other nodes in the order the walk from the frames meets them, not the list\'s', () => {
    // Walk: f1 → lB, cX; f2 → lA; cX → gY → lC (two levels below a frame); lZ is reached by none.
    // The list holds them in another order.
    const s = snapshotOf([
      frame('a', 1, ['lB', 'cX']),
      frame('b', 2, ['lA']),
      node('lA', 'leaf', [], ['b']),
      node('lZ', 'leaf'),
      node('lC', 'leaf', [], ['gY']),
      node('gY', 'group', ['lC'], ['cX']),
      node('cX', 'combinator', ['gY'], ['a']),
      node('lB', 'leaf', [], ['a']),
    ]);
    assert.deepEqual(shape(s), ['f1>l1,c1<', 'f2>l2<', 'c1>g1<f1', 'g1>l3<c1', 'l1><f1', 'l2><f2', 'l3><g1', 'l4><']);
  });

  it('a node reached twice keeps its first name; nodes no frame reaches come last, in list order', () => {
    const s = snapshotOf([
      node('lonely2', 'leaf'),
      frame('a', 1, ['shared']),
      node('lonely1', 'leaf', [], ['g']),
      frame('b', 2, ['shared', 'c']),
      node('c', 'combinator', ['shared'], ['b']),
      node('shared', 'leaf', [], ['a', 'b', 'c']),
      node('g', 'group', ['lonely1']),
    ]);
    assert.deepEqual(shape(s), ['f1>l1<', 'f2>l1,c1<', 'c1>l1<f2', 'g1>l3<', 'l1><f1,f2,c1', 'l2><', 'l3><g1']);
  });

  it('an id that names no node stays visible as ?id, in awaits, roots, cycles and members', () => {
    const s = snapshotOf([frame('a', 1, ['gone', 'c']), node('c', 'combinator', ['lost'], ['a'])], ['a', 'missing'], [['a', 'nope']]);
    const graph = canonicalGraph(s);
    assert.deepEqual(shape(s), ['f1>?gone,c1<', 'c1>?lost<f1']);
    assert.deepEqual(graph.roots, ['f1', '?missing']);
    assert.deepEqual(graph.cycles, [['f1', '?nope']]);
    assert.deepEqual((graph.nodes[1] as unknown as { members: unknown[] }).members, [{ index: 0, node: '?lost' }]);
  });
});

describe('formatCanonical', () => {
  it('one node per line, the other fields first, byte for byte', () => {
    const s = snapshotOf([frame('x', 4, ['y']), node('y', 'leaf', [], ['x'])], ['x']);
    assert.equal(
      formatCanonical(canonicalGraph(s)),
      [
        '{',
        '  "schema": "awaitwhat.snapshot/1",',
        '  "threadId": 3,',
        '  "roots": ["f1"],',
        '  "cycles": [],',
        '  "stats": {"frames":0,"collected":0,"evicted":0,"omitted":0},',
        '  "nodes": [',
        '    {"id":"f1","type":"frame","seq":1,"awaits":["l1"],"awaitedBy":[]},',
        '    {"id":"l1","type":"leaf","awaits":[],"awaitedBy":["f1"]}',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('no nodes: an empty list', () => {
    assert.match(formatCanonical(canonicalGraph(snapshotOf([]))), /"nodes": \[\n\n {2}\]\n\}\n$/);
  });
});
