/**
 * node:test (`node --test`, with process isolation or `--test-isolation=none`, or a test file run
 * directly): when the program first resolves `node:test`, hooks of the root test are added — a
 * `beforeEach` and an `afterEach` that every test of the file (or of the run, without isolation)
 * inherits, and an `after` that runs once the tests are done. They take no time and change no
 * result; the runner prints them nowhere.
 *
 * - A test that ends without passing while frames it started are still pending — it timed out,
 *   or failed and left work behind — gets a report of those frames and what they await, under its
 *   full name, right before the runner reports it (the runner reports a test once its `afterEach`
 *   hooks are done).
 * - When a run that failed is about to exit (its event loop is empty: nothing pending can ever
 *   resume), the chains that hooks, suites or the test file's module code started and that are
 *   still pending are reported: a `before` hook that timed out, which node:test reports under its
 *   suite only, running no `afterEach` for the suite's tests. Not earlier, at the root's `after`:
 *   ours runs before the file's own root `after` hooks, which may yet close what is pending. A
 *   passing run is never reported this way.
 * - If the process is still there a second after the root's `after` (something keeps it alive),
 *   everything still pending is reported, each chain under the test that started it.
 */

import { frameCount } from './scope.ts';
import type { RunnerReports, RunnerSection } from './reporting.ts';
import { describeRun, frameCounter, scoped, TestLog, type TestRun } from './tests.ts';
import { afterRunReport } from './after-run.ts';
import { setCurrentLog } from './current.ts';

/** What the hooks read of a test's context (`passed` and `error` exist since Node.js 21.7). */
interface TestContext {
  readonly fullName: string;
  readonly passed: boolean;
  readonly error: unknown;
}

interface NodeTest {
  beforeEach(fn: (t: TestContext) => void): void;
  afterEach(fn: (t: TestContext) => void): void;
  after(fn: () => void): void;
}

// Captured at load, before the program can replace it.
const onceProcess: (event: 'beforeExit', listener: () => void) => unknown = process.once.bind(process);

/** The failure node:test records for a test that ran past its timeout. */
const TIMEOUT_FAILURE = 'testTimeoutFailure';
/** The failure of a test still running when its suite ended (the suite timed out, say). */
const CANCELLED_BY_PARENT = 'cancelledByParent';

export function watchNodeTest(reports: RunnerReports, onFault: (error: unknown) => void): void {
  const log = new TestLog();
  setCurrentLog(log);
  const running = new WeakMap<object, TestRun>();
  /** Frames up to this one were started before the program resolved node:test: not the tests'. */
  const firstSeq = frameCounter();
  const nodeTest = process.getBuiltinModule('node:test') as unknown as NodeTest;
  const guard = (task: () => void): void => {
    try {
      task();
    } catch (error) {
      onFault(error);
    }
  };
  // One parameter each: node:test passes a `done` callback to hooks declaring two.
  nodeTest.beforeEach((t: TestContext) => {
    guard(() => {
      running.set(t, log.start(t.fullName, 'test'));
    });
  });
  nodeTest.afterEach((t: TestContext) => {
    guard(() => {
      const run = running.get(t);
      if (run === undefined) return;
      log.end(run);
      if (t.passed) return;
      const part = log.scope(reports.snapshot(), run);
      if (frameCount(part) === 0) return;
      const { what, reason } = failure(t);
      reports.report([{ title: `${describeRun(run)} ${what}; what it started is still pending`, snapshot: scoped(part, run, reason) }]);
    });
  });
  const reportOutside = (): void =>
    guard(() => {
      if (!process.exitCode) return;
      const outside: RunnerSection[] = [];
      for (const { run, snapshot } of log.byRun(reports.snapshot())) {
        if (run !== undefined) continue;
        // Frames of the test file's hooks, suites and module code, not those of code loaded before it.
        const own = snapshot.nodes.some((n) => n.type === 'frame' && n.seq > firstSeq);
        if (own) outside.push({ title: 'after the last test, still pending: what was started outside any test (hooks, suites, module code)', snapshot: scoped(snapshot, undefined, 'after the last test') });
      }
      if (outside.length > 0) reports.report(outside);
    });
  nodeTest.after(() => {
    guard(() => {
      onceProcess('beforeExit', reportOutside);
      afterRunReport(reports, log, onFault);
    });
  });
}

/** How the test ended, as the report says it: timed out, cancelled (its suite timed out or failed first), or failed. */
function failure(t: TestContext): { what: string; reason: 'timed out' | 'cancelled' | 'failed' } {
  const error = t.error as { failureType?: unknown; message?: unknown } | null;
  if (error?.failureType === TIMEOUT_FAILURE) return { what: `timed out (${String(error.message)})`, reason: 'timed out' };
  if (error?.failureType === CANCELLED_BY_PARENT) return { what: `was cancelled (${String(error.message)})`, reason: 'cancelled' };
  return { what: 'failed', reason: 'failed' };
}
