/**
 * Reading values the user's program awaited, without ever running its code: no getter, no proxy
 * trap, no custom inspect function is triggered by anything here.
 */

// Not `import … from 'node:util'`: the ES module face of node:util opens process.stderr when it
// loads, which shows in the program's process.getActiveResourcesInfo() when stderr is a pipe.
const { inspect, types } = process.getBuiltinModule('node:util');
import { stringIndexOf, stringSlice, stringStartsWith, stringTrimStart } from './intrinsics.ts';

export const isPromiseObject: (v: unknown) => v is Promise<unknown> = types.isPromise as never;
export const isProxyObject: (v: unknown) => boolean = types.isProxy;

const isArrayValue = Array.isArray;

/**
 * Whether `v` is an array and not a proxy: one whose `length` and elements can be read without
 * running code of the program's. On the claim path (every kept call result): `Array.isArray` is
 * inlined by the compiler and rejects a promise in a few instructions, so the native call of
 * `isProxyObject` is made for arrays only (about 75 instructions less per kept call, counted
 * with valgrind: BENCHMARKS.md, "Hot path, 2026-12-03"). `Array.isArray`
 * runs no trap of a proxy, but throws on a revoked one: that is no array we can read.
 */
export function isOrdinaryArray(v: unknown): v is unknown[] {
  let array: boolean;
  try {
    array = isArrayValue(v);
  } catch {
    return false;
  }
  return array && !isProxyObject(v);
}

type PromiseState = 'pending' | 'fulfilled' | 'rejected';

/**
 * `v instanceof C` for awaitwhat's own classes, safe on any value the program produced: on a proxy,
 * `instanceof` would run its `getPrototypeOf` trap (and a trap may throw).
 */
export function isOwnInstance<T>(v: unknown, C: abstract new (...args: never[]) => T): v is T {
  return typeof v === 'object' && v !== null && !isProxyObject(v) && v instanceof C;
}

// util.inspect is the only public synchronous way to read a promise's state. These options keep it
// from formatting the settled value beyond one level or calling any user code while doing so.
const STATE_OPTIONS = {
  depth: 0,
  customInspect: false,
  showProxy: true,
  getters: false,
  maxArrayLength: 0,
  maxStringLength: 0,
  breakLength: Infinity,
} as const;

/**
 * The state of a native promise (costs a few microseconds: for snapshots, not the hot path).
 *
 * Not free of the program's code: to print a settled promise, `inspect` formats its value even at
 * depth 0, reading the value's `Symbol.toStringTag` and `Symbol.iterator` (a getter runs) and
 * walking its prototype chain (a proxy's traps run), and it reads the promise's own
 * `Symbol.toStringTag`. The runtime itself no longer calls this (it watches returned promises with
 * a reaction instead); what the snapshot does with it is for the snapshot to decide.
 */
export function promiseState(p: Promise<unknown>): PromiseState {
  const text = inspect(p, STATE_OPTIONS);
  const open = stringIndexOf(text, '{');
  const body = open === -1 ? '' : stringTrimStart(stringSlice(text, open + 1));
  if (stringStartsWith(body, '<pending>')) return 'pending';
  if (stringStartsWith(body, '<rejected>')) return 'rejected';
  return 'fulfilled';
}
