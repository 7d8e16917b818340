/**
 * Jest's test events (jest-circus, Jest 29 and 30): the awaitwhat environment hands every event
 * jest-circus dispatches to it (`handleTestEvent`) to `JestEvents`, which records each test and each
 * `beforeAll`/`afterAll` hook as a run of the frame counter (tests.ts) and reports:
 *
 * - a test (its `beforeEach` and `afterEach` hooks count as part of it) or hook that fails while
 *   frames it started are still pending — Jest timed it out ("Exceeded timeout of 300 ms for a
 *   test"), or it failed and left work behind — with those frames and what they await, under its
 *   full name (`test "users › loads a user"`, Jest's own ` › ` between the describe blocks);
 * - a second after the run is over (run-end.ts: as `runCLI` returns, where `jest` starts its own
 *   timer for "did not exit one second after the test run has completed", and where a script that
 *   runs Jest by `runCLI` goes on), if the process is still there, everything still pending,
 *   each chain under the test or hook that started it (after-run.ts); in a Jest worker, when Jest
 *   ends the worker by force because it did not exit (worker-end.ts).
 *
 * Nothing here throws into Jest: every handler is guarded, a fault is handed to `onFault`.
 */

import { afterRunReport, runStarts } from '../after-run.ts';
import { setCurrentLog } from '../current.ts';
import type { RunnerReports } from '../reporting.ts';
import { frameCount } from '../scope.ts';
import { describeRun, scoped, TestLog, type TestRun } from '../tests.ts';
import { watchConcurrentTests, type CircusNode } from './concurrent.ts';
import { cancelRunEnd, whenJestRunEnds } from './run-end.ts';
import { inJestWorker, stopWatchingWorkerEnd, watchWorkerEnd } from './worker-end.ts';

/** jest-circus's name for the describe block every file's tests are in. */
const ROOT_DESCRIBE_BLOCK = 'ROOT_DESCRIBE_BLOCK';
/** How jest-circus's timeout message begins (`Exceeded timeout of 5000 ms for a test.`), in both versions. */
const TIMEOUT_PREFIX = 'Exceeded timeout of ';
/** Hooks that run once per describe block, and are runs of their own; `beforeEach`/`afterEach` belong to the test they run for. */
const ONCE_HOOKS: ReadonlySet<string> = new Set(['beforeAll', 'afterAll']);

/** What of jest-circus's describe blocks, tests and hooks is read here (the rest is Jest's). */
interface Block {
  name: string;
  parent?: Block;
  concurrent?: boolean;
}
interface Hook {
  type: string;
  parent?: Block;
}
/** A jest-circus event: `name` says which; the fields read here depend on it. */
export interface CircusEvent {
  name: string;
  test?: Block;
  hook?: Hook;
  error?: unknown;
}
/** What of jest-circus's state (handed with each event) is read here. */
export interface CircusState {
  rootDescribeBlock?: CircusNode;
}

/** One log per process: a Jest worker runs test file after test file, each in an environment of its own. */
let processLog: TestLog | undefined;

export class JestEvents {
  readonly #reports: RunnerReports;
  readonly #onFault: (error: unknown) => void;
  readonly #log: TestLog;
  readonly #tests = new Map<Block, TestRun>();
  readonly #hooks = new Map<Hook, TestRun>();

  constructor(reports: RunnerReports, onFault: (error: unknown) => void) {
    this.#reports = reports;
    this.#onFault = onFault;
    if (processLog === undefined) {
      processLog = new TestLog();
      setCurrentLog(processLog);
    }
    this.#log = processLog;
  }

  /** One jest-circus event (called by the environment's `handleTestEvent`). Never throws. */
  handle(event: CircusEvent, state?: CircusState): void {
    try {
      this.#handle(event, state);
    } catch (error) {
      this.#onFault(error);
    }
  }

