/**
 * Hung tests, against the real runners (node:test of the Node.js under test, with process isolation
 * and without; Mocha 11 from test/packages), each run through the command as a project that has
 * never heard of awaitwhat would run it (`awaitwhat node --test …`, `awaitwhat node_modules/.bin/mocha …`):
 *
 * - a test hung on a promise nobody resolves three calls deep, and one hung on a timer longer than
 *   its timeout: the report names the test and shows exactly its chain, and no other;
 * - a hung `before` hook: its chain, named by the hook where the runner says which one it was;
 * - a test that leaves a polling chain behind, so that the process does not exit: the chain, under
 *   the test that started it;
 * - a test cancelled because its suite timed out; a test hung without any timeout (node:test's
 *   default), named by the `--after` report;
 * - a passing file, and one whose root `after` hook stops what its `before` hook started: exactly
 *   the output of the run without awaitwhat;
 * - a program that imports node:test for its `mock` only, and Vitest's entry point (not reached yet:
 *   one line says so) and Jest's (reached through its configuration: nothing said).
 *
 * In every case the runner's own output is exactly what it is without awaitwhat once the reports
 * (exact text, expected below) are taken out of it; only durations and pids are normalised.
 */

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { delimiter, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { NODE, NODE_MAJOR, ROOT, run, runCli, withoutDurations, type RunResult } from './support/run.ts';

const PACKAGES = join(ROOT, 'test', 'packages');
const RUNNERS = join(PACKAGES, 'runners');
const MOCHA = join(PACKAGES, 'node_modules', '.bin', 'mocha');
const SKIP_MOCHA = existsSync(MOCHA) ? false : 'install with: npm ci --prefix test/packages';
/**
 * node:test with its spec reporter: the default of Node.js 23+, which Node.js 22 uses only on a
 * terminal (TAP otherwise), so that the runner's output is the same on every version.
 */
const TEST = ['--test', '--test-reporter=spec'];
/**
 * node:test on Node.js 22 times tests out differently: a test timeout does not keep the event loop
 * alive, so a test hung on a promise is cancelled as soon as the loop is empty ("Promise resolution
 * is still pending but the event loop has already resolved", reported as such) and a hung hook is
 * cancelled without a runner event to report it by. The exact expectations below are node:test's
 * behaviour on 23+ (README: Hung tests).
 */
const NODE_TEST_SKIP = NODE_MAJOR < 23 ? 'needs Node.js 23+' : false;
/** Node.js 22 spells it with `experimental-`. */
const ISOLATION_NONE = NODE_MAJOR >= 23 ? '--test-isolation=none' : '--experimental-test-isolation=none';
/**
 * Mocha's bin starts `node` from PATH: the Node.js under test. Without NODE_TEST_CONTEXT, which
 * the runner running this file set, and which would make the runs below report to it.
 */
const ENV: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(NODE)}${delimiter}${process.env.PATH ?? ''}` };
delete ENV.NODE_TEST_CONTEXT;
/** Reports appear well before; the threshold report must not. */
const AFTER = ['--after', '60s'];
const KILL_AFTER_MS = 60_000;

/**
 * Durations, pids and the checkout's path out. A passing test's duration too: Mocha prints it only
 * when the test was slowish (over half its `slow` threshold), which a loaded machine decides.
 */
function normalise(text: string): string {
  return withoutDurations(text)
    .replace(/^(\s*✔ .*) \(T\)$/gm, '$1')
    .replace(/process \d+/g, 'process P')
    .replace(/duration_ms [\d.]+/g, 'duration_ms D')
    .replaceAll(ROOT, '<root>/');
}

const CHAIN = (where: string): string[] => [
  `<anonymous>  ${where}  await fetchUser()  T`,
  '└─ fetchUser  chains.mjs:3:10  await queryUser()  T',
  '   └─ queryUser  chains.mjs:6:10  await connect()  T',
  '      └─ connect  chains.mjs:9:3  await new Promise(() => {})  T',
  '         └─ new Promise(() => {})  — a new Promise at chains.mjs:9',
];
const TIMER = (where: string): string[] => [
  `<anonymous>  ${where}  await waitFor(4000)  T`,
  '└─ waitFor  chains.mjs:13:3  await new Promise((resolve) => setTimeout(resolve, ms))  T',
  '   └─ new Promise((resolve) => setTimeout(resolve, ms))  — a new Promise at chains.mjs:13',
];
const POLL = [
  'pollForever  chains.mjs:18:12  await waitFor(60_000)  T',
  '└─ waitFor  chains.mjs:13:3  await new Promise((resolve) => setTimeout(resolve, ms))  T',
  '   └─ new Promise((resolve) => setTimeout(resolve, ms))  — a new Promise at chains.mjs:13',
];

function block(title: string, frames: number, tree: string[]): string {
  return [`awaitwhat report: process P: ${title}`, `awaitwhat: ${frames} pending async function${frames === 1 ? '' : 's'}`, '', ...tree, ''].join('\n');
}

const DID_NOT_EXIT = (test: string): string => `the process did not exit T after its last test; started by test "${test}", still pending`;

interface Case {
  file: string;
  /** The reports expected, in order, in the stream where they appear. */
  reports: string[];
  /** `--once`: the run does not end by itself; it ends with 124 after the first report. */
  once?: boolean;
}

/**
 * Runs `command` with and without awaitwhat, and checks that the awaitwhat run's `stream` holds
 * exactly the expected reports, in order, and is otherwise what the plain run printed.
 */
async function check(command: string[] | (() => Promise<RunResult>), plainArgs: string[] | undefined, c: Case, stream: 'stdout' | 'stderr'): Promise<void> {
  const aw =
    typeof command === 'function'
      ? await command()
      : await runCli([...AFTER, ...(c.once === true ? ['--once'] : []), ...command], { cwd: RUNNERS, env: ENV, killAfterMs: KILL_AFTER_MS });
  let rest = normalise(aw[stream]);
  let at = 0;
  for (const report of c.reports) {
    const found = rest.indexOf(report, at);
    assert.ok(found !== -1, `report not found in ${stream}:\n${report}\n--- in ---\n${rest}`);
    rest = rest.slice(0, found) + rest.slice(found + report.length);
    at = found;
  }
  if (c.once === true) {
    assert.equal(aw.code, 124, normalise(aw.stderr));
    assert.ok(!normalise(aw[stream === 'stdout' ? 'stderr' : 'stdout']).includes('awaitwhat report'));
    return;
  }
  const plain: RunResult = await run(plainArgs!, { cwd: RUNNERS, env: ENV, killAfterMs: KILL_AFTER_MS });
  const other = stream === 'stdout' ? 'stderr' : 'stdout';
  assert.deepEqual(
    { code: aw.code, signal: aw.signal, [stream]: rest, [other]: normalise(aw[other]) },
    { code: plain.code, signal: plain.signal, [stream]: normalise(plain[stream]), [other]: normalise(plain[other]) },
  );
}

function nodeTestCases(dir: string): Case[] {
  return [
    { file: 'hung-promise', reports: [block('test "users > loads a user" timed out (test timed out after T); what it started is still pending', 4, CHAIN(`${dir}/hung-promise.test.mjs:6:5`))] },
    {
      file: 'hung-timer',
      reports: [
        block('test "timer > waits longer than its timeout" timed out (test timed out after T); what it started is still pending', 2, TIMER(`${dir}/hung-timer.test.mjs:6:5`)),
        block(DID_NOT_EXIT('timer > waits longer than its timeout'), 2, TIMER(`${dir}/hung-timer.test.mjs:6:5`)),
      ],
    },
    { file: 'passes', reports: [] },
    { file: 'closes-in-after', reports: [] },
    {
      file: 'suite-timeout',
      reports: [block('test "slow suite > loads a user" was cancelled (test did not finish before its parent and was cancelled); what it started is still pending', 4, CHAIN(`${dir}/suite-timeout.test.mjs:6:5`))],
    },
    { file: 'hung-hook', reports: [block('after the last test, still pending: what was started outside any test (hooks, suites, module code)', 4, CHAIN(`${dir}/hung-hook.test.mjs:6:5`))] },
    { file: 'left-behind', reports: [block(DID_NOT_EXIT('poller > starts polling and forgets it'), 2, POLL)], once: true },
  ];
}

describe('node:test, each file in its own process: reports come through the runner, on its stdout', { concurrency: 2, skip: NODE_TEST_SKIP }, () => {
  for (const c of nodeTestCases('node-test')) {
    const file = `node-test/${c.file}.test.mjs`;
    it(`${file}${c.once === true ? ' (--once)' : ''}`, () => check([NODE, ...TEST, file], [...TEST, file], c, 'stdout'));
  }
});

describe('--once with a runner', { concurrency: 2 }, () => {
  it('node --test: the first test that times out is the report, and the tree ends with 124', { skip: NODE_TEST_SKIP }, () =>
    check([NODE, ...TEST, 'node-test/hung-promise.test.mjs'], undefined, { ...nodeTestCases('node-test')[0]!, once: true }, 'stdout'));

  it('node --test, a test hung without a timeout (node:test’s default): the --after report names the test that started each chain', async () => {
    // Without holders (a --once report has them by default): this is about which test is named.
    const r = await runCli(['--once', '--no-holders', '--after', '500ms', NODE, ...TEST, 'node-test/no-timeout.test.mjs'], { cwd: RUNNERS, env: ENV, killAfterMs: KILL_AFTER_MS });
    const threshold = 'an await has been pending for T (threshold T)';
    const expected = [
      block(`${threshold}; started by test "users > loads a user, without a timeout"`, 4, CHAIN('node-test/no-timeout.test.mjs:6:5')).replace('4 pending async functions', '4 pending async functions, 4 suspensions pending T or longer'),
      block(`${threshold}; started outside any test or hook`, 1, [
        'waitFor  chains.mjs:13:3  await new Promise((resolve) => setTimeout(resolve, ms))  T',
        '└─ new Promise((resolve) => setTimeout(resolve, ms))  — a new Promise at chains.mjs:13',
      ]).replace('1 pending async function', '1 pending async function, 1 suspension pending T or longer'),
    ].join('\n');
    assert.equal(r.code, 124);
    assert.ok(normalise(r.stdout).startsWith(expected), normalise(r.stdout));
  });
});

describe('--format json: runner reports say which test’s part of the graph they hold', { skip: NODE_TEST_SKIP }, () => {
  it('node --test --test-isolation=none: one snapshot, its scope the timed-out test, its frames the test’s chain', async () => {
    const r = await runCli([...AFTER, '--format', 'json', NODE, ...TEST, ISOLATION_NONE, 'node-test/hung-promise.test.mjs'], { cwd: RUNNERS, env: ENV, killAfterMs: KILL_AFTER_MS });
    assert.equal(r.code, 1);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    const snapshot = JSON.parse(lines[0]!) as { scope: unknown; roots: string[]; nodes: { type: string; function?: string }[] };
    assert.deepEqual(snapshot.scope, { kind: 'test', name: 'users > loads a user', reason: 'timed out' });
    assert.deepEqual(snapshot.nodes.filter((n) => n.type === 'frame').map((n) => n.function), ['<anonymous>', 'fetchUser', 'queryUser', 'connect']);
    assert.equal(snapshot.roots.length, 1);
  });
});

describe('node:test with test isolation none: reports on stderr', { concurrency: 2, skip: NODE_TEST_SKIP }, () => {
  for (const c of nodeTestCases('node-test')) {
    const file = `node-test/${c.file}.test.mjs`;
    it(`${file}${c.once === true ? ' (--once)' : ''}`, () => check([NODE, ...TEST, ISOLATION_NONE, file], [...TEST, ISOLATION_NONE, file], c, 'stderr'));
  }
});

describe('Mocha 11 (node_modules/.bin/mocha): reports on stderr, as Mocha reports the failure', { concurrency: 2, skip: SKIP_MOCHA }, () => {
  const MOCHA_TIMEOUT = 'timed out (Timeout of T exceeded); what it started is still pending';
  const CASES: Case[] = [
    { file: 'hung-promise', reports: [block(`test "users loads a user" ${MOCHA_TIMEOUT}`, 4, CHAIN('mocha/hung-promise.spec.mjs:6:5'))] },
    {
      file: 'hung-timer',
      reports: [
        block(`test "timer waits longer than its timeout" ${MOCHA_TIMEOUT}`, 2, TIMER('mocha/hung-timer.spec.mjs:6:5')),
        block(DID_NOT_EXIT('timer waits longer than its timeout'), 2, TIMER('mocha/hung-timer.spec.mjs:6:5')),
      ],
    },
    { file: 'passes', reports: [] },
    { file: 'hung-hook', reports: [block(`"before all" hook for "queries" in "with a database" ${MOCHA_TIMEOUT}`, 4, CHAIN('mocha/hung-hook.spec.mjs:6:5'))] },
    { file: 'left-behind', reports: [block(DID_NOT_EXIT('poller starts polling and forgets it'), 2, POLL)], once: true },
  ];
  it('--parallel (files in worker processes): mocha/hung-promise.spec.mjs', () =>
    check([MOCHA, '--parallel', 'mocha/hung-promise.spec.mjs'], [MOCHA.replace(/\.bin[\\/]mocha$/, join('mocha', 'bin', 'mocha.js')), '--parallel', 'mocha/hung-promise.spec.mjs'], CASES[0]!, 'stderr'));
  for (const c of CASES) {
    const file = `mocha/${c.file}.spec.mjs`;
    it(`${file}${c.once === true ? ' (--once)' : ''}`, () => check([MOCHA, file], [MOCHA.replace(/\.bin[\\/]mocha$/, join('mocha', 'bin', 'mocha.js')), file], c, 'stderr'));
  }
});

describe('permanent use, without the command: node --import awaitwhat/test, mocha --require awaitwhat/test', { concurrency: 2 }, () => {
  const ENTRY = join(ROOT, 'dist', 'test.js');
  const plainRun = (args: string[]) => () => run(args, { cwd: RUNNERS, env: ENV, killAfterMs: KILL_AFTER_MS });
  const hung = nodeTestCases('node-test')[0]!;
  it('node --import awaitwhat/test --test node-test/hung-promise.test.mjs', { skip: NODE_TEST_SKIP }, () =>
    check(plainRun(['--import', pathToFileURL(ENTRY).href, ...TEST, 'node-test/hung-promise.test.mjs']), [...TEST, 'node-test/hung-promise.test.mjs'], hung, 'stdout'));
  it('node --import awaitwhat/test --test node-test/passes.test.mjs prints what it prints without it', () =>
    check(plainRun(['--import', pathToFileURL(ENTRY).href, ...TEST, 'node-test/passes.test.mjs']), [...TEST, 'node-test/passes.test.mjs'], { file: 'passes', reports: [] }, 'stdout'));
  const MOCHA_JS = join(PACKAGES, 'node_modules', 'mocha', 'bin', 'mocha.js');
  it('mocha --require awaitwhat/test mocha/hung-hook.spec.mjs', { skip: SKIP_MOCHA }, () =>
    check(
      plainRun([MOCHA_JS, '--require', ENTRY, 'mocha/hung-hook.spec.mjs']),
      [MOCHA_JS, 'mocha/hung-hook.spec.mjs'],
      { file: 'hung-hook', reports: [block('"before all" hook for "queries" in "with a database" timed out (Timeout of T exceeded); what it started is still pending', 4, CHAIN('mocha/hung-hook.spec.mjs:6:5'))] },
      'stderr',
    ));
});

describe('processes that run no tests are left as they are', { concurrency: 2 }, () => {
  it('a program (not named like a test file) that imports node:test for its mock prints what it prints without awaitwhat', async () => {
    const plain = await run(['uses-mock.mjs'], { cwd: RUNNERS, env: ENV });
    assert.deepEqual(plain, { code: 0, signal: null, stdout: 'called: 42 1\n', stderr: '', killed: false });
    assert.deepEqual(await runCli(['uses-mock.mjs'], { cwd: RUNNERS, env: ENV }), plain);
  });

  it('Vitest, which awaitwhat does not reach yet, is named once when its command starts; Jest’s entry point alone says nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-runner-entry-'));
    try {
      for (const [pkg, bin] of [['vitest', 'vitest.mjs'], ['jest-cli', join('bin', 'jest.js')]] as const) {
        mkdirSync(dirname(join(dir, 'node_modules', pkg, bin)), { recursive: true });
        writeFileSync(join(dir, 'node_modules', pkg, bin), `console.log('${pkg} ran');\n`);
      }
      const vitest = await runCli([NODE, join('node_modules', 'vitest', 'vitest.mjs')], { cwd: dir, env: ENV });
      assert.deepEqual(normalise(vitest.stderr), [
        "awaitwhat: process P: Vitest runs test files through Vite's module runner, which the command cannot reach from outside Vitest's config: unless it is there already, add the plugin to vitest.config — import awaitwhat from 'awaitwhat/vitest'; and in the config: plugins: [awaitwhat()] — to have test and source files instrumented and each timed-out test reported",
        '',
      ].join('\n'));
      assert.deepEqual({ ...vitest, stderr: '' }, { code: 0, signal: null, stdout: 'vitest ran\n', stderr: '', killed: false });
      // Jest is reached (test/runners-jest.test.ts): its entry point alone says nothing.
      const jest = await runCli([NODE, join('node_modules', 'jest-cli', 'bin', 'jest.js')], { cwd: dir, env: ENV });
      assert.deepEqual(jest, { code: 0, signal: null, stdout: 'jest-cli ran\n', stderr: '', killed: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
