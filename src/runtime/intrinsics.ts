/**
 * Built-ins captured when awaitwhat loads, before the program runs: everything awaitwhat does
 * later — in the hot path, the registry's sweeps, its timer, and when it reads the program's
 * values — goes through these, never through a property lookup on a global or a prototype at call
 * time. A program (or a library) that later replaces `Array.prototype.push`, `WeakMap.prototype.get`,
 * `performance.now`, `Symbol.iterator` or `Object.getOwnPropertyDescriptor`, or defines accessors
 * at the indices of `Array.prototype`, never has its code called by awaitwhat. The model is Node's
 * own `primordials` (lib/internal/per_context/primordials.js).
 *
 * What to avoid in code that uses this module, because each looks something up at call time:
 * method calls on built-ins (`list.push`, `map.get`, `str.slice`); `for…of`, spread and array
 * destructuring (`Array.prototype[Symbol.iterator]`); `new Map()` and other global names; storing
 * to an index of an ordinary array that it does not already hold as its own (a hole, or `length`),
 * which walks the prototype chain for a setter; methods that create arrays (`slice`, `map`,
 * `concat`: `Symbol.species`); `instanceof` on a class that is not frozen. Reading an element an
 * ordinary array holds, its `length`, and writing `length` are safe.
 */

// Not `import … from 'node:util'`: the ES module face of node:util opens process.stderr when it
// loads, which shows in the program's process.getActiveResourcesInfo() when stderr is a pipe.
const { types } = process.getBuiltinModule('node:util');

const { apply, defineProperty, getPrototypeOf: reflectGetPrototypeOf } = Reflect;
const functionBind = Function.prototype.bind;
const functionCall = Function.prototype.call;

/**
 * `uncurryThis(Array.prototype.fill)(array, 0)` calls the original method with `array` as `this`,
 * through no property lookup: `Function.prototype.call` bound once, here.
 */
export function uncurryThis<This, Args extends unknown[], Result>(method: (this: This, ...args: Args) => Result): (self: This, ...args: Args) => Result {
  return apply(functionBind, functionCall, [method]) as (self: This, ...args: Args) => Result;
}

export const freeze = Object.freeze;
export const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const getPrototypeOf = Object.getPrototypeOf;
export const setPrototypeOf = Object.setPrototypeOf;
export const hasOwn = Object.hasOwn;
export const isArray = Array.isArray;
export const isSet: (v: unknown) => v is Set<unknown> = types.isSet as never;
const ArrayPrototype = Array.prototype;

/** `queueMicrotask`, as it was when awaitwhat loaded (fake timers installed later never see our jobs). */
export const queueJob = queueMicrotask;

/** `setImmediate`, as it was when awaitwhat loaded (traced frames' event-loop turn counter). */
export const nextTurn = setImmediate;

/** `performance.now()`, bound to Node's own `performance` object. */
export const preciseNow: () => number = apply(functionBind, performance.now, [performance]) as () => number;

/**
 * An array with no prototype, for awaitwhat's own lists: its elements and `length` are its own, so
 * appending to it or reading a hole reaches no accessor the program may have defined on
 * `Array.prototype` or `Object.prototype`; and having no methods, it has none to be replaced. The
 * type has no methods either, so that calling one does not compile.
 */
export interface List<T> {
  [index: number]: T;
  length: number;
}

/** A new `List` of `length` empty slots (reading one gives undefined; writing one is safe). */
export function newList<T>(length = 0): List<T> {
  return setPrototypeOf(new ArrayConstructor(length), null) as List<T>;
}
const ArrayConstructor = Array;

/** Appends `value` to `list`. */
export function append<T>(list: List<T>, value: T): void {
  list[list.length] = value;
}

/**
 * Makes `list` an ordinary array (for code outside the runtime that reads it with array methods).
 * Its elements are already its own, so none was stored through the prototype chain.
 */
export function publish<T>(list: List<T>): T[] {
  return setPrototypeOf(list, ArrayPrototype) as T[];
}

/**
 * Appends `value` to an ordinary array (one code outside the runtime reads with array methods) by
 * defining the element, which runs no setter; the descriptor has no prototype, so reading it runs
 * none either. Costs a descriptor allocation: for rare paths only.
 */
