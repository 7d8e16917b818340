/**
 * Installing the thread's runtime (src/runtime/runtime.ts), in the test's own process: the global
 * it defines (frozen, not writable, configurable or enumerable), the handle this copy keeps, what
 * a second copy and an incompatible runtime get, the global in another realm, the kind each site
 * is noted with, plain frames until tracing is turned on, and `moduleFramePending`.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createContext, runInContext } from 'node:vm';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ROOT } from './support/run.ts';
import { FORMAT_VERSION, RUNTIME_GLOBAL } from '../dist/transform/constants.js';
import { currentRuntime, installInRealm, installRuntime, runtimeGlobal } from '../dist/runtime/runtime.js';
import { runtimeInternals } from '../dist/runtime/internals.js';
import { DONE, Frame, KIND_AWAIT, KIND_RETURN, KIND_YIELD } from '../dist/runtime/frame.js';
import { FOREIGN_SITE_BASE, type SiteKind, type SiteRecord } from '../dist/runtime/sites.js';
import { TracedFrame } from '../dist/runtime/traced-frame.js';
import { freshInstanceUrl } from './support/fresh.ts';

const RUNTIME_URL = pathToFileURL(join(ROOT, 'dist', 'runtime', 'runtime.js')).href;
const forever = new Promise(() => {});

interface Global {
  format: number;
  e(fn: number): Frame;
  g(fn: number): Frame;
  m(fn: number): Frame;
}

/** A site record with the fields every kind has. */
const site = (kind: SiteKind, more: Partial<SiteRecord> = {}): SiteRecord => ({ kind, file: 'file:///install.mjs', line: 1, column: 1, name: '', text: '', ...more });

