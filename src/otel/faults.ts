/**
 * Faults inside the instrumentation: counted by kind, and each kind reported once through `diag`.
 * Nothing here throws, and nothing here calls the program's code (an error object's own `message`
 * is read as data, never through a getter or `toString`).
 *
 * Faults have two owners, counted apart: the user's `onPending` callback, and awaitwhat's own code
 * (the sampler, span recording, and — through `reportRuntimeFault` — the runtime). A kind is
 * reported the first time it happens; later occurrences are only counted, so a callback that
 * throws on every sample is one line, and it never hides a fault of another kind.
 */

// Not `import … from 'node:util'`: the ES module face of node:util opens process.stderr when it
// loads, which shows in the program's process.getActiveResourcesInfo() when stderr is a pipe.
const { types } = process.getBuiltinModule('node:util');
import type { DiagLogger } from '@opentelemetry/api';
import { show } from '../hooks/env.ts';
import { formatDuration } from '../util/duration.ts';

/** Who is at fault: the program's callback, or awaitwhat. */
type FaultOwner = 'user' | 'internal';

/** The kinds of fault the OpenTelemetry bridge itself can see. */
export type FaultKind = 'onPending failed' | 'onPending unsettled' | 'sampler' | 'span' | 'metrics';

const OWNERS: Readonly<Record<FaultKind, FaultOwner>> = {
  'onPending failed': 'user',
  'onPending unsettled': 'user',
  sampler: 'internal',
  span: 'internal',
  metrics: 'internal',
};

/** What the first occurrence of each kind says: given the error, or for an unsettled call how long it has waited (ms). */
const MESSAGES: Readonly<Record<FaultKind, (detail: unknown) => string>> = {
  'onPending failed': (error) => `onPending callback failed (${describeError(error)}); the program is unaffected, later failures of the callback are counted, not reported`,
  'onPending unsettled': (ms) => `an onPending call has not settled for ${formatDuration(ms as number)}; calls go on, later ones that do not settle are counted, not reported`,
  sampler: (error) => `the pending-await sampler failed (${describeError(error)}); the program is unaffected, later sampler failures are counted, not reported`,
  span: (error) => `could not record a span (${describeError(error)}); the program is unaffected, later span failures are counted, not reported`,
  metrics: (error) => `could not observe the pending-await metrics (${describeError(error)}); the program is unaffected, later metric failures are counted, not reported`,
};

/** How many faults of each kind happened, by owner (a fresh copy each time it is read). */
export interface FaultCounts {
  user: Record<string, number>;
  internal: Record<string, number>;
}

export class Faults {
  readonly #diag: DiagLogger;
  /** Occurrences per kind, by owner; a kind is reported when its count goes from 0 to 1. */
  readonly #counts: { user: Map<string, number>; internal: Map<string, number> } = { user: new Map(), internal: new Map() };

  constructor(diag: DiagLogger) {
    this.#diag = diag;
  }

  /** One more fault of this kind: the error, or for `onPending unsettled` how long the call has waited (ms). */
  report(kind: FaultKind, detail: unknown): void {
    this.#count(OWNERS[kind], kind, () => MESSAGES[kind](detail));
  }

  /**
   * The runtime's faults (a failed registry sweep, dropped handoffs), counted as awaitwhat's own.
   * This is where the runtime's fault sink is wired once it exists: its reporter calls this with
   * the runtime's kind and the error's message, once per kind.
   */
  reportRuntimeFault(kind: string, message: string): void {
    // `message` is the runtime's own description of the error (src/runtime/faults.ts), shown as it is.
    this.#count('internal', `runtime: ${kind}`, () => `the awaitwhat runtime failed (${kind}: ${message}); the program is unaffected, later failures of this kind are counted, not reported`);
  }

  counts(): FaultCounts {
    return { user: Object.fromEntries(this.#counts.user), internal: Object.fromEntries(this.#counts.internal) };
  }

  /** Counts the fault; the first of its kind is reported (the message is built only then). */
  #count(owner: FaultOwner, kind: string, message: () => string): void {
    const counts = this.#counts[owner];
    const n = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, n);
    if (n > 1) return;
    try {
      this.#diag.warn(message());
    } catch {
      // A logger that throws has nowhere left to report to; the fault stays counted.
    }
  }
}

/**
 * An error as a message shows it, read without running the program's code: an Error's own
 * `message` data property (not a getter, not through a Proxy), a primitive as itself.
 */
export function describeError(error: unknown): string {
  // show() names a function 'a function' and never calls it.
  if (typeof error !== 'object' || error === null) return show(error);
  if (types.isProxy(error) || !types.isNativeError(error)) return 'a thrown object that is not an Error';
  const message = Object.getOwnPropertyDescriptor(error, 'message');
  return message !== undefined && 'value' in message && typeof message.value === 'string' ? message.value : 'an Error without a message';
}
