/**
 * Hung tests in Jest 29.7.0 and 30.5.2 (test/runners-jest/jest29, jest30), against the real Jest
 * with its default transformer (babel-jest) and environment (node), on the fixture project
 * test/runners-jest/project, which has never heard of awaitwhat:
 *
 * - command mode (`awaitwhat node …/jest.js`): a test hung on a promise nobody resolves three
 *   calls deep and one hung on a timer longer than its timeout each get exactly their chain, under
 *   the test's full name; a hung `beforeAll` its chain, under the hook's name; a test that leaves a
 *   polling chain behind (Jest "did not exit") the chain, under the test that started it; a passing
 *   file prints exactly what it prints without awaitwhat; `test.concurrent` tests hung side by
 *   side, or beside a test that is not concurrent, each get their own chain, and are each named for
 *   the chain they left behind;
 * - a script that runs Jest by `runCLI` (project/run-cli.js): a chain left behind is reported when
 *   the process does not exit; a passing file prints exactly what it prints without awaitwhat;
 * - a warm Jest cache: a file whose transform Jest takes from its cache (another process made it)
 *   is reported the same;
 * - Jest's workers (two files, `--maxWorkers=2`), processes and threads (`--workerThreads`): the
 *   timeout report comes from the worker, through Jest, and a worker kept alive by a chain a test
 *   left behind reports it when Jest ends it by force (a thread: just before);
 * - permanent use, without the command (`transform` and `testEnvironment` in Jest's config): a hung
 *   test and a passing file;
 * - TypeScript through ts-jest (29.2.5 with Jest 29, 29.4.15 with Jest 30; the fixture project
 *   test/runners-jest/project-ts, its config naming ts-jest), through the command and for permanent
 *   use: the chain of a test hung three calls deep names the lines of the .ts files (awaitwhat's map
 *   composed with ts-jest's: the TypeScript moves every line of the JavaScript it runs), a passing
 *   file prints exactly what it prints without awaitwhat, and so does a failing one, whose stack
 *   trace and code frame Jest takes from the composed map.
 *
 * In every case Jest's own output is exactly what it is without awaitwhat once the reports (exact
 * text) are taken out of it; durations and pids are normalised. Each run has a Jest cache
 * directory of its own, removed after it.
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AFTER, block, CHAIN, compare, ENV, HERE, KILL_AFTER_MS, normalise, PROJECT, PROJECT_TS, takeReports, TIMED_OUT, TS_CHAIN, withCache, type Case } from './support/jest-runs.ts';
import { NODE, ROOT, run, runCli, type RunResult } from './support/run.ts';

const TIMER = (where: string): string[] => [
  `<anonymous>  ${where}  await waitFor(4000)  T`,
  '└─ waitFor  chains.js:13:3  await new Promise((resolve) => setTimeout(resolve, ms))  T',
  '   └─ new Promise((resolve) => setTimeout(resolve, ms))  — a new Promise at chains.js:13',
];
const POLL = [
  'pollForever  chains.js:18:12  await waitFor(60_000)  T',
  '└─ waitFor  chains.js:13:3  await new Promise((resolve) => setTimeout(resolve, ms))  T',
  '   └─ new Promise((resolve) => setTimeout(resolve, ms))  — a new Promise at chains.js:13',
];

const DID_NOT_EXIT = (test: string): string => `the process did not exit T after its last test; started by test "${test}", still pending`;

const CASES: Case[] = [
  { file: 'hung-promise', reports: [block(TIMED_OUT('test "users › loads a user"', 'test'), 4, CHAIN('hung-promise.test.js:5:5'))] },
  {
    file: 'hung-timer',
    reports: [
      block(TIMED_OUT('test "timer › waits longer than its timeout"', 'test'), 2, TIMER('hung-timer.test.js:5:5')),
      block(DID_NOT_EXIT('timer › waits longer than its timeout'), 2, TIMER('hung-timer.test.js:5:5')),
    ],
  },
  { file: 'passes', reports: [] },
  { file: 'hung-hook', reports: [block(TIMED_OUT('"beforeAll" hook in "with a database"', 'hook'), 4, CHAIN('hung-hook.test.js:5:5'))] },
  { file: 'left-behind', reports: [block(DID_NOT_EXIT('poller › starts polling and forgets it'), 2, POLL)], once: true },
  // test.concurrent: the three functions run side by side (Jest 29 calls them all before the first
  // test_start, Jest 30 after the three test_starts); each hung test gets its own chain only, and
  // each chain left behind is told under the test that started it.
  {
    file: 'concurrent',
    reports: [
      block(TIMED_OUT('test "concurrent › hangs on a user"', 'test'), 4, CHAIN('concurrent.test.js:5:5')),
      block(TIMED_OUT('test "concurrent › hangs on a timer"', 'test'), 2, TIMER('concurrent.test.js:13:5')),
      // One report, a section per test, a blank line between.
      [block(DID_NOT_EXIT('concurrent › hangs on a user'), 4, CHAIN('concurrent.test.js:5:5')), block(DID_NOT_EXIT('concurrent › hangs on a timer'), 2, TIMER('concurrent.test.js:13:5'))].join('\n'),
    ],
  },
  // A concurrent test and one that is not, side by side in one block (Jest 29 calls the concurrent
  // one's function before any test starts, and the other while the concurrent one is still hung):
  // each told by its own chain only.
  {
    file: 'concurrent-mixed',
    reports: [
      block(TIMED_OUT('test "mixed › hangs on a user"', 'test'), 4, CHAIN('concurrent-mixed.test.js:7:5')),
      block(TIMED_OUT('test "mixed › hangs on a timer"', 'test'), 2, TIMER('concurrent-mixed.test.js:11:5')),
      [block(DID_NOT_EXIT('mixed › hangs on a user'), 4, CHAIN('concurrent-mixed.test.js:7:5')), block(DID_NOT_EXIT('mixed › hangs on a timer'), 2, TIMER('concurrent-mixed.test.js:11:5'))].join('\n'),
    ],
  },
];

const TS_CASES: Case[] = [
  { file: 'hung-promise', reports: [block(TIMED_OUT('test "users › loads a user"', 'test'), 4, TS_CHAIN)] },
  { file: 'passes', reports: [] },
  // A failing test with nothing left pending: no report, and Jest's stack trace and code frame
  // (chains.ts:32:17, fails.test.ts:8:5) exactly as without awaitwhat.
  { file: 'fails', reports: [] },
];

// Both versions at once: most of a Jest run is waiting (Jest's start, a timeout, a timer), not CPU.
describe('Jest 29 and 30', { concurrency: 2 }, () => {
  for (const version of ['29', '30'] as const) {
    const JEST = join(HERE, `jest${version}`, 'node_modules', 'jest', 'bin', 'jest.js');
    const SKIP = existsSync(JEST) ? false : `install with: npm ci --prefix test/runners-jest/jest${version}`;
    const jestArgs = (cache: string, ...args: string[]): string[] => [JEST, '--ci', '--cacheDirectory', cache, ...args];
    const plainRun = (args: string[]): Promise<RunResult> => run(args, { cwd: PROJECT, env: ENV, killAfterMs: KILL_AFTER_MS });

    describe(`Jest ${version}, through the command (npx awaitwhat jest)`, { concurrency: 2, skip: SKIP }, () => {
      for (const c of CASES) {
        const file = `${c.file}.test.js`;
        it(`${file}${c.once === true ? ' (--once)' : ''}`, () =>
          withCache(async (cache) => {
            const aw = await runCli([...AFTER, ...(c.once === true ? ['--once'] : []), NODE, ...jestArgs(cache, file)], { cwd: PROJECT, env: ENV, killAfterMs: KILL_AFTER_MS });
            if (c.once === true) {
              assert.equal(aw.code, 124, normalise(aw.stderr));
              takeReports(aw.stderr.slice(aw.stderr.indexOf('awaitwhat report')), c.reports);
              return;
            }
            compare(aw, await withCache((plainCache) => plainRun(jestArgs(plainCache, file))), c.reports);
          }));
      }

      it('a warm cache: files Jest transformed in an earlier run (another process) are reported the same', () =>
        withCache(async (cache) => {
          const c = CASES[0]!;
          const first = await runCli([...AFTER, NODE, ...jestArgs(cache, 'hung-promise.test.js')], { cwd: PROJECT, env: ENV, killAfterMs: KILL_AFTER_MS });
          takeReports(first.stderr, c.reports);
          const second = await runCli([...AFTER, NODE, ...jestArgs(cache, 'hung-promise.test.js')], { cwd: PROJECT, env: ENV, killAfterMs: KILL_AFTER_MS });
          compare(second, await withCache((plainCache) => plainRun(jestArgs(plainCache, 'hung-promise.test.js'))), c.reports);
        }));

      // A script that runs Jest by runCLI (project/run-cli.js), in band: no `jest` command, no
      // exit listener of jest-cli's; the run's end is runCLI's.
      const runCliArgs = (cache: string, file: string): string[] => [join(PROJECT, 'run-cli.js'), join(HERE, `jest${version}`, 'node_modules', 'jest'), cache, file];
      it('runCLI from a script: a chain a test left behind keeps the process alive, and is reported under that test (--once)', () =>
        withCache(async (cache) => {
          const aw = await runCli([...AFTER, '--once', NODE, ...runCliArgs(cache, 'left-behind.test.js')], { cwd: PROJECT, env: ENV, killAfterMs: KILL_AFTER_MS });
          assert.equal(aw.code, 124, normalise(aw.stderr));
          assert.equal(normalise(aw.stdout), 'run-cli: 1 passed, 0 failed\n');
          takeReports(aw.stderr.slice(aw.stderr.indexOf('awaitwhat report')), [block(DID_NOT_EXIT('poller › starts polling and forgets it'), 2, POLL)]);
        }));
      it('runCLI from a script: a passing file prints exactly what it prints without awaitwhat, and the process exits', () =>
        withCache(async (cache) => {
          const aw = await runCli([...AFTER, NODE, ...runCliArgs(cache, 'passes.test.js')], { cwd: PROJECT, env: ENV, killAfterMs: KILL_AFTER_MS });
          compare(aw, await withCache((plainCache) => plainRun(runCliArgs(plainCache, 'passes.test.js'))), []);
        }));

      // Worker processes, and worker threads (`--workerThreads`): Jest ends a process by SIGTERM, a
      // thread by terminate(); the thread reports before, still there 100 ms (T once normalised) after
      // the end message.
      const WORKERS = [
        { kind: 'processes', args: ['--maxWorkers=2'], who: 'process P', ended: 'the Jest worker did not exit when the run ended (Jest forced it to)' },
        { kind: 'threads', args: ['--maxWorkers=2', '--workerThreads'], who: 'process P, worker thread W', ended: 'the Jest worker thread did not exit T after the run ended (Jest ends it by force)' },
      ];
      for (const workers of WORKERS) {
        it(`Jest worker ${workers.kind} (two files, ${workers.args.join(' ')}): a timed-out test is reported by its worker, and so is the chain that kept a worker from exiting when Jest ended it`, () =>
          withCache(async (cache) => {
            const files = ['hung-promise.test.js', 'left-behind.test.js'];
            const aw = await runCli([...AFTER, NODE, ...jestArgs(cache, ...workers.args, ...files)], { cwd: PROJECT, env: ENV, killAfterMs: KILL_AFTER_MS });
            const plain = await withCache((plainCache) => plainRun(jestArgs(plainCache, ...workers.args, ...files)));
            const reports = [
              block(TIMED_OUT('test "users › loads a user"', 'test'), 4, CHAIN('hung-promise.test.js:5:5'), workers.who),
              block(`${workers.ended}; started by test "poller › starts polling and forgets it", still pending`, 2, POLL, workers.who),
            ];
            // The two files finish in either order, and the workers' output reaches Jest in chunks a
            // busy machine cuts differently: Jest's lines are compared as a set, blank ones aside.
            const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '').sort();
            const rest = takeReports(aw.stderr, reports);
            assert.deepEqual({ code: aw.code, stderr: lines(rest) }, { code: plain.code, stderr: lines(normalise(plain.stderr)) });
          }));
      }
    });

    describe(`Jest ${version}, permanent use (awaitwhat/jest and awaitwhat/jest/environment in its config)`, { concurrency: 2, skip: SKIP }, () => {
      const config = JSON.stringify({
        transform: { '\\.js$': [join(ROOT, 'dist', 'jest.js'), { transformer: 'babel-jest' }] },
        testEnvironment: join(ROOT, 'dist', 'jest-environment.js'),
      });
      for (const c of CASES.filter((c) => c.file === 'hung-promise' || c.file === 'passes')) {
        const file = `${c.file}.test.js`;
        it(file, () =>
          withCache(async (cache) => {
            const aw = await plainRun(jestArgs(cache, '--config', config, file));
            compare(aw, await withCache((plainCache) => plainRun(jestArgs(plainCache, file))), c.reports);
          }));
      }
    });

    const TS_JEST = join(HERE, `jest${version}`, 'node_modules', 'ts-jest');
    const tsJestVersion = existsSync(TS_JEST) ? (JSON.parse(readFileSync(join(TS_JEST, 'package.json'), 'utf8')) as { version: string }).version : 'not installed';
    describe(`Jest ${version} with ts-jest ${tsJestVersion} (TypeScript)`, { concurrency: 2, skip: SKIP || (existsSync(TS_JEST) ? false : `install with: npm ci --prefix test/runners-jest/jest${version}`) }, () => {
      // The project's own config names ts-jest (by path: the project has no node_modules of its own).
      const projectConfig = JSON.stringify({ transform: { '\\.ts$': TS_JEST } });
      const permanentConfig = JSON.stringify({
        transform: { '\\.ts$': [join(ROOT, 'dist', 'jest.js'), { transformer: TS_JEST }] },
        testEnvironment: join(ROOT, 'dist', 'jest-environment.js'),
      });
      const tsRun = (args: string[]): Promise<RunResult> => run(args, { cwd: PROJECT_TS, env: ENV, killAfterMs: KILL_AFTER_MS });
      const plainTs = (file: string): Promise<RunResult> => withCache((plainCache) => tsRun(jestArgs(plainCache, '--config', projectConfig, file)));
      for (const c of TS_CASES) {
        const file = `${c.file}.test.ts`;
        it(`${file}, through the command`, () =>
          withCache(async (cache) => {
            const aw = await runCli([...AFTER, NODE, ...jestArgs(cache, '--config', projectConfig, file)], { cwd: PROJECT_TS, env: ENV, killAfterMs: KILL_AFTER_MS });
            compare(aw, await plainTs(file), c.reports);
          }));
      }
      for (const c of TS_CASES.filter((c) => c.file !== 'fails')) {
        const file = `${c.file}.test.ts`;
        it(`${file}, permanent use (['awaitwhat/jest', { transformer: 'ts-jest' }])`, () =>
          withCache(async (cache) => {
            const aw = await tsRun(jestArgs(cache, '--config', permanentConfig, file));
            compare(aw, await plainTs(file), c.reports);
          }));
      }
    });
  }
});
