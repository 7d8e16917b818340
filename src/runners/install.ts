/**
 * Sets the runner integrations up in a process, from outside the runners' configuration: a module
 * hook that notices the program resolving `node:test` (then node-test.ts adds its root hooks) and
 * loading Mocha's `lib/runner.js` (then one line appended to it hands its `Runner` to mocha.ts,
 * through a diagnostics channel, so that no global of ours is visible to the program). Nothing
 * happens in a process that uses neither runner.
 */

import { subscribe } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import * as module from 'node:module';
import { watchMochaRunnerClass } from './mocha.ts';
import { watchNodeTest } from './node-test.ts';
import type { RunnerReports } from './reporting.ts';

/** The channel on which Mocha's `lib/runner.js`, as loaded here, publishes its exports. */
const MOCHA_CHANNEL = 'awaitwhat:mocha-runner';
/** A Mocha `lib/runner.js` (inside a `mocha` package directory, whatever the package manager's layout). */
const MOCHA_RUNNER = /[\\/]node_modules[\\/](?:\.pnpm[\\/][^\\/]+[\\/]node_modules[\\/])?mocha[\\/]lib[\\/]runner\.js$/;

type ResolveResult = { url: string; format?: string | null; shortCircuit?: boolean };
type LoadResult = { format?: string | null; source?: string | ArrayBuffer | ArrayBufferView | null; shortCircuit?: boolean };
type RegisterHooks = (hooks: {
  resolve?: (specifier: string, context: object, next: (specifier: string, context?: object) => ResolveResult) => ResolveResult;
  load?: (url: string, context: object, next: (url: string, context?: object) => LoadResult) => LoadResult;
}) => unknown;

let installed = false;

export function installRunnerWatch(reports: RunnerReports, onFault: (error: unknown) => void): void {
  if (installed) return;
  installed = true;
  let nodeTest = false;
  subscribe(MOCHA_CHANNEL, (Runner) => watchMochaRunnerClass(Runner, reports, onFault));
  (module as unknown as { registerHooks: RegisterHooks }).registerHooks({
    resolve(specifier, context, next) {
      if (!nodeTest && specifier === 'node:test') {
        nodeTest = true;
        try {
          watchNodeTest(reports, onFault);
        } catch (error) {
          onFault(error);
        }
      }
      return next(specifier, context);
    },
    load(url, context, next) {
      const result = next(url, context);
      if (!MOCHA_RUNNER.test(url) || result.source === null || result.source === undefined) return result;
      const source = typeof result.source === 'string' ? result.source : new TextDecoder().decode(result.source as Uint8Array);
      // On a line of its own at the end, so that every line and column of Mocha's stays where it was.
      const handover = `\n;process.getBuiltinModule('node:diagnostics_channel').channel(${JSON.stringify(MOCHA_CHANNEL)}).publish(module.exports);\n`;
      return { ...result, source: source + handover };
    },
  });
}

/** Mocha's runner when it was loaded before awaitwhat (`mocha --require awaitwhat/test`): taken from the require cache. */
export function watchLoadedMocha(reports: RunnerReports, onFault: (error: unknown) => void): void {
  const cache = createRequire(import.meta.url).cache;
  for (const path of Object.keys(cache)) {
    if (MOCHA_RUNNER.test(path)) watchMochaRunnerClass(cache[path]?.exports, reports, onFault);
  }
}
