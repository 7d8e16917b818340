/** NodeInts: per-node integers in pages made on first write (src/render/node-marks.ts), against a plain array. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NodeInts } from '../dist/render/node-marks.js';

describe('NodeInts', () => {
  it('reads 0 where nothing was written, in every page, first and last node included', () => {
    const marks = new NodeInts(1000);
    for (const i of [0, 1, 255, 256, 511, 512, 999]) assert.equal(marks.get(i), 0);
  });

  it('reads back what was written, on page edges, without touching the neighbours', () => {
    const marks = new NodeInts(1025);
    marks.set(255, 7);
    marks.set(256, -3);
    marks.set(1024, 2 ** 31 - 1);
    assert.deepEqual([254, 255, 256, 257, 1023, 1024].map((i) => marks.get(i)), [0, 7, -3, 0, 0, 2 ** 31 - 1]);
    marks.set(255, 0);
    assert.equal(marks.get(255), 0);
    marks.set(700, 0);
    assert.equal(marks.get(700), 0);
  });

  it('behaves as a zero-filled Int32Array under any writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 200 }), (n, writes) => {
        const marks = new NodeInts(n);
        const plain = new Int32Array(n);
        for (const [at, value] of writes) {
          marks.set(at % n, value);
          plain[at % n] = value;
        }
        for (let i = 0; i < n; i++) assert.equal(marks.get(i), plain[i]);
      }),
    );
  });
});
