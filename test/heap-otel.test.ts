/** AwaitInstrumentation's holders option: awaitwhat.holder on a chain's first pending-await span only, off by default. */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, run } from './support/run.ts';

async function fixture(...args: string[]): Promise<unknown> {
  const r = await run([join('test', 'fixtures', 'otel', 'holders.mjs'), ...args]);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  return JSON.parse(r.stdout);
}

describe('AwaitInstrumentation holders', () => {
  it('holders: true — the first report of a chain says who can settle its promise, the next does not', async () => {
    assert.deepEqual(await fixture(), {
      first: true,
      second: true,
      pending: [{ 'awaitwhat.holder': `held by module variable release (${join(ROOT, 'test', 'fixtures', 'otel', 'app-hang.mjs')}:1)`, 'awaitwhat.holder.state': 'held' }, {}],
      warnings: [],
    });
  });

  it('off by default: no heap snapshot, no holder attributes', async () => {
    assert.deepEqual(await fixture('off'), { first: true, second: true, pending: [{}, {}], warnings: [] });
  });
});
