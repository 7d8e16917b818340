/**
 * The runtime in another realm of its thread (a `vm` context, as Jest runs each test file in):
 * `installInRealm` defines the thread's runtime global there as it is here (the same frozen object,
 * not writable, configurable or enumerable) and captures the realm's promise intrinsics, so that an
 * async function of that realm returning a promise of that realm stays pending until the promise
 * settles — as it does in the main realm — rather than being taken as settled.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import { ForeignSiteIds, instrument } from '../dist/index.js';
import { installInRealm, installRuntime } from '../dist/runtime/runtime.js';

const runtime = installRuntime();
const RETURNS_PENDING = 'async function waits() { return new Promise(() => {}); }\nglobalThis.kept = waits();\n';

/** A new context's own global object (what Jest's environments call `global`), and a way to run code in it. */
function context(): { global: object; run: (code: string) => void } {
  const ctx = vm.createContext({});
  return { global: vm.runInContext('this', ctx) as object, run: (code) => vm.runInContext(code, ctx) };
}

function instrumented(file: string, start: number): string {
  return instrument(RETURNS_PENDING, { filename: file, format: 'commonjs', sites: new ForeignSiteIds({ sites: start, returnSites: start }), selfContained: true })!.code;
}

/** The files of the pending frames, after the runtime's maintenance has looked at every returning frame. */
async function pendingFrames(): Promise<string[]> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  runtime.internals.maintain(performance.now());
  await new Promise((resolve) => setTimeout(resolve, 20));
  runtime.internals.maintain(performance.now());
  return runtime.internals
    .snapshot({})
    .nodes.filter((n) => n.type === 'frame')
    .map((n) => (n as { location: { file: string } }).location.file);
}

describe('the runtime in a vm context', () => {
  it('is the thread’s frozen global, defined there as here; a second install is a no-op, a context with another runtime global is refused', () => {
    const { global } = context();
    assert.equal(installInRealm(global), true);
    const here = Object.getOwnPropertyDescriptor(globalThis, '__awaitwhat');
    assert.deepEqual(Object.getOwnPropertyDescriptor(global, '__awaitwhat'), here);
    assert.ok(Object.isFrozen(here!.value));
    assert.equal(installInRealm(global), true);
    const other = context();
    Object.defineProperty(other.global, '__awaitwhat', { value: Object.freeze({ format: 2 }) });
    assert.equal(installInRealm(other.global), false);
  });

  it('keeps an async function returning a pending promise of its realm pending (it is taken as settled where the realm’s intrinsics are unknown)', async () => {
    const realm = context();
    installInRealm(realm.global);
    realm.run(instrumented('/app/realm.js', 0));
    // The same code in a context given the runtime global by hand, without its intrinsics captured.
    const bare = context();
    Object.defineProperty(bare.global, '__awaitwhat', { value: (globalThis as Record<string, unknown>).__awaitwhat });
    bare.run(instrumented('/app/bare.js', 100));
    assert.deepEqual(await pendingFrames(), ['/app/realm.js']);
  });
});
