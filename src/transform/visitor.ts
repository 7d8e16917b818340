/**
 * One walk over the AST plans every insertion. Children are planned before their parent, so
 * each visit knows whether its subtree suspends (contains `await`/`yield` at the same function
 * level), which decides whether a call result can be claimed: a caller reads the frame counter
 * (`q`) before the call, and an `await` between that read and the call would let unrelated frames
 * in.
 *
 * What is inserted, by construct (F is the frame variable, S a site id):
 * - async function body:  `{const F=<enter>;try{ … }finally{F.x()}}`
 * - `await g()`:          `await F.c(S,F.q,g())`      (claims g's frame)
 * - `await v`:            `await F.a(S,v)`
 * - `await Promise.all(xs)`: `await F.ac(S,Promise.all(F.pa(xs)))`; kept: `F.pc(S,Promise.all(F.pa(xs)))`
 * - kept call result:     `F.k(F.q,g())`
 * - `return g()`:         `return F.rc(S,F.q,g())`;   `return v`: `return F.r(S,v)`
 * - `for await (… of xs) body`: `F.fb(S);for await (… of xs) {try{body}finally{F.fh(S)}}`
 *   (in braces where a single statement is required; the iterable itself is never wrapped, since
 *   V8 quotes its text in errors: `x is not async iterable`)
 * - `yield v` / `yield* xs` in async generators: `yield F.y(S,v)` / `(F.fb(S),yield* xs)`
 * - block with `await using`: `await using …;try{ rest }finally{F.ud(S)}`
 * - `new Promise(…)`: `F.np(S,new Promise(…))` (at top level through the global, in synchronous
 *   functions through a guard); an await or return of one records it in its own site instead
 * - module with top-level await: `const F=<enter module>;` before the first statement, `;F.x();` after the last
 */

import { CHILD_KEYS, collectPatternNames, isFunctionNode, unwrapParens, type AnyNode } from './ast.ts';
import { blockWouldChangeScoping } from './hoisting.ts';
import { EditList } from './edits.ts';
import type { LineIndex } from './lines.ts';
import { inferFunctionName, type NamingContext } from './names.ts';
import type { OriginMapper } from './origin.ts';
import { WordOffsets } from './words.ts';
import { COMBINATORS, type CombinatorKind, type SiteKind, type SiteRecord } from '../runtime/sites.ts';

/** Where sites go: the runtime's table when instrumenting at load time. */
export interface SiteSink {
  addSite(site: SiteRecord): number;
}

/**
 * Sites are numbered per file while planning (a plan may be thrown away, and the site table keeps
 * whatever it is given) and registered once the plan stands: inserted text holds this placeholder
 * for a site's id until then, and a suspension site's `fn` holds its function's index in the file.
 */
export function siteRef(index: number): string {
  return `\0${index}\0`;
}

/**
 * Called on every node before the planner reads it or its children; may adapt the node in place,
 * or throw to abandon the plan (the parser's tree needs another parser's judgement).
 */
export type NodeInspector = (node: AnyNode, ancestors: readonly AnyNode[]) => void;

interface PlanOptions {
  /** File name recorded in sites. */
  file: string;
  /** Text to quote in sites, at the same offsets as the parsed source (the typed text of a TypeScript file). */
  displaySource?: string;
  /** Maps generated positions to the original ones when the input came with a source map. */
  origin?: OriginMapper;
  runtimeGlobal: string;
  frameVariable: string;
  maxTextLength: number;
  /** Record no source text for suspension points, and no literal in function names. */
  omitText: boolean;
  /** Sees every node first (the oxc adapter). */
  inspect?: NodeInspector;
  /** The text's word offsets, when the parse found them already. */
  words?: WordOffsets;
}

/**
 * How the parent uses a child expression: `value` results are kept (so a call result may be a
 * promise worth claiming); `handled` means the parent wraps it itself; `chain` marks the spine of
 * an optional chain, which must stay unwrapped; `destructured` values are taken apart at once, and
 * V8 quotes their expression when that fails (`Cannot destructure property 'a' of 'load(...)'`),
 * so they stay unwrapped too; `discard` and `none` need nothing.
 */
type Role = 'value' | 'discard' | 'handled' | 'chain' | 'destructured' | 'none';

/** `module`: ESM top level (may have top-level await); `script`: CommonJS top level; `sync`: any other function. */
type ScopeKind = 'async' | 'asyncGenerator' | 'module' | 'script' | 'sync';

