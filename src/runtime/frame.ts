/**
 * The hot path: one `Frame` per call of an instrumented async function, and the few stores each
 * injected call makes. Everything here runs inside the user's program on every call and every
 * await, so it allocates one small object per call, never captures a stack, never touches a
 * WeakMap on the common path, and never throws.
 *
 * Handoff. When a frame first suspends (or finishes without suspending), its promise is about to
 * be returned to whoever called it, so it becomes the pending handoff. The next instrumented use of
 * a call result in the caller (`await g()`, `const p = g()`, `return g()`) claims it. A claim only
 * accepts a frame that entered after the caller read the frame counter just before the call (`q`)
 * and exactly one level of synchronous nesting below the caller (`depth`), so frames handed off by
 * unrelated code are never mistaken for the callee.
 *
 * Registration. A frame claimed by an `await` (or returned by a `return g()`) is reachable from its
 * awaiter, which stores the frame itself as what it awaits, so it is never registered: in a chain
 * `handler → service → repo → driver` only `handler` is. Registered are the frames nobody claimed
 * (roots), frames whose promise was kept for later (`const p = g()`), and generators and modules.
 * Registered frames live in `recent`, then `live` (both strong), and after `weakAfterMs` in `old`,
 * weakly, so that a hung frame nothing can ever resume is collected and counted, not kept forever.
 * A registered frame that returned a native promise (`return queue.add(job)`) stays "returning"
 * until that promise settles: maintenance watches the promise with a reaction of its own (the
 * promise is already handled, by its async function's promise, which adopted it), which retires
 * the frame when it settles. Any other returned object is taken as settled at the next sweep.
 *
 * What is private. Instrumented code holds its frame, and any code can make one (`__awaitwhat.e(0)`)
 * and claim a call with it, so what a frame awaits (`#value`: another frame, or the program's
 * value) and its promise (`#promise`) are private fields, read by awaitwhat's own modules through
 * `frameValue` and `framePromise`; a frame's numbers (`seq`, `depth`, `site`, `since`) are public
 * and say nothing of the program's values. Frame classes and their prototypes are frozen.
 *
 * Built-ins. Everything here uses built-ins captured at load (intrinsics.ts) and lists without a
 * prototype: nothing the program replaces or defines on a prototype later is ever called.
 */

import { isPrecise, preciseStamp, stampElapsed, stampStart } from './clock.ts';
import { reportFault } from './faults.ts';
import {
  append,
  appendToArray,
  freeze,
  newList,
  publish,
  queueJob,
  SafeWeakMap,
  typedArraySet,
  Uint8ArrayConstructor,
  WeakRefConstructor,
  weakRefDeref,
  whenSettled,
  type List,
} from './intrinsics.ts';
import { notePromise } from './created.ts';
import { ArraySlot, arraySlotIndex, CombinatorLink, GENERATOR, isArraySlot, IterationLink, UNCLAIMABLE } from './links.ts';
import { FOREIGN_SITE_BASE, getSite, RETURN_SITE_BASE } from './sites.ts';
import { isOrdinaryArray, isPromiseObject } from './values.ts';

export { ArraySlot, arraySlotIndex, CombinatorLink, GENERATOR, isArraySlot, IterationLink, UNCLAIMABLE };

// `Frame.site` holds one of: a suspension site id (>= 0), RUNNING, DONE, or an early return.
/** `Frame.site` while the frame runs its first synchronous part. */
const RUNNING = -1;
/** `Frame.site` once the frame finished (and did not return a pending promise). */
export const DONE = -2;
/**
 * `Frame.site` for a `return` evaluated before the frame ever suspended: the frame has not been
 * handed off yet, which its exit must still do. Always below -2, so `site < 0` means "not
 * suspended yet or done".
 */
function earlyReturn(site: number): number {
  return -3 - site;
}
/** The return site of an `earlyReturn` code. */
function earlyReturnSite(code: number): number {
  return -3 - code;
}

// `Frame.depth` holds the synchronous nesting depth at entry (>= 1) until the frame is registered
// and done running; then WATCHED once a reaction watches the promise it returned; the position of
// its entry in `old`, as `weakSlot(index)`, once held weakly; EVICTED once dropped over the cap.
/** `Frame.depth` of a returning frame whose returned promise a reaction of the runtime's watches. */
const WATCHED = 0;
/** `Frame.depth` of a frame dropped because more than `limits.maxFrames` were registered. */
const EVICTED = -1;
/** `Frame.depth` of a weakly held frame registered strongly again because it returned a promise: not watched yet. */
const STRONG_AGAIN = 1;
function weakSlot(index: number): number {
  return -2 - index;
}
/** The index in `old` of a weakly held frame's entry, or -1 when it is not weakly held. */
function weakSlotIndex(depth: number): number {
  return depth < EVICTED ? -2 - depth : -1;
}

