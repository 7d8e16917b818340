/**
 * AwaitInstrumentation on a Node.js without module.registerHooks (older than 22.15): it stays
 * disabled with one error through diag, and the program runs on. Needs AWAITWHAT_OLD_NODE (.ci/run
 * provides Node.js 20). The project's own SDK is used in both runs: test/compat/redirect.mjs, which
 * loads SDK 2.x, needs registerHooks itself.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './support/run.ts';

const OLD_NODE = process.env.AWAITWHAT_OLD_NODE;

describe('AwaitInstrumentation on an old Node.js', () => {
  it('stays disabled with one error naming the minimum, and the program runs on', { skip: OLD_NODE === undefined ? 'set AWAITWHAT_OLD_NODE to a Node.js < 22.15 binary' : false }, () => {
    const { NODE_OPTIONS: _, ...env } = process.env;
    const r = spawnSync(OLD_NODE!, [join(ROOT, 'test', 'fixtures', 'otel', 'old-node.mjs')], { cwd: ROOT, env, encoding: 'utf8' });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    const version = spawnSync(OLD_NODE!, ['-p', 'process.versions.node'], { env, encoding: 'utf8' }).stdout.trim();
    assert.match(version, /^(1\d|2[01]|22\.([0-9]|1[0-4]))\./, `AWAITWHAT_OLD_NODE is Node.js ${version}, not older than 22.15`);
    assert.deepEqual(JSON.parse(r.stdout), {
      ran: true,
      messages: [
        `awaitwhat AwaitInstrumentation stays disabled: awaitwhat needs Node.js >= 22.15.0 (for module.registerHooks), but this is Node.js ${version}. Install a newer Node.js, or run through the project's pinned one (npx awaitwhat …).`,
      ],
      sampled: null,
    });
  });
});
