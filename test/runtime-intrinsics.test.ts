/**
 * The captured built-ins (src/runtime/intrinsics.ts) against a program that changes the
 * originals: WeakMap methods replaced, sets read to a limit, lists sorted without
 * Array.prototype, and promises watched only when watching them runs none of the program's code
 * (its realm's `then`, `constructor` and `Symbol.species` as captured), in this realm and in `vm`
 * contexts whose `Promise` is missing, odd or changed after capture.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import { addPromiseRealm, newList, SafeWeakMap, setElements, sortList, whenSettled } from '../dist/runtime/intrinsics.js';

/** A new `vm` context: its global object, and a way to run code in it. */
function realm(): { global: object; run: (code: string) => unknown } {
  const ctx = vm.createContext({});
  return { global: vm.runInContext('this', ctx) as object, run: (code) => vm.runInContext(code, ctx) };
}

/** Whether `onSettled` ran once `p` settled (a turn later). */
async function settledCalls(p: Promise<unknown>, watched: boolean): Promise<number> {
  let calls = 0;
  assert.equal(whenSettled(p, () => calls++), watched);
  await new Promise((resolve) => setImmediate(resolve));
  return calls;
}

describe('SafeWeakMap', () => {
  it('keeps the original methods when the program replaces WeakMap.prototype\'s, and its own cannot be replaced', () => {
    const map = new SafeWeakMap<object, number>();
    const key = {};
    const original = { get: WeakMap.prototype.get, set: WeakMap.prototype.set, has: WeakMap.prototype.has, delete: WeakMap.prototype.delete };
    const hijacked = () => {
      throw new Error('the program\'s WeakMap method ran');
    };
    Object.assign(WeakMap.prototype, { get: hijacked, set: hijacked, has: hijacked, delete: hijacked });
    try {
      map.set(key, 1);
      assert.equal(map.get(key), 1);
      assert.equal(map.has(key), true);
      assert.equal(map.delete(key), true);
      assert.equal(map.has(key), false);
    } finally {
      Object.assign(WeakMap.prototype, original);
    }
    assert.throws(() => ((SafeWeakMap.prototype as unknown as Record<string, unknown>).get = hijacked), TypeError);
    assert.throws(() => Object.defineProperty(SafeWeakMap, 'extra', { value: 1 }), TypeError);
    assert.throws(() => Object.defineProperty(SafeWeakMap.prototype, 'extra', { value: 1 }), TypeError);
    assert.deepEqual(Object.keys(SafeWeakMap.prototype), []);
  });
});

describe('sortList and setElements', () => {
  it('sortList sorts a list by the comparison, with Array.prototype.sort replaced', () => {
    const list = newList<number>();
    for (const v of [3, 1, 2]) list[list.length] = v;
    const sort = Array.prototype.sort;
    Array.prototype.sort = () => {
      throw new Error('the program\'s sort ran');
    };
    try {
      sortList(list, (a, b) => a - b);
    } finally {
      Array.prototype.sort = sort;
    }
    assert.deepEqual([list[0], list[1], list[2], list.length], [1, 2, 3, 3]);
  });

  it('setElements gives the first `limit` elements in order, or all of a smaller set', () => {
    const set = new Set(['a', 'b', 'c']);
    assert.deepEqual(setElements(set, 2), ['a', 'b']);
    assert.deepEqual(setElements(set, 3), ['a', 'b', 'c']);
    assert.deepEqual(setElements(set, Infinity), ['a', 'b', 'c']);
    assert.deepEqual(setElements(set, 0), []);
  });
});

describe('addPromiseRealm', () => {
  it('captures a context\'s own Promise: its promises are then watched', async () => {
    const { global, run } = realm();
    const p = run('Promise.resolve(1)') as Promise<unknown>;
    assert.equal(await settledCalls(p, false), 0);
    assert.equal(addPromiseRealm(global), true);
    assert.equal(await settledCalls(run('Promise.resolve(2)') as Promise<unknown>, true), 1);
    assert.equal(await settledCalls(run('Promise.reject(new Error("no"))') as Promise<unknown>, true), 1);
  });

  for (const [what, setup] of [
    ['no Promise', 'delete globalThis.Promise'],
    ['a Promise that is not a function', 'globalThis.Promise = 1'],
    ['a Promise without a prototype of its own', 'globalThis.Promise = () => {}'],
    ['a Promise whose prototype has no then', 'function P() {} globalThis.Promise = P; Object.defineProperty(P, Symbol.species, { get() { return P; } })'],
    ['a Promise whose then is not a function', 'function P() {} globalThis.Promise = P; P.prototype.then = 1; Object.defineProperty(P, Symbol.species, { get() { return P; } })'],
    ['a Promise without Symbol.species', 'function P() {} globalThis.Promise = P; P.prototype.then = function then() {}'],
    ['a Promise whose species is no getter', 'function P() {} globalThis.Promise = P; P.prototype.then = function then() {}; Object.defineProperty(P, Symbol.species, { value: P })'],
  ] as const) {
    it(`captures nothing from a context with ${what}`, async () => {
      const { global, run } = realm();
      const own = run('Promise.resolve(1)') as Promise<unknown>;
      run(setup);
      assert.equal(addPromiseRealm(global), false);
      assert.equal(await settledCalls(own, false), 0);
    });
  }
});

describe('whenSettled', () => {
  it('watches this realm\'s promises, fulfilled or rejected, calling back once each', async () => {
    assert.equal(await settledCalls(Promise.resolve(1), true), 1);
    const rejected = Promise.reject(new Error('no'));
    assert.equal(await settledCalls(rejected, true), 1);
    await rejected.catch(() => {});
  });

  it('leaves alone a promise with a `constructor` of its own (then would read it)', async () => {
    const p = Promise.resolve(1);
    Object.defineProperty(p, 'constructor', { value: Promise });
    assert.equal(await settledCalls(p, false), 0);
  });

  for (const [what, change] of [
    ['its prototype\'s constructor removed', 'delete Promise.prototype.constructor'],
    ['its prototype\'s constructor a getter', 'Object.defineProperty(Promise.prototype, "constructor", { get: () => Promise })'],
    ['its prototype\'s constructor replaced', 'Promise.prototype.constructor = function Other() {}'],
    ['Symbol.species removed', 'delete Promise[Symbol.species]'],
    ['Symbol.species a value', 'Object.defineProperty(Promise, Symbol.species, { value: Promise })'],
    ['Symbol.species another getter', 'Object.defineProperty(Promise, Symbol.species, { get: () => Promise })'],
  ] as const) {
    it(`leaves alone the promises of a realm with ${what} after capture`, async () => {
      const { global, run } = realm();
      assert.equal(addPromiseRealm(global), true);
      const p = run('Promise.resolve(1)') as Promise<unknown>;
      assert.equal(await settledCalls(run('Promise.resolve(0)') as Promise<unknown>, true), 1);
      run(change);
      assert.equal(await settledCalls(p, false), 0);
    });
  }

  it('leaves alone the promises of a realm never captured', async () => {
    const { run } = realm();
    assert.equal(await settledCalls(run('Promise.resolve(1)') as Promise<unknown>, false), 0);
  });
});
