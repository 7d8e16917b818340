/**
 * Built-ins awaitwhat applies to the program's values, captured when the runtime loads (before the
 * program runs): a program or library that later replaces `Object.getOwnPropertyDescriptor`,
 * `Set.prototype.values` or `Set`'s `Symbol.hasInstance` must never have its code called by
 * awaitwhat's reads of its values.
 */

import { types } from 'node:util';

export const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const getPrototypeOf = Object.getPrototypeOf;
export const isArray = Array.isArray;
export const isSet: (v: unknown) => v is Set<unknown> = types.isSet as never;
const apply = Reflect.apply;
const setValues = Set.prototype.values;
const setIteratorNext = getPrototypeOf(new Set().values()).next as (this: Iterator<unknown>) => IteratorResult<unknown>;

/** The first `limit` elements of a (non-proxy) set, read with the built-in iterator. */
export function setElements(set: Set<unknown>, limit: number): unknown[] {
  const iterator = apply(setValues, set, []) as Iterator<unknown>;
  const out: unknown[] = [];
  while (out.length < limit) {
    const step = apply(setIteratorNext, iterator, []) as IteratorResult<unknown>;
    if (step.done === true) break;
    out.push(step.value);
  }
  return out;
}
