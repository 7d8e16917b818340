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
 * Two passes bound the cost: every promise with at most FIRST_LIMIT entries, then only one promise
 * per distinct walk the first pass cut, with at most SECOND_LIMIT.
 */

/** One step of a walk, as the target returns it (arrays: small JSON). */
export type WalkEntry =
  /** An async function or async generator: name, receiver type, file, line, column (1-based), its function's line and column. */
  | ['f', string | null, string | null, string | null, number, number, number, number]
  /** A combinator step: `Promise.all`, `Promise.allSettled` or `Promise.any`, and the member index. */
  | ['c', string, number];

export interface WalkResult {
  /** Distinct walks (awaitee first), each with how many promises gave it and the first of them (an index into the array: --full names it in the heap snapshot). */
  walks: Array<{ entries: WalkEntry[]; count: number; first: number }>;
  /** Promises looked at. */
  promises: number;
  /** For each distinct walk cut at `limit` entries (a cycle, or a chain deeper than that): one promise that gave it (an index into the array), to walk again further. */
  cutAt: number[];
  /** Promises not walked because the time budget ran out. */
  skipped: number;
  /** True when the program replaced `Promise.prototype.then` or `Promise.all`, which the walk depends on. */
  replaced: boolean;
}

/** Entries per walk in the first pass: bounds its cost (promises × this) however deep the chains. */
export const FIRST_LIMIT = 64;
/** Entries per walk in the second pass, for the few distinct walks the first cut: finds cycles and deep chains. */
export const SECOND_LIMIT = 2000;

/**
 * Runs in the target with `this` = the array of every promise (from Runtime.queryObjects): walks
 * from each (or only from those at `indexes`), at most `limit` entries each, and stops capturing
 * once `budgetMs` have passed (the rest are counted as skipped), so that the pause is bounded.
 */
export function walkPromises(this: unknown[], limit: number, budgetMs: number, indexes: number[] | null): Promise<WalkResult> {
  const promises = this;
  // Constants here, not at module level: this function's source is what runs in the target.
  /** How long a batch of captures runs before the event loop may turn: the longest stretch the walk itself pauses the program. */
  const BATCH_MS = 20;
  /** Promises whose captures are queued at once; a batch is whole chunks (a capture costs some µs, a chunk a few ms). */
  const CHUNK = 256;
  const chosen = indexes ?? null;
  const count = chosen === null ? promises.length : chosen.length;
  const PromiseCtor = (async () => {})().constructor as PromiseConstructor;
  const ErrorCtor = Error;
  const all = PromiseCtor.all;
  const native = (f: unknown): boolean => typeof f === 'function' && Function.prototype.toString.call(f).indexOf('[native code]') !== -1;
  const replaced = !native(PromiseCtor.prototype.then) || !native(all);
  const seen = new Map<string, { entries: unknown[]; count: number; first: number }>();
  const cutAt: number[] = [];
  const stopAt = Date.now() + budgetMs;
  let skipped = 0;
  let left = count;
  return new PromiseCtor((finish) => {
    const done = (): void => {
      if (--left === 0) finish({ walks: [...seen.values()] as WalkResult['walks'], promises: count, cutAt, skipped, replaced });
    };
    if (left === 0) {
      left = 1;
      done();
      return;
    }
    const capture = (index: number) => (): void => {
      if (Date.now() > stopAt) {
        skipped++;
        return;
      }
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
        const at = s.getPromiseIndex();
        if (at !== null && at !== undefined) {
          if (ours) {
            ours = false;
            continue;
          }
          entries.push(['c', s.getFunctionName(), at]);
          continue;
        }
        entries.push(['f', s.getFunctionName(), s.getTypeName(), s.getFileName() ?? s.getScriptNameOrSourceURL(), s.getLineNumber(), s.getColumnNumber(), s.getEnclosingLineNumber(), s.getEnclosingColumnNumber()]);
      }
      if (entries.length === 0) return;
      const key = JSON.stringify(entries);
      const known = seen.get(key);
      if (known !== undefined) {
        known.count++;
        return;
      }
      seen.set(key, { entries, count: 1, first: index });
      if (entries.length >= limit) cutAt.push(index);
    };
    // In batches: captures run as microtasks, back to back, so the event loop does not turn
    // until a batch is done; after about BATCH_MS of captures the next batch waits for the
    // next turn (setImmediate), so timers and I/O of the program run in between.
    const schedule = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate ?? ((f: () => void) => setTimeout(f, 0));
    let next = 0;
    const batch = (): void => {
      const batchEnd = Date.now() + BATCH_MS;
      const step = (): void => {
        const end = Math.min(count, next + CHUNK);
        let pending = end - next;
        const chunkDone = (): void => {
          done();
          if (--pending !== 0 || next >= count) return;
          if (Date.now() < batchEnd) step();
          else schedule(batch);
        };
        for (; next < end; next++) {
          const index = chosen === null ? next : chosen[next]!;
          const target = promises[index];
          const start = PromiseCtor.resolve().then(capture(index));
          const Constructor = function (executor: (resolve: () => void, reject: () => void) => void) {
            executor(chunkDone, chunkDone);
            return target;
          } as unknown as PromiseConstructor;
          (Constructor as unknown as { resolve: (v: unknown) => unknown }).resolve = (v: unknown) => v;
          try {
            Reflect.apply(all, Constructor, [[start]]);
          } catch {
            start.then(chunkDone, chunkDone);
          }
        }
      };
      step();
    };
    batch();
  });
}
