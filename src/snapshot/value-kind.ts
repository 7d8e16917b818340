/**
 * What an awaited value is, read without running program code: only property descriptors are
 * read, so a `then` defined by a getter is recognised as one without the getter being called.
 */

import { getOwnPropertyDescriptor, getPrototypeOf, hasOwn } from '../runtime/intrinsics.ts';
import { isPromiseObject, isProxyObject } from '../runtime/values.ts';

type AwaitedKind = 'promise' | 'thenable' | 'async-iterable' | 'value';

/** A property defined by a getter (or setter): present, but its value is not read. */
const ACCESSOR: unique symbol = Symbol('accessor');
/** Prototype links followed before giving up (a chain this long is not a real class hierarchy). */
const MAX_HOPS = 64;

/**
 * `thenable` for an object with a `then` method, whether a data property or a getter: an await of
 * an object whose getter returned no function would have resumed at once, so an await still
 * pending on it is waiting for a `then` that exists. A proxy counts as a thenable too: its traps are
 * program code, never run here, and it is what the await went through.
 */
export function awaitedKind(v: unknown): AwaitedKind {
  if (isPromiseObject(v)) return 'promise';
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return 'value';
  if (isProxyObject(v)) return 'thenable';
  const then = propertyOf(v, 'then');
  if (then === ACCESSOR || typeof then === 'function') return 'thenable';
  const iterator = propertyOf(v, Symbol.asyncIterator);
  if (iterator === ACCESSOR || typeof iterator === 'function') return 'async-iterable';
  return 'value';
}

/** A property's value along the prototype chain, `ACCESSOR` for a getter, undefined when absent or behind a proxy. */
function propertyOf(target: object, key: PropertyKey): unknown {
  let o: object | null = target;
  for (let hops = 0; o !== null && hops < MAX_HOPS; hops++) {
    if (isProxyObject(o)) return undefined;
    const d = getOwnPropertyDescriptor(o, key);
    if (d !== undefined) return hasOwn(d, 'value') ? d.value : ACCESSOR;
    o = getPrototypeOf(o) as object | null;
  }
  return undefined;
}
