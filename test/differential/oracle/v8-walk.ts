/**
 * V8's own account of who awaits a promise: its async stack walker (CaptureAsyncStackTrace), which
 * prints `at async f` in stack traces. Started at a pending promise X without touching X
 * (HEAP.md in the project's shared design notes): a fresh job's derived promise D gets one reaction, a
 * `Promise.all` element closure whose capability promise is X (the intrinsic `Promise.all`, called
 * with a constructor that hands back X); a stack captured inside that job walks D → X → X's awaiter
 * → that function's promise → …, reading each suspended function's name and exact resume position
 * (the `await` keyword) and each `Promise.all`/`allSettled`/`any` member index.
 *
 * Reliable for: a promise with exactly one reaction that is an `await`, a combinator element, a
 * plain `.then` (followed to its derived promise), or an async function's `return p` (followed to
 * the function's promise, which shows no frame of its own), or a `Promise.race` member (followed to
 * the race's promise, with no step). It stops at a settled promise, at one with no or several
 * reactions (a promise awaited twice), and at what it cannot see at all: a thenable's callbacks. A program that patches `Promise.prototype.then` would defeat it; graph
 * programs do not. The other V8 source, `[[GeneratorLocation]]` through `node:inspector`'s
 * `Runtime.getProperties`, needs a handle on the suspended function object, which only a heap walk
 * (`HeapProfiler.getObjectByHeapObjectId`, ~0.1 s a call) gives: too slow for thousands of pauses,
 * and not needed, since every frame of a graph program that the walker cannot reach is one the
 * notes describe.
 */

/** Most frames a walk reads: enough for any graph program's chains, and an end to a cycle's. */
export const WALK_LIMIT = 48;

/**
 * `f3 12:5` for a suspended async function (1-based, in the text V8 ran; `<anonymous>` for the
 * function a module's top level runs in), `all[1]` for a combinator member.
 */
export type WalkStep = string;

export interface Walk {
  steps: WalkStep[];
  /** The walk ran into WALK_LIMIT: the chain may go on. */
  cut: boolean;
}

export function walkFrom(x: Promise<unknown>): Promise<Walk> {
  return new Promise((done, fail) => {
    const derived = Promise.resolve().then(() => {
      const prepare = Error.prepareStackTrace;
      const limit = Error.stackTraceLimit;
      try {
        Error.stackTraceLimit = WALK_LIMIT;
        Error.prepareStackTrace = (_, sites) => sites;
        const holder: { stack?: NodeJS.CallSite[] } = {};
        Error.captureStackTrace(holder);
        const sites = holder.stack ?? [];
        // The first async step is our own `Promise.all` element (D → X), index 0.
        const steps = sites.filter((s) => s.isAsync()).slice(1).map(describe);
        done({ steps, cut: sites.length >= WALK_LIMIT });
      } catch (error) {
        fail(error);
      } finally {
        Error.prepareStackTrace = prepare;
        Error.stackTraceLimit = limit;
      }
    });
    // The capability's promise is X; its resolve functions are ours, and do nothing.
    function HandsBackX(executor: (resolve: () => void, reject: () => void) => void) {
      executor(() => {}, () => {});
      return x;
    }
    HandsBackX.resolve = (v: unknown) => v;
    // What it returns is X itself, which must get no reaction of ours: left alone.
    Promise.all.call(HandsBackX, [derived]);
  });
}

function describe(site: NodeJS.CallSite): WalkStep {
  const index = site.getPromiseIndex();
  if (index !== null) return `${site.getFunctionName()}[${index}]`;
  return `${site.getFunctionName() ?? '<anonymous>'} ${site.getLineNumber()}:${site.getColumnNumber()}`;
}
