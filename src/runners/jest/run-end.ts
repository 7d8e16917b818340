/**
 * When a Jest run that ran its tests in band (in this process) is over. jest-circus's `run_finish`
 * ends one test file's run; Jest then still reports, writes its cache and reads the results. The
 * run is over when @jest/core's `runCLI` returns — as `jest` runs it, and as a script that runs
 * Jest with `runCLI` does — which it marks, in Jest 29 and 30, with the performance mark
 * `jest/runCLI:end`, seen here by a PerformanceObserver. `jest-cli` then adds a
 * `process.on('exit')` listener (to set the exit code) and starts its own timer for "Jest did not
 * exit one second after the test run has completed": that listener is the other signal, for a Jest
 * that would not mark the end. Whichever comes first starts the second awaitwhat waits before
 * saying the process did not exit, where Jest's starts, so that a machine slow to write Jest's
 * results is not taken for a process kept alive by a chain.
 */

import { PerformanceObserver, type PerformanceObserverEntryList } from 'node:perf_hooks';

/** The mark @jest/core's `runCLI` sets as it returns. */
const RUN_CLI_END = 'jest/runCLI:end';

let cancel: (() => void) | undefined;

/** Calls `start` once when the Jest run is over (see above); a later call, or `cancelRunEnd`, replaces it. */
export function whenJestRunEnds(start: () => void): void {
  cancelRunEnd();
  const over = (): void => {
    cancelRunEnd();
    start();
  };
  const onNewListener = (event: string | symbol): void => {
    if (event === 'exit') over();
  };
  const observer = new PerformanceObserver((list: PerformanceObserverEntryList) => {
    if (list.getEntriesByName(RUN_CLI_END, 'mark').length > 0) over();
  });
  process.on('newListener', onNewListener);
  observer.observe({ type: 'mark' });
  cancel = () => {
    process.removeListener('newListener', onNewListener);
    observer.disconnect();
  };
}

/** Another test file starts: the last one's end was not the run's. */
export function cancelRunEnd(): void {
  cancel?.();
  cancel = undefined;
}
