/**
 * findCycles: the await cycles (deadlocks) of a graph, each as its frames in await order from the
 * oldest, on graphs given by their nodes' `awaits` ids. Non-frame nodes (combinator calls, groups)
 * can be on a cycle but are not named in it.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SnapshotNode } from '../dist/index.js';
import { findCycles } from '../dist/snapshot/cycles.js';

/** A frame (its `seq` is its age: lower is older) or a combinator node, awaiting `awaits`. */
function frame(id: string, seq: number, ...awaits: string[]): SnapshotNode {
  return { id, type: 'frame', seq, awaits, awaitedBy: [] } as unknown as SnapshotNode;
}
function combinator(id: string, ...awaits: string[]): SnapshotNode {
  return { id, type: 'combinator', awaits, awaitedBy: [] } as unknown as SnapshotNode;
}
function leaf(id: string): SnapshotNode {
  return { id, type: 'leaf', awaits: [], awaitedBy: [] } as unknown as SnapshotNode;
}

describe('findCycles', () => {
  it('none in an empty graph, a chain, a tree, or a node awaiting one already peeled twice', () => {
    assert.deepEqual(findCycles([]), []);
    assert.deepEqual(findCycles([frame('f1', 1, 'f2'), frame('f2', 2, 'l1'), leaf('l1')]), []);
    assert.deepEqual(findCycles([combinator('c1', 'f1', 'f2', 'l1'), frame('f1', 1, 'l1'), frame('f2', 2, 'l1'), leaf('l1'), frame('f3', 3, 'c1')]), []);
  });

  it('the walk backs out of a dead end and goes on from the frame before it: A\'s first way (X) only leads back into A, its second (Y) to the oldest', () => {
    assert.deepEqual(findCycles([frame('fF', 1, 'fA'), frame('fA', 2, 'fX', 'fY'), frame('fY', 4, 'fF'), frame('fX', 3, 'fA')]), [['fF', 'fA', 'fY']]);
    assert.deepEqual(findCycles([frame('fF', 1, 'fA'), frame('fA', 2, 'fX', 'fY'), frame('fX', 3, 'fA', 'fZ'), frame('fZ', 5, 'fX'), frame('fY', 4, 'fF')]), [['fF', 'fA', 'fY']]);
  });

  it('a frame awaiting itself is a cycle of one', () => {
    assert.deepEqual(findCycles([frame('f1', 1, 'f1')]), [['f1']]);
    assert.deepEqual(findCycles([frame('f9', 9, 'f1'), frame('f1', 1, 'f1')]), [['f1']], 'its awaiter is not on it');
  });

  it('two frames awaiting each other, named from the older, wherever it is listed', () => {
    assert.deepEqual(findCycles([frame('f1', 1, 'f2'), frame('f2', 2, 'f1')]), [['f1', 'f2']]);
    assert.deepEqual(findCycles([frame('f5', 5, 'f3'), frame('f3', 3, 'f5')]), [['f3', 'f5']]);
    assert.deepEqual(findCycles([frame('f2', 2, 'f1'), frame('f1', 1, 'f2')]), [['f1', 'f2']]);
  });

  it('a ring of three in await order from the oldest, entered from a frame outside it that is not named', () => {
    const ring = [frame('f0', 0, 'f7'), frame('f7', 7, 'f4'), frame('f4', 4, 'f2'), frame('f2', 2, 'f7')];
    assert.deepEqual(findCycles(ring), [['f2', 'f7', 'f4']]);
    assert.deepEqual(findCycles([...ring].reverse()), [['f2', 'f7', 'f4']]);
    assert.deepEqual(findCycles([ring[1]!, ring[2]!, ring[3]!, ring[0]!]), [['f2', 'f7', 'f4']]);
  });

  it('through a combinator: its other members, settled or not, are not on the cycle, and it is not named', () => {
    const nodes = [frame('f1', 1, 'c1'), combinator('c1', 'l1', 'f3', 'f2'), frame('f2', 2, 'f1'), frame('f3', 3, 'l2'), leaf('l1'), leaf('l2')];
    assert.deepEqual(findCycles(nodes), [['f1', 'f2']]);
    // The combinator listed first, and a frame outside the cycle awaiting into it.
    assert.deepEqual(findCycles([combinator('c1', 'f2'), frame('f8', 8, 'f2'), frame('f2', 2, 'c1')]), [['f2']]);
  });

  it('a cycle of combinators alone names no frame', () => {
    assert.deepEqual(findCycles([combinator('c1', 'c2'), combinator('c2', 'c1')]), [[]]);
  });

  it('several cycles, each once, in the order their search ends (the one reached from the first node first)', () => {
    const nodes = [
      frame('f1', 1, 'f2'),
      frame('f2', 2, 'f1'),
      frame('f3', 3, 'f4'),
      frame('f4', 4, 'f5'),
      frame('f5', 5, 'f3'),
      frame('f6', 6, 'f6'),
      frame('f7', 7, 'c1'),
      // Members in a finished cycle and in one not searched yet.
      combinator('c1', 'f1', 'f9'),
      frame('f9', 9, 'f8'),
      frame('f8', 8, 'f9'),
    ];
    assert.deepEqual(findCycles(nodes), [['f1', 'f2'], ['f3', 'f4', 'f5'], ['f6'], ['f8', 'f9']]);
    assert.deepEqual(findCycles([...nodes].reverse()), [['f8', 'f9'], ['f1', 'f2'], ['f6'], ['f3', 'f4', 'f5']]);
  });

  it('a cycle through a combinator that also awaits a cycle found earlier: both, each on its own', () => {
    const nodes = [frame('f1', 1, 'f2'), frame('f2', 2, 'f1'), frame('f3', 3, 'c1'), combinator('c1', 'f1', 'f3')];
    assert.deepEqual(findCycles(nodes), [['f1', 'f2'], ['f3']]);
  });

  it('named from the oldest frame even when the search met a combinator last', () => {
    // Searched f5 → f3 → c1: c1 is the last found, f3 the oldest.
    assert.deepEqual(findCycles([frame('f5', 5, 'f3'), frame('f3', 3, 'c1'), combinator('c1', 'f5')]), [['f3', 'f5']]);
  });

  it('ids no node has are ignored', () => {
    assert.deepEqual(findCycles([frame('f1', 1, 'f2', 'nowhere'), frame('f2', 2, 'f1')]), [['f1', 'f2']]);
  });
});
