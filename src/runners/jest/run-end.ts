/**
 * When a Jest run that ran its tests in band (in this process) is over. jest-circus's `run_finish`
 * ends one test file's run; Jest then still reports, writes its cache and, in `jest-cli`, reads
 * the results — which first adds a `process.on('exit')` listener (to set the exit code) and then
 * starts Jest's own timer for "Jest did not exit one second after the test run has completed".
 * That listener is the signal: the second awaitwhat waits before saying the process did not exit
 * starts where Jest's does, so that a machine slow to write Jest's results is not taken for a
 * process kept alive by a chain. A run started some other way (`runCLI` from a script) adds no such
 * listener, and gets no "did not exit" report.
 */

let cancel: (() => void) | undefined;

/** Calls `start` when the Jest run is over (see above); a later call, or `runEndCancelled`, replaces it. */
export function whenJestRunEnds(start: () => void): void {
  cancelRunEnd();
  const onNewListener = (event: string | symbol): void => {
    if (event !== 'exit') return;
    cancelRunEnd();
    start();
  };
  process.on('newListener', onNewListener);
  cancel = () => process.removeListener('newListener', onNewListener);
}

/** Another test file starts: the last one's end was not the run's. */
export function cancelRunEnd(): void {
  cancel?.();
  cancel = undefined;
}
