/**
 * The runtime's fault sink. The runtime has no logger and must never throw into the program, so
 * an error it catches is counted here by kind, and the first of each kind is handed to the
 * reporter that whoever installed awaitwhat wires up (the command: a line on stderr; the hooks: the
 * warning callback; the OpenTelemetry instrumentation: `diag`). A fault that happens before a
 * reporter is set is handed to it when it is set. Nothing here can throw: a reporter that throws
 * is itself contained.
 */

// Not `import … from 'node:util'`: the ES module face of node:util opens process.stderr when it
// loads, which shows in the program's process.getActiveResourcesInfo() when stderr is a pipe.
const { types } = process.getBuiltinModule('node:util');
import { append, getOwnPropertyDescriptor, hasOwn, newList, type List } from './intrinsics.ts';

const StringConstructor = String;
const isProxy = types.isProxy;

/** Where in the runtime a fault happened. */
export type FaultKind =
  /** Registering the unclaimed calls of a run (the job queued behind it). */
  | 'handoffs'
  /** The registry's periodic maintenance (sweeps, weak holding, the cap on frames). */
  | 'maintenance'
  /** A traced frame's observer (the OpenTelemetry bridge) threw. */
  | 'observer';

interface Fault {
  kind: FaultKind;
  /** The error's message (or its string form), never its stack or any value it refers to. */
  message: string;
}

/** Receives the first fault of each kind; it must not block, and anything it throws is dropped. */
export type FaultReporter = (fault: Fault) => void;

const counts: Record<FaultKind, number> = { handoffs: 0, maintenance: 0, observer: 0 };
/** First fault of each kind not yet handed to a reporter. */
const unreported: List<Fault> = newList();
let reporter: FaultReporter | undefined;

function describe(error: unknown): string {
  if ((typeof error !== 'object' && typeof error !== 'function') || error === null) return StringConstructor(error);
  // Read as an own data property only: a getter or a proxy of the program's runs no code here.
  if (isProxy(error)) return 'a proxy was thrown';
  const d = getOwnPropertyDescriptor(error, 'message');
  return d !== undefined && hasOwn(d, 'value') && typeof d.value === 'string' ? d.value : 'an object without a message was thrown';
}

/** Counts a fault; the first of its kind goes to the reporter (now, or once one is set). */
export function reportFault(kind: FaultKind, error: unknown): void {
  if (counts[kind]++ !== 0) return;
  const fault: Fault = { kind, message: describe(error) };
  if (reporter === undefined) append(unreported, fault);
  else deliver(reporter, fault);
}

function deliver(to: FaultReporter, fault: Fault): void {
  try {
    to(fault);
  } catch {
    // The reporter is the last place a fault can be told; if it fails, the count remains.
  }
}

/** Sets (or, with undefined, removes) the reporter; it first receives the faults seen so far. */
export function setFaultReporter(next: FaultReporter | undefined): void {
  reporter = next;
  if (next === undefined) return;
  for (let i = 0; i < unreported.length; i++) deliver(next, unreported[i]!);
  unreported.length = 0;
}

/** How many faults of each kind occurred since the runtime loaded. */
export function faultCounts(): Readonly<Record<FaultKind, number>> {
  return { handoffs: counts.handoffs, maintenance: counts.maintenance, observer: counts.observer };
}
