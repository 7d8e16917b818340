/**
 * Sets the runner integrations up in a process, from outside the runners' configuration: a module
 * hook that notices the program resolving `node:test` (then node-test.ts adds its root hooks) and
 * loading Mocha's `lib/runner.js` (then one line appended to it hands its `Runner` to mocha.ts,
 * through a diagnostics channel, so that no global of ours is visible to the program) or Jest's
 * `jest-config` (handed over the same way to jest/config.ts, which adds awaitwhat's transformer and
 * environment to the configuration Jest reads). Nothing happens in a process that uses none of them.
 */

import { subscribe } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { relative, resolve as resolvePath } from 'node:path';
import { splitNodeOptions } from '../cli/node-options.ts';
import * as module from 'node:module';
import { fileURLToPath } from 'node:url';
import { watchJestConfig } from './jest/config.ts';
import { watchMochaRunnerClass } from './mocha.ts';
import { watchNodeTest } from './node-test.ts';
import type { RunnerReports } from './reporting.ts';

/** The channel on which Mocha's `lib/runner.js`, as loaded here, publishes its exports. */
const MOCHA_CHANNEL = 'awaitwhat:mocha-runner';
/**
 * Vitest loads test files through Vite's module runner, and a Vite plugin can only be given in its
 * config: the command says which line to add there (the plugin does the rest by itself).
 */
const VITEST_NOTE =
  "Vitest runs test files through Vite's module runner, which the command cannot reach from outside Vitest's config: " +
  "unless it is there already, add the plugin to vitest.config — import awaitwhat from 'awaitwhat/vitest'; and in the config: plugins: [awaitwhat()] — " +
  'to have test and source files instrumented and each timed-out test reported';

/**
 * Runners whose test files Node.js's module hooks never see (Vite's module runner, Jest's `vm`
 * contexts and module registry): their command-line entry points, and what the user is told when
 * one starts, once per process.
 */
const UNSUPPORTED: readonly [RegExp, string][] = [
  [/[\\/]node_modules[\\/]vitest[\\/]vitest\.mjs$/, VITEST_NOTE],
];

/** The channel on which Jest's `jest-config`, as loaded here, publishes its exports. */
const JEST_CONFIG_CHANNEL = 'awaitwhat:jest-config';
/** Jest's `jest-config` package entry (Jest 29 and 30 build it to this one CommonJS file). */
const JEST_CONFIG = /[\\/]node_modules[\\/](?:\.pnpm[\\/][^\\/]+[\\/]node_modules[\\/])?jest-config[\\/]build[\\/]index\.js$/;
/** awaitwhat's Jest transformer and environment, of this copy of awaitwhat, as command mode gives them to Jest. */
const JEST_PATHS = { transformer: fileURLToPath(new URL('../jest.js', import.meta.url)), environment: fileURLToPath(new URL('../jest-environment.js', import.meta.url)) };
/** What the user is told when a `jest-config` has no `readConfigs` to wrap (a Jest older than 29, or one built differently). */
const JEST_UNKNOWN = "this Jest's configuration cannot be changed from outside (jest-config has no readConfigs): test files are not instrumented; add awaitwhat/jest and awaitwhat/jest/environment to its configuration (README: Jest)";

/** A Mocha `lib/runner.js` (inside a `mocha` package directory, whatever the package manager's layout). */
const MOCHA_RUNNER = /[\\/]node_modules[\\/](?:\.pnpm[\\/][^\\/]+[\\/]node_modules[\\/])?mocha[\\/]lib[\\/]runner\.js$/;

type ResolveResult = { url: string; format?: string | null; shortCircuit?: boolean };
type LoadResult = { format?: string | null; source?: string | ArrayBuffer | ArrayBufferView | null; shortCircuit?: boolean };
type RegisterHooks = (hooks: {
  resolve?: (specifier: string, context: object, next: (specifier: string, context?: object) => ResolveResult) => ResolveResult;
  load?: (url: string, context: object, next: (url: string, context?: object) => LoadResult) => LoadResult;
}) => unknown;

let installed: { reports: RunnerReports; onFault: (error: unknown) => void } | undefined;

/** The reports and fault handler the runner watch was installed with (the command's, or awaitwhat/test's), for integrations the runner loads itself (Jest's environment). */
export function installedReports(): { reports: RunnerReports; onFault: (error: unknown) => void } | undefined {
  return installed;
}

