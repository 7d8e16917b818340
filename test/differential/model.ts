/**
 * The generated programs, as plain JSON data (so that a counterexample can be kept verbatim in
 * regressions.json). References between parts (which function a call reaches, which kept promise
 * an await reads) are free numbers resolved when printing, so that every value, and every value
 * fast-check shrinks to, is a valid program.
 */

/** How a later-settled promise or thenable settles: a microtask, or one of the macrotask kinds. */
export type Timing = 'micro' | 'immediate' | 'timeout';

export type Combinator = 'all' | 'allSettled' | 'race' | 'any';

/** What a thenable's `then` does with its callbacks. */
export type ThenableMode = 'sync' | 'syncReject' | 'micro' | 'macro' | 'throws' | 'twice' | 'nested' | 'never';

/** What holds `then`: a plain object, a logging getter, or a proxy that logs every lookup (so code inspecting it shows). */
export type Shell = 'object' | 'getter' | 'proxy';

/** What a combinator gets: an array, a proxy of one that logs every lookup, or a Set. */
export type Container = 'array' | 'proxy' | 'set';

/** How two awaits combine in one expression (`const v = <shape>`). */
export type Shape = 'add' | 'args' | 'nested' | 'logical' | 'array' | 'template' | 'cond' | 'object';

export type Operand =
  | { k: 'value'; v: number }
  | { k: 'resolved'; v: number }
  | { k: 'rejected' }
  | { k: 'later'; how: Timing; reject: boolean; v: number }
  | { k: 'thenable'; how: ThenableMode; shell: Shell; v: number }
  /** A native promise whose `then` and `constructor` are logging getters. */
  | { k: 'probe'; v: number }
  /** A call of a later async (non-generator) function. */
  | { k: 'call'; target: number; d: number }
  /** `d > 0 ? self(t, d - 1) : otherwise` */
  | { k: 'recurse'; otherwise: number }
  /** A promise kept earlier in scope (`const p = …`). */
  | { k: 'kept'; ref: number }
  /** A promise shared by every caller (`memo ??= f()`). */
  | { k: 'memo'; target: number }
  | { k: 'combinator'; which: Combinator; container: Container; items: Operand[] }
  /** `Promise.which([0, …].map(async (i) => { …; return await item }))` */
  | { k: 'mapped'; which: Combinator; n: number; item: Operand }
  /** `d > 0 ? a : b` */
  | { k: 'cond'; a: Operand; b: Operand }
  /** `Promise.resolve(op).then(async (x) => { …; return await item })`, or `.catch`, `.finally` */
  | { k: 'chained'; op: Operand; method: 'then' | 'catch' | 'finally'; item: Operand }
  /** `h.getter(() => op).v`: a member read that calls (through a getter) */
  | { k: 'getter'; op: Operand }
  /** `(async () => { …; return await item })()` */
  | { k: 'iife'; item: Operand }
  /** `hN()`, a plain function declared at the end of the enclosing body: `function hN() { return op }` */
  | { k: 'helper'; op: Operand };

/** What `for await` and `yield*` iterate: a later async generator, an array, or a value that is not iterable at all. */
export type GenSource = { k: 'gen'; target: number; d: number } | { k: 'array'; items: Operand[] } | { k: 'plain'; v: number };

/** One request to a manually driven async generator; `kept` requests are awaited together at the end. */
export interface DriveStep {
  method: 'next' | 'return' | 'throw';
  kept: boolean;
}

/** A loop's exit, checked at the start of each iteration: `if (i === at) <how>`. */
export interface LoopExit {
  at: number;
  how: 'break' | 'continue' | 'return' | 'throw';
}

export type Stmt =
  | { k: 'await'; op: Operand; bind: boolean }
  | { k: 'keep'; op: Operand }
  /**
   * `const { value: v } = h.box(op)`, `const v = h.box(op).get()` or
   * `const { value: v } = h.box(op).self`; `empty`: the box is null (an object without `get` or
   * `self`), so that it throws a TypeError whose message quotes the call
   */
  | { k: 'unbox'; how: 'destructure' | 'method' | 'member'; op: Operand; empty: boolean }
  /** `const v = <two awaits in one expression>` */
  | { k: 'compound'; shape: Shape; a: Operand; b: Operand }
  | { k: 'throw' }
  /** `sequence`: the log before it is written into the return itself, `return h.log(…), op` */
  | { k: 'return'; op: Operand; await: boolean; sequence: boolean }
  | { k: 'try'; body: Stmt[]; handler: Stmt[] | null; finalizer: Stmt[] | null }
  /** `test`: also awaited in the loop's condition, `i < n && h.yes(await test)` */
  | { k: 'loop'; n: number; test: Operand | null; exit: LoopExit | null; body: Stmt[] }
  | { k: 'forAwait'; source: GenSource; breakAfter: number | null; body: Stmt[] }
  /** Async generators only. */
  | { k: 'yield'; op: Operand }
  /** Async generators only. */
  | { k: 'delegate'; source: GenSource }
  | { k: 'drive'; target: number; d: number; steps: DriveStep[] };

/** Where and how a function is defined; generators are never arrows. */
export type Place = 'declaration' | 'expression' | 'arrow' | 'arrowExpr' | 'object' | 'class' | 'static' | 'field';

export interface Fn {
  gen: boolean;
  place: Place;
  body: Stmt[];
  /** The body of an `arrowExpr`: `async (t, d) => expr`. */
  expr: Operand;
}

/**
 * A top-level call: `now` observes its promise at once, `end` only after the program went quiet
 * (so a rejection is unhandled until then), `await` awaits it at module top level.
 */
export interface Root {
  target: number;
  d: number;
  observe: 'now' | 'end' | 'await';
  kept: boolean;
}

export interface Style {
  semicolons: boolean;
  /** Calls written `o?.f(…)`, `f?.(…)`. */
  optional: boolean;
  strict: boolean;
  parens: boolean;
  comments: boolean;
  /** Operands of `await` and `return` on the next line. */
  newlines: boolean;
  /** `for await` and `yield*` statements where only one statement may stand: `if (…) L: for await …`. */
  unbraced: boolean;
}

export interface Program {
  /** `module` is instrumented as an ES module (top-level await allowed); `script` as CommonJS. */
  goal: 'script' | 'module';
  style: Style;
  fns: Fn[];
  roots: Root[];
}
