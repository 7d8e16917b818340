/**
 * The runtime never calls the program's code: a program that poisons, after awaitwhat loaded,
 * every built-in the runtime could reach (test/fixtures/runtime/poison/poison.mjs) runs the same
 * with awaitwhat as without, through every path of the runtime (claims, kept results, combinators,
 * `for await`, generators, roots registered by the job behind their run, compaction, the live
 * sweep, weak holding, eviction, watched returned promises, the timer's ticks and maintenance),
 * with plain and with traced frames; and no poisoned built-in is ever called from awaitwhat.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, run } from './support/run.ts';

const HOOKS = join(ROOT, 'dist', 'hooks.js');
const PROGRAM = join('test', 'fixtures', 'runtime', 'poison', 'program.mjs');
const ENV = { ...process.env, AWAITWHAT_EXCLUDE: 'plain-*.mjs,poison.mjs' };
const EXPECTED = [
  'chain 2',
  'kept 17',
  'fanOut [1,2,3,2,5,6]',
  'iterate 6',
  'returnsSettled 3',
  'unwound 1',
  'unwound 2',
  'unwound 3',
  'recurse bottom',
  'pending object',
  "awaitwhat called the program's code 0 times",
  '',
].join('\n');

describe('a program that poisons every built-in after awaitwhat loaded', { concurrency: 4 }, () => {
  const plain = run([PROGRAM], { env: ENV });

  it('runs the same plain (the fixture itself is sound)', async () => {
    const r = await plain;
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 0, stdout: EXPECTED, stderr: '' });
  });

  const variants = [
    { name: '', env: {} },
    { name: ' with traced frames', env: { TRACED: '1' } },
    // The species getters left as they are: returned promises are then watched with the original `then`.
    { name: ' with Symbol.species spared', env: { SPARE_SPECIES: '1' } },
  ];
  for (const variant of variants) {
    it(`runs the same under awaitwhat${variant.name}, and awaitwhat calls none of it`, async () => {
      const env = { ...ENV, AWAITWHAT_TEST_PATHS: '1', ...variant.env };
      const [r, p] = await Promise.all([run(['--import', HOOKS, PROGRAM], { env }), plain]);
      const [paths, ...rest] = r.stderr.split('\n');
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: rest.join('\n') }, { code: p.code, stdout: p.stdout, stderr: p.stderr });
      // The sweeps the program is built to reach did run: frames were held weakly and evicted.
      const { counters, faults } = JSON.parse(paths!) as { counters: { collected: number; evicted: number }; faults: Record<string, number> };
      assert.ok(counters.evicted > 0, `nothing evicted: ${paths}`);
      assert.deepEqual(faults, { handoffs: 0, maintenance: 0, observer: 0 });
    });
  }
});
