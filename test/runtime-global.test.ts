/**
 * The runtime global cannot be used to observe the program (issue 9): a dependency that calls the
 * application's handler and plays every trick on `globalThis.__awaitwhat` — replacing its methods
 * and the frame prototype's, reading every property it can reach, claiming the handler's frame with
 * a frame of its own, looking for internals or a way to install a tracing observer — changes
 * nothing and reaches no value and no frame of the program's, with plain and with traced frames.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, run } from './support/run.ts';

const HOOKS = join(ROOT, 'dist', 'hooks.js');
const APP = join('test', 'fixtures', 'runtime', 'malicious', 'app.mjs');
const ENV = { ...process.env, AWAITWHAT_EXCLUDE: 'plain-*.mjs' };
const EXPECTED = { code: 0, stdout: 'handler returned 14\nreplaced: []\nstolen: []\n', stderr: '' };

describe('a malicious dependency with the runtime global', { concurrency: 2 }, () => {
  for (const traced of [false, true]) {
    it(`replaces nothing, and reaches no awaited value and no frame of the program's${traced ? ' (traced frames)' : ''}`, async () => {
      const r = await run(['--import', HOOKS, APP], { env: { ...ENV, ...(traced ? { TRACED: '1' } : {}) } });
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, EXPECTED);
    });
  }

  it('gets the same from plain node (the fixture itself is sound)', async () => {
    const r = await run([APP], { env: ENV });
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, EXPECTED);
  });
});
