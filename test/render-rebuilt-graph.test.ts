/**
 * The rebuilt graph (report-graph.ts, for a snapshot without its kept graph) counts in-degrees in
 * one byte a node, up to 255, and counts a node awaited 255 times or more by a scan: each count
 * must be exact on both sides of that bound, with ids that name no node left out. Its edges come
 * from NodeIndex.edges, which sizes one array by counting the id lists first (BENCHMARKS.md, "A copy
 * at 1M frames": fewer typed arrays per report).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FrameNode, Snapshot, SnapshotNode } from '../dist/index.js';
import { rebuiltGraph } from '../dist/render/report-graph.js';
import { NodeIndex } from '../dist/snapshot/node-index.js';

function frame(seq: number, awaits: string[]): FrameNode {
  return {
    id: `f${seq}`,
    type: 'frame',
    function: `fn${seq}`,
    kind: 'function',
    location: { file: 'app.mjs', line: 1, column: 1 },
    state: 'awaiting',
    suspendedAt: { file: 'app.mjs', line: 1, column: 3, kind: 'await', text: 'await x()' },
    pendingMs: 1,
    seq,
    awaits,
    awaitedBy: [],
  };
}

function snapshotOf(nodes: SnapshotNode[]): Snapshot {
  return { schema: 'awaitwhat.snapshot/1', capturedAt: 0, pid: 1, threadId: 0, nodes, roots: [], cycles: [], stats: { frames: nodes.length, collected: 0, evicted: 0, omitted: 0 } };
}

describe('rebuiltGraph().inDegree', () => {
  it('is exact below, at and above 255 awaiters, whether asked once or again', () => {
    // Targets f0…f5, awaited 0, 1, 254, 255, 256 and 600 times; the awaiters from f100 on.
    const wanted = [0, 1, 254, 255, 256, 600];
    const nodes: SnapshotNode[] = wanted.map((_, t) => frame(t, []));
    let seq = 100;
    for (let t = 0; t < wanted.length; t++) for (let k = 0; k < wanted[t]!; k++) nodes.push(frame(seq++, [`f${t}`]));
    const graph = rebuiltGraph(snapshotOf(nodes));
    for (let t = 0; t < wanted.length; t++) assert.equal(graph.inDegree(t), wanted[t], `f${t}`);
    for (let t = 0; t < wanted.length; t++) assert.equal(graph.inDegree(t), wanted[t], `f${t}, asked again`);
    assert.equal(graph.inDegree(nodes.length - 1), 0);
  });

  it('counts an awaiter once per id it lists, and no id that names no node', () => {
    const nodes: SnapshotNode[] = [frame(0, []), frame(1, [])];
    // 300 awaiters listing f0 twice each and f1 once, and an id that names nothing.
    for (let k = 0; k < 300; k++) nodes.push(frame(10 + k, ['f0', 'f0', 'f1', 'f99999']));
    const graph = rebuiltGraph(snapshotOf(nodes));
    assert.equal(graph.inDegree(0), 600);
    assert.equal(graph.inDegree(1), 300);
    assert.equal(graph.inDegree(2), 0);
  });
});

describe('NodeIndex.edges, sized by a first pass over the id lists', () => {
  it('gives an exact array when every id names a node, and a view of the filled part otherwise', () => {
    const all = new NodeIndex([frame(0, ['f1']), frame(1, [])]).edges('awaits');
    assert.deepEqual([...all.to], [1]);
    assert.equal(all.to.buffer.byteLength, 4);
    const some = new NodeIndex([frame(0, ['f1', 'f7', 'f1']), frame(1, ['f9'])]).edges('awaits');
    assert.deepEqual([...some.to], [1, 1]);
    assert.deepEqual([...some.start], [0, 2, 2]);
  });

  it('writes no more edges than it counted when an id list grows between the passes (a getter)', () => {
    let reads = 0;
    const grows = frame(0, []);
    Object.defineProperty(grows, 'awaits', { get: () => (++reads === 1 ? ['f1'] : ['f1', 'f1', 'f1']) });
    const edges = new NodeIndex([grows, frame(1, [])]).edges('awaits');
    assert.deepEqual([...edges.to], [1]);
    assert.deepEqual([...edges.start], [0, 1, 1]);
  });
});
