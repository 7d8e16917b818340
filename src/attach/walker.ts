/**
 * The code attach runs inside the target (by `Runtime.callFunctionOn`, as the source of
 * `walkPromises`): for every promise the target holds, V8's own async stack walker — the one that
 * prints `at async f` in `Error.stack` — goes from that promise to the async function awaiting it,
 * that function's promise, its awaiter, and so on, reading each suspended function's exact resume
 * position and each `Promise.all`-style step's member index.
 *
 * The walker starts at the current microtask. To start it at a promise X without touching X, the
 * capture runs in a fresh reaction job whose derived promise D has exactly one reaction: a
 * `Promise.all` element closure whose capability promise is X (the intrinsic `Promise.all` called
 * with a constructor whose executor returns X and whose `resolve` returns D as is). The walker then
 * goes D → `Promise.all (index 0)` (ours, dropped) → X → … . It stops at a settled promise, at one
 * with no reaction, and at one with several (a promise awaited by several functions). The capture
 * sets `Error.prepareStackTrace` and `Error.stackTraceLimit` and restores them synchronously, so the
 * program never sees them changed. A program that replaced `Promise.prototype.then` defeats it.
 *
 * Identical walks are counted, not repeated: the answer is small however many promises there are.
 */

/** One step of a walk, as the target returns it (arrays: small JSON). */
export type WalkEntry =
  /** An async function or async generator: name, receiver type, file, line, column (1-based), its function's line and column. */
  | ['f', string | null, string | null, string | null, number, number, number, number]
  /** A combinator step: `Promise.all`, `Promise.allSettled` or `Promise.any`, and the member index. */
  | ['c', string, number];

export interface WalkResult {
  /** Distinct walks (awaitee first), each with how many promises gave it. */
  walks: Array<{ entries: WalkEntry[]; count: number }>;
  /** Promises looked at. */
  promises: number;
  /** Walks cut at `limit` entries (a cycle, or a chain deeper than that). */
  cut: number;
  /** True when the program replaced `Promise.prototype.then`, which the walk depends on. */
  thenReplaced: boolean;
}

/** Entries per walk, at most; a deadlock's walk repeats until here, and is cut. */
export const WALK_LIMIT = 2000;

/** Runs in the target with `this` = the array of every promise (from Runtime.queryObjects). */
export function walkPromises(this: unknown[], limit: number): Promise<WalkResult> {
  const promises = this;
  const PromiseCtor = (async () => {})().constructor as PromiseConstructor;
  const ErrorCtor = Error;
  const all = PromiseCtor.all;
  const thenReplaced = String(PromiseCtor.prototype.then).indexOf('[native code]') === -1;
  const seen = new Map<string, { entries: unknown[]; count: number }>();
  let cut = 0;
  let left = promises.length;
  return new PromiseCtor((finish) => {
    const done = (): void => {
      if (--left === 0) finish({ walks: [...seen.values()] as WalkResult['walks'], promises: promises.length, cut, thenReplaced });
    };
    if (left === 0) {
      left = 1;
      done();
      return;
    }
    const capture = (): void => {
      const savedPrepare = (ErrorCtor as { prepareStackTrace?: unknown }).prepareStackTrace;
      const savedLimit = ErrorCtor.stackTraceLimit;
      const holder: { stack?: NodeJS.CallSite[] } = {};
      try {
        ErrorCtor.stackTraceLimit = limit + 2;
        (ErrorCtor as { prepareStackTrace?: unknown }).prepareStackTrace = (_: unknown, sites: NodeJS.CallSite[]) => sites;
        ErrorCtor.captureStackTrace(holder);
        void holder.stack; // Formats now, while prepareStackTrace is ours.
      } finally {
        (ErrorCtor as { prepareStackTrace?: unknown }).prepareStackTrace = savedPrepare;
        ErrorCtor.stackTraceLimit = savedLimit;
      }
      const sites = holder.stack ?? [];
      const entries: unknown[] = [];
      let ours = true; // The first combinator step is our own Promise.all.
      for (const site of sites) {
        const s = site as NodeJS.CallSite & { isPromiseAll(): boolean; getPromiseIndex(): number | null; getEnclosingLineNumber(): number; getEnclosingColumnNumber(): number };
        if (!s.isAsync()) continue;
        const index = s.getPromiseIndex();
        if (index !== null && index !== undefined) {
          if (ours) {
            ours = false;
            continue;
          }
          entries.push(['c', s.getFunctionName(), index]);
          continue;
        }
        entries.push(['f', s.getFunctionName(), s.getTypeName(), s.getFileName() ?? s.getScriptNameOrSourceURL(), s.getLineNumber(), s.getColumnNumber(), s.getEnclosingLineNumber(), s.getEnclosingColumnNumber()]);
      }
      if (entries.length >= limit) cut++;
      if (entries.length === 0) return;
      const key = JSON.stringify(entries);
      const known = seen.get(key);
      if (known === undefined) seen.set(key, { entries, count: 1 });
      else known.count++;
    };
    const noop = (): void => {};
    for (const target of promises) {
      const start = PromiseCtor.resolve().then(capture);
      const Constructor = function (executor: (resolve: () => void, reject: () => void) => void) {
        executor(done, done);
        return target;
      } as unknown as PromiseConstructor;
      (Constructor as unknown as { resolve: (v: unknown) => unknown }).resolve = (v: unknown) => v;
      try {
        Reflect.apply(all, Constructor, [[start]]);
      } catch {
        start.then(done, done);
      }
      void noop;
    }
  });
}
