/**
 * A program as JavaScript text: the body of a function that receives the harness `h` (see
 * harness.ts). Every step logs a line labelled `<call tag> f<function>:<step><site>`; site numbers
 * are unique in the text, so a label names one place in it.
 */

import type { DriveStep, Fn, GenSource, LoopExit, Operand, Program, Root, Stmt } from './model.ts';
import { asyncCallee, genCallee, rootCallee } from './resolve.ts';

export interface PrintOptions {
  /** Print this await-statement site as `await await …`: one extra tick, for the self-check. */
  extraAwait?: number;
}

export interface Printed {
  source: string;
  /** Await statements whose resumption logs at once: site and the label of that log line. */
  awaitSites: { site: number; label: string }[];
}

export function print(program: Program, options: PrintOptions = {}): Printed {
  return new Printer(program, options).print();
}

const MEMBER_PLACES = new Set(['object', 'class', 'static', 'field']);

/** Where a function ends up: generators cannot be arrows or class fields. */
function placeOf(fn: Fn): Fn['place'] {
  if (fn.gen && (fn.place === 'arrow' || fn.place === 'arrowExpr' || fn.place === 'field')) return 'declaration';
  return fn.place;
}

class Printer {
  readonly #program: Program;
  readonly #options: PrintOptions;
  readonly #semi: string;
  readonly #memos = new Set<number>();
  readonly #awaitSites: Printed['awaitSites'] = [];
  #site = 0;
  #lines: string[] = [];
  #indent = '';
  /** Kept promises visible at the current point, innermost scope last. */
  #scopes: string[][] = [];
  /** The function being printed. */
  #fn = 0;
  /** Plain helper functions to declare at the end of the function being printed (null: it has no body). */
  #helpers: string[] | null = null;
  /** Printing a helper's body, where `this` is not the caller's. */
  #inHelper = false;

  constructor(program: Program, options: PrintOptions) {
    this.#program = program;
    this.#options = options;
    this.#semi = program.style.semicolons ? ';' : '';
  }

  print(): Printed {
    const { style, fns } = this.#program;
    if (style.strict) this.#line(`'use strict'${this.#semi}`);
    const objectMembers: string[][] = [];
    const classMembers: string[][] = [];
    fns.forEach((fn, i) => {
      const place = placeOf(fn);
      const saved = this.#lines;
      this.#lines = [];
      this.#printFunction(fn, i, place);
      const text = this.#lines;
      this.#lines = saved;
      if (place === 'object') objectMembers.push(text);
      else if (MEMBER_PLACES.has(place)) classMembers.push(text);
      else this.#lines.push(...text);
    });
    if (objectMembers.length > 0) {
      this.#line('const o = {');
      for (const member of objectMembers) {
        member[member.length - 1] += ',';
        this.#lines.push(...member.map((l) => `  ${l}`));
      }
      this.#line(`}${this.#semi}`);
    }
    if (classMembers.length > 0) {
      this.#line('class C {');
      for (const member of classMembers) this.#lines.push(...member.map((l) => `  ${l}`));
      this.#line('}');
      this.#line(`const c = new C()${this.#semi}`);
    }
    for (const m of [...this.#memos].sort((a, b) => a - b)) {
      this.#line(`let m${m}v${this.#semi}`);
      this.#line(`const m${m} = () => (m${m}v ??= ${this.#call(m, -1, `'m${m}', 0`)})${this.#semi}`);
    }
    this.#program.roots.forEach((root, i) => this.#printRoot(root, i));
    return { source: `${this.#lines.join('\n')}\n`, awaitSites: this.#awaitSites };
  }

  #line(text: string): void {
    this.#lines.push(this.#indent + text);
  }

  #stmt(text: string, comment?: string): void {
    this.#line(`${text}${this.#semi}${comment !== undefined && this.#program.style.comments ? ` // ${comment}` : ''}`);
  }