let seq = 0;
let depth = 0;
/** The current tick of the coarse clock (clock.ts): what a suspension stamps into `since`. */
let clock = 0;
/** The latest frame handed off and not yet claimed. */
let handoff: Frame | undefined;
/**
 * Earlier unclaimed handoffs of the same synchronous run (several callees before one claim), oldest
 * first: `overflow[0 .. overflowCount)`. A list of fixed capacity with a count, its unused slots
 * emptied: truncating an array's `length` gives its backing store back, and the next append
 * allocates a new one (measured 35–100 ns per append in a `Promise.all` of 10, against 3 ns here).
 */
let overflow: List<Frame | undefined> = newList(64);
let overflowCount = 0;

const RECENT_CAPACITY = 1024;
/** Registered frames since the last compaction; replaced rather than cleared, so it is usually in the young generation and stores into it are cheap. */
let recent: List<Frame> = newList(RECENT_CAPACITY);
let recentCount = 0;
/** Registered frames that outlived one compaction. */
const live: List<Frame> = newList();
let liveSweepAt = 4096;
/**
 * Registered frames pending longer than `weakAfterMs`; an entry is cleared (undefined) when its
 * frame finishes.
 */
const old: List<WeakRef<Frame> | undefined> = newList();

/** The combinator argument stashed by `pa()` for the `ac()`/`pc()` that follows it. */
let stashedMembers: unknown = undefined;

/** Iterations of `for await`, `yield*` and `await using` in flight, keyed by frame: rare, so kept off the Frame. */
const iterations = new SafeWeakMap<Frame, IterationLink[]>();
/**
 * The `for await` or `yield*` that began last in this run and has not entered a generator yet, and
 * the nesting depth it began at: its first `next()`, called right after its iterable is evaluated,
 * enters the generator it iterates one level deeper, in the same run. A generator entered deeper
 * was entered while the iterable was evaluated; one entered in a later run, or by another call at
 * the same depth after the loop suspended (`readCursor(); pullOnce();`), is not the loop's: the job
 * that ends the run forgets the loop (`flushHandoffs`), and a call one level deeper than the loop
 * could only be the loop's own `next()`.
 */
let nextLoop: IterationLink | undefined;
let nextLoopDepth = 0;
/**
 * The loop that last noted a generator. A run resumed after others in the same microtask checkpoint
 * can enter a generator at the loop's depth before the job ending the loop's run forgets it: when
 * that run's own `await it.next()` then claims the generator, the loop gives it back.
 */
let lastNotedLoop: IterationLink | undefined;
/** The same for the `await using` disposal that began last: the frame its disposer call entered is the first frame entered after it, one level deeper. */
let nextDisposal: IterationLink | undefined;
let nextDisposalDepth = 0;
/** The frame whose block ended there. */
let nextDisposalOwner: Frame | undefined;
/**
 * Whether that frame was the pending handoff when its block ended (its first run: its caller has
 * not claimed it yet). The disposer may call async functions of its own before its first await,
 * which hand off before it does and so take the owner's place as the pending handoff.
 */
let nextDisposalOwnerPending = false;
/** Combinator results that were kept rather than awaited directly (`const p = Promise.race(…)`). */
const keptCombinators = new SafeWeakMap<object, CombinatorLink>();
/** Call results that several frames handed off to at once (`await pMap(items, async …)`). */
const groups = new SafeWeakMap<object, Frame[]>();

export const counters = {
  /** Frames the garbage collector reclaimed while still pending: they could never have resumed. */
  collected: 0,
  /** Frames dropped because more than `maxFrames` were registered. */
  evicted: 0,
};

export const limits = {
  /** Registered frames pending longer than this are held weakly. */
  weakAfterMs: 10_000,
  /** Upper bound on registered frames; the oldest beyond it are dropped and counted. */
  maxFrames: 1_000_000,
};

/** Kind of each suspension site, for the decisions the sweeps and snapshots make by kind. */
export const KIND_AWAIT = 0;
export const KIND_RETURN = 1;
export const KIND_YIELD = 2;
let siteKinds: Uint8Array = new Uint8ArrayConstructor(1024);
/** Kinds of foreign sites (sites.ts), by id minus FOREIGN_SITE_BASE: a thread's own table stays small. */
let foreignSiteKinds: Uint8Array = new Uint8ArrayConstructor(1024);

