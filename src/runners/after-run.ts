/**
 * "Did not exit": once a runner says its tests are done, an unref'd timer waits a second; if the
 * process is still there (something keeps its event loop alive), whatever is still pending is
 * reported, each chain under the test or hook that started it. A process that exits in time prints
 * nothing more.
 */

import type { RunnerReports, RunnerSection } from './reporting.ts';
import { scoped, startedBy, type TestLog } from './tests.ts';

/** How long after the last test a process still running is said not to have exited (Jest's "did not exit one second after the test run has completed"). */
export const DID_NOT_EXIT_MS = 1000;

// Captured at load: the program may replace the global later.
const schedule = setTimeout;

const cancel = clearTimeout;
/** The check of the last run that ended, until it fires or another run starts in this process (Mocha's --parallel workers run file after file). */
let waiting: ReturnType<typeof setTimeout> | undefined;

/** Another run starts in this process: the last one's end was not the end of the process's tests. */
export function runStarts(): void {
  if (waiting !== undefined) cancel(waiting);
  waiting = undefined;
}

export function afterRunReport(reports: RunnerReports, log: TestLog, onFault?: (error: unknown) => void): void {
  runStarts();
  const timer = schedule(() => {
    waiting = undefined;
    try {
      const sections: RunnerSection[] = [];
      for (const { run, snapshot } of log.byRun(reports.snapshot())) {
        sections.push({ title: `the process did not exit ${DID_NOT_EXIT_MS / 1000}s after its last test; ${startedBy(run)}, still pending`, snapshot: scoped(snapshot, run, 'did not exit') });
      }
      if (sections.length > 0) reports.report(sections);
    } catch (error) {
      onFault?.(error);
    }
  }, DID_NOT_EXIT_MS);
  timer.unref();
  waiting = timer;
}
