/**
 * A graph program as JavaScript text, the body of a function receiving the harness `h` and the
 * uninstrumented library `lib` (test/fixtures/oracle/library.mjs). One statement a line, each after
 * its note on the same line (but a dropped call, on the line after its note):
 *
 *   h.at(t, 4, {c: t + '/4', a: [{g: 1}]}); await f2(t + '/4', 0, h.gate(1));
 *
 * A note names what the statement is about to await (or keep, drop, return) as a descriptor:
 * `{v}` a value, `{res}`/`{rej}` a settled promise, `{g}` a gate, `{th}` a thenable, `{c, a}` a call
 * by its tag and arguments, `{via, then}` a call through the library, `{grp, n, race}` a group,
 * `{map, n, w}` a combinator over library-made call promises, `{kept}`, `{par}`, `{memo}`,
 * `{slot}`, `{comb, w, id, items}`, `{wide, w, g, n, at}`. Descriptors hold no calls, so a note
 * never enters an async function and never gives awaitwhat a call result to claim (a note that
 * starts its line is claimed as any dropped call is, and takes nothing).
 *
 * The printer also returns where every suspension point, function and combinator is, so that the
 * oracle knows `file:line:column` and the source text awaitwhat should report.
 */

import type { GraphOperand, GraphProgram, GraphStmt } from './model.ts';
import { GATES } from './model.ts';

/** A suspension point: the `await` or `return` keyword's position (1-based), and its text. */
export interface SiteInfo {
  line: number;
  column: number;
  kind: 'await' | 'return';
  text: string;
}

export interface FnInfo {
  name: string;
  line: number;
  column: number;
}

export interface PrintedGraph {
  source: string;
  /** By site id, as the notes name them (ids of operands, which are no suspension points, are holes). */
  sites: SiteInfo[];
  fns: FnInfo[];
  /** Member texts of each combinator written with an array literal, by combinator id; [] otherwise. */
  memberTexts: string[][];
}

interface Printed {
  text: string;
  /** The descriptor, as JavaScript. */
  desc: string;
}

export function printGraph(program: GraphProgram): PrintedGraph {
  return new GraphPrinter(program).print();
}

/** The later functions a call from `from` may reach (every function for a root), by free number. */
function callee(program: GraphProgram, from: number, target: number): number | undefined {
  const first = from < 0 ? 0 : from + 1;
  const count = program.fns.length - first;
  return count <= 0 ? undefined : first + (target % count);
}

class GraphPrinter {
  readonly #program: GraphProgram;
  readonly #lines: string[] = [];
  readonly #sites: SiteInfo[] = [];
  readonly #fns: FnInfo[] = [];
  readonly #memberTexts: string[][] = [];
  readonly #memos = new Set<number>();
  /** Roots whose promise is stored in a slot. */
  readonly #stored: number[];
  #site = 0;
  /** The function being printed; -1 for the module's top level. */
  #fn = 0;
  #indent = '  ';
  /** Kept promises of the body being printed. */
  #kept: number[] = [];
  /** Whether the body has passed an await: from then on it runs in a later job than the roots. */
  #suspended = false;
  /**
   * A program with a race rejects nothing (rejections print as fulfilments, throws as the end): which
   * member of a race settles first within one turn is beyond the oracle, and that is harmless only
   * while every member settles the same way.
   */
  readonly #calm: boolean;

  constructor(program: GraphProgram) {
    this.#program = program;
    this.#stored = program.roots.flatMap((r, i) => (r.store ? [i] : []));
    this.#calm = JSON.stringify(program).includes('"race"');
  }

