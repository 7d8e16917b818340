/**
 * The fastify service benchmark's four servers (bench/fastify.mjs --check: no load): each answers
 * the one route with the exact body, and awaitwhat's runtime is in exactly the variants that
 * claim it (awaitwhat/hooks and AwaitInstrumentation), so a figure in BENCHMARKS.md measures the
 * setup its row names. Needs fastify in bench/service (`npm ci --prefix bench/service`).
 */

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT, run } from './support/run.ts';

const INSTALLED = existsSync(join(ROOT, 'bench', 'service', 'node_modules', 'fastify', 'package.json'));
const SKIP = INSTALLED ? false : 'install with: npm ci --prefix bench/service';
const BODY = '{"user":"user 42","tier":"gold","orders":3,"totalCents":4994}';

it('every variant of the fastify service answers the route, with awaitwhat only where it says', { skip: SKIP }, async () => {
  const r = await run(['bench/fastify.mjs', '--check'], { killAfterMs: 60_000 });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout), {
    plain: { body: BODY, awaitwhat: false },
    hooks: { body: BODY, awaitwhat: true },
    sdk: { body: BODY, awaitwhat: false },
    sdkAwait: { body: BODY, awaitwhat: true },
  });
});