  #handle(event: CircusEvent, state: CircusState | undefined): void {
    switch (event.name) {
      case 'run_start':
        runStarts();
        cancelRunEnd();
        stopWatchingWorkerEnd();
        watchConcurrentTests(state?.rootDescribeBlock, (test) => this.#concurrentCall(test));
        return;
      case 'test_start':
        // A concurrent test's run is the call of its function (concurrent.ts), not this.
        if (event.test !== undefined && event.test.concurrent !== true) this.#tests.set(event.test, this.#log.start(testName(event.test), 'test'));
        return;
      case 'test_done':
      case 'test_skip':
      case 'test_todo':
        this.#end(this.#tests, event.test);
        return;
      case 'hook_start':
        if (event.hook !== undefined && ONCE_HOOKS.has(event.hook.type)) this.#hooks.set(event.hook, this.#log.start(hookName(event.hook), 'hook'));
        return;
      case 'hook_success':
        this.#end(this.#hooks, event.hook);
        return;
      case 'hook_failure':
        this.#hookFailed(event);
        this.#end(this.#hooks, event.hook);
        return;
      case 'test_fn_failure':
        this.#failed(event.test === undefined ? undefined : this.#tests.get(event.test), undefined, event.error);
        return;
      case 'run_finish':
        if (inJestWorker()) watchWorkerEnd(this.#reports, this.#log, this.#onFault);
        else
          whenJestRunEnds(() => {
            // Called from a PerformanceObserver's or a listener's callback: nothing may be thrown there.
            try {
              afterRunReport(this.#reports, this.#log, this.#onFault);
            } catch (error) {
              this.#onFault(error);
            }
          });
        return;
      default:
    }
  }

  /** A concurrent test's function is called: its run, nested in whatever runs now, until the call returns. Never throws (it runs inside Jest's call of the test). */
  #concurrentCall(test: CircusNode): () => void {
    try {
      const run = this.#log.start(testName(test), 'test', true);
      this.#tests.set(test, run);
      return () => this.#log.end(run);
    } catch (error) {
      this.#onFault(error);
      return () => {};
    }
  }

  #hookFailed(event: CircusEvent): void {
    const hook = event.hook;
    if (hook === undefined) return;
    const own = this.#hooks.get(hook);
    if (own !== undefined) return this.#failed(own, undefined, event.error);
    // A `beforeEach`/`afterEach` hook: part of the test it ran for.
    const test = event.test === undefined ? undefined : this.#tests.get(event.test);
    this.#failed(test, `"${hook.type}" hook for ${test === undefined ? 'a test' : describeRun(test)}`, event.error);
  }

  /** Reports what `run` started and is still pending, if anything, as it failed with `error`. */
  #failed(run: TestRun | undefined, what: string | undefined, error: unknown): void {
    if (run === undefined) return;
    const part = this.#log.scope(this.#reports.snapshot(), run);
    if (frameCount(part) === 0) return;
    const timeout = timeoutMessage(error);
    const how = timeout === undefined ? 'failed' : `timed out (${timeout})`;
    this.#reports.report([{ title: `${what ?? describeRun(run)} ${how}; what it started is still pending`, snapshot: scoped(part, run, timeout === undefined ? 'failed' : 'timed out') }]);
  }

  #end<K>(runs: Map<K, TestRun>, key: K | undefined): void {
    if (key === undefined) return;
    const run = runs.get(key);
    if (run === undefined) return;
    runs.delete(key);
    this.#log.end(run);
  }
}

/** `users › loads a user`: the describe blocks' names and the test's, as Jest's failure header writes them. */
export function testName(test: Block): string {
  const names: string[] = [];
  for (let block: Block | undefined = test; block !== undefined && block.name !== ROOT_DESCRIBE_BLOCK; block = block.parent) names.unshift(block.name);
  return names.join(' › ');
}

/** `"beforeAll" hook in "with a database"`, or `"beforeAll" hook` for one at the top of the file. */
export function hookName(hook: Hook): string {
  const suite = hook.parent === undefined ? '' : testName(hook.parent);
  return suite === '' ? `"${hook.type}" hook` : `"${hook.type}" hook in "${suite}"`;
}

/**
 * `Exceeded timeout of 300 ms for a test`: the first sentence of jest-circus's timeout message (the
 * rest is advice Jest prints itself), or undefined when `error` is no timeout. jest-circus rejects
 * with the message itself (a string) or an error carrying it.
 */
export function timeoutMessage(error: unknown): string | undefined {
  let message: unknown = error;
  if (typeof error === 'object' && error !== null) message = Object.getOwnPropertyDescriptor(error, 'message')?.value;
  if (typeof message !== 'string' || !message.startsWith(TIMEOUT_PREFIX)) return undefined;
  const end = message.search(/\.(?:\s|$)/);
  return end === -1 ? message : message.slice(0, end);
}
