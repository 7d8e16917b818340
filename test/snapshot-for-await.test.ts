/**
 * A `for await` is linked to the async generator its loop entered, never to one another function
 * drives: a loop over an iterator no instrumented code made (a stream, a cursor) waits on that
 * iterator, and an async generator entered after the loop began, whose `next()` another function
 * awaits, is that function's: `await it.next()` on a generator not started yet waits on the
 * generator it entered. The runtime notes the generator a loop's first `next()` entered (one level
 * deeper than the loop, in the same run); it once took the first generator entered within 64
 * frames after the loop began, and showed this loop waiting on `producer`.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installHooks, renderText, snapshot } from '../dist/index.js';

installHooks({ exclude: ['**/plain-*.mjs'], cache: false });
await import(new URL('./fixtures/snapshot/for-await-foreign.mjs', import.meta.url).href);
await new Promise((resolve) => setImmediate(resolve));

describe('for await over an iterator no instrumented code made', () => {
  it('waits on that iterator; the generator another function pulls from is that function\'s', () => {
    assert.equal(
      renderText(snapshot(), { durations: false }),
      [
        'awaitwhat: 3 pending async functions',
        '',
        'readCursor  test/fixtures/snapshot/for-await-foreign.mjs:6:3  for await (const row of neverYields())',
        '└─ for await (const row of neverYields())  — an async iterator',
        '',
        'pullOnce  test/fixtures/snapshot/for-await-foreign.mjs:16:3  await it.next()',
        '└─ producer (async generator)  test/fixtures/snapshot/for-await-foreign.mjs:10:3  await new Promise(() => {})',
        '   └─ new Promise(() => {})  — a new Promise at test/fixtures/snapshot/for-await-foreign.mjs:10',
        '',
      ].join('\n'),
    );
  });
});
