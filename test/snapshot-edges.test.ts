/**
 * edges.ts: graph edges on node positions (CSR), their reverse, and the reachability walk the text
 * renderer marks slow paths with, on hand-made edge lists compared exactly (typed arrays included:
 * no stray properties).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { edgesFrom, markReachable, reverseEdges, targetsOf } from '../dist/snapshot/edges.js';

describe('edgesFrom', () => {
  it('groups targets by source, each source\'s in list order, sources given in any order', () => {
    // 0→2, 2→1, 0→1, 3→0, 2→3, 0→0
    const edges = edgesFrom(4, [0, 2, 0, 3, 2, 0], [2, 1, 1, 0, 3, 0]);
    assert.deepStrictEqual(edges, { start: Int32Array.of(0, 3, 3, 5, 6), to: Int32Array.of(2, 1, 0, 1, 3, 0) });
    assert.deepStrictEqual([0, 1, 2, 3].map((i) => [...targetsOf(edges, i)]), [[2, 1, 0], [], [1, 3], [0]]);
  });

  it('no edges, and nodes without edges at either end', () => {
    assert.deepStrictEqual(edgesFrom(0, [], []), { start: Int32Array.of(0), to: Int32Array.of() });
    assert.deepStrictEqual(edgesFrom(3, [1], [1]), { start: Int32Array.of(0, 0, 1, 1), to: Int32Array.of(1) });
  });

  it('targetsOf is a view, not a copy', () => {
    const edges = edgesFrom(2, [1, 1], [0, 1]);
    const view = targetsOf(edges, 1);
    assert.equal(view.buffer, edges.to.buffer);
    assert.deepStrictEqual(view, Int32Array.of(0, 1));
  });
});

describe('reverseEdges', () => {
  it('every edge turned round, each node\'s sources ascending', () => {
    const edges = edgesFrom(4, [0, 2, 0, 3, 2, 0], [2, 1, 1, 0, 3, 0]);
    // into 0: from 0, 3; into 1: from 0, 2; into 2: from 0; into 3: from 2
    assert.deepStrictEqual(reverseEdges(edges), { start: Int32Array.of(0, 2, 4, 5, 6), to: Int32Array.of(0, 3, 0, 2, 0, 2) });
  });

  it('the last node\'s edges are turned too; a graph without edges stays without', () => {
    assert.deepStrictEqual(reverseEdges(edgesFrom(3, [2, 2], [0, 1])), { start: Int32Array.of(0, 1, 2, 2), to: Int32Array.of(2, 2) });
    assert.deepStrictEqual(reverseEdges(edgesFrom(2, [], [])), { start: Int32Array.of(0, 0, 0), to: Int32Array.of() });
  });
});

describe('markReachable', () => {
  // 0→1→2→0 (a ring), 1→3, 4→3, 5 alone
  const edges = edgesFrom(6, [0, 1, 2, 1, 4], [1, 2, 0, 3, 3]);

  it('marks the starts and everything they reach, through rings, and nothing else', () => {
    const seen = new Uint8Array(6);
    markReachable(edges, [1], seen);
    assert.deepStrictEqual(seen, Uint8Array.of(1, 1, 1, 1, 0, 0));
    const fromTwo = new Uint8Array(6);
    // Any array-like (read by index: a report runs inside the program, whose iterators may be replaced).
    markReachable(edges, Int32Array.of(4, 5), fromTwo);
    assert.deepStrictEqual(fromTwo, Uint8Array.of(0, 0, 0, 1, 1, 1));
  });

  it('no starts: nothing marked', () => {
    const seen = new Uint8Array(6);
    markReachable(edges, [], seen);
    assert.deepStrictEqual(seen, new Uint8Array(6));
  });

  it('a node already marked is taken as walked: the walk does not go through it again', () => {
    const seen = Uint8Array.of(0, 0, 1, 0, 0, 0);
    markReachable(edges, [2], seen);
    assert.deepStrictEqual(seen, Uint8Array.of(0, 0, 1, 0, 0, 0));
    markReachable(edges, [0], seen);
    assert.deepStrictEqual(seen, Uint8Array.of(1, 1, 1, 1, 0, 0));
  });
});
