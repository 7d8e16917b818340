/** NodeIndex: ids to positions, by table for the builder's ids and by map for any other. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LeafNode, SnapshotNode } from '../dist/index.js';
import { NodeIndex } from '../dist/snapshot/node-index.js';

function node(id: string, awaits: string[] = []): SnapshotNode {
  return { id, type: 'leaf', valueKind: 'promise', text: id, location: { file: 'a.mjs', line: 1, column: 1 }, awaits, awaitedBy: [] } satisfies LeafNode;
}

describe('NodeIndex', () => {
  it('.indexOf() finds builder ids, sparse ids, and ids of any other form; -1 for none', () => {
    const ids = ['f3', 'f1', 'f1000000', 'c1', 'g2', 'l7', 'x', 'f01', 'F1', 'f1e3', '', 'f12345678901234567', 'leaf'];
    const index = new NodeIndex(ids.map((id) => node(id)));
    assert.deepEqual(
      ids.map((id) => index.indexOf(id)),
      ids.map((_, i) => i),
    );
    assert.deepEqual(['f2', 'f0', 'f999999', 'c0', 'l8', 'f001', 'y', 'f1000001'].map((id) => index.indexOf(id)), [-1, -1, -1, -1, -1, -1, -1, -1]);
    assert.equal(index.unique, true);
    assert.equal(index.get('l7')?.id, 'l7');
    assert.equal(index.has('g2'), true);
    assert.equal(index.has('g3'), false);
  });

  it('a repeated id names the later node, in tables and in the map alike', () => {
    const index = new NodeIndex(['f1', 'x', 'f2', 'f1', 'x'].map((id) => node(id)));
    assert.equal(index.unique, false);
    assert.deepEqual([index.indexOf('f1'), index.indexOf('x'), index.indexOf('f2')], [3, 4, 2]);
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => index.isNamedBy(i)), [false, false, true, true, true]);
  });

  it('.edges() gives targets by position in order, leaving out ids that name no node', () => {
    const index = new NodeIndex([node('f1', ['l2', 'gone', 'f1']), node('l2'), node('odd', ['l2'])]);
    const { start, to } = index.edges('awaits');
    assert.deepEqual([...start], [0, 2, 2, 3]);
    assert.deepEqual([...to], [1, 0, 1]);
  });
});

/** Runs `body` with `Array.prototype[key]` set to `value` (as a program may), then removes it. */
function withArrayIndex<T>(key: string, value: unknown, body: () => T): T {
  Object.defineProperty(Array.prototype, key, { value, configurable: true, writable: true, enumerable: false });
  try {
    return body();
  } finally {
    delete (Array.prototype as unknown as Record<string, unknown>)[key];
  }
}

describe('NodeIndex reads no index outside a list, whatever a program put on Array.prototype', () => {
  it('.get() of an id naming no node is undefined with an Array.prototype[-1]', () => {
    const index = new NodeIndex([node('f0'), node('x')]);
    const got = withArrayIndex('-1', node('intruder'), () => [index.get('f7'), index.get('y'), index.get('x')?.id]);
    assert.deepEqual(got, [undefined, undefined, 'x']);
  });

  it('.edges() reads each id list up to its length, not the Array.prototype index at it', () => {
    // f1 awaits one id naming no node; Array.prototype[1] names f0, one past the list's end.
    const index = new NodeIndex([node('f0'), node('f1', ['f9'])]);
    const { start, to } = withArrayIndex('1', 'f0', () => index.edges('awaits'));
    assert.deepEqual([...start], [0, 0, 0]);
    assert.deepEqual([...to], []);
  });
});