/** What frame `f` waits for: a claimed callee `Frame`, a `CombinatorLink`, or the program's value. */
export let frameValue: (f: Frame) => unknown;
/** Frame `f`'s own promise once a caller kept it, an `ArraySlot`, or `UNCLAIMABLE`. */
export let framePromise: (f: Frame) => unknown;
/** Whether `v` is a frame record (a brand check: no trap of a proxy runs, no prototype is consulted). */
export let isFrame: (v: unknown) => v is Frame;
let setPromise: (f: Frame, promise: unknown) => void;
let retire: (f: Frame) => void;

export class Frame {
  /** Creation order; unique per thread. */
  seq: number;
  /**
   * Synchronous nesting depth at entry, for claims; see the encodings above (`WATCHED`,
   * `weakSlot(index)`, `EVICTED`) for what it holds once the frame is registered.
   */
  depth: number;
  /**
   * Current await, yield or return site id; `RUNNING` before the first suspension, `DONE` at the
   * end. A `return` evaluated before any suspension is stored as `earlyReturn(site)` until the
   * frame exits, so that exiting still knows the frame has not been handed off yet.
   */
  site: number;
  /** When the current suspension began, as a stamp of clock.ts: read only through `stampElapsed`. */
  since: number;
  /** What the frame waits for: see `frameValue`. */
  #value: unknown;
  /** See `framePromise`. */
  #promise: unknown;

  constructor(promise: unknown) {
    this.seq = ++seq;
    this.depth = ++depth;
    this.site = RUNNING;
    this.since = 0;
    this.#value = undefined;
    this.#promise = promise;
  }

  static {
    frameValue = (f) => f.#value;
    framePromise = (f) => f.#promise;
    isFrame = (v): v is Frame => typeof v === 'object' && v !== null && #value in v;
    setPromise = (f, promise) => {
      f.#promise = promise;
    };
    retire = (f) => {
      f.site = DONE;
      f.#value = undefined;
      f.#promise = undefined;
    };
  }

  /** Read by injected code just before a call whose result it will claim. */
  get q(): number {
    return seq;
  }

  /** `await v` where evaluating v cannot have called anything. */
  a(site: number, v: unknown): unknown {
    if (this.site < 0) handOff(this);
    this.site = site;
    this.#value = v;
    this.since = clock;
    return v;
  }

  /** `await g(…)` (or any operand that may have called an async function): claims the callee, then awaits. */
  c(site: number, q: number, v: unknown): unknown {
    const target = handoff === undefined ? v : claimForAwait(q, v, true);
    if (this.site < 0) handOff(this);
    this.site = site;
    this.#value = target;
    this.since = clock;
    return v;
  }

  /** A call result kept for later (`const p = g()`, `[g(), h()]`, `f(g())`). */
  k(q: number, v: unknown): unknown {
    return keep(q, v);
  }

  /** `return v` where v is not a direct call. */
  r(site: number, v: unknown): unknown {
    this.site = this.site < 0 ? earlyReturn(site) : site;
    this.#value = v;
    this.since = clock;
    return v;
  }

  /** `return g(…)`: the frame's promise will follow the callee's. */
  rc(site: number, q: number, v: unknown): unknown {
    this.#value = handoff === undefined ? v : claimForAwait(q, v, false);
    this.site = this.site < 0 ? earlyReturn(site) : site;
    this.since = clock;
    return v;
  }

  /** `new Promise(…)` at site `site`: see `notePromise` (+0.1 to +0.4 µs per promise, created.ts). */
  np(site: number, v: unknown): unknown {
    return notePromise(site, v);
  }

  /** The argument of `Promise.all(…)` and friends, stashed for the combinator call around it. */
  pa(v: unknown): unknown {
    return stashMembers(v);
  }

  /** `await Promise.all(…)`: records the members, then awaits. */
  ac(site: number, v: unknown): unknown {
    const link = new CombinatorLink(site, stashedMembers, v);
    stashedMembers = undefined;
    if (this.site < 0) handOff(this);
    this.site = site;
    this.#value = link;
    this.since = clock;
    return v;
  }

  /** `Promise.all(…)` whose result is kept rather than awaited here. */
  pc(site: number, v: unknown): unknown {
    return keepCombinator(site, v);
  }

  /**
   * Just before `for await (… of v)` or `yield* v` evaluates v: the loop's implicit awaits wait
   * on what v yields. The frame counts as suspended from here (v is not wrapped: V8 quotes its
   * text in errors), and the async generator it iterates is the one its first `next()` enters, if
   * any: noted on the link when it enters (see `nextLoop`). Once per loop, not per item: a store,
   * and a job queued at the end of the run unless one is already.
   */
  fb(site: number): void {
    const link = new IterationLink(site, undefined, seq + 1);
    linkIteration(this, link);
    this.a(site, undefined);
    nextLoop = link;
    nextLoopDepth = depth;
    if (!flushQueued) queueFlush();
  }