  print(): PrintedGraph {
    const program = this.#program;
    const module = program.goal === 'module';
    const body: string[] = [];
    program.fns.forEach((fn, i) => this.#printFunction(fn.body, i, body));
    const bodySites = this.#site;
    const top: string[] = [];
    if (module) this.#printTop(program.top, top);
    const head: string[] = [];
    // The module's frame begins before its first statement, so its note comes first.
    if (module) head.push(`const t = 'top'; h.in(t, -1);`);
    if (program.roots.length > 0) head.push(`let ${program.roots.map((_, i) => `s${i}`).join(', ')};`);
    for (const m of [...this.#memos].sort((a, b) => a - b)) {
      head.push(`let m${m}v;`);
      head.push(`const m${m} = () => (m${m}v ??= f${m}('m${m}', 0));`);
    }
    const roots = program.roots.map((root, i) => {
      const target = callee(program, -1, root.target);
      if (target === undefined) return `s${i} = undefined;`;
      const call = `f${target}('r${i}', ${root.d})`;
      const desc = `{c: 'r${i}', a: []}`;
      return root.store ? `h.store(${i}, ${desc}); s${i} = ${call}; h.hold(${i}, s${i});` : `h.drop('', ${desc}); ${call};`;
    });
    const releases = program.releases.map((r) => `h.release(${r.gate % GATES}, ${r.reject && !this.#calm});`);
    // Sections were printed apart, so their line numbers are known only now.
    const bodyOffset = head.length;
    const topOffset = head.length + body.length + roots.length + releases.length;
    this.#sites.forEach((site, id) => {
      if (site !== undefined) site.line += id < bodySites ? bodyOffset : topOffset;
    });
    for (const fn of this.#fns) fn.line += bodyOffset;
    const source = [...head, ...body, ...roots, ...releases, ...top].join('\n');
    return { source: `${source}\n`, sites: this.#sites, fns: this.#fns, memberTexts: this.#memberTexts };
  }

  #printFunction(stmts: GraphStmt[], i: number, out: string[]): void {
    this.#fn = i;
    this.#kept = [];
    this.#suspended = false;
    this.#fns.push({ name: `f${i}`, line: out.length + 1, column: 1 });
    out.push(`async function f${i}(t, d, a, b) {`);
    out.push(`  h.in(t, ${i});`);
    let ended = false;
    for (const s of stmts) {
      if (ended) break;
      ended = this.#statement(s, out);
    }
    if (!ended) out.push('  h.end(t);');
    out.push('}');
  }

  /** The module's top level, after the roots: a body without `return`, whose tag is `t` = 'top'. */
  #printTop(stmts: GraphStmt[], out: string[]): void {
    this.#fn = -1;
    this.#kept = [];
    this.#suspended = true;
    this.#indent = '';
    let ended = false;
    for (const s of stmts) {
      if (ended) break;
      if (s.k !== 'return') ended = this.#statement(s, out);
    }
    if (!ended) out.push('h.end(t);');
  }

  /** Prints one statement; true when it ends the body. */
  #statement(s: GraphStmt, out: string[]): boolean {
    const n = this.#site++;
    const indent = this.#indent;
    switch (s.k) {
      case 'await': {
        const op = this.#operand(s.op);
        const note = `h.at(t, ${n}, ${op.desc}); `;
        this.#addSite(n, out.length + 1, indent.length + note.length + 1, 'await', `await ${op.text}`);
        out.push(`${indent}${note}await ${op.text};`);
        this.#suspended = true;
        return false;
      }
      case 'keep': {
        const op = this.#operand(s.op);
        out.push(`${indent}h.keep(t, ${n}, ${op.desc}); const p${n} = ${op.text};`);
        this.#kept.push(n);
        return false;
      }
      case 'drop': {
        const op = this.#operand(s.op);
        // The call on a line of its own, as a statement usually starts one: awaitwhat claims a
        // dropped result only there (a claim after the note on the same line would move its column).
        out.push(`${indent}h.drop(t, ${op.desc});`);
        out.push(`${indent}${op.text};`);
        return false;
      }
      case 'return': {
        const op = this.#operand(s.op);
        if (s.await) {
          const note = `h.at(t, ${n}, ${op.desc}, true); return `;
          this.#addSite(n, out.length + 1, indent.length + note.length + 1, 'await', `await ${op.text}`);
          out.push(`${indent}${note}await ${op.text};`);
        } else {
          const note = `h.ret(t, ${n}, ${op.desc}); `;
          this.#addSite(n, out.length + 1, indent.length + note.length + 1, 'return', `return ${op.text}`);
          out.push(`${indent}${note}return ${op.text};`);
        }
        return true;
      }
      case 'throw':
        if (this.#calm) return false;
        out.push(`${indent}h.throws(t); throw h.err(t + ' f${this.#fn}:x${n}');`);
        return true;
    }
  }

