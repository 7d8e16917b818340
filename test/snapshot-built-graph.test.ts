/**
 * The graph snapshot() keeps beside a snapshot (src/snapshot/built-graph.ts): when it is handed
 * out, what a node must still read to match it, and whether every node nothing awaits is a root.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Snapshot, SnapshotNode } from '../dist/index.js';
import { builtGraphOf, keepBuiltGraph, nodeMatches, sourcesAreRoots, type BuiltGraph } from '../dist/snapshot/built-graph.js';
import { edgesFrom } from '../dist/snapshot/edges.js';

function node(id: string, type: SnapshotNode['type'], awaits: string[]): SnapshotNode {
  return { id, type, awaits, awaitedBy: [] } as unknown as SnapshotNode;
}

/** f1 → f2 → l1, f3 → l1; one cycle [f2] named in `cycles` for the identity checks only. */
function made(): { snapshot: Snapshot; graph: BuiltGraph } {
  const nodes = [node('f1', 'frame', ['f2']), node('f2', 'frame', ['l1']), node('l1', 'leaf', []), node('f3', 'frame', ['l1'])];
  const awaits = edgesFrom(4, [0, 1, 3], [1, 2, 2]);
  const awaitedBy = edgesFrom(4, [1, 2, 2], [0, 1, 3]);
  const snapshot = { schema: 'awaitwhat.snapshot/1', nodes, roots: ['f1', 'f3'], cycles: [['f2']] } as unknown as Snapshot;
  const graph: BuiltGraph = { nodes, awaits, awaitedBy, isFrame: Uint8Array.of(1, 1, 0, 1), frameCount: 3, frames: Int32Array.of(0, 1, 3), roots: Int32Array.of(0, 3), cycles: [[1]], sourcesAreRoots: true };
  keepBuiltGraph(snapshot, graph);
  return { snapshot, graph };
}

describe('the built graph kept beside a snapshot', () => {
  it('is handed out while nodes, roots and cycles are the same arrays at the same lengths', () => {
    const { snapshot, graph } = made();
    assert.equal(builtGraphOf(snapshot), graph);
    assert.equal(builtGraphOf({ ...snapshot }), undefined, 'a copy');
    const cases: [string, (s: Snapshot) => void][] = [
      ['a node pushed', (s) => s.nodes.push(node('l9', 'leaf', []))],
      ['nodes replaced by an equal array', (s) => (s.nodes = [...s.nodes])],
      ['a root pushed', (s) => s.roots.push('f2')],
      ['roots replaced', (s) => (s.roots = [...s.roots])],
      ['a cycle pushed', (s) => s.cycles.push(['f1'])],
      ['cycles replaced', (s) => (s.cycles = [...s.cycles])],
    ];
    for (const [what, edit] of cases) {
      const { snapshot: s } = made();
      edit(s);
      assert.equal(builtGraphOf(s), undefined, what);
    }
  });

  it('matches a node while its kind and awaits ids are as built', () => {
    const { snapshot, graph } = made();
    assert.deepEqual([0, 1, 2, 3].map((i) => nodeMatches(graph, i)), [true, true, true, true]);
    const edits: [string, number, () => void][] = [
      ['awaits emptied', 0, () => (snapshot.nodes[0]!.awaits = [])],
      ['an await added', 1, () => snapshot.nodes[1]!.awaits.push('f3')],
      ['an await renamed', 3, () => (snapshot.nodes[3]!.awaits[0] = 'f1')],
      ['a frame made a leaf', 1, () => ((snapshot.nodes[1] as { type: string }).type = 'leaf')],
      ['a leaf made a frame', 2, () => ((snapshot.nodes[2] as { type: string }).type = 'frame')],
      ['awaits not an array', 3, () => ((snapshot.nodes[3] as { awaits: unknown }).awaits = 'l1')],
    ];
    for (const [what, i, edit] of edits) {
      edit();
      assert.equal(nodeMatches(graph, i), false, what);
    }
  });

  it('a node replaced by null or a string does not match, nor does a node awaiting it', () => {
    for (const replacement of [null, 'l1']) {
      const { snapshot, graph } = made();
      (snapshot.nodes as unknown[])[2] = replacement;
      assert.deepEqual([0, 1, 2, 3].map((i) => nodeMatches(graph, i)), [true, false, false, false]);
    }
  });

  it('a node awaiting several matches while their ids are in the built order, not once two are swapped', () => {
    const nodes = [node('c1', 'combinator', ['f2', 'f3', 'l4']), node('f2', 'frame', []), node('f3', 'frame', []), node('l4', 'leaf', [])];
    const awaits = edgesFrom(4, [0, 0, 0], [1, 2, 3]);
    const graph: BuiltGraph = { nodes, awaits, awaitedBy: edgesFrom(4, [1, 2, 3], [0, 0, 0]), isFrame: Uint8Array.of(0, 1, 1, 0), frameCount: 2, frames: Int32Array.of(1, 2), roots: Int32Array.of(), cycles: [], sourcesAreRoots: false };
    assert.equal(nodeMatches(graph, 0), true);
    nodes[0]!.awaits = ['f2', 'l4', 'f3'];
    assert.equal(nodeMatches(graph, 0), false);
  });

  it('an id changed is seen from the node that awaits it', () => {
    const { snapshot, graph } = made();
    snapshot.nodes[2]!.id = 'l2';
    assert.deepEqual([0, 1, 2, 3].map((i) => nodeMatches(graph, i)), [true, false, true, false]);
  });

  it('sources are roots when the nodes nothing awaits are as many as the roots', () => {
    const awaitedBy = edgesFrom(4, [1, 2, 2], [0, 1, 3]);
    assert.equal(sourcesAreRoots(awaitedBy, 2), true);
    assert.equal(sourcesAreRoots(awaitedBy, 1), false);
    // c1 (position 2) awaited by nothing: a source that is no root.
    assert.equal(sourcesAreRoots(edgesFrom(3, [1], [0]), 1), false);
    assert.equal(sourcesAreRoots(edgesFrom(0, [], []), 0), true);
  });
});
