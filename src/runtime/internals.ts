/**
 * The one import through which awaitwhat's own code (and its tests and benchmarks) reaches the
 * runtime's internals.
 */

import { currentRuntime, type RuntimeInternals } from './runtime.ts';

export type { RuntimeInternals } from './runtime.ts';

/** The internals of the thread's runtime, if one is installed. */
export function runtimeInternals(): RuntimeInternals | undefined {
  return currentRuntime()?.internals;
}
