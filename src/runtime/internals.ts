/**
 * The one import through which awaitwhat's own code (and its tests and benchmarks) reaches the
 * runtime's internals: never through the global, which any dependency can read.
 */

import { currentRuntime, type RuntimeInternals } from './runtime.ts';

export type { RuntimeInternals } from './runtime.ts';

/** This copy's internals if it installed the thread's runtime, else undefined. */
export function runtimeInternals(): RuntimeInternals | undefined {
  return currentRuntime()?.internals;
}