describe('installing the runtime', () => {
  it('before: no global, no handle, no internals, and no realm can be given one', () => {
    assert.equal(Object.getOwnPropertyDescriptor(globalThis, RUNTIME_GLOBAL), undefined);
    assert.equal(runtimeGlobal(), undefined);
    assert.equal(currentRuntime(), undefined);
    assert.equal(runtimeInternals(), undefined);
    const realm = createContext({});
    assert.equal(installInRealm(realm), false);
    assert.equal(Object.getOwnPropertyDescriptor(realm, RUNTIME_GLOBAL), undefined);
  });

  it('defines a frozen global that cannot be replaced, deleted or listed, and returns the same handle each time', () => {
    const handle = installRuntime();
    assert.equal(installRuntime(), handle);
    assert.equal(currentRuntime(), handle);
    assert.equal(runtimeInternals(), handle.internals);
    assert.ok(Object.isFrozen(handle) && Object.isFrozen(handle.internals));
    assert.equal(handle.format, FORMAT_VERSION);
    const d = Object.getOwnPropertyDescriptor(globalThis, RUNTIME_GLOBAL)!;
    assert.deepEqual({ writable: d.writable, configurable: d.configurable, enumerable: d.enumerable }, { writable: false, configurable: false, enumerable: false });
    assert.equal(runtimeGlobal(), d.value);
    assert.ok(Object.isFrozen(d.value));
    assert.equal((d.value as Global).format, FORMAT_VERSION);
    assert.equal(Object.keys(globalThis).includes(RUNTIME_GLOBAL), false);
  });

  it('a second copy of awaitwhat sees the global but cannot install: it is told who owns the runtime', async () => {
    installRuntime();
    const copy = (await import(freshInstanceUrl('runtime/runtime.js', 'copy=1'))) as typeof import('../dist/runtime/runtime.js');
    assert.equal(copy.runtimeGlobal(), runtimeGlobal());
    assert.equal(copy.currentRuntime(), undefined);
    assert.throws(() => copy.installRuntime(), {
      name: 'RuntimeOwnedElsewhereError',
      message:
        `awaitwhat: another copy of awaitwhat installed this thread's runtime (globalThis.${RUNTIME_GLOBAL}); ` +
        'only the copy that installed it can instrument code or trace (load awaitwhat/hooks, the command and the instrumentation from one installation)',
    });
  });

  it('an incompatible runtime already installed: refused with both formats named, and not handed out', () => {
    const program = `
      globalThis.${RUNTIME_GLOBAL} = { format: 1 };
      const r = await import(${JSON.stringify(RUNTIME_URL)});
      const vm = await import('node:vm');
      const out = [String(r.runtimeGlobal()), r.installInRealm(vm.createContext({}))];
      try { r.installRuntime(); } catch (e) { out.push(e.name, e.message); }
      delete globalThis.${RUNTIME_GLOBAL};
      globalThis.${RUNTIME_GLOBAL} = 7;
      try { r.installRuntime(); } catch (e) { out.push(e.message); }
      console.log(JSON.stringify(out));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), [
      'undefined',
      false,
      'RuntimeVersionError',
      `awaitwhat: globalThis.${RUNTIME_GLOBAL} holds a runtime of format 1, but this copy of awaitwhat needs format ${FORMAT_VERSION}; two incompatible versions are loaded`,
      `awaitwhat: globalThis.${RUNTIME_GLOBAL} holds a runtime of format undefined, but this copy of awaitwhat needs format ${FORMAT_VERSION}; two incompatible versions are loaded`,
    ]);
  });

  it('installInRealm: the same frozen global in another realm, hidden as here; refused where the realm has another', () => {
    installRuntime();
    const realm = createContext({});
    assert.equal(installInRealm(realm), true);
    const d = Object.getOwnPropertyDescriptor(realm, RUNTIME_GLOBAL)!;
    assert.equal(d.value, runtimeGlobal());
    assert.deepEqual({ writable: d.writable, configurable: d.configurable, enumerable: d.enumerable }, { writable: false, configurable: false, enumerable: false });
    assert.equal(installInRealm(realm), true);
    const taken = createContext({});
    runInContext(`globalThis.${RUNTIME_GLOBAL} = { format: ${FORMAT_VERSION} }`, taken);
    assert.equal(installInRealm(taken), false);
    assert.notEqual(Object.getOwnPropertyDescriptor(taken, RUNTIME_GLOBAL)!.value, runtimeGlobal());
  });

  it('no code can replace or add a method of the frames instrumented code calls', () => {
    assert.ok(Object.isFrozen(Frame) && Object.isFrozen(Frame.prototype));
    // Traced frames (under AwaitInstrumentation) as well.
    assert.ok(Object.isFrozen(TracedFrame) && Object.isFrozen(TracedFrame.prototype));
    assert.throws(() => {
      (TracedFrame.prototype as unknown as Record<string, unknown>).a = () => 0;
    }, TypeError);
    assert.throws(() => {
      (Frame.prototype as unknown as Record<string, unknown>).a = () => 0;
    }, TypeError);
    assert.throws(() => {
      (Frame as unknown as Record<string, unknown>).extra = 1;
    }, TypeError);
  });

  it('notes each site\'s kind where the hot path reads it', () => {
    const internals = installRuntime().internals;
    const fn = internals.addSite(site('function'));
    const kinds = (['await', 'for-await', 'yield', 'yield*', 'await-using', 'return'] as const).map((kind) => internals.siteKindOf(internals.addSite(site(kind, { fn }))));
    assert.deepEqual(kinds, [KIND_AWAIT, KIND_AWAIT, KIND_YIELD, KIND_AWAIT, KIND_AWAIT, KIND_RETURN]);
  });

  it('frames are plain until tracing is turned on, and plain again once it is off', () => {
    const { internals } = installRuntime();
    const g = runtimeGlobal() as unknown as Global;
    const plain = [g.e(0), g.g(0), g.m(0)];
    for (const f of plain) assert.equal(Object.getPrototypeOf(f), Frame.prototype);
    internals.setTracing({ spanStarted() {}, spanEnded() {} } as never);
    const traced = [g.e(0), g.g(0), g.m(0)];
    internals.setTracing(undefined);
    for (const f of traced) assert.notEqual(Object.getPrototypeOf(f), Frame.prototype);
    assert.equal(Object.getPrototypeOf(g.e(0)), Frame.prototype);
    for (const f of [...plain, ...traced]) f.x();
  });

  it('moduleFramePending: true while a module with top-level await is suspended, not for a function\'s frame', () => {
    const { internals } = installRuntime();
    const g = runtimeGlobal() as unknown as Global;
    const fn = internals.addSite(site('function', { name: 'f' }));
    const inFunction = internals.addSite(site('await', { fn }));
    const mod = internals.addSite(site('module', { name: '<module>' }));
    const inModule = internals.addSite(site('await', { fn: mod }));
    const f = g.m(fn);
    f.a(inFunction, forever);
    internals.maintain(performance.now());
    assert.equal(internals.moduleFramePending(), false);
    const m = g.m(mod);
    m.a(inModule, forever);
    assert.equal(internals.moduleFramePending(), true);
    m.x();
    f.x();
    assert.equal(m.site, DONE);
    assert.equal(internals.moduleFramePending(), false);
  });

  it('the global\'s snapshot and `d`, and the internals\' graph, reach this thread\'s runtime', () => {
    const { internals } = installRuntime();
    const g = runtimeGlobal() as unknown as Global & { snapshot(): { nodes: unknown[] }; d(entries: unknown): void };
    const viaGlobal = g.snapshot();
    assert.ok(Array.isArray(viaGlobal.nodes));
    assert.deepEqual(Object.keys(viaGlobal).sort(), Object.keys(internals.snapshot()).sort());
    const graph = internals.graph();
    assert.ok(Array.isArray(graph.snapshot.nodes));
    const id = FOREIGN_SITE_BASE + 77;
    assert.equal(g.d([id, site('yield', { name: '', fn: 0 })]), undefined);
    assert.equal(internals.getSite(id)!.kind, 'yield');
    assert.equal(internals.siteKindOf(id), KIND_YIELD);
  });

  it('moduleFramePending: a frame at a site with no record, or whose site names no function, is no module\'s', () => {
    const { internals } = installRuntime();
    const g = runtimeGlobal() as unknown as Global;
    const orphan = internals.addSite(site('await'));
    const f = g.e(0);
    f.a(FOREIGN_SITE_BASE + 999, forever);
    const h = g.e(0);
    h.a(orphan, forever);
    internals.maintain(performance.now());
    assert.equal(internals.moduleFramePending(), false);
    f.x();
    h.x();
  });

  it('moduleFramePending: a frame at a site without `fn` is no module\'s while site 1 is a module site (a fresh process)', () => {
    // Here site 1 is whatever an earlier case added; in a fresh process this program decides it.
    const program = `
      const { installRuntime, runtimeGlobal } = await import(${JSON.stringify(RUNTIME_URL)});
      const { internals } = installRuntime();
      const g = runtimeGlobal();
      const site = (kind, more = {}) => ({ kind, file: 'file:///fresh.mjs', line: 1, column: 1, name: '', text: '', ...more });
      const fn = internals.addSite(site('function', { name: 'f' }));
      const mod = internals.addSite(site('module', { name: '<module>' }));
      const orphan = internals.addSite(site('await'));
      const inModule = internals.addSite(site('await', { fn: mod }));
      const forever = new Promise(() => {});
      const f = g.e(fn);
      f.a(orphan, forever);
      internals.maintain(performance.now());
      const out = [fn, mod, internals.moduleFramePending()];
      const m = g.m(mod);
      m.a(inModule, forever);
      out.push(internals.moduleFramePending());
      m.x();
      f.x();
      console.log(JSON.stringify(out));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), [0, 1, false, true]);
  });
});
