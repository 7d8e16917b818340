/**
 * Claiming dropped call results (`init();`, `describe(…);`) keeps every call's column: the claim
 * opens at the end of the token before the statement, on an earlier line. A claim wrapped around the
 * call in place (`F.k(F.q,describe(…))`) moved the column V8 reports for it in structured call sites,
 * and node:test then named every suite and test at the wrong column (12:29 for 12:1).
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { instrument } from '../dist/index.js';
import { NODE, ROOT, run, runCli } from './support/run.ts';

const SUITE = join('test', 'fixtures', 'columns', 'suite.mjs');
const THROWS = join('test', 'fixtures', 'columns', 'dropped-throws.mjs');
/** The command starts `node` from PATH: the Node.js under test; without the context of the runner running this file. */
const ENV: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(NODE)}${delimiter}${process.env.PATH ?? ''}` };
delete ENV.NODE_TEST_CONTEXT;
const TAP = ['--test', '--test-reporter=tap'];
const locations = (stdout: string) => [...stdout.matchAll(/location: '.*?suite\.mjs:(\d+:\d+)'/g)].map((m) => m[1]);

describe('columns of calls whose results are dropped', { concurrency: 2 }, () => {
  it('are claimed (the fixtures test what they claim to)', () => {
    for (const file of [SUITE, THROWS]) {
      const code = instrument(readFileSync(join(ROOT, file), 'utf8'), { filename: join(ROOT, file), format: 'module', sites: { addSite: () => 0 } })!.code;
      assert.match(code, /;__awaitwhat\.k\(__awaitwhat\.q,\n(describe|fail)\(/);
    }
  });

  it('node:test names each suite and test at the column it names without awaitwhat', async () => {
    const [plain, instrumented] = await Promise.all([run([...TAP, SUITE], { env: ENV }), runCli(['node', ...TAP, SUITE], { env: ENV })]);
    assert.deepEqual(locations(plain.stdout), ['15:3', '14:1', '19:1']);
    assert.deepEqual(locations(instrumented.stdout), locations(plain.stdout));
    assert.deepEqual([instrumented.code, plain.code], [1, 1]);
  });

  it('an error thrown in a dropped call has the same stack, byte for byte, with --no-source-maps', async () => {
    const [plain, instrumented] = await Promise.all([run([THROWS]), runCli(['--no-source-maps', THROWS])]);
    assert.match(plain.stderr, /dropped-throws\.mjs:11:1\)?\n/);
    assert.equal(instrumented.stderr, plain.stderr);
    assert.equal(instrumented.code, plain.code);
  });
});
