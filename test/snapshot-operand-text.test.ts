/** operandText: what a leaf or group shows of the expression its awaiter waits on. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { operandText } from '../dist/snapshot/build.js';
import type { SiteInfo } from '../dist/snapshot/source.js';

function site(kind: string, text: string): SiteInfo {
  return { kind, file: '/a.mjs', line: 1, column: 1, name: '', text };
}

describe('operandText', () => {
  it('drops the keyword of an await or a return and the spaces after it', () => {
    assert.deepEqual(
      [site('await', 'await sleep(5)'), site('await', 'await   x'), site('await', 'await'), site('return', 'return p'), site('return', 'return  queue.add(job)'), site('return', 'return')].map(operandText),
      ['sleep(5)', 'x', '', 'p', 'queue.add(job)', ''],
    );
  });

  it('keeps the text of other sites, of an await whose text is not an await, and of an omitted text', () => {
    assert.deepEqual(
      [site('yield', 'yield x'), site('for-await', 'for await (const x of xs)'), site('combinator', 'await Promise.all(xs)'), site('await', 'return x'), site('return', 'await x'), site('await', ''), site('return', ''), site('await', ' await x')].map(operandText),
      ['yield x', 'for await (const x of xs)', 'await Promise.all(xs)', 'return x', 'await x', '', '', ' await x'],
    );
  });
});
