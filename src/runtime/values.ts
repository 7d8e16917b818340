/**
 * Reading values the user's program awaited, without ever running its code: no getter, no proxy
 * trap, no custom inspect function is triggered by anything here.
 */

import { inspect, types } from 'node:util';
import { getOwnPropertyDescriptor, getPrototypeOf } from './intrinsics.ts';

export const isPromiseObject: (v: unknown) => v is Promise<unknown> = types.isPromise as never;
export const isProxyObject: (v: unknown) => boolean = types.isProxy;

export type PromiseState = 'pending' | 'fulfilled' | 'rejected';

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

/** The state of a native promise (costs a few microseconds: for snapshots, not the hot path). */
export function promiseState(p: Promise<unknown>): PromiseState {
  const text = inspect(p, STATE_OPTIONS);
  const open = text.indexOf('{');
  const body = open === -1 ? '' : text.slice(open + 1).trimStart();
  if (body.startsWith('<pending>')) return 'pending';
  if (body.startsWith('<rejected>')) return 'rejected';
  return 'fulfilled';
}

export function isPendingPromise(v: unknown): boolean {
  return isPromiseObject(v) && promiseState(v) === 'pending';
}

export type ValueKind = 'promise' | 'thenable' | 'async-iterable' | 'value';

/** Classifies an awaited value by looking at property descriptors only. */
export function valueKind(v: unknown): ValueKind {
  if (isPromiseObject(v)) return 'promise';
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return 'value';
  if (isProxyObject(v)) return 'thenable';
  if (typeof findDataProperty(v, 'then') === 'function') return 'thenable';
  if (typeof findDataProperty(v, Symbol.asyncIterator) === 'function') return 'async-iterable';
  return 'value';
}

/** A data property's value along the prototype chain; undefined for accessors or proxies. */
export function findDataProperty(target: object, key: PropertyKey): unknown {
  let o: object | null = target;
  for (let hops = 0; o !== null && hops < 64; hops++) {
    if (isProxyObject(o)) return undefined;
    const d = getOwnPropertyDescriptor(o, key);
    if (d !== undefined) return 'value' in d ? d.value : undefined;
    o = getPrototypeOf(o) as object | null;
  }
  return undefined;
}
