/**
 * An `await using` disposal waits on the frame its disposer call entered, as the runtime noted it
 * (the first frame entered after the block ended, one level deeper, in the same run), and on none
 * when no instrumented code made the disposer: the frame entered next, in a later run, was once
 * taken for the disposer (the snapshot took the first frame entered after the block ended). The
 * disposer's promise is the disposal's: the caller awaiting the function whose block ended once
 * took the disposer, entered one level below it, for a second callee (a group of two calls).
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
  installHooks({ exclude: ['**/plain-*.mjs'], cache: false });
  await import(new URL('./fixtures/snapshot/using-disposers.mjs', import.meta.url).href);
  // Two turns: the fixture calls `later` in the first.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

describe('await using disposals', () => {
  it('wait on the disposer their own call entered, which no caller takes for its callee, and on no frame entered after an uninstrumented one, in a later run or claimed by its caller', { skip: !parses && "this Node.js does not parse `await using x = null`" }, () => {
    assert.equal(
      renderText(snapshot(), { durations: false }),
      [
        'awaitwhat: 8 pending async functions',
        '',
        'awaitsOwn  test/fixtures/snapshot/using-disposers.mjs:18:3  await useOwn()',
        '└─ useOwn  test/fixtures/snapshot/using-disposers.mjs:13:3  await using conn = new Connection()',
        '   └─ Connection[Symbol.asyncDispose]  test/fixtures/snapshot/using-disposers.mjs:8:5  await new Promise(() => {})',
        '      └─ new Promise(() => {})  — a new Promise at test/fixtures/snapshot/using-disposers.mjs:8',
        '',
        'useForeign  test/fixtures/snapshot/using-disposers.mjs:22:3  await using res = plainResource()',
        '└─ await using res = plainResource()  — disposal of its resources',
        '',
        'useForeignResumed  test/fixtures/snapshot/using-disposers.mjs:30:3  await using res = plainResource()',
        '└─ await using res = plainResource()  — disposal of its resources',
        '',
        'awaitsNext  test/fixtures/snapshot/using-disposers.mjs:40:3  await stuckCall()',
        '└─ stuckCall  test/fixtures/snapshot/using-disposers.mjs:35:3  await new Promise(() => {})',
        '   └─ new Promise(() => {})  — a new Promise at test/fixtures/snapshot/using-disposers.mjs:35',
        '',
        'later  test/fixtures/snapshot/using-disposers.mjs:44:3  await new Promise(() => {})',
        '└─ new Promise(() => {})  — a new Promise at test/fixtures/snapshot/using-disposers.mjs:44',
        '',
      ].join('\n'),
    );
  });
});
