/** The command's arguments: the script found as `node` finds it, and every bad value refused with exit code 2 and the usage. */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, run, runCli } from './support/run.ts';

const RESOLVE = join(ROOT, 'test', 'fixtures', 'cli', 'resolve');
const HANG = join('test', 'fixtures', 'cli', 'hang.mjs');

describe('awaitwhat finds the script as node does', { concurrency: 2 }, () => {
  const CASES: [string[], string][] = [
    [['adir'], 'adir/index.js'],
    [['pkgdir'], 'pkgdir/lib/start.js'],
    [['noext'], 'noext'],
    [['probed'], 'probed.js'],
    [['--', '--weird.mjs'], '--weird.mjs'],
  ];
  for (const [args, file] of CASES) {
    it(`${args.join(' ')} runs ${file}, instrumented, as \`node -- ${args.at(-1)}\` runs it plainly`, async () => {
      const plain = await run(['--', args.at(-1)!], { cwd: RESOLVE });
      assert.deepEqual(plain, { code: 0, signal: null, stdout: `ran ${file}, instrumented false\n`, stderr: '', killed: false });
      const r = await runCli(args, { cwd: RESOLVE });
      assert.deepEqual(r, { ...plain, stdout: `ran ${file}, instrumented true\n` });
    });
  }
});

describe('awaitwhat refuses bad values with exit code 2 and the usage', { concurrency: 2 }, () => {
  const BAD: [string[], string][] = [
    [['--include', '[', HANG], '--include: invalid glob "[": unclosed "[" at 3'],
    [['--exclude={a', HANG], '--exclude: invalid glob "{a": unclosed "{"'],
    [['--include=', HANG], '--include: invalid glob "": expected a non-empty string'],
    [['--package', '../evil', HANG], '--package: invalid package name "../evil": expected a name such as "fastify" or "@scope/name"'],
    [['--package', '@scope', HANG], '--package: invalid package name "@scope": expected a name such as "fastify" or "@scope/name"'],
    [['--no-children=no', HANG], '--no-children takes no value, got "no"'],
    [['--', '--missing.mjs'], 'script not found: --missing.mjs'],
    [['test/fixtures/cli/resolve/empty-dir-name-that-does-not-exist/'], 'script not found: test/fixtures/cli/resolve/empty-dir-name-that-does-not-exist/'],
  ];
  for (const [args, message] of BAD) {
    it(`${JSON.stringify(args)}: ${message}`, async () => {
      const r = await runCli(args);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.startsWith(`awaitwhat: ${message}\n\nUsage: awaitwhat`), r.stderr);
    });
  }
});
