/**
 * src/runtime/values.ts: `isOwnInstance` tells awaitwhat's own objects from anything else the
 * program can hand over, running none of its code; `promiseState` reads a native promise's state.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isOwnInstance, promiseState } from '../dist/runtime/values.js';

class Own {
  readonly mark = 1;
}

describe('runtime values', () => {
  it('isOwnInstance: only true objects of the class, never a proxy, a function or a primitive', () => {
    const own = new Own();
    assert.equal(isOwnInstance(own, Own), true);
    assert.equal(isOwnInstance(Object.create(Own.prototype), Own), true);
    assert.equal(isOwnInstance({}, Own), false);
    assert.equal(isOwnInstance(null, Own), false);
    assert.equal(isOwnInstance(undefined, Own), false);
    assert.equal(isOwnInstance(1, Own), false);
    // A function whose prototype chain leads to the class: `instanceof` says yes; it is no instance.
    const fn = Object.setPrototypeOf(() => {}, Own.prototype) as unknown;
    assert.equal(fn instanceof Own, true);
    assert.equal(isOwnInstance(fn, Own), false);
    // A proxy of an instance, whose getPrototypeOf trap would run under `instanceof`.
    let trapped = 0;
    const proxy = new Proxy(own, {
      getPrototypeOf(target) {
        trapped++;
        return Reflect.getPrototypeOf(target);
      },
    });
    assert.equal(isOwnInstance(proxy, Own), false);
    assert.equal(trapped, 0);
  });

  it('promiseState: pending, fulfilled and rejected, whatever the settled value prints as', async () => {
    assert.equal(promiseState(new Promise(() => {})), 'pending');
    assert.equal(promiseState(Promise.resolve('<pending>')), 'fulfilled');
    assert.equal(promiseState(Promise.resolve({ a: '{ <rejected>' })), 'fulfilled');
    const rejected = Promise.reject(new Error('<pending>'));
    rejected.catch(() => {});
    assert.equal(promiseState(rejected), 'rejected');
    class Sub extends Promise<unknown> {}
    assert.equal(promiseState(new Sub(() => {})), 'pending');
  });
});
