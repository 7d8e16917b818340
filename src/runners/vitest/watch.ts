/**
 * Watches the tests and hooks of one test file as they run in a Vitest worker: each test's
 * function and each hook's is wrapped (tasks.ts), so that what it starts is logged by frame
 * counter (runners/tests.ts), and when it fails — a timeout above all — while frames it started
 * are still pending, those frames and what they await are reported under its full name. The
 * wrapper returns what Vitest's function returns, untouched; what it adds cannot throw into the run.
 */

import type { RunnerReports } from '../reporting.ts';
import { frameCount } from '../scope.ts';
import { describeRun, scoped, type TestLog, type TestRun } from '../tests.ts';
import { fullName, HOOK_NAMES, timeoutMessage, walk, type HookName, type SuiteApi, type Task } from './tasks.ts';

const WRAPPED = new WeakSet<object>();
const apply = Reflect.apply;

export interface Watch {
  log: TestLog;
  reports: RunnerReports;
  suites: SuiteApi;
  onFault(error: unknown): void;
}

/** Wraps every test and hook of `file` not wrapped yet (`except`: the hook doing the wrapping). */
export function watchFile(file: Task, watch: Watch, except: unknown): void {
  walk(file, (task) => {
    if (task.tasks !== undefined) {
      const hooks = watch.suites.getHooks(task);
      for (const kind of HOOK_NAMES) {
        const list = hooks[kind];
        // In place: Vitest may be iterating this very list (the file's beforeAll hooks, ours first).
        if (list !== undefined) for (let i = 0; i < list.length; i++) if (list[i] !== except) list[i] = wrap(list[i], watch, () => hookName(kind, task), 'hook');
      }
    } else if (task.type === 'test') {
      const fn = watch.suites.getFn(task);
      if (fn !== undefined) watch.suites.setFn(task, wrap(fn, watch, () => fullName(task), 'test'));
    }
  });
}

/** `beforeAll hook in "src/a.test.ts > queries"`. */
function hookName(kind: HookName, suite: Task): string {
  return `${kind} hook in "${fullName(suite)}"`;
}

function wrap(fn: unknown, watch: Watch, name: () => string, kind: TestRun['kind']): unknown {
  if (typeof fn !== 'function' || WRAPPED.has(fn)) return fn;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    let run: TestRun | undefined;
    try {
      run = watch.log.start(name(), kind);
    } catch (error) {
      watch.onFault(error);
    }
    let result: unknown;
    try {
      result = apply(fn, this, args);
    } catch (error) {
      finish(watch, run, error, true);
      throw error;
    }
    if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function') {
      (result as Promise<unknown>).then(
        () => finish(watch, run, undefined, false),
        (error: unknown) => finish(watch, run, error, true),
      );
    } else finish(watch, run, undefined, false);
    return result;
  };
  WRAPPED.add(wrapped);
  return wrapped;
}

function finish(watch: Watch, run: TestRun | undefined, error: unknown, failed: boolean): void {
  if (run === undefined) return;
  try {
    watch.log.end(run);
    if (!failed) return;
    const part = watch.log.scope(watch.reports.snapshot(), run);
    if (frameCount(part) === 0) return;
    const timeout = timeoutMessage(error);
    const what = timeout !== undefined ? `timed out (${timeout})` : 'failed';
    watch.reports.report([{ title: `${describeRun(run)} ${what}; what it started is still pending`, snapshot: scoped(part, run, timeout !== undefined ? 'timed out' : 'failed') }]);
  } catch (fault) {
    watch.onFault(fault);
  }
}
