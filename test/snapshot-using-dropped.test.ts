/**
 * An `await using` disposer that hands an async call's promise to uninstrumented code before its
 * own first await (`ignore(note())`: no claim takes it). The runtime's disposer check misses this
 * shape (frame.ts `noteDisposer` compares only the pending handoff, which is then `note`'s frame;
 * docs/MUTATION.md, "Found on the way"), yet the report must still be the plain chain: the caller's
 * `await useLogged()` takes `useLogged` alone, and the disposal waits on the disposer.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installHooks, renderText, snapshot } from '../dist/index.js';

/** `await using` parses from Node.js 24 on (V8 13.6). */
const parses = (() => {
  try {
    new Function('return async () => { await using x = null; }');
    return true;
  } catch {
    return false;
  }
})();

if (parses) {
  installHooks({ cache: false });
  await import(new URL('./fixtures/snapshot/using-dropped-call.mjs', import.meta.url).href);
  await new Promise((resolve) => setImmediate(resolve));
}

describe('await using disposal whose disposer drops a call', () => {
  it('waits on the disposer, which the caller does not take for a second callee', { skip: !parses && "this Node.js does not parse `await using x = null`" }, () => {
    assert.equal(
      renderText(snapshot(), { durations: false }),
      [
        'awaitwhat: 3 pending async functions',
        '',
        'awaitsLogged  test/fixtures/snapshot/using-dropped-call.mjs:24:3  await useLogged()',
        '└─ useLogged  test/fixtures/snapshot/using-dropped-call.mjs:19:3  await using res = new Logged()',
        '   └─ Logged[Symbol.asyncDispose]  test/fixtures/snapshot/using-dropped-call.mjs:8:5  await new Promise(() => {})',
        '      └─ new Promise(() => {})  — a new Promise at test/fixtures/snapshot/using-dropped-call.mjs:8',
        '',
      ].join('\n'),
    );
  });
});