// The hooks run on every module the program loads, after it may have replaced built-ins: what they
// call is captured here, at load.
const apply = Reflect.apply;
const regExpExec = RegExp.prototype.exec;
const matches = (re: RegExp, text: string): boolean => apply(regExpExec, re, [text]) !== null;
const Decoder = TextDecoder;
// On a line of its own at the end, so that every line and column of Mocha's stays where it was.
const handover = (channel: string): string => `\n;process.getBuiltinModule('node:diagnostics_channel').channel(${JSON.stringify(channel)}).publish(module.exports);\n`;
const HANDOVER = handover(MOCHA_CHANNEL);
const JEST_CONFIG_HANDOVER = handover(JEST_CONFIG_CHANNEL);

export function installRunnerWatch(reports: RunnerReports, onFault: (error: unknown) => void): void {
  if (installed !== undefined) return;
  installed = { reports, onFault };
  /** Whether node:test was resolved once already (the answer of runsNodeTests never changes). */
  let nodeTestSeen = false;
  subscribe(MOCHA_CHANNEL, (Runner) => watchMochaRunnerClass(Runner, reports, onFault));
  subscribe(JEST_CONFIG_CHANNEL, (exports) => {
    if (!watchJestConfig(exports, JEST_PATHS, onFault)) reports.note(JEST_UNKNOWN);
  });
  (module as unknown as { registerHooks: RegisterHooks }).registerHooks({
    resolve(specifier, context, next) {
      if (!nodeTestSeen && specifier === 'node:test') {
        nodeTestSeen = true;
        try {
          if (runsNodeTests()) watchNodeTest(reports, onFault);
        } catch (error) {
          onFault(error);
        }
      }
      return next(specifier, context);
    },
    load(url, context, next) {
      const result = next(url, context);
      if (typeof url !== 'string') return result;
      for (let i = 0; i < UNSUPPORTED.length; i++) if (matches(UNSUPPORTED[i]![0], url)) reports.note(UNSUPPORTED[i]![1]);
      if (result.source === null || result.source === undefined) return result;
      const line = matches(MOCHA_RUNNER, url) ? HANDOVER : matches(JEST_CONFIG, url) ? JEST_CONFIG_HANDOVER : undefined;
      if (line === undefined) return result;
      const source = typeof result.source === 'string' ? result.source : new Decoder().decode(result.source as Uint8Array);
      return { ...result, source: source + line };
    },
  });
}

/**
 * Whether this process runs node:test's tests, so that adding hooks to its root test changes
 * nothing else: adding a hook creates the root test, which prints a summary at exit even with no
 * tests, so a program that imports `node:test` for its `mock` alone must be left alone. Tests run in
 * a process that `node --test` started for a test file (NODE_TEST_CONTEXT is set), in `node --test`
 * itself without isolation, and in a test file run directly: an entry point that `node --test`
 * would take for a test file by its name (its default patterns: `*.test.js`, `*-test.js`,
 * `*_test.js`, `test-*.js`, `test.js`, anything under a `test` directory of the working directory,
 * in each JavaScript and TypeScript extension).
 */
function runsNodeTests(): boolean {
  if (process.env.NODE_TEST_CONTEXT !== undefined) return true;
  const args = [...process.execArgv, ...splitNodeOptions(process.env.NODE_OPTIONS ?? '')];
  if (args.includes('--test')) {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (/^--(?:experimental-)?test-isolation=none$/.test(arg)) return true;
      if (/^--(?:experimental-)?test-isolation$/.test(arg) && args[i + 1] === 'none') return true;
    }
    return false;
  }
  const entry = process.argv[1];
  return entry !== undefined && looksLikeTestFile(relative(process.cwd(), resolvePath(entry)));
}

const TEST_FILE_NAME = /(?:^test(?:[-_.][^/\\]*)?|[-_.]test)\.[cm]?[jt]sx?$/;

/** Whether `node --test` would take `file` (relative to the working directory, where its patterns start) for a test file by its name. */
export function looksLikeTestFile(file: string): boolean {
  const parts = file.split(/[\\/]/);
  const name = parts[parts.length - 1] ?? '';
  if (!/\.[cm]?[jt]sx?$/.test(name) || parts.includes('node_modules')) return false;
  return TEST_FILE_NAME.test(name) || (parts[0] !== '..' && parts.slice(0, -1).includes('test'));
}

/** Mocha's runner when it was loaded before awaitwhat (`mocha --require awaitwhat/test`): taken from the require cache. */
export function watchLoadedMocha(reports: RunnerReports, onFault: (error: unknown) => void): void {
  const cache = createRequire(import.meta.url).cache;
  for (const path of Object.keys(cache)) {
    if (MOCHA_RUNNER.test(path)) watchMochaRunnerClass(cache[path]?.exports, reports, onFault);
  }
}