interface Scope {
  kind: ScopeKind;
  /** Module scope only: whether any top-level suspension was instrumented. */
  used: boolean;
  /** Site id of the function (or module) the scope's suspension sites belong to; -1 until known. */
  fnSite: number;
}

/** Node types a `return` argument can have that can never be a promise or thenable. */
const NEVER_THENABLE = new Set([
  'Literal',
  'TemplateLiteral',
  'ObjectExpression',
  'ArrayExpression',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ClassExpression',
  'UnaryExpression',
  'BinaryExpression',
  'UpdateExpression',
  'AwaitExpression',
  'ThisExpression',
  'MetaProperty',
]);

/** Await operands that cannot run code, so no frame can be handed over while evaluating them. */
const NOTHING_TO_CLAIM = new Set(['Identifier', 'Literal', 'ThisExpression', 'TemplateLiteral', 'ArrowFunctionExpression', 'FunctionExpression']);

// Runs where the runtime is absent (a function serialised with toString() and evaluated in another
// realm): every frame operation returns its last argument, and `q` reads as 0.
const INERT_FRAME = 'new Proxy({},{get:(_,k)=>k==="q"?0:(...a)=>a[a.length-1]})';

export interface PlanResult {
  /** Insertions, with placeholders for site ids (see siteRef). */
  edits: EditList;
  /** The file's sites in order; `fn` is an index into this list. */
  sites: SiteRecord[];
  functions: number;
  suspensions: number;
  /** Where a statement that must run first in the program goes: after the directive prologue (and a hashbang), with the separator it needs. */
  head: { pos: number; prefix: string };
}

export function plan(program: AnyNode, source: string, lines: LineIndex, options: PlanOptions): PlanResult {
  const planner = new Planner(source, lines, options, program.sourceType === 'module');
  planner.visitProgram(program);
  return { edits: planner.edits, sites: planner.sites, functions: planner.functions, suspensions: planner.suspensions, head: headOf(program, source) };
}

class Planner {
  readonly edits = new EditList();
  readonly sites: SiteRecord[] = [];
  functions = 0;
  suspensions = 0;
  readonly #source: string;
  readonly #lines: LineIndex;
  readonly #inspect: NodeInspector | undefined;
  readonly #options: PlanOptions;
  readonly #F: string;
  readonly #ancestors: AnyNode[] = [];
  readonly #naming: NamingContext;
  #scope: Scope;
  #insideWith = 0;
  readonly #words: WordOffsets;
  /** A `new Promise(…)` the enclosing await or return records in its own site (so it needs no tag at run time). */
  #staticNew: AnyNode | undefined;

  constructor(source: string, lines: LineIndex, options: PlanOptions, isModule: boolean) {
    this.#source = source;
    this.#lines = lines;
    this.#inspect = options.inspect;
    this.#options = options;
    this.#F = options.frameVariable;
    this.#naming = { source, origin: options.origin, omitLiterals: options.omitText };
    this.#words = options.words ?? new WordOffsets(source);
    this.#scope = { kind: isModule ? 'module' : 'script', used: false, fnSite: -1 };
  }

