/**
 * The holders option's attributes (src/otel/holders.ts): who can settle a chain's leaf, on its
 * first report only, from one heap-snapshot graph per sample with a chain reported for the first time.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FirstReportHolders, holderAttributes } from '../dist/otel/holders.js';
import type { RuntimeInternals } from '../dist/runtime/runtime.js';
import type { LeafHolder, LeafNode } from '../dist/snapshot/schema.js';

function leaf(id: string, valueKind: LeafNode['valueKind'] = 'promise', holder?: LeafHolder): LeafNode {
  return { id, type: 'leaf', valueKind, text: id, location: { file: 'a.mjs', line: 1, column: 1 }, awaits: [], awaitedBy: [], ...(holder ? { holder } : {}) } as LeafNode;
}
const held: LeafHolder = { state: 'held', text: 'Timeout._onTimeout (timer 60s, 55s left)', package: null } as LeafHolder;

describe('holderAttributes()', () => {
  it('a held, native, never or unknown holder, with its package when it has one', () => {
    const holders = new Map<string, LeafHolder>([
      ['l1', held],
      ['l2', { state: 'native', text: 'an fs request', package: null } as LeafHolder],
      ['l3', { state: 'never', text: 'nothing can settle this promise', package: null } as LeafHolder],
      ['l4', { state: 'unknown', text: 'not told', package: 'p-queue' } as LeafHolder],
      ['l5', { state: 'held', text: 'Mutex.#waiters[0]', package: 'async-mutex' } as LeafHolder],
    ]);
    assert.deepEqual(['l1', 'l2', 'l3', 'l4', 'l5'].map((id) => holderAttributes(holders, leaf(id))), [
      { 'awaitwhat.holder': 'held by Timeout._onTimeout (timer 60s, 55s left)', 'awaitwhat.holder.state': 'held' },
      { 'awaitwhat.holder': 'settled by an fs request', 'awaitwhat.holder.state': 'native' },
      { 'awaitwhat.holder': 'nothing can settle this promise', 'awaitwhat.holder.state': 'never' },
      { 'awaitwhat.holder': 'not told', 'awaitwhat.holder.state': 'unknown', 'awaitwhat.holder.package': 'p-queue' },
      { 'awaitwhat.holder': 'held by Mutex.#waiters[0]', 'awaitwhat.holder.state': 'held', 'awaitwhat.holder.package': 'async-mutex' },
    ]);
  });

  it('none without holders, without a leaf, or for a leaf without a holder', () => {
    const holders = new Map([['l1', held]]);
    assert.deepEqual([holderAttributes(undefined, leaf('l1')), holderAttributes(holders, undefined), holderAttributes(holders, leaf('l2'))], [{}, {}, {}]);
  });
});

describe('FirstReportHolders', () => {
  /** A runtime whose graph has leaves l1 (held) and l2 (no holder), counting the graphs asked for. */
  function runtime() {
    const asked: unknown[] = [];
    const rt = { graph: (options: unknown) => (asked.push(options), { snapshot: { nodes: [leaf('l1', 'promise', held), leaf('l2'), { id: 'f1', type: 'frame' }] } }) } as unknown as RuntimeInternals;
    return { rt, asked };
  }

  it('one graph with holders (absolute paths, the omitText setting) for the chains reported for the first time, by leaf id', () => {
    const { rt, asked } = runtime();
    const holders = new FirstReportHolders();
    const a = {};
    const result = holders.forFirstReports(rt, [{ leaf: leaf('l1'), innermost: a }], true);
    assert.deepEqual([...result!], [['l1', held]]);
    assert.deepEqual(asked, [{ absolutePaths: true, holders: { omitText: true } }]);
    // The same chain again: no graph.
    assert.equal(holders.forFirstReports(rt, [{ leaf: leaf('l1'), innermost: a }], false), undefined);
    assert.equal(asked.length, 1);
    const b = {};
    holders.forFirstReports(rt, [{ leaf: leaf('l1'), innermost: a }, { leaf: leaf('l2'), innermost: b }], false);
    assert.deepEqual(asked[1], { absolutePaths: true, holders: { omitText: false } });
  });

  it('no graph when no new chain waits on a promise: a thenable or no leaf, an unknown innermost frame; such chains count as reported', () => {
    const { rt, asked } = runtime();
    const holders = new FirstReportHolders();
    const a = {};
    const b = {};
    assert.equal(holders.forFirstReports(rt, [{ leaf: leaf('t', 'thenable'), innermost: a }, { leaf: undefined, innermost: b }, { leaf: leaf('l1'), innermost: undefined }], false), undefined);
    assert.equal(holders.forFirstReports(rt, [{ leaf: leaf('l1'), innermost: a }], false), undefined);
    assert.equal(asked.length, 0);
  });
});