  #addSite(n: number, line: number, column: number, kind: SiteInfo['kind'], text: string): void {
    this.#sites[n] = { line, column, kind, text };
  }

  #later(target: number): number | undefined {
    return callee(this.#program, this.#fn, target);
  }

  #operand(op: GraphOperand): Printed {
    const n = this.#site++;
    switch (op.k) {
      case 'value':
        return { text: `${op.v}`, desc: `{v: ${op.v}}` };
      case 'resolved':
        return { text: `Promise.resolve(${op.v})`, desc: `{res: ${op.v}}` };
      case 'rejected':
        if (this.#calm) return this.#operand({ k: 'resolved', v: n });
        return { text: `Promise.reject(h.err(t + ' f${this.#fn}:j${n}'))`, desc: '{rej: 1}' };
      case 'gate':
        return { text: `h.gate(${op.gate % GATES})`, desc: `{g: ${op.gate % GATES}}` };
      case 'thenable':
        return { text: `h.thenable(${op.gate % GATES})`, desc: `{th: ${op.gate % GATES}}` };
      case 'call': {
        const target = this.#later(op.target);
        if (target === undefined) return this.#operand({ k: 'value', v: n });
        const args = op.args.map((a) => this.#operand(a));
        const text = `f${target}(t + '/${n}', ${op.d}${args.map((a) => `, ${a.text}`).join('')})`;
        return { text, desc: `{c: t + '/${n}', a: [${args.map((a) => a.desc).join(', ')}]}` };
      }
      case 'recurse': {
        if (this.#fn < 0) return this.#operand({ k: 'value', v: n });
        const self = `f${this.#fn}`;
        const call = op.viaLibrary ? `lib.call(${self}, t + '/${n}', d - 1)` : `${self}(t + '/${n}', d - 1)`;
        const desc = op.viaLibrary ? `{via: t + '/${n}', then: false}` : `{c: t + '/${n}', a: []}`;
        return { text: `(d > 0 ? ${call} : ${n})`, desc: `(d > 0 ? ${desc} : {v: ${n}})` };
      }
      case 'via': {
        const target = this.#later(op.target);
        if (target === undefined) return this.#operand({ k: 'value', v: n });
        return { text: `lib.${op.how}(f${target}, t + '/${n}', ${op.d})`, desc: `{via: t + '/${n}', then: ${op.how === 'then'}}` };
      }
      case 'group': {
        const targets = this.#targets(op.targets);
        if (targets.length === 0) return this.#operand({ k: 'value', v: n });
        return {
          text: `lib.${op.how}([${targets.map((f) => `f${f}`).join(', ')}], t + '/${n}', ${op.d})`,
          desc: `{grp: t + '/${n}', n: ${targets.length}, race: ${op.how === 'race'}}`,
        };
      }
      case 'mapped': {
        const targets = this.#targets(op.targets);
        if (targets.length === 0) return this.#operand({ k: 'value', v: n });
        const id = this.#combinator([]);
        return {
          text: `Promise.${op.which}(lib.map([${targets.map((f) => `f${f}`).join(', ')}], t + '/${n}', ${op.d}))`,
          desc: `{map: t + '/${n}', n: ${targets.length}, w: '${op.which}', id: ${id}}`,
        };
      }
      case 'kept': {
        if (this.#kept.length === 0) return this.#operand({ k: 'value', v: n });
        const ref = this.#kept[op.ref % this.#kept.length]!;
        return { text: `p${ref}`, desc: `{kept: ${ref}}` };
      }
      case 'param':
        if (this.#fn < 0) return this.#operand({ k: 'value', v: n });
        return { text: op.index === 0 ? 'a' : 'b', desc: `{par: ${op.index}}` };
      case 'memo': {
        const target = this.#later(op.target);
        if (target === undefined) return this.#operand({ k: 'value', v: n });
        this.#memos.add(target);
        return { text: `m${target}()`, desc: `{memo: ${target}}` };
      }
      case 'slot': {
        // Read in the first synchronous part of a body, a slot could still be unassigned (a root not yet stored).
        if (!this.#suspended || this.#stored.length === 0) return this.#operand({ k: 'value', v: n });
        const root = this.#stored[op.root % this.#stored.length]!;
        return { text: `s${root}`, desc: `{slot: ${root}}` };
      }
      case 'combinator': {
        const items = op.items.map((item) => this.#operand(item));
        const id = this.#combinator(items.map((item) => item.text));
        return {
          text: `Promise.${op.which}([${items.map((item) => item.text).join(', ')}])`,
          desc: `{comb: '${op.which}', id: ${id}, items: [${items.map((item) => item.desc).join(', ')}]}`,
        };
      }
      case 'wide': {
        const gate = op.gate % GATES;
        const at = op.at % op.size;
        const id = this.#combinator([]);
        return { text: `Promise.${op.which}(h.wide(${gate}, ${op.size}, ${at}))`, desc: `{wide: '${op.which}', id: ${id}, g: ${gate}, n: ${op.size}, at: ${at}}` };
      }
    }
  }

  #targets(targets: number[]): number[] {
    return targets.flatMap((t) => {
      const f = this.#later(t);
      return f === undefined ? [] : [f];
    });
  }

  #combinator(texts: string[]): number {
    this.#memberTexts.push(texts);
    return this.#memberTexts.length - 1;
  }
}