  /** Suspensions can be recorded: inside async functions and at module top level. */
  get #hasFrame(): boolean {
    const kind = this.#scope.kind;
    return kind === 'async' || kind === 'asyncGenerator' || kind === 'module';
  }

  /** Call results can be claimed: there, and at CommonJS top level. */
  get #canClaim(): boolean {
    return this.#scope.kind !== 'sync';
  }

  visitProgram(program: AnyNode): void {
    const moduleScope = this.#scope;
    this.#visitChildren(program, 'none');
    if (!moduleScope.used) return;
    const body: AnyNode[] = program.body;
    const first = body.find((s) => s.directive === undefined) ?? body[body.length - 1]!;
    const site = moduleScope.fnSite;
    const G = this.#options.runtimeGlobal;
    const F = this.#F;
    this.edits.insert(first.start, `${this.#afterDirective(body, first)}const ${F}=typeof ${G}==="object"?${G}.m(${siteRef(site)}):${INERT_FRAME};`);
    this.edits.insert(body[body.length - 1]!.end, `;${F}.x();`, -1);
    this.functions++;
  }

  #visit(node: AnyNode | null | undefined, role: Role): boolean {
    if (node === null || node === undefined) return false;
    if (this.#inspect !== undefined) this.#inspect(node, this.#ancestors);
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        this.#visitFunction(node);
        return false;
      case 'PropertyDefinition':
      case 'AccessorProperty':
      case 'StaticBlock':
        if (!this.#worthWalking(node)) return false;
        return this.#withScope({ kind: 'sync', used: false, fnSite: -1 }, () => this.#visitChildren(node, role));
      case 'AwaitExpression':
        return this.#visitAwait(node);
      case 'YieldExpression':
        return this.#visitYield(node);
      case 'ReturnStatement':
        return this.#visitReturn(node);
      case 'ForOfStatement':
        return node.await ? this.#visitForAwait(node) : this.#visitChildren(node, role);
      case 'CallExpression':
        return this.#visitCall(node, role);
      case 'NewExpression':
        return this.#visitNew(node, role);
      case 'ChainExpression':
        return this.#visitChain(node, role);
      case 'WithStatement':
        return this.#visitWith(node);
      case 'BlockStatement': {
        const suspends = this.#visitChildren(node, role);
        if (this.#hasFrame) this.#planAwaitUsing(node);
        return suspends;
      }
      default:
        return this.#visitChildren(node, role);
    }
  }

  #visitChildren(node: AnyNode, role: Role): boolean {
    const keys = CHILD_KEYS[node.type] ?? Object.keys(node).filter((k) => k !== 'type' && k !== 'start' && k !== 'end' && k !== 'loc' && k !== 'range');
    let suspends = false;
    this.#ancestors.push(node);
    for (const key of keys) {
      const child = node[key];
      if (Array.isArray(child)) {
        for (let i = 0; i < child.length; i++) {
          const c = child[i];
          if (c !== null && typeof c === 'object' && typeof c.type === 'string') {
            if (this.#visit(c, childRole(node, key, i, child.length, role))) suspends = true;
          }
        }
      } else if (child !== null && typeof child === 'object' && typeof child.type === 'string') {
        if (this.#visit(child, childRole(node, key, 0, 1, role))) suspends = true;
      }
    }
    this.#ancestors.pop();
    return suspends;
  }

  /**
   * Inside `with (obj)`, every name the inserted code uses would be looked up on `obj` first, which
   * a proxy can observe: nothing there is instrumented, nested functions included.
   */
  #visitWith(node: AnyNode): boolean {
    this.#ancestors.push(node);
    const suspends = this.#visit(node.object, 'none');
    this.#insideWith++;
    try {
      return this.#withScope({ kind: 'sync', used: false, fnSite: -1 }, () => this.#visit(node.body, 'none')) || suspends;
    } finally {
      this.#insideWith--;
      this.#ancestors.pop();
    }
  }

  #withScope<T>(scope: Scope, run: () => T): T {
    const saved = this.#scope;
    this.#scope = scope;
    try {
      return run();
    } finally {
      this.#scope = saved;
    }
  }

  #visitFunction(node: AnyNode): void {
    const expressionBody = node.body.type !== 'BlockStatement';
    const instrumented = node.async === true && this.#insideWith === 0 && (expressionBody || !blockWouldChangeScoping(node.body));
    const kind: ScopeKind = instrumented ? (node.generator ? 'asyncGenerator' : 'async') : 'sync';
    // Nothing in a synchronous function is instrumented but the async functions and `new Promise(…)` in it.
    if (kind === 'sync' && !this.#worthWalking(node)) return;
    // Registered before the body, so that every suspension site can name its function.
    const site = kind === 'sync' ? -1 : this.#addSite(kind === 'asyncGenerator' ? 'generator' : 'function', this.#functionSiteNode(node), inferFunctionName(node, this.#ancestors, this.#naming), '');
    this.#ancestors.push(node);
    // Parameters are evaluated before the body declares the frame variable: nothing in them may use it.
    this.#withScope({ kind: 'sync', used: false, fnSite: -1 }, () => {
      if (node.id) this.#visit(node.id, 'none');
      for (const p of node.params) this.#visit(p, 'none');
    });
    let returnWrap: (() => void) | undefined;
    this.#withScope({ kind, used: false, fnSite: site }, () => {
      if (expressionBody && kind !== 'sync') returnWrap = this.#planReturnValue(node.body, node.body).wrap;
      else this.#visit(node.body, 'none');
    });
    this.#ancestors.pop();
    if (kind === 'sync') return;
    returnWrap?.();

    const G = this.#options.runtimeGlobal;
    const F = this.#F;
    const enter = `const ${F}=typeof ${G}==="object"?${G}.${kind === 'asyncGenerator' ? 'g' : 'e'}(${siteRef(site)}):${INERT_FRAME};`;
    if (expressionBody) {
      this.edits.wrap(node.body.start, node.body.end, `{${enter}try{return `, `}finally{${F}.x()}}`);
    } else {
      const statements: AnyNode[] = node.body.body;
      let start = node.body.start + 1;
      let prefix = '';
      const lastDirective = lastDirectiveOf(statements);
      if (lastDirective !== undefined) {
        start = lastDirective.end;
        prefix = this.#source[lastDirective.end - 1] === ';' ? '' : ';';
      }
      this.edits.wrap(start, node.body.end - 1, `${prefix}${enter}try{`, `}finally{${F}.x()}`);
    }
    this.functions++;
  }

  /**
   * Whether a synchronous scope may hold anything to instrument: an async function or a `new
   * Promise(…)`, found by their text (words.ts). Where the word `async` does not occur, a
   * synchronous scope holds no async function and need not be walked (most of a library's code);
   * oxc's parse does not even build the bodies of such functions (parse-oxc.ts).
   */
  #worthWalking(node: AnyNode): boolean {
    return this.#words.worthWalking(node.start, node.end);
  }

  /** Methods and properties are reported where their definition starts, `async` keyword included. */
  #functionSiteNode(fn: AnyNode): AnyNode {
    const parent = this.#ancestors[this.#ancestors.length - 1];
    if (parent !== undefined && (parent.type === 'MethodDefinition' || (parent.type === 'Property' && parent.value === fn))) return parent;
    return fn;
  }

  #visitAwait(node: AnyNode): boolean {
    const inner = unwrapParens(node.argument);
    const created = this.#hasFrame ? this.#promiseSite(inner) : undefined;
    this.#ancestors.push(node);
    const argumentSuspends = this.#visit(node.argument, 'handled');
    this.#ancestors.pop();
    if (!this.#hasFrame) return true;
    const F = this.#F;
    const arg = node.argument;
    const combinator = argumentSuspends ? undefined : combinatorOf(inner);
    const site = this.#addSite('await', node, '', this.#text(node), combinator === undefined ? undefined : inner);
    if (created !== undefined) this.sites[site]!.created = created;
    if (combinator !== undefined) {
      this.#stashCombinatorMembers(inner);
      this.edits.wrap(arg.start, arg.end, `${F}.ac(${siteRef(site)},`, ')');
    } else if (!argumentSuspends && !NOTHING_TO_CLAIM.has(inner.type)) {
      // Calls, and anything else that can run code (a getter, a conditional over calls), may hand
      // over a frame's promise: claim it.
      this.edits.wrap(arg.start, arg.end, `${F}.c(${siteRef(site)},${F}.q,`, ')');
    } else {
      this.edits.wrap(arg.start, arg.end, `${F}.a(${siteRef(site)},`, ')');
    }
    this.#noteSuspension();
    return true;
  }

  #stashCombinatorMembers(call: AnyNode): void {
    const first = call.arguments[0];
    if (first !== undefined && first.type !== 'SpreadElement') this.edits.wrap(first.start, first.end, `${this.#claimer}.pa(`, ')');
  }

  #visitCall(node: AnyNode, role: Role): boolean {
    const suspends = this.#visitChildren(node, role);
    if (role !== 'value' || suspends || !this.#canClaim || node.callee.type === 'Super') return suspends;
    const C = this.#claimer;
    const combinator = combinatorOf(node);
    if (combinator !== undefined) {
      const site = this.#addSite('combinator', node, '', this.#text(node), node);
      this.#stashCombinatorMembers(node);
      this.edits.wrap(node.start, node.end, `${C}.pc(${siteRef(site)},`, ')');
    } else {
      this.edits.wrap(node.start, node.end, `${C}.k(${C}.q,`, ')');
    }
    return suspends;
  }

  /**
   * `new Promise(…)`: tagged with where it was created (`T.np(S,new Promise(…))`), so that a report
   * names it when it is awaited somewhere else (`const p = new Promise(…); … await p`). Cost: one
   * WeakMap insertion per promise created here (bench/new-promise.mjs, BENCHMARKS.md). Not tagged:
   * one an await or return records itself (`await new Promise(…)`, free at run time), one that
   * starts a statement (its own value is dropped or chained: `new Promise(…).then(…)` is what is
   * awaited; and a wrap starting with `(` could join the statement to the line before it), and
   * any inside `with`.
   */
  #visitNew(node: AnyNode, role: Role): boolean {
    const suspends = this.#visitChildren(node, role);
    if (!isNewPromise(node) || node === this.#staticNew || this.#insideWith > 0 || this.#startsStatement(node)) return suspends;
    const site = siteRef(this.#addSite('promise', node, '', ''));
    const kind = this.#scope.kind;
    const G = this.#options.runtimeGlobal;
    // A synchronous function may run where awaitwhat does not (serialised with toString() into a
    // browser page): there the tag is the identity.
    const tag = kind === 'async' || kind === 'asyncGenerator' ? `${this.#F}.np(` : kind === 'sync' ? `(typeof ${G}==="object"?${G}.np:(s,v)=>v)(` : `${G}.np(`;
    this.edits.wrap(node.start, node.end, `${tag}${site},`, ')');
    return suspends;
  }

  /** For an await or return operand that is `new Promise(…)`: a site for it (the operand is then not tagged). */
  #promiseSite(operand: AnyNode): number | undefined {
    if (!isNewPromise(operand) || this.#insideWith > 0) return undefined;
    this.#staticNew = operand;
    return this.#addSite('promise', operand, '', '');
  }

  /**
   * Whether a `return` may have its value discarded after it was evaluated: inside the `try` or
   * `catch` block of a `try` with a `finally` (of the same function), which may throw, or leave
   * with `break` or `continue`, instead of completing the return.
   */
  #insideTryFinally(node: AnyNode): boolean {
    for (let i = this.#ancestors.length - 1; i >= 0; i--) {
      const a = this.#ancestors[i]!;
      if (isFunctionNode(a)) return false;
      if (a.type === 'TryStatement' && a.finalizer && !(node.start >= a.finalizer.start && node.end <= a.finalizer.end)) return true;
    }
    return false;
  }

  /** Whether the node's first token is its statement's (it starts an expression statement). */
  #startsStatement(node: AnyNode): boolean {
    for (let i = this.#ancestors.length - 1; i >= 0; i--) {
      const a = this.#ancestors[i]!;
      if (a.start !== node.start) return false;
      if (a.type === 'ExpressionStatement') return true;
    }
    return false;
  }

  #visitChain(node: AnyNode, role: Role): boolean {
    const suspends = this.#visitChildren(node, role);
    if (role === 'value' && !suspends && this.#canClaim && node.expression.type === 'CallExpression') {
      this.edits.wrap(node.start, node.end, `${this.#claimer}.k(${this.#claimer}.q,`, ')');
    }
    return suspends;
  }

  /**
   * Who claims: the frame variable inside async functions; the runtime global itself at module top
   * level, where module code always runs beside the runtime that instrumented it.
   */
  get #claimer(): string {
    return this.#scope.kind === 'module' || this.#scope.kind === 'script' ? this.#options.runtimeGlobal : this.#F;
  }

  #visitReturn(node: AnyNode): boolean {
    const arg = node.argument;
    // Only async functions: a module cannot return, and an async generator's return value is
    // awaited inside the generator, not handed to a caller.
    if (arg === null || arg === undefined || this.#scope.kind !== 'async') return this.#visitChildren(node, 'none');
    this.#ancestors.push(node);
    const { suspends, wrap } = this.#planReturnValue(arg, node);
    this.#ancestors.pop();
    wrap?.();
    return suspends;
  }

  /**
   * Visits a returned expression (a `return` argument or an arrow's expression body); the wrap it
   * returns is applied by the caller once anything that must enclose it is known.
   */
  #planReturnValue(arg: AnyNode, siteNode: AnyNode): { suspends: boolean; wrap?: () => void } {
    const inner = unwrapParens(arg);
    const F = this.#F;
    if (NEVER_THENABLE.has(inner.type)) return { suspends: this.#visit(arg, 'none') };
    const direct = isCallLike(inner) && combinatorOf(inner) === undefined;
    const created = this.#promiseSite(inner);
    const suspends = this.#visit(arg, direct ? 'handled' : 'value');
    const text = siteNode === arg ? `return ${this.#text(arg)}` : this.#text(siteNode);
    const site = this.#addSite('return', siteNode, '', text);
    if (created !== undefined) this.sites[site]!.created = created;
    if (this.#insideTryFinally(siteNode)) this.sites[site]!.discardable = true;
    if (direct && !suspends) return { suspends, wrap: () => this.edits.wrap(arg.start, arg.end, `${F}.rc(${siteRef(site)},${F}.q,`, ')') };
    // `return a, b` returns b: the comma must not become an argument separator.
    if (arg.type === 'SequenceExpression') return { suspends, wrap: () => this.edits.wrap(arg.start, arg.end, `${F}.r(${siteRef(site)},(`, '))') };
    return { suspends, wrap: () => this.edits.wrap(arg.start, arg.end, `${F}.r(${siteRef(site)},`, ')') };
  }

  #visitForAwait(node: AnyNode): boolean {
    this.#ancestors.push(node);
    this.#visit(node.left, 'none');
    this.#visit(node.right, 'none');
    this.#visit(node.body, 'none');
    this.#ancestors.pop();
    if (!this.#hasFrame) return true;
    const header = (this.#options.displaySource ?? this.#source).slice(node.start, node.body.start);
    const site = this.#addSite('for-await', node, '', this.#options.omitText ? '' : this.#clean(header));
    const F = this.#F;
    this.#insertBeforeStatement(node, `${F}.fb(${siteRef(site)});`);
    this.edits.wrap(node.body.start, node.body.end, '{try{', `}finally{${F}.fh(${siteRef(site)})}}`);
    this.#noteSuspension();
    return true;
  }

  /**
   * Puts `code` before a statement (and its labels), in braces with it where only one statement
   * may stand; `parentAt` is the index of the statement's parent among the ancestors.
   */
  #insertBeforeStatement(statement: AnyNode, code: string, parentAt = this.#ancestors.length - 1): void {
    let outer = statement;
    let at = parentAt;
    while (at >= 0 && this.#ancestors[at]!.type === 'LabeledStatement') outer = this.#ancestors[at--]!;
    const container = this.#ancestors[at];
    const inList = container === undefined || ['Program', 'BlockStatement', 'StaticBlock', 'SwitchCase'].includes(container.type);
    // Inside any wrap that starts where the statement does (a function body's `try{`).
    if (inList) this.edits.insert(outer.start, code, -1);
    else this.edits.wrap(outer.start, outer.end, `{${code}`, '}');
  }

  #visitYield(node: AnyNode): boolean {
    this.#ancestors.push(node);
    // What `yield*` iterates is quoted by V8 when it is not iterable: left as written.
    this.#visit(node.argument, node.delegate ? 'none' : 'value');
    this.#ancestors.pop();
    if (this.#scope.kind !== 'asyncGenerator') return true;
    const F = this.#F;
    const site = this.#addSite(node.delegate ? 'yield*' : 'yield', node, '', this.#text(node));
    if (node.delegate) this.#planYieldStar(node, `${F}.fb(${siteRef(site)})`);
    else if (node.argument) this.edits.wrap(node.argument.start, node.argument.end, `${F}.y(${siteRef(site)},`, ')');
    else this.#planBareYield(node, `${F}.y(${siteRef(site)},void 0)`);
    return true;
  }

  /**
   * The record for `yield* xs` must run before xs is evaluated and leave the expression alone (V8
   * quotes it in errors): before the statement when the yield* is all it evaluates (`yield* xs;`,
   * `return yield* xs;`, `const r = yield* xs;`), else in a comma expression around it.
   */
  #planYieldStar(node: AnyNode, record: string): void {
    let at = this.#ancestors.length - 1;
    while (at >= 0 && this.#ancestors[at]!.type === 'ParenthesizedExpression') at--;
    let statement = this.#ancestors[at];
    if (statement?.type === 'VariableDeclarator') {
      const declaration = this.#ancestors[at - 1];
      const container = this.#ancestors[at - 2];
      const alone = declaration?.declarations.length === 1 && container !== undefined && !/^For/.test(container.type);
      statement = alone ? declaration : undefined;
      at--;
    }
    if (statement !== undefined && ['ExpressionStatement', 'ReturnStatement', 'VariableDeclaration'].includes(statement.type)) {
      this.#insertBeforeStatement(statement, `${record};`, at - 1);
    } else this.edits.wrap(node.start, node.end, `(${record},`, ')');
  }

  /**
   * A bare `yield` gets an operand. It belongs inside every wrap that ends with the yield (they
   * enclose it). When the next token is on a later line and could start an expression, the
   * original ended its statement there by automatic semicolon insertion, which an operand would
   * prevent; the semicolon is then written out, after the wraps inside that statement and before
   * those around it.
   */
  #planBareYield(node: AnyNode, operand: string): void {
    this.edits.insertBeforeCloses(node.end, ` ${operand}`, -1);
    if (!endsStatementByAsi(this.#source, node.end)) return;
    const statement = [...this.#ancestors].reverse().find((a) => /Statement$|Declaration$/.test(a.type));
    if (statement !== undefined) this.edits.insertBeforeCloses(node.end, ';', statement.end - statement.start - 0.5);
  }

  /**
   * A block's `await using` resources are disposed, and awaited, when the block ends; the rest of
   * the block is wrapped so that the frame records that wait. Skipped when that could change what
   * a name refers to: if the wrapped statements declare a name also mentioned before them.
   */
  #planAwaitUsing(block: AnyNode): void {
    const statements: AnyNode[] = block.body;
    const index = statements.findIndex((s) => s.type === 'VariableDeclaration' && s.kind === 'await using');
    if (index === -1) return;
    const decl = statements[index]!;
    const names = declaredNames(statements.slice(index + 1));
    if (names.length > 0) {
      const before = this.#source.slice(block.start, decl.end);
      if (names.some((name) => new RegExp(`(^|[^\\w$])${escapeRegExp(name)}($|[^\\w$])`).test(before))) return;
    }
    const site = this.#addSite('await-using', decl, '', this.#text(decl));
    this.edits.wrap(decl.end, block.end - 1, ';try{', `}finally{${this.#F}.ud(${siteRef(site)})}`);
    this.#noteSuspension();
  }

  #noteSuspension(): void {
    this.suspensions++;
    if (this.#scope.kind === 'module') this.#scope.used = true;
  }

  /** The function site suspension sites belong to; a module's is created with its first top-level suspension. */
  get #currentFunctionSite(): number {
    const scope = this.#scope;
    if (scope.kind === 'module' && scope.fnSite === -1) {
      const { line, column } = this.#lines.position(0);
      scope.fnSite = this.sites.push({ kind: 'module', file: this.#options.file, line, column, name: '<module>', text: '' }) - 1;
    }
    return scope.fnSite;
  }

  #afterDirective(body: readonly AnyNode[], first: AnyNode): string {
    const index = body.indexOf(first);
    const previous = index > 0 ? body[index - 1] : undefined;
    return previous?.directive !== undefined && this.#source[previous.end - 1] !== ';' ? ';' : '';
  }

  #addSite(kind: SiteKind, node: AnyNode, name: string, text: string, combinatorCall?: AnyNode): number {
    const { line, column } = this.#lines.position(node.start);
    const record: SiteRecord = { kind, file: this.#options.file, line, column, name, text };
    const origin = this.#options.origin?.locate(line - 1, column - 1);
    if (origin !== undefined) {
      record.file = origin.file;
      record.line = origin.line;
      record.column = origin.column;
    }
    if (kind !== 'function' && kind !== 'generator' && kind !== 'module' && kind !== 'promise') record.fn = this.#currentFunctionSite;
    if (combinatorCall !== undefined) {
      record.combinator = combinatorOf(combinatorCall);
      const first = combinatorCall.arguments[0];
      if (first?.type === 'ArrayExpression' && !first.elements.some((e: AnyNode | null) => e === null || e.type === 'SpreadElement')) {
        record.members = first.elements.map((e: AnyNode) => this.#text(e));
      }
    }
    return this.sites.push(record) - 1;
  }

  #text(node: AnyNode): string {
    if (this.#options.omitText) return '';
    const origin = this.#options.origin;
    if (origin !== undefined) {
      const original = origin.text(node.start, node.end);
      if (original !== undefined) return this.#clean(original);
    }
    return this.#clean((this.#options.displaySource ?? this.#source).slice(node.start, node.end));
  }

  #clean(text: string): string {
    const collapsed = text.replace(/\s+/g, ' ').trim().replace(/;$/, '');
    const max = this.#options.maxTextLength;
    return collapsed.length > max ? `${collapsed.slice(0, Math.max(0, max - 1))}…` : collapsed;
  }
}

function childRole(parent: AnyNode, key: string, index: number, count: number, role: Role): Role {
  switch (parent.type) {
    case 'ExpressionStatement':
      return 'discard';
    case 'SequenceExpression':
      return index < count - 1 ? 'discard' : role;
    case 'ParenthesizedExpression':
      return role;
    case 'VariableDeclarator':
      return key === 'init' ? (isPattern(parent.id) ? 'destructured' : 'value') : 'none';
    case 'AssignmentExpression':
    case 'AssignmentPattern':
      return key === 'right' ? (isPattern(parent.left) ? 'destructured' : 'value') : 'none';
    case 'ChainExpression':
      return 'chain';
    case 'MemberExpression':
      // `g().then(…)`, `g().x`: the result is used at once (an await around it still claims g),
      // and V8 quotes it when the member is missing (`g(...).get is not a function`).
      return key === 'object' && role === 'chain' ? 'chain' : 'none';
    case 'CallExpression':
      return key === 'callee' ? (role === 'chain' ? 'chain' : 'none') : 'value';
    case 'NewExpression':
      return key === 'callee' ? 'none' : 'value';
    case 'Property':
      return key === 'value' ? 'value' : 'none';
    case 'ArrayExpression':
      return 'value';
    case 'YieldExpression':
      return 'value';
    case 'LogicalExpression':
      return role === 'destructured' ? role : 'value';
    case 'ConditionalExpression':
      return key === 'test' ? 'none' : role === 'destructured' ? role : 'value';
    case 'AwaitExpression':
    case 'ReturnStatement':
      return 'handled';
    default:
      return 'none';
  }
}

function isPattern(node: AnyNode): boolean {
  return node.type === 'ObjectPattern' || node.type === 'ArrayPattern';
}

/** `new Promise(…)` (the name as written: a `Promise` of the program's own makes a promise too, or a thenable). */
function isNewPromise(node: AnyNode): boolean {
  return node.type === 'NewExpression' && node.callee.type === 'Identifier' && node.callee.name === 'Promise';
}

/** A call whose result could be an instrumented function's promise. */
function isCallLike(node: AnyNode): boolean {
  if (node.type === 'CallExpression') return node.callee.type !== 'Super';
  return node.type === 'ChainExpression' && node.expression.type === 'CallExpression';
}

/** `Promise.all(…)`, `Promise.allSettled(…)`, `Promise.race(…)`, `Promise.any(…)`. */
function combinatorOf(node: AnyNode): CombinatorKind | undefined {
  if (node.type !== 'CallExpression' || node.optional) return undefined;
  const callee = node.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.optional) return undefined;
  if (callee.object.type !== 'Identifier' || callee.object.name !== 'Promise' || callee.property.type !== 'Identifier') return undefined;
  const name = callee.property.name as CombinatorKind;
  return COMBINATORS.includes(name) ? name : undefined;
}

/** Whether a line break follows `pos` (across blanks and comments) before a token that could continue an expression. */
function endsStatementByAsi(source: string, pos: number): boolean {
  let newline = false;
  let i = pos;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029') {
      newline = true;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (source.startsWith('//', i)) {
      while (i < source.length && !/[\n\r\u2028\u2029]/.test(source[i]!)) i++;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      const close = end === -1 ? source.length : end + 2;
      if (/[\n\r\u2028\u2029]/.test(source.slice(i, close))) newline = true;
      i = close;
    } else break;
  }
  return newline && i < source.length && !')]},;:'.includes(source[i]!);
}

function headOf(program: AnyNode, source: string): { pos: number; prefix: string } {
  const body: AnyNode[] = program.body;
  const directive = lastDirectiveOf(body);
  if (directive !== undefined) return { pos: directive.end, prefix: source[directive.end - 1] === ';' ? '' : ';' };
  return { pos: body.length > 0 ? body[0]!.start : program.end, prefix: '' };
}

function lastDirectiveOf(statements: readonly AnyNode[]): AnyNode | undefined {
  let last: AnyNode | undefined;
  for (const s of statements) {
    if (s.type !== 'ExpressionStatement' || s.directive === undefined) break;
    last = s;
  }
  return last;
}

/** Names declared directly in these statements (not `var`, which is unaffected by block nesting). */
function declaredNames(statements: readonly AnyNode[]): string[] {
  const names: string[] = [];
  for (const s of statements) {
    if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id) names.push(s.id.name);
    else if (s.type === 'VariableDeclaration' && s.kind !== 'var') for (const d of s.declarations) collectPatternNames(d.id, names);
  }
  return names;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export { isFunctionNode };
