/**
 * Mocha (11): its `Runner` emits an event when a test or hook begins, fails (a timeout is an error
 * with code `ERR_MOCHA_TIMEOUT`) and ends, and when the run ends. awaitwhat listens to every runner
 * Mocha starts: `lib/runner.js` is handed over as it loads (install.ts appends one line to it that
 * publishes its exports on a diagnostics channel), and `Runner.prototype.run` becomes a wrapper that
 * subscribes to the runner before running it as before.
 *
 * - A test or hook that fails while frames it started are still pending — it timed out, or failed
 *   and left work behind — gets a report of those frames and what they await, under its full title,
 *   as Mocha reports the failure (its reporter has listened first: the report comes right after
 *   the reporter's line for the failure).
 * - When the run ends, if the process is still there a second later (Mocha waits for the event loop
 *   unless `--exit`), everything still pending is reported, each chain under the test or hook that
 *   started it.
 */

import { afterRunReport, runStarts } from './after-run.ts';
import { setCurrentLog } from './current.ts';
import type { RunnerReports } from './reporting.ts';
import { frameCount } from './scope.ts';
import { describeRun, scoped, TestLog, type TestRun } from './tests.ts';

interface Runnable {
  title: string;
  fullTitle(): string;
  parent?: { fullTitle(): string };
}

interface MochaRunner {
  on(event: string, listener: (...args: never[]) => void): unknown;
}

type RunnerClass = { prototype: { run: (...args: unknown[]) => unknown } };

/** The code Mocha gives a timeout error. */
const TIMEOUT_CODE = 'ERR_MOCHA_TIMEOUT';
const WRAPPED = new WeakSet<object>();
const apply = Reflect.apply;

export function watchMochaRunnerClass(Runner: unknown, reports: RunnerReports, onFault: (error: unknown) => void): void {
  if (typeof Runner !== 'function') return;
  const proto = (Runner as RunnerClass).prototype;
  const run = proto?.run;
  if (typeof run !== 'function' || WRAPPED.has(proto)) return;
  WRAPPED.add(proto);
  proto.run = function run_(this: MochaRunner, ...args: unknown[]): unknown {
    try {
      runStarts();
      listen(this, reports, onFault);
    } catch (error) {
      onFault(error);
    }
    return apply(run, this, args);
  };
}

/** One log per process: a --parallel worker runs file after file, each with a runner of its own. */
let log: TestLog | undefined;

function listen(runner: MochaRunner, reports: RunnerReports, onFault: (error: unknown) => void): void {
  if (log === undefined) {
    log = new TestLog();
    setCurrentLog(log);
  }
  const tests = log;
  const runs = new WeakMap<Runnable, TestRun>();
  const guard =
    <A extends unknown[]>(task: (...args: A) => void) =>
    (...args: A): void => {
      try {
        task(...args);
      } catch (error) {
        onFault(error);
      }
    };
  const begin = (kind: TestRun['kind']) =>
    guard((runnable: Runnable) => {
      runs.set(runnable, tests.start(kind === 'test' ? runnable.fullTitle() : hookName(runnable), kind));
    });
  const end = guard((runnable: Runnable) => {
    const run = runs.get(runnable);
    if (run !== undefined) tests.end(run);
  });
  runner.on('test', begin('test'));
  runner.on('hook', begin('hook'));
  runner.on('test end', end);
  runner.on('hook end', end);
  runner.on(
    'fail',
    guard((runnable: Runnable, error: unknown) => {
      const run = runs.get(runnable);
      if (run === undefined) return;
      const part = tests.scope(reports.snapshot(), run);
      if (frameCount(part) === 0) return;
      const code = typeof error === 'object' && error !== null ? (Object.getOwnPropertyDescriptor(error, 'code')?.value as unknown) : undefined;
      const message = typeof error === 'object' && error !== null ? (Object.getOwnPropertyDescriptor(error, 'message')?.value as unknown) : undefined;
      const what = code === TIMEOUT_CODE ? `timed out (${firstSentence(String(message))})` : 'failed';
      reports.report([{ title: `${describeRun(run)} ${what}; what it started is still pending`, snapshot: scoped(part, run, code === TIMEOUT_CODE ? 'timed out' : 'failed') }]);
    }),
  );
  runner.on(
    'end',
    guard(() => afterRunReport(reports, tests, onFault)),
  );
}

/** `"before all" hook for "queries" in "with a database"`: Mocha's hook title, then its suite's. */
function hookName(hook: Runnable): string {
  const suite = hook.parent?.fullTitle() ?? '';
  return suite === '' ? hook.title : `${hook.title} in "${suite}"`;
}

/** `Timeout of 300ms exceeded`: the first sentence of Mocha's timeout message (the rest is advice and the file, which its reporter prints). */
function firstSentence(message: string): string {
  const end = message.indexOf('. ');
  return end === -1 ? message : message.slice(0, end);
}
