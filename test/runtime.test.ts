/** The registry's memory bounds: what the garbage collector can reclaim it may, and the rest is capped. */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, run } from './support/run.ts';

const HOOKS = join(ROOT, 'dist', 'hooks.js');
const FIXTURES = join('test', 'fixtures', 'runtime');

describe('frame registry', { concurrency: 2 }, () => {
  it('lets 100k hung, unreachable frames be collected, and counts them', async () => {
    const r = await run(['--expose-gc', '--import', HOOKS, join(FIXTURES, 'leak.mjs'), '100000']);
    assert.equal(r.stderr, '');
    const result = JSON.parse(r.stdout) as { collected: number; frames: number; evicted: number; retainedBytesPerFrame: number };
    assert.deepEqual({ collected: result.collected, frames: result.frames, evicted: result.evicted }, { collected: 100_000, frames: 1, evicted: 0 });
    assert.ok(result.retainedBytesPerFrame < 16, `${result.retainedBytesPerFrame} bytes per collected frame still held`);
  });

  it('keeps at most AWAITWHAT_MAX_FRAMES registered frames, counting the evicted', async () => {
    const r = await run(['--import', HOOKS, join(FIXTURES, 'evict.mjs')], { env: { ...process.env, AWAITWHAT_MAX_FRAMES: '1000' } });
    assert.equal(r.stderr, '');
    assert.deepEqual(JSON.parse(r.stdout), { frames: 1000, evicted: 4001, kept: 5000 });
  });
});
