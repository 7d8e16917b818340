/**
 * "Did not exit" in a Jest worker. Jest runs test files in worker processes, or in worker threads
 * with `workerThreads: true` (unless it runs them in band), and a worker's life is not its tests':
 * it waits for the next file, so awaitwhat's second-after-the-last-test check (after-run.ts) does
 * not apply there. When the run is over, Jest sends each worker an end message (jest-worker's
 * CHILD_MESSAGE_END), after which a worker with nothing left to do ends by itself, and, half a
 * second later, ends one still there by force ("A worker process has failed to exit gracefully
 * and has been force exited…"): whatever is still pending then is what kept the worker alive,
 * reported each chain under the test or hook that started it.
 *
 * - A worker process is ended by SIGTERM: that is the moment to report. A listener for SIGTERM
 *   replaces the default action (ending the process), so the listener, once it has reported, takes
 *   itself off and sends the signal again: the worker ends by SIGTERM as it would have. When the
 *   program has SIGTERM listeners of its own, they decided already what the signal does, and it is
 *   not sent again.
 * - A worker thread is ended by `worker.terminate()`, which runs none of its code: the report comes
 *   before, when the thread is still there THREAD_GRACE_MS after the end message (an unref'd timer,
 *   which fires only in a thread something else keeps alive), so that its text reaches the main
 *   thread before Jest ends the thread. A thread that ends between then and Jest's half second is
 *   reported all the same (Jest then says nothing).
 */

import { isMainThread, parentPort } from 'node:worker_threads';
import type { RunnerReports, RunnerSection } from '../reporting.ts';
import { scoped, startedBy, type TestLog } from '../tests.ts';

/** jest-worker's entry of a worker process (Jest 29: build/workers/processChild.js; Jest 30: build/processChild.js). */
const PROCESS_CHILD = /[\\/]jest-worker[\\/]build[\\/](?:workers[\\/])?processChild\.js$/;
/** jest-worker's message telling a worker to end (`[CHILD_MESSAGE_END, …]`, the same in Jest 29 and 30). */
const CHILD_MESSAGE_END = 2;
/**
 * How long a worker thread may take to end after the end message before it is reported; Jest ends
 * it by force at 500 ms (jest-worker's FORCE_EXIT_DELAY). Short, so that the report (a snapshot, its
 * text, one message to the main thread) is out well before, on a loaded machine too (with 250 ms, a
 * machine at a load of 10 per core lost half of them to Jest's terminate()); a thread kept alive
 * between 100 and 500 ms and then ending by itself is reported though Jest says nothing.
 */
export const THREAD_GRACE_MS = 100;

// Captured at load: the program may replace the globals later.
const schedule = setTimeout;

/** Whether this process is a Jest worker process (its main module is jest-worker's child entry) or thread. */
export function inJestWorker(): boolean {
  return !isMainThread || PROCESS_CHILD.test(process.argv[1] ?? '');
}

let stopWatching: (() => void) | undefined;

/** From now until `stopWatchingWorkerEnd`, the end of this worker (process or thread) reports what is still pending. */
export function watchWorkerEnd(reports: RunnerReports, log: TestLog, onFault: (error: unknown) => void): void {
  if (stopWatching !== undefined) return;
  if (isMainThread) watchSigterm(reports, log, onFault);
  else watchEndMessage(reports, log, onFault);
}

/** A new test file starts in this worker: its end is not the worker's. */
export function stopWatchingWorkerEnd(): void {
  stopWatching?.();
  stopWatching = undefined;
}

function watchSigterm(reports: RunnerReports, log: TestLog, onFault: (error: unknown) => void): void {
  const onSigterm = (): void => {
    stopWatchingWorkerEnd();
    report(reports, log, onFault, 'the Jest worker did not exit when the run ended (Jest forced it to)');
    if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
  };
  process.on('SIGTERM', onSigterm);
  stopWatching = () => process.removeListener('SIGTERM', onSigterm);
}

function watchEndMessage(reports: RunnerReports, log: TestLog, onFault: (error: unknown) => void): void {
  const port = parentPort;
  if (port === null) return;
  const onMessage = (message: unknown): void => {
    if (!Array.isArray(message) || message[0] !== CHILD_MESSAGE_END) return;
    // Off at once: a listener of the port's keeps the thread alive, and jest-worker has just taken
    // its own off for the thread to end.
    stopWatchingWorkerEnd();
    schedule(() => report(reports, log, onFault, `the Jest worker thread did not exit ${THREAD_GRACE_MS} ms after the run ended (Jest ends it by force)`), THREAD_GRACE_MS).unref();
  };
  port.on('message', onMessage);
  stopWatching = () => port.removeListener('message', onMessage);
}

function report(reports: RunnerReports, log: TestLog, onFault: (error: unknown) => void, what: string): void {
  try {
    const sections: RunnerSection[] = [];
    for (const { run, snapshot } of log.byRun(reports.snapshot())) {
      sections.push({ title: `${what}; ${startedBy(run)}, still pending`, snapshot: scoped(snapshot, run, 'did not exit') });
    }
    if (sections.length > 0) reports.report(sections);
  } catch (error) {
    onFault(error);
  }
}
