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

  it('bounds memory in a program that leaks hung frames all its life, counts them, and still reports its real hang', async () => {
    // 300k leaked at 100k/s here; `node --expose-gc --import ./dist/hooks.js test/fixtures/runtime/leak-forever.mjs 1000000` for a million.
    const r = await run(['--expose-gc', '--import', HOOKS, join(FIXTURES, 'leak-forever.mjs'), '300000']);
    assert.equal(r.stderr, '');
    const result = JSON.parse(r.stdout) as { created: number; collected: number; heapMB: number[]; report: string[] };
    assert.equal(result.collected, result.created);
    // Frames held strongly for weakAfterMs (200 ms here) plus up to a second until maintenance:
    // about 120k frames at most. Retaining all 300k would take over 150 MB.
    assert.ok(result.heapMB.length >= 8, `only ${result.heapMB.length} heap samples`);
    assert.ok(Math.max(...result.heapMB) < 80, `heap grew to ${Math.max(...result.heapMB)} MB: ${result.heapMB.join(', ')}`);
    assert.deepEqual(result.report, [
      'awaitwhat: 3 pending async functions',
      'awaitwhat: not shown: 300000 pending frames reclaimed by the garbage collector (nothing could resume them: waits that could never end)',
      '',
      '<module>  test/fixtures/runtime/leak-forever.mjs:46:1  await sleep(1_100)',
      '└─ sleep(1_100)  — a promise no instrumented code created',
      '',
      'stuck  test/fixtures/runtime/leak-forever.mjs:22:3  await waitForConfig()',
      '└─ waitForConfig  test/fixtures/runtime/leak-forever.mjs:19:3  await realHang.promise',
      '   └─ realHang.promise  — a new Promise at test/fixtures/runtime/leak-forever.mjs:17',
      '',
    ]);
  });

  it('registers roots called by uninstrumented code as soon as their run ends, not at the next maintenance', async () => {
    const r = await run(['--import', HOOKS, join(FIXTURES, 'roots.mjs')]);
    assert.equal(r.stderr, '');
    const result = JSON.parse(r.stdout) as { unclaimed: number; registered: number; withinASecond: boolean };
    // Only the last run's handoff may still wait for the job that registers it.
    assert.ok(result.withinASecond, 'the fixture took over a second: maintenance may have run');
    assert.ok(result.unclaimed <= 1, `${result.unclaimed} handoffs left unclaimed`);
    assert.ok(result.registered >= 999, `${result.registered} registered`);
  });

  it('keeps at most AWAITWHAT_MAX_FRAMES registered frames, counting the evicted', async () => {
    const r = await run(['--import', HOOKS, join(FIXTURES, 'evict.mjs')], { env: { ...process.env, AWAITWHAT_MAX_FRAMES: '1000' } });
    assert.equal(r.stderr, '');
    assert.deepEqual(JSON.parse(r.stdout), { frames: 1000, evicted: 4001, kept: 5000 });
  });
});

describe('the runtime under damage', { concurrency: 2 }, () => {
  it('code that deletes and overwrites unknown globals leaves the runtime in place', async () => {
    const program = join('test', 'fixtures', 'damage', 'global.cjs');
    const plain = await run([program]);
    assert.deepEqual(plain.stdout, 'started 2\nlater 4\n');
    assert.deepEqual(await run(['--import', HOOKS, program]), plain);
  });

  it('a full site table: later files load uninstrumented, with one warning', async () => {
    const r = await run(['--import', HOOKS, join(FIXTURES, 'site-table-full.mjs')]);
    const [first, results] = r.stdout.split('\n');
    const capacity = Number(first!.replace('capacity ', ''));
    assert.equal(results, 'a b');
    assert.equal(r.stderr, `awaitwhat: the site table is full (${capacity} function and suspension sites): ${join(ROOT, 'test', 'fixtures', 'damage', 'b.mjs')} and the files loaded after it are not instrumented\n`);
    assert.equal(r.code, 0);
  });
});
