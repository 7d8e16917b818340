/**
 * Self-contained modules (src/transform/self-contained.ts): code instrumented in one process
 * carries its own sites, defined by one statement at its top in whichever process runs it, under
 * ids from the foreign ranges, which never collide with the ids that process gives out itself.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ForeignSiteIds, instrument } from '../dist/index.js';
import { installRuntime } from '../dist/runtime/runtime.js';
import { run } from './support/run.ts';

const M = '/*awaitwhat:2*/';
const G = '__awaitwhat';
const DEFINE = `typeof ${G}==="object"&&typeof ${G}.d==="function"&&${G}.d(`;
const ENTER = (id: number): string => `const __awf=typeof ${G}==="object"?${G}.e(${id}):new Proxy({},{get:(_,k)=>k==="q"?0:(...a)=>a[a.length-1]});`;
const F = 1 << 23;
const R = (1 << 24) + (1 << 23);

function selfContained(source: string, sites = new ForeignSiteIds(), format: 'module' | 'commonjs' = 'module'): string | undefined {
  return instrument(source, { filename: '/app/a.mjs', format, sites, selfContained: true })?.code;
}

describe('self-contained modules: the transform', () => {
  it('puts one statement defining every site, under foreign ids, at the top', () => {
    const code = selfContained('async function f() { await g(); }');
    assert.equal(
      code,
      `${DEFINE}[${F},{"kind":"function","file":"/app/a.mjs","line":1,"column":1,"name":"f","text":""},` +
        `${F + 1},{"kind":"await","file":"/app/a.mjs","line":1,"column":22,"name":"","text":"await g()","fn":${F}}]);` +
        `async function f() {${ENTER(F)}try{ await __awf.c(${F + 1},__awf.q,g()); }finally{__awf.x()}}${M}`,
    );
  });

  it('gives return sites ids from the foreign part of the return range, and numbers on across files', () => {
    const ids = new ForeignSiteIds();
    selfContained('async function f() { await g(); }', ids);
    const code = selfContained('async function h(x) { return x; }', ids);
    assert.equal(
      code,
      `${DEFINE}[${F + 2},{"kind":"function","file":"/app/a.mjs","line":1,"column":1,"name":"h","text":""},` +
        `${R},{"kind":"return","file":"/app/a.mjs","line":1,"column":23,"name":"","text":"return x","fn":${F + 2}}]);` +
        `async function h(x) {${ENTER(F + 2)}try{ return __awf.r(${R},x); }finally{__awf.x()}}${M}`,
    );
    assert.deepEqual(ids.used, { sites: 3, returnSites: 1 });
  });

  it('keeps a directive prologue first, and every line where it was', () => {
    const code = selfContained('"use strict"\nasync function f() {\n  await g();\n}\n', undefined, 'commonjs');
    assert.ok(code?.startsWith(`"use strict";${DEFINE}[${F},`), code);
    assert.equal(code!.split('\n').length, 5);
  });

  it('escapes U+2028 and U+2029 in file names, so that no line break is inserted', () => {
    const code = instrument('async function f() {}', { filename: '/app/a\u2028\u2029.mjs', format: 'module', sites: new ForeignSiteIds(), selfContained: true })!.code;
    assert.ok(code.startsWith(`${DEFINE}[${F},{"kind":"function","file":"/app/a\\u2028\\u2029.mjs",`), code);
    assert.equal(code.split(/[\n\u2028\u2029]/).length, 1);
  });

  it('refuses ids that are not foreign, naming the file and the id', () => {
    const sink = { addSite: () => 7 };
    assert.throws(() => instrument('async function f() {}', { filename: '/app/a.mjs', format: 'module', sites: sink, selfContained: true }), {
      name: 'RangeError',
      message:
        'awaitwhat: instrumenting /app/a.mjs with selfContained: true, the site sink gave id 7 to a function site; expected an id from the foreign range (give the sites to a ForeignSiteIds)',
    });
  });
});

describe('self-contained modules: run in another process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-self-contained-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("define their sites there, beside that process's own, and its graph names them", async () => {
    const source = [
      'export function start() { void outer(); }',
      'async function outer() { await middle(); }',
      'async function middle() { await inner(); }',
      'async function inner() { await new Promise(() => {}); }',
      '',
    ].join('\n');
    const file = join(dir, 'mod.mjs');
    writeFileSync(file, instrument(source, { filename: '/app/mod.mjs', format: 'module', sites: new ForeignSiteIds(), selfContained: true })!.code);
    const r = await run([join('test', 'fixtures', 'self-contained', 'run.mjs'), file]);
    assert.deepEqual(
      { code: r.code, stderr: r.stderr, stdout: r.stdout },
      {
        code: 0,
        stderr: '',
        stdout: [
          'awaitwhat: 4 pending async functions',
          '',
          'local  local.mjs:2:3  await local thing',
          '└─ local thing  — a promise no instrumented code created',
          '',
          'outer  app/mod.mjs:2:26  await middle()',
          '└─ middle  app/mod.mjs:3:27  await inner()',
          '   └─ inner  app/mod.mjs:4:26  await new Promise(() => {})',
          '      └─ new Promise(() => {})  — a new Promise at app/mod.mjs:4',
          '',
        ].join('\n'),
      },
    );
  });
});

describe('self-contained modules: the runtime', () => {
  const { internals } = installRuntime();
  const d = (globalThis as unknown as Record<string, { d: (entries: unknown) => unknown }>)[G]!.d;
  const site = { kind: 'await', file: '/x.mjs', line: 2, column: 3, name: '', text: 'await x' };

  it('defines well-formed entries, skips malformed ones, returns nothing and never throws', () => {
    const hostile = {
      get kind(): string {
        throw new Error('no');
      },
    };
    const entries = [F + 100, site, 5, site, F + 101, { ...site, line: 0 }, F + 102, hostile, R + 100, site, F + 103, { ...site, kind: 'return' }];
    assert.equal(d(entries), undefined);
    assert.equal(d('not a list'), undefined);
    assert.deepEqual(internals.getSite(F + 100), site);
    for (const id of [5, F + 101, F + 102, R + 100, F + 103]) assert.equal(internals.getSite(id), undefined, String(id));
  });

  it('keeps the first definition of an id, and records kinds where frames read them', () => {
    d([F + 200, { ...site, kind: 'yield' }, R + 200, { ...site, kind: 'return', text: 'return x' }]);
    d([F + 200, { ...site, text: 'another' }]);
    assert.deepEqual(internals.getSite(F + 200), { ...site, kind: 'yield' });
    assert.deepEqual(internals.getSite(R + 200), { ...site, kind: 'return', text: 'return x' });
    assert.equal(internals.siteKindOf(F + 200), internals.siteKindOf(internals.addSite({ ...site, kind: 'yield' })));
  });
});
