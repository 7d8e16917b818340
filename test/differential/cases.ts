/**
 * Hand-written programs of the trickiest patterns, in the form print.ts produces (a body receiving
 * the harness `h`). Each marks one await with `/*tick*\/`: the self-check replaces the marker with
 * a second `await`, and the log must then differ.
 */

export interface Case {
  name: string;
  goal: 'script' | 'module';
  source: string;
  /** Syntax the case needs, which older Node.js versions do not parse. */
  requires?: string;
}

export const TICK_MARKER = '/*tick*/';

export const CASES: Case[] = [
  {
    name: 'return of a promise, return await, and await of each (their tick counts differ)',
    goal: 'script',
    source: `
async function a() { return h.later('micro', 1) }
async function b() { return await h.later('micro', 2) }
async function c() { return Promise.resolve(3) }
const d = async () => a()
async function m() { const v = await ${TICK_MARKER}a(); h.log('m', v); h.log('m2', await d()) }
h.root('a', a(), 'now'); h.root('b', b(), 'now'); h.root('c', c(), 'now'); h.root('m', m(), 'now')
`,
  },
  {
    name: 'await in catch and finally; return in finally overrides a throw',
    goal: 'script',
    source: `
async function f() {
  try {
    return await h.fail('micro', 'boom')
  } catch (e) {
    h.log('caught', e)
    await h.later('immediate', 0)
    h.log('after catch await')
    throw e
  } finally {
    h.log('finally')
    const v = await ${TICK_MARKER}5
    h.log('finally after', v)
    return 'from finally'
  }
}
async function g() { try { return f() } finally { h.log('g finally', await 1) } }
h.root('f', f(), 'now'); h.root('g', g(), 'end')
`,
  },
  {
    name: 'early break out of for await: return() runs the generator finally, which awaits',
    goal: 'script',
    source: `
async function* g() {
  try { yield 1; yield h.later('micro', 2); yield 3 }
  finally { h.log('g finally'); await h.later('immediate', 0); h.log('g finally done') }
}
async function f() {
  for await (const x of g()) { h.log('x', x); if (x === 2) break }
  h.log('after loop')
  const v = await ${TICK_MARKER}1
  h.log('v', v)
}
h.root('f', f(), 'now')
`,
  },
  {
    name: 'queued next/throw/return requests on one async generator',
    goal: 'script',
    source: `
async function* g() {
  const a = yield 1
  h.log('a', a)
  try { yield 2 } catch (e) { h.log('g caught', e); yield 3 }
  return 'g done'
}
async function f() {
  const it = g()
  const p1 = it.next('x'), p2 = it.next('y'), p3 = it.throw(h.err('t')), p4 = it.return('r'), p5 = it.next()
  h.log('all', await ${TICK_MARKER}Promise.allSettled([p1, p2, p3, p4, p5]))
}
h.root('f', f(), 'now')
`,
  },
  {
    name: 'yield* delegation: return value, and return() forwarded to the inner generator',
    goal: 'script',
    source: `
async function* inner() { try { yield 1; yield h.later('immediate', 2) } finally { h.log('inner finally') } return 'inner done' }
async function* outer() { const r = yield* inner(); h.log('r', r); yield 3 }
async function f() {
  for await (const x of outer()) h.log('x', x)
  const it = outer()
  h.log('first', await it.next())
  h.log('returned', await ${TICK_MARKER}it.return('early'))
}
h.root('f', f(), 'now')
`,
  },
  {
    name: 'one memoised promise awaited by two callers, raced against thenables',
    goal: 'script',
    source: `
let memo
const get = () => (memo ??= load())
async function load() { await h.later('immediate', 0); return 'loaded' }
async function a() { const v = await ${TICK_MARKER}get(); h.log('a', v) }
async function b() {
  h.log('b', await get())
  h.log('race', await Promise.race([get(), h.thenable('micro', 'proxy', 1, 'th')]))
  h.log('any', await Promise.any([h.thenable('syncReject', 'getter', 2, 'r'), h.thenable('nested', 'object', 3, 'n'), get()]))
}
h.root('a', a(), 'now'); h.root('b', b(), 'now')
`,
  },
  {
    name: 'for await over an array of promises: a rejection ends the loop, later ones go unhandled',
    goal: 'script',
    source: `
async function f() {
  try {
    for await (const x of [Promise.resolve(1), h.fail('micro', 'e1'), h.fail('immediate', 'e2')]) h.log('x', x)
  } catch (e) { h.log('caught', e) }
  const v = await ${TICK_MARKER}0
  h.log('v', v)
}
h.root('f', f(), 'now')
`,
  },
  {
    name: 'no semicolons, comments, parentheses, directives, arrow with a call body',
    goal: 'script',
    source: `'use strict'
const f = async (x) =>
  g(x) // comment
async function g(x) {
  "use strict"
  const v = await ${TICK_MARKER}(x)
  h.log('g', v)
  return /* c */ (
    h.later('micro', v)
  )
}
const k = async x => (x, g(x + 1))
h.root('f', f(1), 'now')
h.root('k', k(2), 'now')
`,
  },
  {
    name: 'thenables that resolve twice, throw after resolving, and a promise with logging getters',
    goal: 'script',
    source: `
const odd = { then(ok, fail) { h.log('odd then'); ok(1); throw new Error('ignored') } }
async function f() {
  const v = await ${TICK_MARKER}odd
  h.log('v', v)
  h.log('twice', await h.thenable('twice', 'object', 5, 'tw'))
  h.log('probe', await h.probe(7, 'pr'))
  h.log('all', await Promise.all([h.probe(8, 'p8'), h.thenable('throws', 'getter', 0, 'th')]).catch((e) => e))
}
h.root('f', f(), 'now')
`,
  },
  {
    name: 'classes: static, private and field methods, this-calls, conditional return',
    goal: 'script',
    source: `
class Repo {
  #n = 0
  async #load(x) { await null; this.#n++; return x }
  static async open() { const r = new Repo(); const v = await ${TICK_MARKER}r.#load(1); h.log('opened', v); return r }
  handler = async (x) => this.#load(x)
  async pick(d) { return d > 0 ? this.handler(d) : Repo.open() }
}
async function main() {
  const r = await Repo.open()
  h.log('pick 1', await r.pick(1))
  h.log('pick 0', await r.pick(0))
}
h.root('main', main(), 'now')
`,
  },
  {
    name: 'module top level: kept promise, top-level await, a rejection awaited later',
    goal: 'module',
    source: `
async function f(x) { await h.later('immediate', 0); return x }
const p = f(1)
const bad = h.fail('micro', 'late')
h.log('top', await ${TICK_MARKER}p)
try { await bad } catch (e) { h.log('top caught', e) }
h.root('f2', f(2), 'now')
h.log('top end', await Promise.all([f(3), p]))
`,
  },
  {
    name: 'deep recursion and many array items awaited together',
    goal: 'script',
    source: `
async function r(n) { if (n === 0) return 0; return 1 + await r(n - 1) }
async function main() {
  const v = await ${TICK_MARKER}r(30)
  h.log('depth', v)
  const ps = [1, 2, 3].map(async (i) => { await h.later('micro', i); h.log('item', i); return i })
  h.log('all', await Promise.all(ps))
  h.log('settled', await Promise.allSettled([1, 2].map(async (i) => { if (i === 2) throw h.err('two'); return i })))
}
h.root('main', main(), 'now')
`,
  },
  {
    name: 'labels, continue to an outer for await, function declarations inside async bodies',
    goal: 'script',
    source: `
async function* g() { yield 1; yield 2; yield 3 }
async function f() {
  h.log('early', helper())
  outer: for await (const x of g()) {
    for (const y of [1, 2]) { if (y === 2) continue outer; h.log('pair', [x, y]) }
  }
  const v = await ${TICK_MARKER}helper()
  h.log('v', v)
  function helper() { return 'hoisted' }
}
async function shadow(a) { var a; h.log('a', a); return arguments.length }
h.root('f', f(), 'now')
h.root('shadow', shadow(4, 5), 'now')
`,
  },
  {
    name: 'await using: disposal order, awaits in disposers, break out of a loop, suppressed errors',
    goal: 'script',
    requires: 'await using x = null',
    source: `
function res(name) { return { async [Symbol.asyncDispose]() { h.log('dispose ' + name); await h.later('immediate', 0); h.log('disposed ' + name) } } }
async function f() {
  {
    await using a = res('a'), b = res('b')
    h.log('in block', await ${TICK_MARKER}h.later('micro', 1))
    await using c = res('c')
  }
  h.log('after block')
  for (let i = 0; i < 2; i++) { await using r = res('loop' + i); if (i === 1) break; h.log('iter', i) }
  try {
    await using bad = { [Symbol.asyncDispose]() { throw h.err('dispose failed') } }
    throw h.err('body failed')
  } catch (e) { h.log('caught', [e, e.error, e.suppressed]) }
  return 'done'
}
h.root('f', f(), 'now')
`,
  },
];