export function appendToArray<T>(array: T[], value: T): void {
  defineProperty(array, array.length, { __proto__: null, value, writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
}

/**
 * A WeakMap whose methods are its own and frozen: `map.get(k)` runs the original `WeakMap.prototype.get`
 * whatever the program later does to `WeakMap.prototype` (the pattern of Node's `SafeWeakMap`).
 */
export class SafeWeakMap<K extends WeakKey, V> extends WeakMap<K, V> {}
for (const key of ['get', 'set', 'has', 'delete'] as const) {
  defineProperty(SafeWeakMap.prototype, key, { __proto__: null, value: WeakMap.prototype[key], writable: false, enumerable: false, configurable: false } as PropertyDescriptor);
}
freeze(SafeWeakMap.prototype);
freeze(SafeWeakMap);

/** `new WeakRef(target)` and `ref.deref()`, as they were when awaitwhat loaded. */
export const WeakRefConstructor = WeakRef;
export const weakRefDeref: <T extends WeakKey>(ref: WeakRef<T>) => T | undefined = uncurryThis(WeakRef.prototype.deref) as never;

export const Uint8ArrayConstructor = Uint8Array;
/** `target.set(source)` for typed arrays. */
export const typedArraySet: (target: Uint8Array, source: Uint8Array) => void = uncurryThis((reflectGetPrototypeOf(Uint8Array.prototype) as Uint8Array).set) as never;
const typedArrayPrototype = reflectGetPrototypeOf(Uint8Array.prototype) as object;
/** `array.buffer`, by the original getter of `%TypedArray%.prototype` (an accessor the program can replace). */
export const typedArrayBuffer = uncurryThis(getOwnPropertyDescriptor(typedArrayPrototype, 'buffer')!.get!) as (array: ArrayBufferView) => ArrayBuffer;
const typedArrayByteOffset = uncurryThis(getOwnPropertyDescriptor(typedArrayPrototype, 'byteOffset')!.get!) as (array: ArrayBufferView) => number;
/** `new Int32Array(…)`, `new Float64Array(…)`, `new Uint32Array(…)` and `new TextDecoder(…)` by the constructors as they were when awaitwhat loaded (`new Int32Array` looks the global up when it runs). */
export const Int32ArrayConstructor = Int32Array;
export const Float64ArrayConstructor = Float64Array;
export const Uint32ArrayConstructor = Uint32Array;
export const TextDecoderConstructor = TextDecoder;
/**
 * `array.subarray(start, end)` for an Int32Array, as a new view of its buffer: not `subarray`
 * itself, which looks up `array.constructor` and its `Symbol.species` (the program's, if it
 * replaced `Int32Array.prototype.constructor`).
 */
export function int32Part(array: Int32Array, start: number, end: number): Int32Array {
  return new Int32ArrayConstructor(typedArrayBuffer(array), typedArrayByteOffset(array) + start * 4, end - start);
}
/** `array.subarray(start, end)` for a Float64Array, as `int32Part`. */
export function float64Part(array: Float64Array, start: number, end: number): Float64Array {
  return new Float64ArrayConstructor(typedArrayBuffer(array), typedArrayByteOffset(array) + start * 8, end - start);
}

export const stringIndexOf = uncurryThis(String.prototype.indexOf);
export const stringSlice = uncurryThis(String.prototype.slice);
export const stringTrimStart = uncurryThis(String.prototype.trimStart);
export const stringTrimEnd = uncurryThis(String.prototype.trimEnd);
export const stringStartsWith = uncurryThis(String.prototype.startsWith);
export const stringEndsWith = uncurryThis(String.prototype.endsWith);
export const stringCharCodeAt = uncurryThis(String.prototype.charCodeAt);

/** `process.cwd()`, bound to the process when awaitwhat loaded. */
export const processCwd: () => string = apply(functionBind, process.cwd, [process]) as () => string;

/** `String(value)`, by the function as it was when awaitwhat loaded (an object's own `toString` still runs: give it no object of the program's). */
export const toText = String;

/** `Date.now()`, as it was when awaitwhat loaded. */
export const dateNow: () => number = Date.now;

/**
 * Sorts a `List` in place with the original `Array.prototype.sort` (which reads and writes only the
 * list's own elements: a list has no prototype to reach).
 */
export function sortList<T>(list: List<T>, compare: (a: T, b: T) => number): void {
  arraySort(list as unknown as T[], compare as (a: unknown, b: unknown) => number);
}
const arraySort = uncurryThis(Array.prototype.sort as (this: unknown[], compare: (a: unknown, b: unknown) => number) => unknown[]);

const setValues = Set.prototype.values;
const setIteratorNext = getPrototypeOf(new Set().values()).next as (this: Iterator<unknown>) => IteratorResult<unknown>;

/** The first `limit` elements of a (non-proxy) set, read with the built-in iterator. */
export function setElements(set: Set<unknown>, limit: number): unknown[] {
  const iterator = apply(setValues, set, []) as Iterator<unknown>;
  const out = newList<unknown>();
  while (out.length < limit) {
    const step = apply(setIteratorNext, iterator, []) as IteratorResult<unknown>;
    if (step.done === true) break;
    append(out, step.value);
  }
  return publish(out);
}

const PromiseConstructor = Promise;
const PromisePrototype = Promise.prototype;
const promiseSpeciesGetter = getOwnPropertyDescriptor(Promise, Symbol.species)?.get;
const promiseThen = uncurryThis(Promise.prototype.then) as (p: Promise<unknown>, onFulfilled: (v: unknown) => void, onRejected: (e: unknown) => void) => Promise<unknown>;

/** A realm's promise intrinsics, as captured before its program ran. */
interface PromiseIntrinsics {
  readonly constructor: PromiseConstructor;
  readonly speciesGetter: unknown;
  readonly then: (p: Promise<unknown>, onFulfilled: (v: unknown) => void, onRejected: (e: unknown) => void) => Promise<unknown>;
}

/**
 * Other realms whose code is instrumented (Jest's `vm` contexts, one per test file), by their
 * `Promise.prototype`: weakly, so that a context Jest is done with is collected with its entry.
 */
const realms = new SafeWeakMap<object, PromiseIntrinsics>();
const main: PromiseIntrinsics = { constructor: PromiseConstructor, speciesGetter: promiseSpeciesGetter, then: promiseThen };

/**
 * Captures the promise intrinsics of another realm (a `vm` context's global object, before any of
 * its program ran), so that the promises its instrumented code returns are watched as the main
 * realm's are. Returns false, capturing nothing, when that global has no `Promise` of its own
 * with the usual prototype, `then` and species.
 */
export function addPromiseRealm(global: object): boolean {
  const constructor = getOwnPropertyDescriptor(global, 'Promise')?.value as PromiseConstructor | undefined;
  if (typeof constructor !== 'function') return false;
  const prototype = getOwnPropertyDescriptor(constructor, 'prototype')?.value as object | undefined;
  const then = prototype === undefined ? undefined : (getOwnPropertyDescriptor(prototype, 'then')?.value as unknown);
  const species = getOwnPropertyDescriptor(constructor, Symbol.species)?.get;
  if (prototype === undefined || typeof then !== 'function' || species === undefined) return false;
  realms.set(prototype, { constructor, speciesGetter: species, then: uncurryThis(then as Promise<unknown>['then']) as PromiseIntrinsics['then'] });
  return true;
}

/**
 * Calls `onSettled` once native promise `p` settles, by the original `then` of its realm, or
 * returns false without doing anything when that would run code of the program's: `then` reads
 * `p.constructor` and that constructor's `Symbol.species`, which the program may have made
 * accessors or replaced; or when `p` is of a realm whose intrinsics were not captured. The reaction
 * never rejects (both handlers are given), so it adds no unhandled rejection. Callers must only
 * watch promises that something already handles (a returned promise, adopted by its async
 * function's own promise), so that the handler added here changes nothing the program sees.
 */
export function whenSettled(p: Promise<unknown>, onSettled: () => void): boolean {
  const prototype = getPrototypeOf(p) as object;
  const realm = prototype === PromisePrototype ? main : realms.get(prototype);
  if (realm === undefined || hasOwn(p, 'constructor')) return false;
  const c = getOwnPropertyDescriptor(prototype, 'constructor');
  if (c === undefined || !hasOwn(c, 'value') || c.value !== realm.constructor) return false;
  const s = getOwnPropertyDescriptor(realm.constructor, Symbol.species);
  if (s === undefined || !hasOwn(s, 'get') || s.get !== realm.speciesGetter) return false;
  realm.then(p, onSettled, onSettled);
  return true;
}

/** `Math.max`, `Math.min` and `Math.floor`, as they were when awaitwhat loaded (the renderer's arithmetic). */
export const { max: mathMax, min: mathMin, floor: mathFloor } = Math;

/** The elements of `list` (a `List` or an ordinary array) joined by `separator`, by the original `Array.prototype.join`. */
export const listJoin: (list: List<string> | readonly string[], separator: string) => string = uncurryThis(Array.prototype.join) as never;

/** The last element of `list`, removed (the list must not be empty): reads an own element and writes `length`. */
export function popList<T>(list: List<T>): T {
  const last = list[list.length - 1]!;
  list.length--;
  return last;
}

/**
 * A Map whose methods are its own and frozen, as `SafeWeakMap`: `forEach` in place of the
 * iterators (whose `next` lies on a prototype the program can reach).
 */
export class SafeMap<K, V> extends Map<K, V> {}
for (const key of ['get', 'set', 'has', 'delete', 'forEach'] as const) {
  defineProperty(SafeMap.prototype, key, { __proto__: null, value: Map.prototype[key], writable: false, enumerable: false, configurable: false } as PropertyDescriptor);
}
defineProperty(SafeMap.prototype, 'size', { __proto__: null, get: getOwnPropertyDescriptor(Map.prototype, 'size')!.get, enumerable: false, configurable: false } as PropertyDescriptor);
freeze(SafeMap.prototype);
freeze(SafeMap);

/**
 * A Set whose methods are its own and frozen, as `SafeMap`. `size` is an accessor of
 * `Set.prototype` (and `Map.prototype`), so both classes get the original getter as their own.
 */
export class SafeSet<T> extends Set<T> {}
for (const key of ['add', 'has', 'delete', 'forEach'] as const) {
  defineProperty(SafeSet.prototype, key, { __proto__: null, value: Set.prototype[key], writable: false, enumerable: false, configurable: false } as PropertyDescriptor);
}
defineProperty(SafeSet.prototype, 'size', { __proto__: null, get: getOwnPropertyDescriptor(Set.prototype, 'size')!.get, enumerable: false, configurable: false } as PropertyDescriptor);
freeze(SafeSet.prototype);
freeze(SafeSet);

/** `Math.round`, `Math.random`, `JSON.parse`, `JSON.stringify`, `Number`, `Number.isNaN`, `Number.isInteger` and `decodeURIComponent`, as they were when awaitwhat loaded. */
export const { round: mathRound, random: mathRandom } = Math;
/** `n.toFixed(digits)` and `n.toString(radix)`, by the original methods. */
export const numberToFixed: (n: number, digits: number) => string = uncurryThis(Number.prototype.toFixed) as never;
export const numberToString: (n: number, radix: number) => string = uncurryThis(Number.prototype.toString) as never;
export const { parse: jsonParse, stringify: jsonStringify } = JSON;
export const toNumber = Number;
export const { isNaN: numberIsNaN, isInteger: numberIsInteger } = Number;
export const decodeUriComponent = decodeURIComponent;

/**
 * `re.exec(text)` by the original `RegExp.prototype.exec`, which reads only `re`'s own state
 * (`lastIndex`, its flags as created). Not `re.test(text)`: `test`, `String.prototype.replace`,
 * `match` and `split` with a regular expression look `exec` (and `flags`) up on the object.
 */
export const regExpExec: (re: RegExp, text: string) => RegExpExecArray | null = uncurryThis(RegExp.prototype.exec) as never;
/** Whether `re` matches `text`, by the original `exec` (see `regExpExec`). */
export function regExpTest(re: RegExp, text: string): boolean {
  return regExpExec(re, text) !== null;
}
/** `new RegExp(source, flags)`, by the constructor as it was when awaitwhat loaded. */
export const RegExpConstructor = RegExp;

/** `array.fill(value, start, end)` for typed arrays (no species: it makes no new array). */
export const typedArrayFill: <T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(array: T, value: number, start?: number, end?: number) => T = uncurryThis(
  (reflectGetPrototypeOf(Uint8Array.prototype) as Uint8Array).fill,
) as never;

/** `decoder.decode(bytes, options)`, by the original `TextDecoder.prototype.decode`. */
export const textDecode: (decoder: object, bytes?: Uint8Array, options?: { stream?: boolean }) => string = uncurryThis(TextDecoder.prototype.decode) as never;

/** The index of the first element of `list` that is `value` (`===`), or -1: a loop over its own elements. */
export function listIndexOf<T>(list: List<T> | readonly T[], value: T): number {
  for (let i = 0; i < list.length; i++) if (list[i] === value) return i;
  return -1;
}

/** A new `List` of `list`'s elements from `start` to `end` (default: its length). */
export function listSlice<T>(list: List<T> | readonly T[], start: number, end: number = list.length): List<T> {
  const out = newList<T>();
  for (let i = start < 0 ? mathMax(0, list.length + start) : start; i < end && i < list.length; i++) out[out.length] = list[i]!;
  return out;
}

/** `text` cut at each `separator` (a non-empty string), as `text.split(separator)` by the captured `indexOf` and `slice`. */
export function stringSplit(text: string, separator: string): string[] {
  const out = newList<string>();
  let from = 0;
  for (;;) {
    const at = stringIndexOf(text, separator, from);
    if (at < 0) break;
    out[out.length] = stringSlice(text, from, at);
    from = at + separator.length;
  }
  out[out.length] = stringSlice(text, from);
  return publish(out);
}
