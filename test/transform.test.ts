/**
 * The transform, as data: each case is a source text and the exact instrumented text expected.
 * Every case also keeps its line count, and instrumenting the output again changes nothing.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import { instrument, InstrumentSyntaxError } from '../dist/index.js';
import { enter, instrumentSnippet } from './support/transform.ts';

const M = '/*awaitwhat:2*/';

interface Case {
  name: string;
  format?: 'module' | 'commonjs';
  source: string;
  expected: string;
}

const CASES: Case[] = [
  {
    name: 'async function: frame around the body, claim at await of a call',
    source: 'async function f() { await g(); }',
    expected: `async function f() {${enter('e', 0)}try{ await __awf.c(1,__awf.q,g()); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'await of a plain name: no claim (nothing can have run)',
    source: 'async function f(p) { await p; }',
    expected: `async function f(p) {${enter('e', 0)}try{ await __awf.a(1,p); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'await of a member (may be a getter): claims',
    source: 'async function f() { await this.ready; }',
    expected: `async function f() {${enter('e', 0)}try{ await __awf.c(1,__awf.q,this.ready); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'directive prologue stays first; a missing semicolon is supplied',
    source: 'async function f() { "use strict"\n  return g(); }',
    expected: `async function f() { "use strict";${enter('e', 0)}try{\n  return __awf.rc(1,__awf.q,g()); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'async arrow with an expression body becomes a block with a return',
    source: 'const f = async x => g(x);',
    expected: `const f = async x => {${enter('e', 0)}try{return __awf.rc(1,__awf.q,g(x))}finally{__awf.x()}};${M}`,
  },
  {
    name: 'parenthesised object body keeps its parentheses; literals need no return record',
    source: 'const f = async (x) => ({ x });',
    expected: `const f = async (x) => {${enter('e', 0)}try{return ({ x })}finally{__awf.x()}};${M}`,
  },
  {
    name: 'kept call results are claimed; combinators record their members',
    source: 'async function f() { const p = g(); await Promise.race([a(), p]); }',
    expected: `async function f() {${enter('e', 0)}try{ const p = __awf.k(__awf.q,g()); await __awf.ac(1,Promise.race(__awf.pa([__awf.k(__awf.q,a()), p]))); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'a combinator whose result is kept',
    source: 'async function f() { const all = Promise.all(xs); return all; }',
    expected: `async function f() {${enter('e', 0)}try{ const all = __awf.pc(1,Promise.all(__awf.pa(xs))); return __awf.r(2,all); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'an await inside a call: the outer await cannot claim',
    source: 'async function f() { await g(await h()); }',
    expected: `async function f() {${enter('e', 0)}try{ await __awf.a(2,g(await __awf.c(1,__awf.q,h()))); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'conditional return: each branch claimed',
    source: 'async function f() { return c ? g() : h(); }',
    expected: `async function f() {${enter('e', 0)}try{ return __awf.r(1,c ? __awf.k(__awf.q,g()) : __awf.k(__awf.q,h())); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'optional chains are claimed whole, never split',
    source: 'async function f() { await a?.b(); const v = a?.b().c(); }',
    expected: `async function f() {${enter('e', 0)}try{ await __awf.c(1,__awf.q,a?.b()); const v = __awf.k(__awf.q,a?.b().c()); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'async generator: yield, bare yield, yield*, for await',
    source: 'async function* gen() { yield 1; yield; yield* other(); for await (const x of y()) use(x); }',
    expected: `async function* gen() {${enter('g', 0)}try{ yield __awf.y(1,1); yield __awf.y(2,void 0); __awf.fb(3);yield* other(); __awf.fb(4);for await (const x of y()) {try{use(x);}finally{__awf.fh(4)}} }finally{__awf.x()}}${M}`,
  },
  {
    name: 'await using: the rest of the block records the disposal wait',
    source: 'async function f() { await using r = open(); use(r); }',
    expected: `async function f() {${enter('e', 0)}try{ await using r = __awf.k(__awf.q,open());;try{ use(r); }finally{__awf.ud(1)}}finally{__awf.x()}}${M}`,
  },
  {
    name: 'await using is left alone when wrapping would hide a name used before it',
    source: 'async function f() { { const read = () => later; await using r = open(); let later = 1; } }',
    expected: `async function f() {${enter('e', 0)}try{ { const read = () => later; await using r = __awf.k(__awf.q,open()); let later = 1; } }finally{__awf.x()}}${M}`,
  },
  {
    name: 'parameters never use the frame (it does not exist yet)',
    source: 'async function f(a = g()) { return a; }',
    expected: `async function f(a = g()) {${enter('e', 0)}try{ return __awf.r(1,a); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'synchronous functions inside are not instrumented',
    source: 'async function f() { const ps = ids.map((id) => load(id)); await Promise.all(ps); }',
    expected: `async function f() {${enter('e', 0)}try{ const ps = __awf.k(__awf.q,ids.map((id) => load(id))); await __awf.ac(1,Promise.all(__awf.pa(ps))); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'class methods, including private and static ones',
    source: 'class R { static async open() { await x(); } async #load() { await y(); } }',
    expected: `class R { static async open() {${enter('e', 0)}try{ await __awf.c(1,__awf.q,x()); }finally{__awf.x()}} async #load() {${enter('e', 2)}try{ await __awf.c(3,__awf.q,y()); }finally{__awf.x()}} }${M}`,
  },
  {
    name: 'top-level await makes the module a frame; its top-level calls are claimed through the runtime',
    source: 'const conn = connect();\nawait conn;\nexport const v = 1',
    expected: `${enter('m', 0)}const conn = __awaitwhat.k(__awaitwhat.q,connect());\nawait __awf.a(1,conn);\nexport const v = 1;__awf.x();${M}`,
  },
  {
    name: 'CommonJS: hashbang and directive stay first; top-level calls are claimed',
    format: 'commonjs',
    source: '#!/usr/bin/env node\n"use strict";\nconst p = main();\nasync function main() { await p; }',
    expected: `#!/usr/bin/env node\n"use strict";\nconst p = __awaitwhat.k(__awaitwhat.q,main());\nasync function main() {${enter('e', 0)}try{ await __awf.a(1,p); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'a top-level function declaration stays var-scoped: functions it would change are left alone',
    format: 'commonjs',
    source: [
      'async function a() { var g = 1; function g() {} await g; }',
      'async function b() { function g() {} { function g() {} } await g; }',
      'async function c() { function g() {} eval(s); await g; }',
      'async function d() { function g() {} function g() {} await g; }',
      'async function e() { function g() {} { var h; let g; } (() => eval(s)); await g(); }',
    ].join('\n'),
    expected: [
      'async function a() { var g = 1; function g() {} await g; }',
      'async function b() { function g() {} { function g() {} } await g; }',
      'async function c() { function g() {} eval(s); await g; }',
      'async function d() { function g() {} function g() {} await g; }',
      `async function e() {${enter('e', 0)}try{ function g() {} { var h; let g; } (() => eval(s)); await __awf.c(1,__awf.q,g()); }finally{__awf.x()}}${M}`,
    ].join('\n'),
  },
  {
    name: 'empty bodies: the frame still enters and exits, in that order',
    source: 'async function f() {}\nconst g = async () => {};',
    expected: `async function f() {${enter('e', 0)}try{}finally{__awf.x()}}\nconst g = async () => {${enter('e', 1)}try{}finally{__awf.x()}};${M}`,
  },
  {
    name: 'nothing inside `with` is instrumented, where a proxy could observe the inserted names',
    format: 'commonjs',
    source: 'async function f(o) { with (o) { await g(); (async () => { await h(); })(); } await k(); }',
    expected: `async function f(o) {${enter('e', 0)}try{ with (o) { await g(); (async () => { await h(); })(); } await __awf.c(1,__awf.q,k()); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'a bare yield gets its operand inside the wraps that end with it',
    source: 'async function* g() { yield yield }\nasync function* h() { yield}',
    expected: `async function* g() {${enter('g', 0)}try{ yield __awf.y(2,yield __awf.y(1,void 0)) }finally{__awf.x()}}\nasync function* h() {${enter('g', 3)}try{ yield __awf.y(4,void 0)}finally{__awf.x()}}${M}`,
  },
  {
    name: 'a bare yield ended by a line break keeps its statement ended: the semicolon is written out',
    source: 'async function* g() {\n  for await (x of y) yield // next line\n  (0)\n  yield\n  , 1\n}',
    expected: `async function* g() {${enter('g', 0)}try{\n  __awf.fb(2);for await (x of y) {try{yield __awf.y(1,void 0);}finally{__awf.fh(2)}} // next line\n  (0)\n  yield __awf.y(3,void 0)\n  , 1\n}finally{__awf.x()}}${M}`,
  },
  {
    name: 'a frame variable name written with escapes is still taken',
    format: 'commonjs',
    source: 'async function f() { var \\u005f_awf = 1; await f; }',
    expected: `async function f() {${enter('e', 0, '__awf1')}try{ var \\u005f_awf = 1; await __awf1.a(1,f); }finally{__awf1.x()}}${M}`,
  },
  {
    name: 'for await where one statement must stand, and under labels: the record goes before, in braces when needed',
    source: 'async function f() { if (c) for await (x of y) g(x); outer: inner: for await (z of w) continue outer; }',
    expected: `async function f() {${enter('e', 0)}try{ if (c) {__awf.fb(1);for await (x of y) {try{g(x);}finally{__awf.fh(1)}}} __awf.fb(2);outer: inner: for await (z of w) {try{continue outer;}finally{__awf.fh(2)}} }finally{__awf.x()}}${M}`,
  },
  {
    name: 'yield* as a value: the record goes before the statement when it is all the statement evaluates, else beside it',
    source: 'async function* g() { if (c) return yield* b(); const r = yield* c(); f(yield* d()); }',
    expected: `async function* g() {${enter('g', 0)}try{ if (c) {__awf.fb(1);return yield* b();} __awf.fb(2);const r = yield* c(); f((__awf.fb(3),yield* d())); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'new Promise: tagged where created (through the frame, the global at top level, a guard in synchronous functions); recorded by an await or return of it; not where it starts a statement',
    format: 'module',
    source:
      'const ready = new Promise(f);\nfunction sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }\nnew Promise(f).then(g);\n' +
      'async function h() { const p = new Promise(f); await new Promise(f); return new Promise(f); }',
    expected:
      'const ready = __awaitwhat.np(0,new Promise(f));\nfunction sleep(ms) { return (typeof __awaitwhat==="object"?__awaitwhat.np:(s,v)=>v)(1,new Promise((r) => setTimeout(r, ms))); };__awaitwhat.k(__awaitwhat.q,\nnew Promise(f).then(g));\n' +
      `async function h() {${enter('e', 2)}try{ const p = __awf.np(3,new Promise(f)); await __awf.c(5,__awf.q,new Promise(f)); return __awf.r(7,new Promise(f)); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'dropped call result: claimed from the end of the token before its statement on an earlier line, so that the call keeps its column; not after a statement on its own line, as the program\'s or a case\'s first statement, as a single statement, in synchronous code, nor a combinator',
    format: 'module',
    source: 'warmUp();\ninit()\n/* a block comment */ // and a line comment\ninit();\ndescribe(\'suite\', async () => {\n  init();\n  ready(); init();\n  if (x) init();\n  Promise.all(items);\n  switch (a) {\n    case 1:\n      init();\n      init();\n  }\n  function plain() {\n    init();\n  }\n});\n',
    expected:
      "warmUp();;__awaitwhat.k(__awaitwhat.q,\ninit());__awaitwhat.k(__awaitwhat.q,\n/* a block comment */ // and a line comment\ninit());;__awaitwhat.k(__awaitwhat.q,\n" +
      `describe('suite', async () => {${enter('e', 0)}try{;__awf.k(__awf.q,\n  init());;__awf.k(__awf.q,\n  ready()); init();\n  if (x) init();\n  Promise.all(items);\n` +
      `  switch (a) {\n    case 1:\n      init();;__awf.k(__awf.q,\n      init());\n  }\n  function plain() {\n    init();\n  }\n}finally{__awf.x()}}));\n${M}`,
  },
  {
    name: '`return a, b` keeps returning b',
    source: 'async function f() { return a(), b; }',
    expected: `async function f() {${enter('e', 0)}try{ return __awf.r(1,(a(), b)); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'call results taken apart at once are not claimed: V8 quotes them when that fails',
    source: 'async function f() { const { a } = load(); let b; [b] = pair() || other(); const c = keep(); }',
    expected: `async function f() {${enter('e', 0)}try{ const { a } = load(); let b; [b] = pair() || other(); const c = __awf.k(__awf.q,keep()); }finally{__awf.x()}}${M}`,
  },
  {
    name: 'a program using the frame variable name gets another one',
    source: 'const __awf = 1; async function f() { await __awf; }',
    expected: `const __awf = 1; async function f() {${enter('e', 0, '__awf1')}try{ await __awf1.a(1,__awf); }finally{__awf1.x()}}${M}`,
  },
];

describe('instrument()', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const { code } = instrumentSnippet(c.source, c.format);
      assert.equal(code, c.expected);
      assert.equal(code.split('\n').length, c.source.split('\n').length, 'line count changed');
      assert.equal(instrumentSnippet(code, c.format).code, null, 'instrumenting twice changed the text');
    });
  }

  it('leaves text without async functions or top-level await alone, without parsing it', () => {
    assert.equal(instrumentSnippet('this is not JavaScript').code, null);
    assert.equal(instrumentSnippet('export const x = await1;').code, null);
  });

  it('names the file, line and column of a syntax error', () => {
    assert.throws(
      () => instrument('async function f() {\n  await (;\n}', { filename: '/app/broken.mjs', format: 'module', sites: { addSite: () => 0 } }),
      (error: unknown) => error instanceof InstrumentSyntaxError && error.message === '/app/broken.mjs:2:10: Unexpected token' && error.line === 2 && error.column === 10,
    );
  });

  it('records sites: function names, positions, suspension texts and owning functions', () => {
    const source = ['const api = {', '  async fetchUser(id) {', '    return await db.query(`select ${id}`);', '  },', '};'].join('\n');
    const { sites } = instrumentSnippet(source);
    assert.deepEqual(sites, [
      { kind: 'function', file: 'snippet.js', line: 2, column: 3, name: 'api.fetchUser', text: '' },
      { kind: 'await', file: 'snippet.js', line: 3, column: 12, name: '', text: 'await db.query(`select ${id}`)', fn: 0 },
    ]);
  });

  it('cuts long suspension texts and can omit them', () => {
    const source = `async function f() { await g(${'x'.repeat(200)}); }`;
    assert.equal(instrumentSnippet(source, 'module', { maxTextLength: 20 }).sites[1]!.text, `await g(${'x'.repeat(11)}…`);
    assert.equal(instrumentSnippet(source, 'module', { omitText: true }).sites[1]!.text, '');
  });
});

describe('instrumented code where the runtime is absent', () => {
  it('runs unchanged from fn.toString() in another realm', async () => {
    const { code } = instrumentSnippet('async function add(a, b) { const x = await Promise.resolve(a); return x + await b; }');
    const realm = vm.createContext({});
    const result = await vm.runInContext(`${code}; add(2, Promise.resolve(3))`, realm);
    assert.equal(result, 5);
    assert.equal(vm.runInContext('typeof __awaitwhat', realm), 'undefined');
  });

  it('a synchronous function creating a promise runs unchanged from fn.toString() in another realm (its tag is the identity there)', async () => {
    const { code } = instrumentSnippet('function later(v) { return new Promise((resolve) => resolve(v)); }\nasync function f() { return later(7); }');
    const realm = vm.createContext({});
    assert.equal(await vm.runInContext(`${code}; later(6)`, realm), 6);
    assert.equal(vm.runInContext('typeof __awaitwhat', realm), 'undefined');
  });
});

describe('return sites a finally block may discard', () => {
  it('a return in the try or catch block of a try with a finally is marked; one in the finally block, or in a nested function, is not', () => {
    const source = 'async function f() {\n  try { return g(); } catch { return h; } finally { if (x) return k(); }\n  try { const a = async () => { return m(); }; } finally {}\n}';
    const returns = instrumentSnippet(source).sites.filter((s) => s.kind === 'return');
    assert.deepEqual(
      returns.map((s) => [s.text, s.discardable ?? false]),
      [
        ['return g()', true],
        ['return h', true],
        ['return k()', false],
        ['return m()', false],
      ],
    );
  });
});

describe('new Promise sites', () => {
  it('a promise site has no owning function; an await or return of new Promise(…) names its site', () => {
    const { sites } = instrumentSnippet('async function f() {\n  await new Promise(g);\n  return new Promise(g);\n}');
    assert.deepEqual(sites, [
      { kind: 'function', file: 'snippet.js', line: 1, column: 1, name: 'f', text: '' },
      { kind: 'promise', file: 'snippet.js', line: 2, column: 9, name: '', text: '' },
      { kind: 'await', file: 'snippet.js', line: 2, column: 3, name: '', text: 'await new Promise(g)', fn: 0, created: 1 },
      { kind: 'promise', file: 'snippet.js', line: 3, column: 10, name: '', text: '' },
      { kind: 'return', file: 'snippet.js', line: 3, column: 3, name: '', text: 'return new Promise(g)', fn: 0, created: 3 },
    ]);
  });
});
