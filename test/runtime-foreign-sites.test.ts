/**
 * `__awaitwhat.d([...])` (src/runtime/foreign-sites.ts): a self-contained module defines its sites
 * where it runs. Any code can call it, so each entry is copied field by field and an entry with any
 * malformed field is skipped whole — the well-formed ones around it are still defined — and nothing
 * throws into the module.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineForeignSites } from '../src/runtime/foreign-sites.ts';
import { FOREIGN_SITE_BASE, RETURN_SITE_BASE } from '../src/runtime/sites.ts';

/** Fresh foreign ids per call, so that no case meets an id an earlier case defined. */
let next = FOREIGN_SITE_BASE + 1000;
const fresh = (): number => next++;

const good = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ kind: 'await', file: 'file:///m.mjs', line: 3, column: 5, name: 'main', text: 'await x', ...over });

/** Defines `[id, entry]` pairs and returns what reached the callback, as [id, record] pairs. */
function define(entries: unknown): [number, unknown][] {
  const seen: [number, unknown][] = [];
  defineForeignSites(entries, (id, site) => seen.push([id, site]));
  return seen;
}

describe('defineForeignSites', () => {
  it('copies every field of a well-formed entry, optional ones included, into a fresh record', () => {
    const a = fresh();
    const b = fresh();
    const c = fresh();
    const members = ['f()', 'g()'];
    const entry = good({ kind: 'combinator', fn: 0, created: 7, combinator: 'allSettled', members, discardable: true, extra: 'dropped' });
    const seen = define([a, entry, b, good({ kind: 'function', text: 'main' }), c, good({ discardable: 'yes' })]);
    assert.deepEqual(seen, [
      [a, { kind: 'combinator', file: 'file:///m.mjs', line: 3, column: 5, name: 'main', text: 'await x', fn: 0, created: 7, combinator: 'allSettled', members: ['f()', 'g()'] , discardable: true }],
      [b, { kind: 'function', file: 'file:///m.mjs', line: 3, column: 5, name: 'main', text: 'main' }],
      [c, { kind: 'await', file: 'file:///m.mjs', line: 3, column: 5, name: 'main', text: 'await x' }],
    ]);
    assert.notEqual(seen[0]![1], entry);
    assert.notEqual((seen[0]![1] as { members: string[] }).members, members);
  });

  it('takes every site kind and every combinator kind', () => {
    const kinds = ['function', 'generator', 'module', 'await', 'for-await', 'yield', 'yield*', 'await-using', 'combinator', 'promise'];
    const ids = kinds.map(() => fresh());
    const seen = define(kinds.flatMap((kind, i) => [ids[i], good({ kind })]));
    assert.deepEqual(seen.map(([id, site]) => [id, (site as { kind: string }).kind]), kinds.map((kind, i) => [ids[i], kind]));
    const returnId = RETURN_SITE_BASE + FOREIGN_SITE_BASE + 5000;
    assert.deepEqual(define([returnId, good({ kind: 'return' })]).map(([id]) => id), [returnId]);
    const combinators = ['all', 'allSettled', 'race', 'any'];
    const cids = combinators.map(() => fresh());
    const seenC = define(combinators.flatMap((combinator, i) => [cids[i], good({ kind: 'combinator', combinator })]));
    assert.deepEqual(seenC.map(([, site]) => (site as { combinator: string }).combinator), combinators);
  });

  it('skips each malformed entry whole and defines the well-formed ones around it', () => {
    const bad: unknown[] = [
      null, 'site', [good()], 42,
      good({ kind: 'sleep' }), good({ kind: 1 }), good({ kind: 'toString' }),
      good({ file: 1 }), good({ name: null }), good({ text: undefined }),
      good({ line: 0 }), good({ line: 1.5 }), good({ line: '3' }), good({ column: 0 }), good({ column: -1 }),
      good({ fn: -1 }), good({ fn: 0.5 }), good({ fn: '0' }), good({ created: -2 }), good({ created: null }),
      good({ kind: 'combinator', combinator: 'every' }), good({ kind: 'combinator', combinator: 3 }), good({ combinator: 'constructor' }),
      good({ members: 'f()' }), good({ members: ['f()', 2] }),
    ];
    const before = fresh();
    const after = fresh();
    const badIds = bad.map(() => fresh());
    const seen = define([before, good(), ...bad.flatMap((entry, i) => [badIds[i], entry]), after, good()]);
    assert.deepEqual(seen.map(([id]) => id), [before, after]);
  });

  it('skips ids that are no numbers, ids outside the foreign range, ids defined already, and a trailing id without a record', () => {
    const a = fresh();
    const b = fresh();
    assert.deepEqual(define([String(a), good(), 7, good(), a, good(), a, good({ name: 'again' }), b]).map(([id, site]) => [id, (site as { name: string }).name]), [[a, 'main']]);
  });

  it('does nothing with a list that is no array, and throws nothing when reading an entry throws', () => {
    for (const notList of [undefined, null, 'list', { 0: fresh(), 1: good(), length: 2 }]) assert.deepEqual(define(notList), []);
    const a = fresh();
    const b = fresh();
    const throwing = { get kind(): string { throw new Error('getter'); } };
    assert.deepEqual(define([a, good(), b, throwing, fresh(), good()]).map(([id]) => id), [a]);
    const proxy = new Proxy([], { get() { throw new Error('trap'); } });
    assert.deepEqual(define(proxy), []);
  });
});