  #block(open: string, body: () => void, close = '}'): void {
    this.#line(open);
    const saved = this.#indent;
    this.#indent += '  ';
    this.#scopes.push([]);
    body();
    this.#scopes.pop();
    this.#indent = saved;
    this.#line(close);
  }

  #next(): number {
    return this.#site++;
  }

  /** The JavaScript expression of a log label: the call's tag and a fixed part. */
  #label(step: string): string {
    return `t + ' f${this.#fn}:${step}'`;
  }

  #log(step: string, value?: string, comment?: string): void {
    this.#stmt(`h.log(${this.#label(step)}${value === undefined ? '' : `, ${value}`})`, comment);
  }

  #comment(text: string): string {
    return this.#program.style.comments ? `/* ${text} */ ` : '';
  }

  /** Where an expression may be broken onto the next line; `space` otherwise. */
  #break(space = ' '): string {
    return this.#program.style.newlines ? `\n${this.#indent}    ` : space;
  }

  #paren(text: string): string {
    return this.#program.style.parens ? `(${text})` : text;
  }

  /** A call of function `i` from the function being printed (`-1`: from top level). */
  #call(i: number, from: number, args: string): string {
    const callee = placeOf(this.#program.fns[i]!);
    const caller = from < 0 ? undefined : placeOf(this.#program.fns[from]!);
    const instance = (p: string | undefined) => p === 'class' || p === 'field';
    let object: string | undefined;
    const self = !this.#inHelper;
    if (callee === 'object') object = self && caller === 'object' ? 'this' : 'o';
    else if (instance(callee)) object = self && instance(caller) ? 'this' : 'c';
    else if (callee === 'static') object = 'C';
    const optional = this.#program.style.optional;
    if (object === undefined) return optional ? `f${i}?.(${args})` : `f${i}(${args})`;
    return `${object}${optional ? '?.' : '.'}f${i}(${args})`;
  }

  #printFunction(fn: Fn, i: number, place: Fn['place']): void {
    this.#fn = i;
    const star = fn.gen ? '*' : '';
    const c = this.#comment(`f${i}`);
    if (place === 'arrowExpr') {
      this.#scopes = [[]];
      this.#helpers = null;
      this.#stmt(`const f${i} = ${c}async (t, d) =>${this.#break()}${this.#paren(this.#operand(fn.expr))}`);
      return;
    }
    const header = {
      declaration: `${c}async function${star} f${i}(t, d) {`,
      expression: `const f${i} = ${c}async function${star} (t, d) {`,
      arrow: `const f${i} = ${c}async (t, d) => {`,
      object: `${c}async ${star}f${i}(t, d) {`,
      class: `${c}async ${star}f${i}(t, d) {`,
      static: `${c}static async ${star}f${i}(t, d) {`,
      field: `${c}f${i} = async (t, d) => {`,
    }[place];
    const close = place === 'expression' || place === 'arrow' || place === 'field' ? `}${this.#semi}` : '}';
    this.#scopes = [];
    this.#helpers = [];
    this.#block(header, () => {
      this.#log('in', 'd');
      this.#statements(fn.body);
      this.#log('end');
      this.#stmt(`return 'f${i}'`);
      for (const helper of this.#helpers ?? []) this.#line(helper);
    }, close);
  }

  #statements(body: Stmt[]): void {
    for (const s of body) this.#statement(s);
  }

  #statement(s: Stmt): void {
    const n = this.#next();
    switch (s.k) {
      case 'await': {
        const extra = this.#options.extraAwait === n ? 'await ' : '';
        const expr = `await ${extra}${this.#comment(`a${n}`)}${this.#break('')}${this.#paren(this.#operand(s.op))}`;
        if (s.bind) this.#stmt(`const v${n} = ${expr}`);
        else this.#stmt(expr);
        this.#log(`a${n}`, s.bind ? `v${n}` : undefined, `a${n}`);
        this.#awaitSites.push({ site: n, label: `f${this.#fn}:a${n}` });
        return;
      }
      case 'keep':
        this.#stmt(`const p${n} = ${this.#operand(s.op)}`);
        this.#scopes[this.#scopes.length - 1]!.push(`p${n}`);
        this.#log(`k${n}`);
        return;
      case 'unbox': {
        const operand = this.#operand(s.op);
        const box = `h.box(${operand}${s.empty ? (s.how === 'destructure' ? ', null' : ', {}') : ''})`;
        const statement = {
          destructure: `const { value: v${n} } = ${box}`,
          method: `const v${n} = ${box}.get()`,
          member: `const { value: v${n} } = ${box}.self`,
        }[s.how];
        this.#stmt(statement);
        this.#log(`b${n}`, `v${n}`);
        return;
      }
      case 'compound': {
        const a = `await ${this.#paren(this.#operand(s.a))}`;
        const b = `await ${this.#paren(this.#operand(s.b))}`;
        const expr = {
          add: `(${a}) + (${b})`,
          args: `h.pair(${a}, ${b})`,
          nested: `await h.pair(${a}, ${b})`,
          logical: `(${a}) || (${b})`,
          array: `[${a}, ${b}]`,
          template: `\`\${${a}}|\${${b}}\``,
          cond: `d > 0 ? ${a} : ${b}`,
          object: `{ a: ${a}, b: ${b} }`,
        }[s.shape];
        this.#stmt(`const v${n} = ${expr}`);
        this.#log(`a${n}`, `v${n}`);
        return;
      }
      case 'throw':
        this.#stmt(`throw h.err(${this.#label(`x${n}`)})`);
        return;
      case 'return': {
        let value = `${s.await ? 'await ' : ''}${this.#paren(this.#operand(s.op))}`;
        if (s.sequence) value = `h.log(${this.#label(`r${n}`)}), ${value}`;
        else this.#log(`r${n}`);
        // A line break right after `return` would end the statement.
        if (this.#program.style.newlines) value = `(${this.#break()}${value}\n${this.#indent})`;
        this.#stmt(`return ${this.#comment(`r${n}`)}${value}`);
        return;
      }
      case 'try':
        this.#block('try {', () => this.#statements(s.body));
        if (s.handler !== null || s.finalizer === null) {
          this.#block(`catch (e${n}) {`, () => {
            this.#log(`c${n}`, `e${n}`);
            this.#statements(s.handler ?? []);
          });
        }
        if (s.finalizer !== null) {
          const finalizer = s.finalizer;
          this.#block('finally {', () => {
            this.#log(`f${n}`);
            this.#statements(finalizer);
          });
        }
        return;
      case 'loop': {
        const test = s.test === null ? '' : ` && h.yes(await ${this.#operand(s.test)})`;
        this.#block(`for (let i${n} = 0; i${n} < ${s.n}${test}; i${n}++) {`, () => {
          this.#log(`l${n}`, `i${n}`);
          if (s.exit !== null) this.#loopExit(s.exit, n);
          this.#statements(s.body);
        });
        return;
      }
      case 'forAwait': {
        if (s.breakAfter !== null) this.#stmt(`let k${n} = 0`);
        const only = this.#program.style.unbraced ? `if (h.yes(${n})) L${n}: ` : '';
        this.#block(`${only}for await (const x${n} of ${this.#source(s.source, n)}) {`, () => {
          this.#log(`i${n}`, `x${n}`);
          if (s.breakAfter !== null) this.#stmt(`if (++k${n} === ${s.breakAfter}) break`);
          this.#statements(s.body);
        });
        this.#log(`o${n}`);
        return;
      }
      case 'yield':
        this.#stmt(`const y${n} = yield ${this.#paren(this.#operand(s.op))}`);
        this.#log(`y${n}`, `y${n}`);
        return;
      case 'delegate':
        if (this.#program.style.unbraced) this.#stmt(`let y${n}; if (h.yes(${n})) y${n} = yield* ${this.#source(s.source, n)}`);
        else this.#stmt(`const y${n} = yield* ${this.#source(s.source, n)}`);
        this.#log(`y${n}`, `y${n}`);
        return;
      case 'drive':
        this.#drive(s.target, s.d, s.steps, n);
        return;
    }
  }

  #loopExit(exit: LoopExit, n: number): void {
    const action = {
      break: 'break',
      continue: 'continue',
      return: `return i${n}`,
      throw: `throw h.err(${this.#label(`x${n}`)})`,
    }[exit.how];
    this.#stmt(`if (i${n} === ${exit.at}) ${action}`);
  }

  #source(source: GenSource, n: number): string {
    if (source.k === 'array') return `[${source.items.map((op) => this.#operand(op)).join(', ')}]`;
    if (source.k === 'plain') return `${source.v}`;
    const callee = genCallee(this.#program, this.#fn, source.target);
    return callee === undefined ? '[]' : this.#call(callee, this.#fn, `t + '/${n}', ${source.d}`);
  }

  #drive(target: number, d: number, steps: DriveStep[], n: number): void {
    const callee = genCallee(this.#program, this.#fn, target);
    if (callee === undefined) return this.#log(`d${n}`);
    this.#stmt(`const it${n} = ${this.#call(callee, this.#fn, `t + '/${n}', ${d}`)}`);
    const kept: string[] = [];
    steps.forEach((step, j) => {
      const arg = step.method === 'throw' ? `h.err(${this.#label(`d${n}.${j}`)})` : `${j}`;
      const call = `it${n}.${step.method}(${arg})`;
      if (step.kept) {
        this.#stmt(`const q${n}_${j} = ${call}`);
        kept.push(`q${n}_${j}`);
      } else {
        this.#stmt(`try { h.log(${this.#label(`d${n}.${j}`)}, await ${call}) } catch (e) { h.log(${this.#label(`d${n}.${j}!`)}, e) }`);
      }
    });
    if (kept.length > 0) this.#log(`d${n}`, `await Promise.allSettled([${kept.join(', ')}])`);
  }

  #operand(op: Operand): string {
    const n = this.#next();
    switch (op.k) {
      case 'value':
        return `${op.v}`;
      case 'resolved':
        return `Promise.resolve(${op.v})`;
      case 'rejected':
        return `Promise.reject(h.err(${this.#label(`j${n}`)}))`;
      case 'later':
        return op.reject ? `h.fail('${op.how}', ${this.#label(`j${n}`)})` : `h.later('${op.how}', ${op.v})`;
      case 'thenable':
        return `h.thenable('${op.how}', '${op.shell}', ${op.v}, ${this.#label(`j${n}`)})`;
      case 'probe':
        return `h.probe(${op.v}, ${this.#label(`j${n}`)})`;
      case 'call': {
        const callee = asyncCallee(this.#program, this.#fn, op.target);
        return callee === undefined ? `Promise.resolve(${n})` : this.#call(callee, this.#fn, `t + '/${n}', ${op.d}`);
      }
      case 'recurse':
        if (this.#program.fns[this.#fn]!.gen) return `${op.otherwise}`;
        return `(d > 0 ? ${this.#call(this.#fn, this.#fn, `t + '/${n}', d - 1`)} : ${op.otherwise})`;
      case 'kept': {
        const visible = this.#scopes.flat();
        return visible.length === 0 ? `${op.ref}` : visible[op.ref % visible.length]!;
      }
      case 'memo': {
        const callee = asyncCallee(this.#program, this.#fn, op.target);
        if (callee === undefined) return `Promise.resolve(${n})`;
        this.#memos.add(callee);
        return this.#program.style.optional ? `m${callee}?.()` : `m${callee}()`;
      }
      case 'combinator': {
        const items = `[${op.items.map((item) => this.#operand(item)).join(', ')}]`;
        const container = { array: items, proxy: `h.proxy(${items}, ${this.#label(`j${n}`)})`, set: `h.set(${items})` }[op.container];
        return `Promise.${op.which}(${container})`;
      }
      case 'mapped': {
        const indexes = Array.from({ length: op.n }, (_, i) => i).join(', ');
        return `Promise.${op.which}([${indexes}].map(async (i) => { h.log(${this.#label(`m${n}`)}, i); return await ${this.#operand(op.item)} }))`;
      }
      case 'cond':
        return `(d > 0 ? ${this.#operand(op.a)} : ${this.#operand(op.b)})`;
      case 'chained': {
        const parameter = op.method === 'finally' ? '' : 'x';
        const logged = op.method === 'finally' ? '' : ', x';
        return `Promise.resolve(${this.#operand(op.op)}).${op.method}(async (${parameter}) => { h.log(${this.#label(`h${n}`)}${logged}); return await ${this.#operand(op.item)} })`;
      }
      case 'getter':
        return `h.getter(() => ${this.#operand(op.op)}).v`;
      case 'iife':
        return `(async () => { h.log(${this.#label(`e${n}`)}); return await ${this.#operand(op.item)} })()`;
      case 'helper': {
        if (this.#helpers === null) return this.#operand(op.op);
        // Declared at the end of the body: it sees no block's kept promises, and runs before some are initialised.
        const scopes = this.#scopes;
        const inHelper = this.#inHelper;
        this.#scopes = [];
        this.#inHelper = true;
        this.#helpers.push(`function h${n}() { return ${this.#operand(op.op)} }`);
        this.#scopes = scopes;
        this.#inHelper = inHelper;
        return `h${n}()`;
      }
    }
  }

  #printRoot(root: Root, i: number): void {
    const callee = rootCallee(this.#program, root.target);
    let call = callee === undefined ? `Promise.resolve('none')` : this.#call(callee, -1, `'r${i}', ${root.d}`);
    if (callee !== undefined && this.#program.fns[callee]!.gen) call = `h.drain(${call})`;
    const observe = root.observe === 'await' && this.#program.goal !== 'module' ? 'now' : root.observe;
    let promise = call;
    if (root.kept) {
      this.#stmt(`const r${i} = ${call}`);
      promise = `r${i}`;
    }
    if (observe === 'await') this.#stmt(`try { h.log('r${i} awaited', await ${promise}) } catch (e) { h.log('r${i} awaited!', e) }`);
    else this.#stmt(`h.root('r${i}', ${promise}, '${observe}')`);
  }
}
