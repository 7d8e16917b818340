/** The load hook, through `node --import awaitwhat/hooks`: scope, failures, limits, idempotence. */

import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ROOT, run } from './support/run.ts';

const HOOKS = join(ROOT, 'dist', 'hooks.js');
const FIXTURES = join(ROOT, 'test', 'fixtures');
const SCOPE = join(FIXTURES, 'scope');

// The application's dependency, installed where Node.js looks for it (not committed: the
// repository holds no node_modules).
before(() => cpSync(join(FIXTURES, 'scope-dep'), join(SCOPE, 'node_modules', 'dep'), { recursive: true }));

const env = (extra: Record<string, string>) => ({ ...process.env, ...extra });

describe('awaitwhat/hooks', { concurrency: 2 }, () => {
  it('instruments the application, not node_modules', async () => {
    const r = await run(['--import', HOOKS, 'app.mjs'], { cwd: SCOPE });
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      [
        'awaitwhat: 2 pending async functions',
        '',
        'main  app.mjs:5:3  await helper()',
        '└─ helper  lib/helper.mjs:4:3  await fetchFromDep()',
        '   └─ fetchFromDep()  — a promise no instrumented code created',
        '',
      ].join('\n'),
    );
  });

  it('instruments .js and .ts files that require() loads from a package without "type", CommonJS or detected ES module', async () => {
    const r = await run(['--import', HOOKS, join('test', 'fixtures', 'no-type', 'app.js')]);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      [
        'esm.js ran as a module awaitwhat: 4 pending async functions',
        '',
        "main  test/fixtures/no-type/app.js:9:3  await lookup('key')",
        '└─ lookup  test/fixtures/no-type/lib.js:2:3  await new Promise(() => {})',
        '   └─ new Promise(() => {})  — a new Promise at test/fixtures/no-type/lib.js:2',
        '',
        'subscribe  test/fixtures/no-type/esm.js:3:3  await new Promise(() => {})',
        '└─ new Promise(() => {})  — a new Promise at test/fixtures/no-type/esm.js:3',
        '',
        'load  test/fixtures/no-type/typed.ts:2:3  await new Promise<void>(() => {})',
        '└─ new Promise<void>(() => {})  — a new Promise at test/fixtures/no-type/typed.ts:2',
        '',
        '',
      ].join('\n'),
    );
  });

  it('instruments a package from node_modules when opted in by name', async () => {
    const r = await run(['--import', HOOKS, 'app.mjs'], { cwd: SCOPE, env: env({ AWAITWHAT_PACKAGES: 'dep' }) });
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /└─ fetchFromDep {2}node_modules\/dep\/index\.js:2:3 {2}await new Promise\(\(\) => \{\}\)\n/);
  });

  it('leaves excluded files alone', async () => {
    const r = await run(['--import', HOOKS, 'app.mjs'], { cwd: SCOPE, env: env({ AWAITWHAT_EXCLUDE: 'lib' }) });
    assert.equal(r.stdout, ['awaitwhat: 1 pending async function', '', 'main  app.mjs:5:3  await helper()', '└─ helper()  — a promise no instrumented code created', ''].join('\n'));
  });

  it('instruments only included files when include is given', async () => {
    const r = await run(['--import', HOOKS, 'app.mjs'], { cwd: SCOPE, env: env({ AWAITWHAT_INCLUDE: 'lib/**' }) });
    assert.equal(r.stdout, ['awaitwhat: 1 pending async function', '', 'helper  lib/helper.mjs:4:3  await fetchFromDep()', '└─ fetchFromDep()  — a promise no instrumented code created', ''].join('\n'));
  });

  it('loads a file it cannot parse untransformed, with one warning naming it', async () => {
    const [plain, hooked] = await Promise.all([run([join(FIXTURES, 'broken.mjs')]), run(['--import', HOOKS, join(FIXTURES, 'broken.mjs')])]);
    const warning = `awaitwhat: ${join(FIXTURES, 'broken.mjs')}:2:10: Unexpected token; loaded without instrumentation\n`;
    assert.equal(hooked.stderr.slice(0, warning.length), warning);
    assert.equal(hooked.stderr.slice(warning.length), plain.stderr, "Node's own error must be the same as without awaitwhat");
    assert.equal(hooked.code, plain.code);
  });

  it('skips files above AWAITWHAT_MAX_FILE_BYTES with a note, and runs them', async () => {
    const r = await run(['--import', HOOKS, join(FIXTURES, 'big.mjs')], { env: env({ AWAITWHAT_MAX_FILE_BYTES: '100' }) });
    assert.match(r.stderr, /^awaitwhat: .*big\.mjs is \d+ bytes, above maxFileBytes \(100 bytes\); loaded without instrumentation$/m);
    assert.match(r.stdout, /^awaitwhat: 0 pending async functions$/m);
    assert.equal(r.code, 0);
  });

  it('parses with the parser AWAITWHAT_PARSER names: oxc by default (its binary is installed here), acorn in the fallback run', async () => {
    const probe = `data:text/javascript,${encodeURIComponent("process.stdout.write(globalThis[Symbol.for('awaitwhat.hooks')].load.parser)")}`;
    const r = await run(['--import', HOOKS, '--import', probe, '-e', '']);
    assert.deepEqual({ stdout: r.stdout, stderr: r.stderr }, { stdout: process.env.AWAITWHAT_PARSER === 'acorn' ? 'acorn' : 'oxc', stderr: '' });
  });

  it('a second installHooks() returns the installed hooks, and names the options it does not apply', async () => {
    const program = `import { installHooks } from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))};
const first = globalThis[Symbol.for('awaitwhat.hooks')];
console.log(installHooks() === first, installHooks({ include: ['**/*.js'], omitText: true }) === first);`;
    const r = await run(['--import', HOOKS, '--input-type=module', '-e', program]);
    assert.deepEqual(
      { code: r.code, stdout: r.stdout, stderr: r.stderr },
      {
        code: 0,
        stdout: 'true true\n',
        stderr: "awaitwhat: installHooks: awaitwhat's hooks are already installed in this thread (by --import awaitwhat/hooks, the command or an earlier call), with their own options; ignored: include, omitText\n",
      },
    );
  });

  it('is idempotent when loaded twice', async () => {
    const r = await run(['--import', HOOKS, '--import', HOOKS, 'app.mjs'], { cwd: SCOPE });
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^awaitwhat: 2 pending async functions$/m);
  });

  it('composes with tsx: reports name the original TypeScript positions and text', async () => {
    const r = await run(['--import', 'tsx', '--import', HOOKS, join(FIXTURES, 'tsx', 'print-app.ts')]);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      [
        'awaitwhat: 2 pending async functions',
        '',
        'main  test/fixtures/tsx/print-app.ts:8:3  await hang({ x: Color.Green })',
        '└─ hang  test/fixtures/tsx/print-app.ts:4:3  await new Promise<void>(() => {})',
        '   └─ new Promise<void>(() => {})  — a new Promise at test/fixtures/tsx/print-app.ts:4',
        '',
      ].join('\n'),
    );
  });

  it('composes with tsx for CommonJS TypeScript, which tsx compiles without Node\'s module hooks', async () => {
    const r = await run(['--import', 'tsx', '--import', HOOKS, join(FIXTURES, 'tsx-cjs', 'app.cts')]);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      [
        'awaitwhat: 2 pending async functions',
        '',
        'main  test/fixtures/tsx-cjs/app.cts:4:3  await new Repo().find(id)',
        '└─ Repo.find  test/fixtures/tsx-cjs/repo.ts:4:5  await new Promise<void>(() => {})',
        '   └─ new Promise<void>(() => {})  — a promise no instrumented code created',
        '',
      ].join('\n'),
    );
  });

  it('refuses Node.js older than 22.15 with an error naming the minimum', { skip: process.env.AWAITWHAT_OLD_NODE === undefined ? 'set AWAITWHAT_OLD_NODE to a Node.js < 22.15 binary' : false }, async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.env.AWAITWHAT_OLD_NODE!, ['--import', HOOKS, join(FIXTURES, 'big.mjs')], { encoding: 'utf8' });
    assert.match(r.stderr, /awaitwhat needs Node\.js >= 22\.15\.0 \(for module\.registerHooks\), but this is Node\.js \d+\.\d+\.\d+/);
    assert.equal(r.status, 1);
  });
});
