/**
 * The captured built-ins (src/runtime/intrinsics.ts) against a program that changes the
 * originals: WeakMap methods replaced, sets read to a limit, lists sorted without
 * Array.prototype, and promises watched only when watching them runs none of the program's code
 * (its realm's `then`, `constructor` and `Symbol.species` as captured), in this realm and in `vm`
 * contexts whose `Promise` is missing, odd or changed after capture. The report's own: Map and Set
 * methods and `size`, `RegExp.prototype.exec` and `test`, typed arrays' `constructor`, and the list
 * and string helpers.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import {
  addPromiseRealm,
  float64Part,
  int32Part,
  listIndexOf,
  listSlice,
  newList,
  regExpTest,
  SafeMap,
  SafeSet,
  SafeWeakMap,
  setElements,
  sortList,
  stringSplit,
  whenSettled,
} from '../dist/runtime/intrinsics.js';

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

/** Runs `body` with `owner[key]` replaced by a function that throws; puts the original back. */
function withReplaced(owner: object, key: PropertyKey, body: () => void): void {
  const original = Object.getOwnPropertyDescriptor(owner, key)!;
  Object.defineProperty(owner, key, {
    configurable: true,
    get() {
      throw new Error(`the program's ${String(key)} ran`);
    },
  });
  try {
    body();
  } finally {
    Object.defineProperty(owner, key, original);
  }
}

describe('SafeMap and SafeSet', () => {
  it('keep the original methods and size when the program replaces Map.prototype\'s and Set.prototype\'s', () => {
    const map = new SafeMap<string, number>();
    const set = new SafeSet<string>();
    for (const [proto, keys] of [
      [Map.prototype, ['get', 'set', 'has', 'delete', 'forEach', 'size']],
      [Set.prototype, ['add', 'has', 'delete', 'forEach', 'size']],
    ] as const) {
      for (const key of keys) {
        withReplaced(proto, key, () => {
          map.set('a', 1);
          set.add('a');
          const seen: string[] = [];
          map.forEach((v, k) => seen.push(`${k}=${v}`));
          set.forEach((v) => seen.push(v));
          assert.deepEqual([map.get('a'), map.has('a'), map.size, set.has('a'), set.size, seen], [1, true, 1, true, 1, ['a=1', 'a']]);
          assert.deepEqual([map.delete('a'), set.delete('a'), map.size, set.size], [true, true, 0, 0]);
        });
      }
    }
    assert.throws(() => ((SafeSet.prototype as unknown as Record<string, unknown>).add = () => {}), TypeError);
    assert.throws(() => Object.defineProperty(SafeMap.prototype, 'size', { value: 1 }), TypeError);
    assert.deepEqual([Object.keys(SafeMap.prototype), Object.keys(SafeSet.prototype)], [[], []]);
  });
});

describe('regExpTest, int32Part and float64Part', () => {
  it('regExpTest matches by the original exec, with RegExp.prototype.exec and test replaced', () => {
    withReplaced(RegExp.prototype, 'exec', () => {
      withReplaced(RegExp.prototype, 'test', () => {
        assert.deepEqual([regExpTest(/^\d+$/, '42'), regExpTest(/^\d+$/, '4x'), regExpTest(/b/g, 'abc'), regExpTest(/b/g, 'abc')], [true, false, true, true]);
      });
    });
  });

  it('int32Part and float64Part view the part of the buffer, with subarray and the typed arrays\' constructor replaced', () => {
    const ints = new Int32Array([1, 2, 3, 4, 5]).subarray(1);
    const floats = new Float64Array([0.5, 1.5, 2.5, 3.5]).subarray(1);
    const typedArray = Object.getPrototypeOf(Int32Array.prototype) as object;
    withReplaced(typedArray, 'subarray', () => {
      withReplaced(Int32Array.prototype, 'constructor', () => {
        withReplaced(Float64Array.prototype, 'constructor', () => {
          const part = int32Part(ints, 1, 3);
          part[0] = 30;
          assert.deepEqual([Array.from(part), ints[1], Array.from(float64Part(floats, 0, 2)), int32Part(ints, 2, 2).length], [[30, 4], 30, [1.5, 2.5], 0]);
          // A part that starts past the view's own start: the offset is in bytes (8 a float), the length in elements.
          const floatPart = float64Part(floats, 1, 3);
          floatPart[1] = 35;
          assert.deepEqual([Array.from(floatPart), floats[2], floatPart.length], [[2.5, 35], 35, 2]);
        });
      });
    });
  });
});

describe('listIndexOf, listSlice and stringSplit', () => {
  it('work over own elements, with the array and string methods replaced', () => {
    const list = newList<string>();
    for (const v of ['a', 'b', 'c', 'b']) list[list.length] = v;
    withReplaced(Array.prototype, 'indexOf', () => {
      withReplaced(Array.prototype, 'slice', () => {
        withReplaced(String.prototype, 'split', () => {
          const sliced = listSlice(list, 1, 3);
          const tail = listSlice(['x', 'y', 'z'], -2);
          assert.deepEqual(
            [listIndexOf(list, 'b'), listIndexOf(list, 'd'), [sliced[0], sliced[1], sliced.length], [tail[0], tail[1], tail.length]],
            [1, -1, ['b', 'c', 2], ['y', 'z', 2]],
          );
          assert.deepEqual([stringSplit('a/b//c', '/'), stringSplit('abc', '/'), stringSplit('', '/'), stringSplit('a::b', '::')], [['a', 'b', '', 'c'], ['abc'], [''], ['a', 'b']]);
        });
      });
    });
  });

  it('at their edges: a slice from 0, one whose end is past the list, a value that is undefined, a separator at the start', () => {
    const own = (list: ArrayLike<unknown>): unknown[] => Array.from({ length: list.length }, (_, i) => list[i]);
    assert.deepEqual(
      [own(listSlice(['x', 'y', 'z'], 0)), own(listSlice(['x', 'y'], 1, 5)), listIndexOf(['x', 'y'], undefined), listIndexOf([undefined], undefined), stringSplit('/a', '/'), stringSplit('/', '/')],
      [['x', 'y', 'z'], ['y'], -1, 0, ['', 'a'], ['', '']],
    );
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
