/**
 * Hung tests in Jest's native ES module mode (`node --experimental-vm-modules`), Jest 29.7.0 and
 * 30.5.2 (test/runners-jest/jest29, jest30), where Jest links the test files as `vm` modules and
 * asks its transformers for ES module output (`supportsStaticESM`):
 *
 * - JavaScript modules (test/runners-jest/project-esm, `"type": "module"`), with no transform at all
 *   (`transform: {}`, what ESM projects configure) and through babel-jest (Jest's default), through
 *   the command, and for permanent use with `{ transformer: false }`;
 * - TypeScript through ts-jest with `useESM` and isolated modules (test/runners-jest/project-ts with
 *   tsconfig.esm.json; ts-jest 29.2.5 takes `isolatedModules` as its own option, 29.4.15 from the
 *   tsconfig, its own option being deprecated there), through the command and for permanent use.
 *
 * Each time, a test hung three calls deep gets exactly its chain (with the .ts lines for ts-jest),
 * and Jest's own output — a passing file's, a failing file's stack trace and code frame — is exactly
 * what it is without awaitwhat once the reports are taken out.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AFTER, block, CHAIN, compare, ENV, HERE, KILL_AFTER_MS, PROJECT_TS, TIMED_OUT, TS_CHAIN, withCache, type Case } from './support/jest-runs.ts';
import { NODE, ROOT, run, runCli, type RunResult } from './support/run.ts';

const PROJECT_ESM = join(HERE, 'project-esm');
const VM_MODULES = '--experimental-vm-modules';
const HUNG = block(TIMED_OUT('test "users › loads a user"', 'test'), 4, CHAIN('hung-promise.test.js:5:5'));
const JS_CASES: Case[] = [
  { file: 'hung-promise', reports: [HUNG] },
  { file: 'passes', reports: [] },
];
const TS_CASES: Case[] = [
  { file: 'hung-promise', reports: [block(TIMED_OUT('test "users › loads a user"', 'test'), 4, TS_CHAIN)] },
  { file: 'passes', reports: [] },
  { file: 'fails', reports: [] },
];
const AWAITWHAT_JEST = join(ROOT, 'dist', 'jest.js');
const ENVIRONMENT = join(ROOT, 'dist', 'jest-environment.js');

describe('Jest 29 and 30 in native ES module mode', { concurrency: 2 }, () => {
  for (const version of ['29', '30'] as const) {
    const JEST = join(HERE, `jest${version}`, 'node_modules', 'jest', 'bin', 'jest.js');
    const TS_JEST = join(HERE, `jest${version}`, 'node_modules', 'ts-jest');
    const SKIP = existsSync(JEST) && existsSync(TS_JEST) ? false : `install with: npm ci --prefix test/runners-jest/jest${version}`;
    const jestArgs = (cache: string, config: object, file: string): string[] => [VM_MODULES, JEST, '--ci', '--cacheDirectory', cache, '--config', JSON.stringify(config), file];
    const inProject = (cwd: string) => ({ cwd, env: ENV, killAfterMs: KILL_AFTER_MS });

    /** A case run through the command and without awaitwhat (the project's own config), compared. */
    const commandCase = (cwd: string, config: object, c: Case, ext: string) =>
      withCache(async (cache) => {
        const file = `${c.file}.test.${ext}`;
        const aw = await runCli([...AFTER, NODE, ...jestArgs(cache, config, file)], inProject(cwd));
        const plain = await withCache((plainCache): Promise<RunResult> => run(jestArgs(plainCache, config, file), inProject(cwd)));
        compare(aw, plain, c.reports);
      });
    /** A case run with awaitwhat in Jest's config (`permanent`), compared with the project's own config. */
    const permanentCase = (cwd: string, config: object, permanent: object, c: Case, ext: string) =>
      withCache(async (cache) => {
        const file = `${c.file}.test.${ext}`;
        const aw = await run(jestArgs(cache, permanent, file), inProject(cwd));
        const plain = await withCache((plainCache): Promise<RunResult> => run(jestArgs(plainCache, config, file), inProject(cwd)));
        compare(aw, plain, c.reports);
      });

    describe(`Jest ${version}, JavaScript modules`, { concurrency: 2, skip: SKIP }, () => {
      const noTransform = { transform: {} };
      for (const c of JS_CASES) {
        it(`${c.file}.test.js, no transform, through the command`, () => commandCase(PROJECT_ESM, noTransform, c, 'js'));
        it(`${c.file}.test.js, babel-jest (Jest's default), through the command`, () => commandCase(PROJECT_ESM, {}, c, 'js'));
        it(`${c.file}.test.js, no transform, permanent use (['awaitwhat/jest', { transformer: false }])`, () =>
          permanentCase(PROJECT_ESM, noTransform, { transform: { '\\.js$': [AWAITWHAT_JEST, { transformer: false }] }, testEnvironment: ENVIRONMENT }, c, 'js'));
      }
    });

    describe(`Jest ${version}, TypeScript through ts-jest with useESM and isolated modules`, { concurrency: 2, skip: SKIP }, () => {
      // ts-jest 29.2.5 (Jest 29) compiles each file alone when told by its own option; 29.4.15
      // (Jest 30) when the tsconfig says `isolatedModules`, and warns that its own option is deprecated.
      const options = { useESM: true, tsconfig: 'tsconfig.esm.json', ...(version === '29' ? { isolatedModules: true } : {}) };
      const config = { extensionsToTreatAsEsm: ['.ts'], transform: { '\\.ts$': [TS_JEST, options] } };
      const permanent = {
        extensionsToTreatAsEsm: ['.ts'],
        transform: { '\\.ts$': [AWAITWHAT_JEST, { transformer: TS_JEST, options }] },
        testEnvironment: ENVIRONMENT,
      };
      for (const c of TS_CASES) {
        it(`${c.file}.test.ts, through the command`, () => commandCase(PROJECT_TS, config, c, 'ts'));
      }
      for (const c of TS_CASES.filter((c) => c.file !== 'fails')) {
        it(`${c.file}.test.ts, permanent use (['awaitwhat/jest', { transformer: 'ts-jest', options }])`, () => permanentCase(PROJECT_TS, config, permanent, c, 'ts'));
      }
    });
  }
});
