/**
 * A combinator's argument read without running program code: an array element by element through
 * its descriptors, a set through the built-in iterator captured at load, anything else not at all.
 * Every member is read, however many: counts must be exact.
 */

import { isArray, isSet, setElements } from '../runtime/intrinsics.ts';
import { isProxyObject } from '../runtime/values.ts';
import { getOwnPropertyDescriptor, hasOwn } from '../runtime/intrinsics.ts';

/** An element defined by a getter: the combinator ran it, the snapshot does not, so its value is unknown. */
export const UNREADABLE: unique symbol = Symbol('unreadable');

interface MemberList {
  readonly count: number;
  /** The element at `i` (< count), `UNREADABLE` for a getter; a hole reads as undefined, as it does for the combinator. */
  at(i: number): unknown;
}

/** The argument's members, or undefined when it is neither an array nor a set (or is a proxy of one). */
export function readMembers(argument: unknown): MemberList | undefined {
  if (typeof argument !== 'object' || argument === null || isProxyObject(argument)) return undefined;
  if (isArray(argument)) {
    // An array's length is an own data property: reading it runs nothing.
    const array = argument;
    return { count: array.length, at: (i) => elementAt(array, i) };
  }
  if (isSet(argument)) {
    const elements = setElements(argument, Infinity);
    return { count: elements.length, at: (i) => elements[i] };
  }
  return undefined;
}

function elementAt(array: readonly unknown[], i: number): unknown {
  const d = getOwnPropertyDescriptor(array, i);
  if (d === undefined) return undefined;
  return hasOwn(d, 'value') ? d.value : UNREADABLE;
}
