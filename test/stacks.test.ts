/** Errors keep pointing at the user's code: lines never move, and with source maps columns do not either. */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run, runCli } from './support/run.ts';

const THROWS = join('test', 'corpus', 'throws.mjs');
const frames = (stderr: string) => [...stderr.matchAll(/at (?:async )?(\w+) \(.*?throws\.mjs:(\d+):(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}:${m[3]}`);

describe('error stacks of instrumented code', { concurrency: 2 }, () => {
  it('name the original lines and columns (source maps on, the default)', async () => {
    const [plain, instrumented] = await Promise.all([run([THROWS]), runCli([THROWS])]);
    assert.deepEqual(frames(plain.stderr), ['load:4:9', 'main:8:3']);
    assert.deepEqual(frames(instrumented.stderr), frames(plain.stderr));
    assert.equal(instrumented.code, plain.code);
    // The excerpt Node prints is the user's line, not the instrumented one.
    assert.match(instrumented.stderr, /^\S*throws\.mjs:4\n {2}throw new Error\(`cannot load \$\{id\}`\);\n {8}\^\n/);
  });

  it('are byte-identical with --no-source-maps when nothing was inserted before the failing column', async () => {
    const [plain, instrumented] = await Promise.all([run([THROWS]), runCli(['--no-source-maps', THROWS])]);
    assert.equal(instrumented.stderr, plain.stderr);
    assert.equal(instrumented.code, plain.code);
  });
});
