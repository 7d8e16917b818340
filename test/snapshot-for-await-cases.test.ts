/**
 * Which generator a `for await`, a `yield*` and an `await it.next()` wait on, as the runtime noted
 * it: the one the loop's first `next()` entered (one level deeper than the loop, in the same run),
 * whether the loop began in its function's first run or after an await, and whatever its iterable's
 * evaluation called first; none for a loop over an iterator no instrumented code made, even when a
 * generator is entered right after it (by uninstrumented code in a later run, or by an `await
 * it.next()` of its own in a job queued before the loop's run ended).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installHooks, renderText, snapshot } from '../dist/index.js';

installHooks({ exclude: ['**/plain-*.mjs'], cache: false });
await import(new URL('./fixtures/snapshot/for-await-cases.mjs', import.meta.url).href);
// Two turns: the fixture's `pullLater` asks for an item in the first.
await new Promise((resolve) => setImmediate(resolve));
await new Promise((resolve) => setImmediate(resolve));

describe('the generator each loop entered', () => {
  it('links each loop, delegation and hand-driven next() to the generator its own call entered, and no other', () => {
    assert.equal(
      renderText(snapshot(), { durations: false }),
      [
        'awaitwhat: 11 pending async functions',
        '',
        'resumedLoop  test/fixtures/snapshot/for-await-cases.mjs:17:3  for await (const item of stuck(\'resumed\'))',
        '└─ stuck (async generator)  test/fixtures/snapshot/for-await-cases.mjs:6:3  await new Promise(() => {})',
        '   └─ new Promise(() => {})  — a new Promise at test/fixtures/snapshot/for-await-cases.mjs:6',
        '',
        'afterCall  test/fixtures/snapshot/for-await-cases.mjs:22:3  for await (const item of stuck(prepare()))',
        '└─ stuck (async generator)  test/fixtures/snapshot/for-await-cases.mjs:6:3  await new Promise(() => {})',
        '   └─ new Promise(() => {})  — a new Promise at test/fixtures/snapshot/for-await-cases.mjs:6',
        '',
        'delegating  test/fixtures/snapshot/for-await-cases.mjs:30:3  for await (const item of outer())',
        '└─ outer (async generator)  test/fixtures/snapshot/for-await-cases.mjs:27:3  yield* stuck(\'inner\')',
        '   └─ stuck (async generator)  test/fixtures/snapshot/for-await-cases.mjs:6:3  await new Promise(() => {})',
        '      └─ new Promise(() => {})  — a new Promise at test/fixtures/snapshot/for-await-cases.mjs:6',
        '',
        'foreignResumed  test/fixtures/snapshot/for-await-cases.mjs:37:3  for await (const row of neverYields())',
        '└─ for await (const row of neverYields())  — an async iterator',
        '',
        'pullEarly  test/fixtures/snapshot/for-await-cases.mjs:45:3  await it.next()',
        '└─ stuck (async generator)  test/fixtures/snapshot/for-await-cases.mjs:6:3  await new Promise(() => {})',
        '   └─ new Promise(() => {})  — a new Promise at test/fixtures/snapshot/for-await-cases.mjs:6',
        '',
        'stuck (async generator)  test/fixtures/snapshot/for-await-cases.mjs:6:3  await new Promise(() => {})',
        '└─ new Promise(() => {})  — a new Promise at test/fixtures/snapshot/for-await-cases.mjs:6',
        '',
      ].join('\n'),
    );
  });
});