  /**
   * End of a `for await` body: the loop is about to await the next item again. What it waits on
   * is the iteration `fb` recorded, which holds no iterable (v is not wrapped), so the value is
   * undefined, as `fb` left it: no lookup per item.
   */
  fh(site: number): void {
    this.site = site;
    this.#value = undefined;
    this.since = clock;
  }

  /** `yield v` in an async generator: suspended until the consumer asks for more. */
  y(site: number, v: unknown): unknown {
    return this.a(site, v);
  }

  /** End of a block holding `await using`: about to await the resources' disposal. */
  ud(site: number): void {
    const link = new IterationLink(site, undefined, seq + 1);
    linkIteration(this, link);
    this.a(site, undefined);
    nextDisposal = link;
    nextDisposalDepth = depth;
    nextDisposalOwner = this;
    nextDisposalOwnerPending = handoff === this;
    if (!flushQueued) queueFlush();
  }

  /** The function body is left (return, throw, or end). */
  x(): void {
    let site = this.site;
    if (site < 0) {
      handOff(this);
      if (site !== RUNNING) this.site = site = earlyReturnSite(site);
    } else {
      const slot = weakSlotIndex(this.depth);
      if (slot !== -1) {
        old[slot] = undefined;
        // Held weakly, it was kept alive by its own suspended call; returning, by nothing: held
        // strongly again until what it returned settles (maintenance watches it). Only frames
        // pending longer than weakAfterMs get here.
        if (site >= RETURN_SITE_BASE && isObjectLike(this.#value)) {
          this.depth = STRONG_AGAIN;
          register(this);
          return;
        }
      }
    }
    // A frame that returned a promise (a frame, a thenable) keeps its caller waiting until it
    // settles; a primitive settles the frame's promise at once.
    if (site >= RETURN_SITE_BASE && isObjectLike(this.#value)) return;
    // A finished frame may sit in the registry until the next sweep: it must not keep what it
    // awaited, or its settled promise and that promise's value, alive meanwhile.
    this.site = DONE;
    this.#value = undefined;
    this.#promise = undefined;
  }
}
// No code of anyone's can replace a method that instrumented code calls, or add one.
freeze(Frame.prototype);
freeze(Frame);

/** Records a site's kind (`KIND_RETURN`, `KIND_YIELD`; others are awaits), readable with one array read. */
export function setSiteKind(id: number, kind: number): void {
  if (id >= RETURN_SITE_BASE) return;
  if (id >= FOREIGN_SITE_BASE) foreignSiteKinds = storeKind(foreignSiteKinds, id - FOREIGN_SITE_BASE, kind);
  else siteKinds = storeKind(siteKinds, id, kind);
}

function storeKind(kinds: Uint8Array, slot: number, kind: number): Uint8Array {
  if (slot >= kinds.length) {
    const doubled = kinds.length * 2;
    const grown = new Uint8ArrayConstructor(slot + 1 > doubled ? slot + 1 : doubled);
    typedArraySet(grown, kinds);
    kinds = grown;
  }
  kinds[slot] = kind;
  return kinds;
}

export function siteKindOf(id: number): number {
  if (id >= RETURN_SITE_BASE) return KIND_RETURN;
  if (id >= FOREIGN_SITE_BASE) return foreignSiteKinds[id - FOREIGN_SITE_BASE] ?? KIND_AWAIT;
  return siteKinds[id] ?? KIND_AWAIT;
}

/** An object or function: what a `return` may hand a caller that is still pending. */
function isObjectLike(v: unknown): boolean {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

function handOff(f: Frame): void {
  depth--;
  // Rare: only between an `await using` block's end and the end of its run.
  if (nextDisposal !== undefined) noteDisposer(f);
  if (handoff !== undefined) {
    if (overflowCount === overflow.length) growOverflow();
    overflow[overflowCount++] = handoff;
    if (!flushQueued) queueFlush();
  }
  handoff = f;
}

function growOverflow(): void {
  const grown = newList<Frame | undefined>(overflow.length * 2);
  for (let i = 0; i < overflowCount; i++) grown[i] = overflow[i];
  overflow = grown;
}

/**
 * Drops the unclaimed handoffs from `from` on, emptying their slots (a decided frame must not be
 * kept alive here). A list grown past 4096 by a burst (`map(async …)` over many items) is given back
 * once emptied.
 */
function truncateOverflow(from: number): void {
  if (from === 0 && overflow.length > 4096) {
    overflow = newList(64);
    overflowCount = 0;
    return;
  }
  for (let i = from; i < overflowCount; i++) overflow[i] = undefined;
  overflowCount = from;
}

/**
 * Claims happen synchronously, in the run (macrotask or microtask job) that made the call, so once
 * that run is over, its unclaimed handoffs are roots. Left in `overflow` they would make every
 * later claim take the general path and stay there until the next maintenance (a request handler
 * called by an uninstrumented server leaves one per request); a job queued behind the run
 * registers them as soon as it ends. `queueJob` is `queueMicrotask` captured at load, so that fake
 * timers installed later never see the job; it adds no tick to any promise of the program's.
 */
let flushQueued = false;

function queueFlush(): void {
  flushQueued = true;
  queueJob(flushHandoffs);
}

function flushHandoffs(): void {
  flushQueued = false;
  try {
    for (let i = 0; i < overflowCount; i++) register(overflow[i]!);
    if (handoff !== undefined) register(handoff);
  } catch (error) {
    // Registering only appends to lists and moves frames between them: only a failed allocation
    // can throw. The frames not yet registered are then lost to reports; the fault says so.
    reportFault('handoffs', error);
  }
  handoff = undefined;
  truncateOverflow(0);
  depth = 0;
  // The run is over: a generator or disposer entered from now on was not entered by a loop's or a disposal's own call.
  nextLoop = undefined;
  nextDisposal = undefined;
  nextDisposalOwner = undefined;
  nextDisposalOwnerPending = false;
  lastNotedLoop = undefined;
}

/**
 * `f` is handing off: if it is the disposer the pending disposal called (the first frame entered
 * after it, one level deeper), the disposal waits on it. When the function whose block ended is
 * still the pending handoff (its first run: its caller has not claimed it yet), the disposer's
 * promise is the disposal's, and no caller may claim it: that caller (`await useResource()`) would
 * otherwise take it, entered one level below it after the function handed off, for a second
 * callee. (A frame entered first after a disposal whose disposer no instrumented code made, by a
 * call that a claim then takes, is told apart by the snapshot: a claimed frame is no disposer.)
 */
function noteDisposer(f: Frame): void {
  const link = nextDisposal!;
  if (f.seq !== link.firstSeq) return;
  if (f.depth === nextDisposalDepth + 1) {
    link.entered = f.seq;
    // The owner is still the pending handoff, or was at the block's end and only the disposer's
    // own callees (entered after it) have handed off since: nothing could claim the owner meanwhile.
    if (handoff === nextDisposalOwner || (nextDisposalOwnerPending && handoff !== undefined && handoff.seq > f.seq)) setPromise(f, UNCLAIMABLE);
  }
  nextDisposal = undefined;
  nextDisposalOwner = undefined;
  nextDisposalOwnerPending = false;
}

/** An async generator's frame just entered: if the pending loop's first `next()` entered it, the loop iterates it. */
export function noteGeneratorEntered(f: Frame): void {
  const link = nextLoop;
  if (link === undefined || f.depth !== nextLoopDepth + 1) return;
  link.entered = f.seq;
  lastNotedLoop = link;
  nextLoop = undefined;
}

/** Generator `g` was entered by a claimer's own call: no loop's `next()` entered it. */
function unnoteLoop(g: Frame): void {
  const link = lastNotedLoop;
  if (link !== undefined && link.entered === g.seq) link.entered = 0;
  lastNotedLoop = undefined;
}

/**
 * The claim rule: whether handed-off frame `f` is the callee of a claim made at nesting `depth` by
 * code that read the frame counter (`q`) just before the call. The callee entered after that read
 * (so a frame handed off earlier in the run, `background(); await external()`, is not it), exactly
 * one level below the claimer (so a frame its callee started and dropped is not it), and nobody
 * has claimed it or made it unclaimable (async generators, modules).
 */
function isCallee(f: Frame, q: number, claimerDepth: number): boolean {
  return f.depth === claimerDepth + 1 && f.seq > q && framePromise(f) === undefined;
}

/**
 * An async generator whose body the claimed call entered (`await it.next()` on a generator not
 * started yet): what the awaiter waits on, though the generator stays registered (its later
 * `next()` calls are anyone's).
 */
function isEnteredGenerator(f: Frame, q: number, claimerDepth: number): boolean {
  return f.depth === claimerDepth + 1 && f.seq > q && framePromise(f) === GENERATOR;
}

/**
 * Claims the callee for an await or a return: returns the callee's frame (which the awaiter then
 * holds, so it needs no registration), or `v` when no frame produced it. The promise is recorded
 * too: the callee may have kept it for others as well (`connecting ??= connect()`). An `await`
 * (`generator`) also takes an async generator the call entered: its `next()` settles when the
 * generator next yields, so only an await may wait on it (a `return it.next()` would keep its
 * frame returning until the generator ended).
 */
function claimForAwait(q: number, v: unknown, generator: boolean): unknown {
  if (overflowCount === 0) {
    const g = handoff!;
    // A shallower frame waits for its own caller's claim; anything else is decided now.
    if (g.depth <= depth) return v;
    handoff = undefined;
    if (isCallee(g, q, depth)) {
      setPromise(g, v);
      return g;
    }
    // Off the common path: only a handoff that is not the callee gets here.
    const entered = generator && isEnteredGenerator(g, q, depth);
    register(g);
    if (!entered) return v;
    unnoteLoop(g);
    return g;
  }
  const claimed = claimAll(q, v, generator);
  return claimed ?? v;
}

/** Claims a call result whose promise is kept for later (registering its frame); also used at module top level. */
export function keep(q: number, v: unknown): unknown {
  if (handoff !== undefined) keepFrame(q, v);
  return v;
}

/**
 * `keep`, returning the frame it claimed (for traced frames, which adopt it as a child). Returned,
 * not left in a variable: a frame held there would outlive its call, and every frame the program
 * drops (a statement `forgotten();`) is kept.
 */
export function keepFrame(q: number, v: unknown): Frame | undefined {
  if (handoff === undefined) return undefined;
  const claimed = overflowCount === 0 ? claimForAwait(q, v, false) : claimAll(q, v, false);
  // A claim that took nothing hands back `v` itself (or nothing); anything else is a frame. (No
  // `instanceof` on `v`: it is the program's value, and may be a proxy with traps.)
  if (claimed === v || claimed === undefined) return undefined;
  const f = claimed as Frame;
  // An array that uninstrumented code filled with this one call (`lib.map([f])`, `ids.map(load)`
  // of one id) is not the frame's promise: its element is. Only when a frame was claimed, so the
  // common keep (nothing handed off) pays nothing; here it costs a type check and, for arrays, a
  // length read and one small allocation. (Several callees make slots in `claimAll`.)
  if (isOrdinaryArray(v) && v.length === 1) setPromise(f, new ArraySlot(v, f.seq));
  register(f);
  return f;
}

/**
 * The general claim. Unclaimed handoffs made below the claimer are the newest ones (everything
 * older belongs to shallower, still-running calls): the tail of `overflow` from `from`, then
 * `handoff`. Only they are decided: one direct callee is returned; several are an array of
 * promises (`ids.map(async …)`) or a group (`await pMap(ids, async …)`), and are registered; the
 * rest are roots, and are registered.
 */
function claimAll(q: number, v: unknown, generator: boolean): Frame | undefined {
  const want = depth + 1;
  const newest = handoff;
  if (newest === undefined || newest.depth < want) return undefined;
  const count = overflowCount;
  let from = count;
  while (from > 0 && overflow[from - 1]!.depth >= want) from--;
  // First pass: how many direct callees. Nothing is changed yet, so the second pass sees the same.
  let direct = 0;
  let only: Frame | undefined;
  let entered: Frame | undefined;
  let firstSeq = 0;
  // Whether the callees' seqs run firstSeq, firstSeq + 1, …: then one slot serves them all with no list.
  let consecutive = true;
  for (let i = from; i <= count; i++) {
    const f = i < count ? overflow[i]! : newest;
    if (isCallee(f, q, depth)) {
      if (direct === 0) firstSeq = f.seq;
      else if (f.seq !== firstSeq + direct) consecutive = false;
      direct++;
      only = f;
    } else if (generator && isEnteredGenerator(f, q, depth)) entered = f;
  }
  const slots = direct > 1 && isOrdinaryArray(v) && v.length === direct;
  // One record for the whole array (a list of seqs only when the callees made frames in between).
  const slot = slots ? new ArraySlot(v as unknown[], firstSeq, consecutive ? undefined : newList<number>(direct)) : undefined;
  const members = direct > 1 && !slots && isPromiseObject(v) ? newList<Frame>(direct) : undefined;
  let k = 0;
  for (let i = from; i <= count; i++) {
    const f = i < count ? overflow[i]! : newest;
    if (direct === 1 && f === only) continue;
    if (isCallee(f, q, depth)) {
      if (slot !== undefined) {
        setPromise(f, slot);
        if (slot.seqs !== undefined) slot.seqs[k] = f.seq;
      } else if (members !== undefined) members[k] = f;
      k++;
    }
    register(f);
  }
  // The decided handoffs leave the list; the newest older one is the pending handoff again.
  if (from > 0) {
    handoff = overflow[from - 1];
    truncateOverflow(from - 1);
  } else {
    handoff = undefined;
    truncateOverflow(0);
  }
  if (members !== undefined) groups.set(v as object, publish(members));
  if (direct === 1) {
    setPromise(only!, v);
    return only;
  }
  // Registered above like any generator; the awaiter waits on it when the call entered no other callee.
  if (direct !== 0 || entered === undefined) return undefined;
  unnoteLoop(entered);
  return entered;
}

function register(f: Frame): void {
  if (recentCount === RECENT_CAPACITY) compact();
  recent[recentCount++] = f;
}

/** Moves still-pending registered frames from `recent` to `live`, into a fresh list. */
function compact(): void {
  for (let i = 0; i < recentCount; i++) {
    const f = recent[i]!;
    if (f.site !== DONE) append(live, f);
  }
  recent = newList(RECENT_CAPACITY);
  recentCount = 0;
  // Registration at a high rate is bounded between maintenances too; watching returned promises
  // waits for maintenance, outside the program's runs.
  if (live.length >= liveSweepAt) sweepLive(clock, false);
}

/**
 * Retires returning frames whose result is known to have settled, and moves frames pending longer
 * than `weakAfterMs` to `old`. With `watch` (maintenance only), starts watching the promises that
 * returning frames returned; a returning frame not watched yet stays strongly held until it is.
 */
function sweepLive(now: number, watch: boolean): void {
  let w = 0;
  for (let i = 0; i < live.length; i++) {
    const f = live[i]!;
    if (f.site === DONE) continue;
    let unwatched = false;
    if (returning(f)) {
      const result = returnedResult(f, watch);
      if (result === SETTLED) {
        retire(f);
        continue;
      }
      unwatched = result === UNWATCHED;
    }
    if (!unwatched && stampElapsed(f.since, now) >= limits.weakAfterMs) {
      f.depth = weakSlot(old.length);
      append(old, new WeakRefConstructor(f));
    } else live[w++] = f;
  }
  live.length = w;
  liveSweepAt = w * 2 > 4096 ? w * 2 : 4096;
}

function returning(f: Frame): boolean {
  return f.site >= RETURN_SITE_BASE;
}

const SETTLED = 0;
const PENDING = 1;
const UNWATCHED = 2;

/**
 * What is known of a returning frame's result: a claimed callee is pending until it is done; a
 * native promise until the reaction watching it retires the frame (`watch`: start watching it
 * now); anything else (a thenable, a plain object) is taken as settled, since awaitwhat could only
 * learn otherwise by calling the program's code.
 */
function returnedResult(f: Frame, watch: boolean): number {
  const v = frameValue(f);
  if (isFrame(v)) return v.site === DONE ? SETTLED : PENDING;
  if (!isPromiseObject(v)) return SETTLED;
  // Its own promise (kept by an instrumented caller): V8 rejected it at once with a TypeError
  // ("Chaining cycle detected"), which nothing may handle; a reaction watching it would handle it.
  if (v === framePromise(f)) return SETTLED;
  // Returned inside `try { … } finally { … }`: the finally block may have thrown instead, and the
  // promise, never adopted, may be one whose rejection nothing handles (a reaction would handle
  // it). Taken as settled, as a thenable is. A table read, at maintenance only.
  if (getSite(f.site)?.discardable === true) return SETTLED;
  if (f.depth === WATCHED || weakSlotIndex(f.depth) !== -1) return PENDING;
  if (!watch) return UNWATCHED;
  // A promise whose `then` would run the program's code cannot be watched: taken as settled.
  if (!whenSettled(v, () => retireReturned(f))) return SETTLED;
  f.depth = WATCHED;
  return PENDING;
}

function retireReturned(f: Frame): void {
  if (returning(f)) retire(f);
}

function sweepOld(): void {
  let w = 0;
  for (let i = 0; i < old.length; i++) {
    const ref = old[i];
    if (ref === undefined) continue;
    const f = weakRefDeref(ref);
    if (f === undefined) {
      counters.collected++;
      continue;
    }
    if (f.site === DONE) continue;
    if (returning(f) && returnedResult(f, false) === SETTLED) {
      retire(f);
      continue;
    }
    f.depth = weakSlot(w);
    old[w++] = ref;
  }
  old.length = w;
  const excess = live.length + old.length - limits.maxFrames;
  if (excess <= 0) return;
  const fromOld = excess < old.length ? excess : old.length;
  for (let i = 0; i < old.length; i++) {
    const ref = old[i];
    const f = ref === undefined ? undefined : weakRefDeref(ref);
    if (i < fromOld) {
      if (f !== undefined) f.depth = EVICTED;
      continue;
    }
    if (f !== undefined) f.depth = weakSlot(i - fromOld);
    old[i - fromOld] = ref;
  }
  old.length -= fromOld;
  const fromLive = excess - fromOld;
  if (fromLive > 0) {
    for (let i = fromLive; i < live.length; i++) live[i - fromLive] = live[i]!;
    live.length -= fromLive;
  }
  counters.evicted += excess;
}

/**
 * Runs between macrotasks (from the runtime's timer): every handoff still unclaimed by then is a
 * root, and no frame is running, so depth is 0.
 */
export function maintain(now: number): void {
  flushHandoffs();
  compact();
  sweepLive(now, true);
  sweepOld();
}

/** Claims a call result outside any frame: see `keep`. */
export function stashMembers(v: unknown): unknown {
  stashedMembers = v;
  return v;
}

export function keepCombinator(site: number, v: unknown): unknown {
  if (typeof v === 'object' && v !== null) keptCombinators.set(v, new CombinatorLink(site, stashedMembers, v));
  stashedMembers = undefined;
  return v;
}

/** The frame counter, read before a call whose result will be claimed. */
export function currentSeq(): number {
  return seq;
}

function linkIteration(f: Frame, link: IterationLink): void {
  const links = iterations.get(f);
  if (links === undefined) {
    iterations.set(f, [link]);
    return;
  }
  for (let i = 0; i < links.length; i++) {
    if (links[i]!.site === link.site) {
      links[i] = link;
      return;
    }
  }
  appendToArray(links, link);
}

/** Sets the stamp suspensions get (the clock's current tick; see clock.ts). */
export function setClock(stamp: number): void {
  clock = stamp;
}

/**
 * Calls `visit` for every registered or handed-off frame not yet known to be done. Frames claimed
 * by an await are not visited here: they are reached through their awaiter's `frameValue`.
 */
export function forEachRegistered(visit: (f: Frame) => void): void {
  for (let i = 0; i < old.length; i++) {
    const ref = old[i];
    const f = ref === undefined ? undefined : weakRefDeref(ref);
    if (f !== undefined && f.site !== DONE) visit(f);
  }
  for (let i = 0; i < live.length; i++) {
    const f = live[i]!;
    if (f.site !== DONE) visit(f);
  }
  for (let i = 0; i < recentCount; i++) {
    const f = recent[i]!;
    if (f.site !== DONE) visit(f);
  }
  for (let i = 0; i < overflowCount; i++) {
    const f = overflow[i]!;
    if (f.site !== DONE) visit(f);
  }
  if (handoff !== undefined && handoff.site !== DONE) visit(handoff);
}

/**
 * The longest current await or return among frames reachable from the registry, in whole ms, as
 * a lower bound (clock.ts): a walk down each registered frame's chain, with no memory per frame (a
 * cycle is noticed by a second walker moving at half speed), so it stays cheap at 100k frames.
 * Durations only shrink as stamps grow, so only the earliest tick and the earliest precise reading
 * need converting.
 */
export function longestSuspension(now: number): number {
  let earliestTick = Infinity;
  let earliestReading = Infinity;
  forEachRegistered((root) => {
    let slow: unknown = root;
    let step = 0;
    for (let f: unknown = root; isFrame(f); f = frameValue(f)) {
      if (f.site < 0 || siteKindOf(f.site) === KIND_YIELD) break;
      const stamp = f.since;
      if (!isPrecise(stamp)) {
        if (stamp < earliestTick) earliestTick = stamp;
      } else if (stampStart(stamp) < earliestReading) earliestReading = stampStart(stamp);
      if ((++step & 1) === 0) {
        slow = frameValue(slow as Frame);
        if (slow === frameValue(f)) break;
      }
    }
  });
  const coarse = earliestTick === Infinity ? 0 : stampElapsed(earliestTick, now);
  const precise = earliestReading === Infinity ? 0 : stampElapsed(preciseStamp(earliestReading), now);
  return coarse > precise ? coarse : precise;
}

/** Sizes of the registry's parts; `unclaimed` counts handoffs not yet claimed or registered. */
export function registeredCount(): { recent: number; live: number; old: number; unclaimed: number } {
  return { recent: recentCount, live: live.length, old: old.length, unclaimed: overflowCount + (handoff === undefined ? 0 : 1) };
}

export function iterationsOf(f: Frame): readonly IterationLink[] | undefined {
  return iterations.get(f);
}

export function keptCombinatorOf(v: object): CombinatorLink | undefined {
  return keptCombinators.get(v);
}

export function groupOf(v: object): readonly Frame[] | undefined {
  return groups.get(v);
}

/** The function site id is passed for other frame types (spans need it at entry); frames here read it from their sites. */
export function enterFunction(_fn: number): Frame {
  return new Frame(undefined);
}

export function enterUnclaimable(_fn: number): Frame {
  return new Frame(UNCLAIMABLE);
}

/** An async generator's body is entered (by its first `next()`): a module-variable check more than a module's entry. */
export function enterGenerator(_fn: number): Frame {
  const f = new Frame(GENERATOR);
  if (nextLoop !== undefined) noteGeneratorEntered(f);
  return f;
}
