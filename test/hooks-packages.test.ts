/** Packages opted in by name: one whose async code is compiled, with nothing to instrument, is named once. */

// Holders (on by default in --once reports, tested in heap-cli.test.ts) are off here: these tests are
// about the await graph, and a heap snapshot per run would only slow them.
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ROOT, run, runCli } from './support/run.ts';

const HOOKS = join(ROOT, 'dist', 'hooks.js');
const TEXTS = join(ROOT, 'test', 'fixtures', 'texts');
const PACKAGES = ['compiled-dep', 'native-dep', 'lazy-dep'];

// The fixture packages, installed where Node.js looks for them (the repository holds no node_modules).
before(() => {
  for (const name of PACKAGES) {
    rmSync(join(TEXTS, 'node_modules', name), { recursive: true, force: true });
    cpSync(join(TEXTS, 'packages', name), join(TEXTS, 'node_modules', name), { recursive: true });
  }
});

const COMPILED =
  'package "compiled-dep" has nothing to instrument: its async code is compiled to generators or callbacks ' +
  '(__awaiter, asyncToGenerator and the like), and none of the 2 files it has loaded has a native async function or top-level await so far';

describe('a package opted in whose async code is compiled', { concurrency: 2 }, () => {
  it('is named once, after its files loaded; packages with async functions, or no async code yet, are not', async () => {
    const r = await run(['--import', HOOKS, 'uses-packages.mjs'], { cwd: TEXTS, env: { ...process.env, AWAITWHAT_PACKAGES: PACKAGES.join(',') } });
    // lazy-dep loads its async code only when first used, after the verdict, and had no compiled async code before.
    assert.equal(r.stderr, `awaitwhat: ${COMPILED}\n`);
    assert.equal(
      r.stdout,
      [
        'awaitwhat: 3 pending async functions',
        '',
        'lock  node_modules/native-dep/index.js:2:3  await new Promise(() => {})',
        '└─ new Promise(() => {})  — a new Promise at node_modules/native-dep/index.js:2',
        '',
        'run  node_modules/lazy-dep/later.js:2:3  await new Promise(() => {})',
        '└─ new Promise(() => {})  — a new Promise at node_modules/lazy-dep/later.js:2',
        '',
        "<anonymous>  uses-packages.mjs:10:27  await import('../print-graph.mjs')",
        "└─ import('../print-graph.mjs')  — a promise no instrumented code created",
        '',
      ].join('\n'),
    );
  });

  it('is told through onWarning when installHooks() is given one', async () => {
    const r = await run(['install-with-warning.mjs'], { cwd: TEXTS });
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, `onWarning: ${COMPILED}\ndone\n`);
  });

  it('is told by the command for --package, beside its report', async () => {
    const r = await runCli(['--no-holders', '--package', 'compiled-dep', '--package', 'native-dep', '--once', '--after', '300ms', 'uses-packages.mjs', 'stay'], { cwd: TEXTS });
    assert.equal(r.code, 124);
    const warnings = r.stderr.split('\n').filter((line) => line.includes('nothing to instrument'));
    assert.deepEqual(warnings, [`awaitwhat: ${COMPILED}`]);
  });
});
