/**
 * NodeIndex against a plain Map (the later of two nodes with one id wins), on generated ids built
 * to collide wherever a number could be misread: letters at and beyond the ends of a–z, leading
 * zeros, digits' neighbours (`/` and `:`), numbers dense enough for a table and too sparse for
 * one, and numbers of 15 to 18 digits (beyond 15 a double no longer tells them apart). Whatever
 * the index does inside (tables per letter, a map), every answer must be the Map's.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { LeafNode, SnapshotNode } from '../dist/index.js';
import { NodeIndex } from '../dist/snapshot/node-index.js';

function node(id: string, awaits: string[] = []): SnapshotNode {
  return { id, type: 'leaf', valueKind: 'promise', text: id, location: { file: 'a.mjs', line: 1, column: 1 }, awaits, awaitedBy: [] } satisfies LeafNode;
}

const letter = fc.constantFrom('f', 'c', 'a', 'z', '`', '{', 'F', '0');
const number = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map(String),
  fc.integer({ min: 0, max: 40 }).map((n) => `0${n}`),
  fc.integer({ min: 0, max: 3 }).map((n) => String(1_000_000 * n + 7)),
  fc.constantFrom('999999999999999', '999999999999998', '1000000000000000', '1000000000000001', '10000000000000000', '10000000000000001', '100000000000000000', '100000000000000001'),
  fc.stringMatching(/^[/0-9:]{0,3}$/),
);
const id = fc.oneof({ weight: 4, arbitrary: fc.tuple(letter, number).map(([l, n]) => l + n) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z/:0-9`{]{0,4}$/) });

describe('NodeIndex against a Map', () => {
  it('finds every id as a Map would, tells repeated ids, and gives the edges a walk by ids would', () => {
    fc.assert(
      fc.property(fc.array(id, { maxLength: 60 }), fc.array(id, { maxLength: 30 }), fc.array(fc.array(fc.nat(), { maxLength: 3 }), { maxLength: 60 }), (ids, probes, picks) => {
        const all = [...ids, ...probes];
        // Each node awaits a few ids, named or not.
        const nodes = ids.map((i, k) => node(i, (picks[k] ?? []).map((p) => all[p % all.length]!)));
        const index = new NodeIndex(nodes);
        const map = new Map<string, number>();
        ids.forEach((i, k) => map.set(i, k));
        for (const probe of all) {
          const expected = map.get(probe) ?? -1;
          assert.equal(index.indexOf(probe), expected, `indexOf(${JSON.stringify(probe)})`);
          assert.equal(index.has(probe), expected >= 0);
          assert.equal(index.get(probe), expected >= 0 ? nodes[expected] : undefined);
        }
        assert.equal(index.unique, map.size === ids.length);
        assert.deepEqual(
          nodes.map((_, k) => index.isNamedBy(k)),
          ids.map((i, k) => map.get(i) === k),
        );
        const { start, to } = index.edges('awaits');
        const expectedTo = nodes.flatMap((n) => n.awaits.filter((a) => map.has(a)).map((a) => map.get(a)!));
        assert.deepEqual([...to], expectedTo);
        let at = 0;
        assert.deepEqual([...start], [0, ...nodes.map((n) => (at += n.awaits.filter((a) => map.has(a)).length))]);
      }),
      { numRuns: 400 },
    );
  });

  it('ids a double cannot tell apart, and ids that differ only by a leading zero, are different nodes', () => {
    const ids = ['f100000000000000000', 'f100000000000000001', 'f10000000000000000', 'f10000000000000001', 'f1000000000000000', 'f1000000000000001', 'f01', 'f1', 'f001', 'f0', 'f00'];
    const index = new NodeIndex(ids.map((i) => node(i)));
    assert.deepEqual(ids.map((i) => index.indexOf(i)), ids.map((_, k) => k));
    assert.equal(index.unique, true);
  });

  it('ids with a letter just outside a–z or a digit\'s neighbour are different nodes from the builder\'s', () => {
    const ids = ['`1', 'a1', 'z1', '{1', 'f1', 'f/', 'f:', 'f1/', 'f1:', 'f10', 'f', ''];
    const index = new NodeIndex(ids.map((i) => node(i)));
    assert.deepEqual(ids.map((i) => index.indexOf(i)), ids.map((_, k) => k));
    assert.deepEqual(['`2', '{2', 'f2', 'f0', 'f11', 'f/1', 'g', 'f1;'].map((i) => index.indexOf(i)), [-1, -1, -1, -1, -1, -1, -1, -1]);
    assert.equal(index.indexOf(7 as unknown as string), -1, 'not a string');
  });
});
