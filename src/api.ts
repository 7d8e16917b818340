/** The in-process API: take a snapshot of the running program's await graph. */

import { RUNTIME_GLOBAL } from './transform/constants.ts';
import { currentRuntime, runtimeGlobal } from './runtime/runtime.ts';
import type { SnapshotOptions } from './snapshot/build.ts';
import type { Snapshot } from './snapshot/schema.ts';

export class NotInstrumentedError extends Error {
  constructor() {
    super(
      `awaitwhat is not active in this thread (no globalThis.${RUNTIME_GLOBAL}): start the program with ` +
        '`node --import awaitwhat/hooks app.js` or `npx awaitwhat app.js`, or call installHooks() before loading the code to observe',
    );
    this.name = 'NotInstrumentedError';
  }
}

/** Every pending async function of this thread and what each waits for. Throws `NotInstrumentedError` when nothing is instrumented. */
export function snapshot(options?: SnapshotOptions): Snapshot {
  // The copy of awaitwhat that installed the runtime builds the snapshot; another copy asks the global.
  const runtime = currentRuntime()?.internals ?? runtimeGlobal();
  if (runtime === undefined) throw new NotInstrumentedError();
  return runtime.snapshot(options);
}
