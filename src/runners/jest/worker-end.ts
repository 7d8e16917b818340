/**
 * "Did not exit" in a Jest worker. Jest runs test files in worker processes (unless it runs them
 * in band), and a worker's life is not its tests': it waits for the next file, so awaitwhat's
 * second-after-the-last-test check (after-run.ts) does not apply there. When the run is over,
 * Jest tells each worker to end and, half a second later, sends SIGTERM to one still there
 * ("A worker process has failed to exit gracefully and has been force exited…"). That SIGTERM is
 * the moment to report: whatever is still pending is what kept the worker alive, each chain under
 * the test or hook that started it.
 *
 * A listener for SIGTERM replaces the default action (ending the process), so the listener, once
 * it has reported, takes itself off and sends the signal again: the worker ends by SIGTERM as it
 * would have. When the program has SIGTERM listeners of its own, they decided already what the
 * signal does, and it is not sent again.
 */

import { isMainThread } from 'node:worker_threads';
import type { RunnerReports, RunnerSection } from '../reporting.ts';
import { scoped, startedBy, type TestLog } from '../tests.ts';

/** jest-worker's entry of a worker process (Jest 29: build/workers/processChild.js; Jest 30: build/processChild.js). */
const PROCESS_CHILD = /[\\/]jest-worker[\\/]build[\\/](?:workers[\\/])?processChild\.js$/;

/** Whether this process is a Jest worker process (its main module is jest-worker's child entry) or thread. */
export function inJestWorker(): boolean {
  return !isMainThread || PROCESS_CHILD.test(process.argv[1] ?? '');
}

let listening: (() => void) | undefined;

/** From now until `stopWatchingWorkerEnd`, a SIGTERM reports what is still pending before it ends the worker. */
export function watchWorkerEnd(reports: RunnerReports, log: TestLog, onFault: (error: unknown) => void): void {
  if (listening !== undefined || !isMainThread) return;
  const onSigterm = (): void => {
    stopWatchingWorkerEnd();
    try {
      const sections: RunnerSection[] = [];
      for (const { run, snapshot } of log.byRun(reports.snapshot())) {
        sections.push({ title: `the Jest worker did not exit when the run ended (Jest forced it to); ${startedBy(run)}, still pending`, snapshot: scoped(snapshot, run, 'did not exit') });
      }
      if (sections.length > 0) reports.report(sections);
    } catch (error) {
      onFault(error);
    }
    if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
  };
  listening = onSigterm;
  process.on('SIGTERM', onSigterm);
}

/** A new test file starts in this worker: its end is not the worker's. */
export function stopWatchingWorkerEnd(): void {
  if (listening === undefined) return;
  process.removeListener('SIGTERM', listening);
  listening = undefined;
}
