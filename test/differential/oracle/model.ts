/**
 * Graph programs: generated programs whose await graph is known exactly at every pause, because the
 * program says what it does. Each statement is preceded by a note to the harness (`h.at`, `h.keep`,
 * …) naming symbolically what the statement is about to await or keep — this call, that gate, a
 * combinator of these — and the harness turns the notes into the true graph (truth.ts). The shapes
 * are the ones that confuse a claim-based recorder: dropped promises before an await of another call,
 * callbacks from uninstrumented code (groups), several callees before one claim, re-entrancy,
 * self-awaits through a stored promise, memoised promises, thenables, combinators with members that
 * settle and members that never do.
 *
 * As in ../model.ts, references are free numbers resolved when printing, so that every value
 * fast-check produces or shrinks to is a valid program. No control flow: each body runs straight
 * through, so that "suspended here, awaiting that" is all there is to know about a call.
 */

export type Combinator = 'all' | 'allSettled' | 'race' | 'any';

export type GraphOperand =
  | { k: 'value'; v: number }
  /** `Promise.resolve(v)` */
  | { k: 'resolved'; v: number }
  /** `Promise.reject(h.err(…))` */
  | { k: 'rejected' }
  /** `h.gate(k)`: one promise per k, settled by the release schedule or never. */
  | { k: 'gate'; gate: number }
  /** `h.thenable(k)`: one thenable per k, calling back when gate k is released. */
  | { k: 'thenable'; gate: number }
  /** `fN(t + '/s', d, …args)`: a later function; its arguments are awaited by nobody but the callee. */
  | { k: 'call'; target: number; d: number; args: GraphOperand[] }
  /** `(d > 0 ? self(t + '/s', d - 1) : s)`, directly or through the library (re-entrancy). */
  | { k: 'recurse'; viaLibrary: boolean }
  /** `lib.call(fN, …)` (its own promise back) or `lib.then(fN, …)` (a derived promise back). */
  | { k: 'via'; target: number; d: number; how: 'call' | 'then' }
  /** `lib.all([fA, fB], …)` or `lib.race(…)`: several frames started by uninstrumented code, one promise. */
  | { k: 'group'; targets: number[]; d: number; how: 'all' | 'race' }
  /** `Promise.which(lib.map([fA, fB], …))`: an array of call promises made by uninstrumented code. */
  | { k: 'mapped'; which: Combinator; targets: number[]; d: number }
  /** A promise kept earlier in the same body (`const pN = …`). */
  | { k: 'kept'; ref: number }
  /** The callee's second or third parameter (what the caller passed, or undefined). */
  | { k: 'param'; index: 0 | 1 }
  /** `mN()`: `(mNv ??= fN('mN', 0))`, one promise shared by every caller. */
  | { k: 'memo'; target: number }
  /** `sN`: the stored promise of root N; read only after the body's first await, when every root has been stored. */
  | { k: 'slot'; root: number }
  | { k: 'combinator'; which: Combinator; items: GraphOperand[] }
  /** `Promise.which(h.wide(k, size, at))`: `size` numbers, but gate k at index `at`; sizes around the member cap. */
  | { k: 'wide'; which: 'all' | 'allSettled'; size: number; gate: number; at: number };

export type GraphStmt =
  | { k: 'await'; op: GraphOperand }
  | { k: 'keep'; op: GraphOperand }
  /** The operand as a statement: a call's promise dropped (`background()`). */
  | { k: 'drop'; op: GraphOperand }
  /** `return op` or `return await op`. */
  | { k: 'return'; op: GraphOperand; await: boolean }
  | { k: 'throw' };

/** `async function fN(t, d, a, b) { … }` */
export interface GraphFn {
  body: GraphStmt[];
}

/** A top-level call `fN('rI', d)`: stored in `sI` (and held by the harness) or dropped. */
export interface GraphRoot {
  target: number;
  d: number;
  store: boolean;
}

/** One macrotask of the schedule: settles gate `gate` (and its thenable). */
export interface Release {
  gate: number;
  reject: boolean;
}

export interface GraphProgram {
  /** `module`: the top level is one more frame (`<module>`), and runs `top` after the roots. */
  goal: 'script' | 'module';
  fns: GraphFn[];
  roots: GraphRoot[];
  /** Module top-level statements, after the roots are stored (no `return`); ignored in a script. */
  top: GraphStmt[];
  /** In order, one macrotask each; the oracle compares graphs before each and once all is quiet. */
  releases: Release[];
  /** Run the runtime's maintenance (what its own timer does) before each snapshot, or not. */
  maintain: boolean;
  /**
   * Hold registered frames weakly from their first maintenance on (`weakAfterMs` 0), as the runtime
   * does after 10 s; otherwise strongly for the whole run.
   */
  weak: boolean;
}

/** Gates are numbered 0 … GATES - 1. */
export const GATES = 4;
