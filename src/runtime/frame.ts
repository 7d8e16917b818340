/**
 * The hot path: one `Frame` per call of an instrumented async function, and the few stores each
 * injected call makes. Everything here runs inside the user's program on every call and every
 * await, so it allocates one small object per call, never captures a stack, never touches a
 * WeakMap on the common path, and never throws.
 *
 * How a caller learns which frame produced the promise it holds ("handoff"): when a frame first
 * suspends (or finishes without suspending) its promise is about to be returned to whoever called
 * it, so it appends itself to `young`. The very next instrumented use of a call result in the
 * caller (`await g()`, `const p = g()`, `return g()`) claims it. A claim only accepts frames that
 * entered after the caller read `seq` just before the call (`q`), and at exactly one level of
 * synchronous nesting below it (`depth`), so frames handed off by unrelated code are never
 * mistaken for the callee.
 */

import { isPendingPromise, isPromiseObject, isProxyObject } from './values.ts';

export const RUNNING = 0;
export const AWAITING = 1;
export const RETURNING = 2;
export const YIELDED = 3;
export const DONE = 4;

/** Marks frames whose promise no caller can claim: async generators and modules. */
export const UNCLAIMABLE: unique symbol = Symbol('awaitwhat.unclaimable');

/** A claimed call result that was an array of promises (`items.map(async …)`): which element. */
export class ArraySlot {
  readonly array: unknown[];
  readonly index: number;
  constructor(array: unknown[], index: number) {
    this.array = array;
    this.index = index;
  }
}

/** A `Promise.all(…)`-style call: its site (which names the combinator), its argument and its result. */
export class CombinatorLink {
  readonly site: number;
  readonly members: unknown;
  readonly promise: unknown;
  constructor(site: number, members: unknown, promise: unknown) {
    this.site = site;
    this.members = members;
    this.promise = promise;
  }
}

/** A `for await` loop, `yield*` delegation or `await using` disposal: the iterable (if any) and the first frame entered after it. */
export class IterationLink {
  readonly site: number;
  readonly iterable: unknown;
  readonly firstSeq: number;
  constructor(site: number, iterable: unknown, firstSeq: number) {
    this.site = site;
    this.iterable = iterable;
    this.firstSeq = firstSeq;
  }
}

// Registry state. `young[0, mark)` are registered frames already past their claim window;
// `young[mark, n)` are frames handed off but not yet claimed. Both stay strongly held until
// `compact()` moves the still-pending ones to `live`.
let seq = 0;
let depth = 0;
let clock = 0;
let n = 0;
let mark = 0;
let compactAt = 4096;
const young: (Frame | undefined)[] = [];
/** Frames that outlived one compaction; swept by `maintain()`. */
const live: Frame[] = [];
/**
 * Frames pending longer than `weakAfterMs`, held weakly so that a hung frame nobody can resume is
 * collectable; an entry is cleared (undefined) when its frame finishes.
 */
let old: (WeakRef<Frame> | undefined)[] = [];
/** Returned promises of frames held weakly while returning: keeps each frame alive exactly as long as its promise. */
const returnedBy = new WeakMap<object, Frame>();
let liveSweepAt = 4096;

/** The combinator argument stashed by `pa()` for the `ac()`/`pc()` that follows it. */
let stashedMembers: unknown = undefined;

/** Iterations of `for await` and `yield*` in flight, keyed by frame: rare, so kept off the Frame. */
const iterations = new WeakMap<Frame, IterationLink[]>();
/** Combinator results that were kept rather than awaited directly (`const p = Promise.race(…)`). */
const keptCombinators = new WeakMap<object, CombinatorLink>();
/** Call results that several frames handed off to at once (`await pMap(items, async …)`). */
const groups = new WeakMap<object, Frame[]>();

export const counters = {
  /** Frames the garbage collector reclaimed while still pending: they could never have resumed. */
  collected: 0,
  /** Frames dropped because more than `maxFrames` were pending. */
  evicted: 0,
};

export const limits = {
  /** Frames pending longer than this are held weakly. */
  weakAfterMs: 10_000,
  /** Upper bound on frames kept; the oldest beyond it are dropped and counted. */
  maxFrames: 1_000_000,
};

export class Frame {
  /** Function site id. */
  fn: number;
  /** Creation order; unique per thread. */
  seq: number;
  /**
   * Synchronous nesting depth at entry, for handoff claims; once the frame is held weakly,
   * `-2 - index` of its entry in `old`, so that finishing can clear that entry.
   */
  depth: number;
  state: number;
  /** Site id of the current await, yield, or return; -1 while running. */
  site: number;
  /** What the frame waits for (or returns, or yields). */
  value: unknown;
  /** Coarse clock (ms) when the current suspension began. */
  since: number;
  /** This frame's own promise once a caller claimed it, an `ArraySlot`, or `UNCLAIMABLE`. */
  promise: unknown;
  /** Extra detail for the current site: a `CombinatorLink`, or undefined. */
  link: CombinatorLink | undefined;

  constructor(fn: number, promise: unknown) {
    this.fn = fn;
    this.seq = ++seq;
    this.depth = ++depth;
    this.state = RUNNING;
    this.site = -1;
    this.value = undefined;
    this.since = clock;
    this.promise = promise;
    this.link = undefined;
  }

  /** Read by injected code just before a call whose result it will claim. */
  get q(): number {
    return seq;
  }

  /** `await v` where v is not a direct call. */
  a(site: number, v: unknown): unknown {
    this.site = site;
    this.value = v;
    this.since = clock;
    if (this.state === RUNNING) handOff(this);
    this.state = AWAITING;
    return v;
  }

  /** `await g(…)`: claims the callee's frame, then awaits. */
  c(site: number, q: number, v: unknown): unknown {
    if (n !== mark) claim(q, v);
    return this.a(site, v);
  }

  /** A call result kept for later (`const p = g()`, `[g(), h()]`, `f(g())`). */
  k(q: number, v: unknown): unknown {
    return keep(q, v);
  }

  /** `return v` where v is not a direct call. */
  r(site: number, v: unknown): unknown {
    this.site = site;
    this.value = v;
    this.since = clock;
    return v;
  }

  /** `return g(…)`. */
  rc(site: number, q: number, v: unknown): unknown {
    if (n !== mark) claim(q, v);
    this.site = site;
    this.value = v;
    this.since = clock;
    return v;
  }

  /** The argument of `Promise.all(…)` and friends, stashed for the combinator call around it. */
  pa(v: unknown): unknown {
    return stashMembers(v);
  }

  /** `await Promise.all(…)`: records the members, then awaits. */
  ac(site: number, v: unknown): unknown {
    this.link = new CombinatorLink(site, stashedMembers, v);
    stashedMembers = undefined;
    return this.a(site, v);
  }

  /** `Promise.all(…)` whose result is kept rather than awaited here. */
  pc(site: number, v: unknown): unknown {
    return keepCombinator(site, v);
  }

  /** Start of `for await (… of v)` or `yield* v`: the loop's implicit awaits wait on v. */
  fa(site: number, v: unknown): unknown {
    linkIteration(this, new IterationLink(site, v, seq + 1));
    return this.a(site, v);
  }

  /** End of a `for await` body: the loop is about to await the next item again. */
  fh(site: number): void {
    const link = iterations.get(this)?.find((l) => l.site === site);
    this.site = site;
    this.value = link?.iterable;
    this.since = clock;
    this.state = AWAITING;
  }

  /** `yield v` in an async generator: suspended until the consumer asks for more. */
  y(site: number, v: unknown): unknown {
    this.site = site;
    this.value = v;
    this.since = clock;
    if (this.state === RUNNING) handOff(this);
    this.state = YIELDED;
    return v;
  }

  /** End of a block holding `await using`: about to await the resources' disposal. */
  ud(site: number): void {
    linkIteration(this, new IterationLink(site, undefined, seq + 1));
    this.site = site;
    this.value = undefined;
    this.since = clock;
    if (this.state === RUNNING) handOff(this);
    this.state = AWAITING;
  }

  /** The function body is left (return, throw, or end). */
  x(): void {
    if (this.state === RUNNING) handOff(this);
    else if (this.depth < -1) old[-2 - this.depth] = undefined;
    const site = this.site;
    // A frame that returned a promise keeps its caller waiting until that promise settles.
    this.state = site >= 0 && this.value !== undefined && isReturnSite(site) ? RETURNING : DONE;
    if (this.state === DONE) {
      this.value = undefined;
      this.link = undefined;
    }
  }
}

/** Claims a call result outside any frame (module top level); see `Frame.k`. */
export function keep(q: number, v: unknown): unknown {
  if (n !== mark) claim(q, v);
  return v;
}

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
  if (links === undefined) iterations.set(f, [link]);
  else {
    const i = links.findIndex((l) => l.site === link.site);
    if (i === -1) links.push(link);
    else links[i] = link;
  }
}

let returnSites: Uint8Array = new Uint8Array(1024);

/** Records which site ids are `return` sites, so that `x()` can tell with one array read. */
export function markReturnSite(id: number): void {
  if (id >= returnSites.length) {
    const grown = new Uint8Array(Math.max(id + 1, returnSites.length * 2));
    grown.set(returnSites);
    returnSites = grown;
  }
  returnSites[id] = 1;
}

function isReturnSite(id: number): boolean {
  return returnSites[id] === 1;
}

function handOff(f: Frame): void {
  depth--;
  if (n >= compactAt) compact();
  young[n++] = f;
}

function claim(q: number, v: unknown): void {
  const want = depth + 1;
  let first: Frame | undefined;
  let count = 0;
  let shallower = 0;
  for (let i = mark; i < n; i++) {
    const f = young[i]!;
    if (f.depth < want) shallower++;
    else if (f.depth === want && f.seq > q && f.promise === undefined) {
      if (count === 0) first = f;
      count++;
    }
  }
  if (count === 1) first!.promise = v;
  else if (count > 1) claimMany(q, want, v);
  if (shallower === 0) mark = n;
  else keepShallower(want, shallower);
}

/**
 * Frames handed off by a shallower call (started earlier, still running) wait for that call's own
 * claim: they move to the end of the unclaimed region; the rest, claimed or past claiming, leave it.
 */
function keepShallower(want: number, count: number): void {
  const kept: Frame[] = [];
  let w = mark;
  for (let i = mark; i < n; i++) {
    const f = young[i]!;
    if (f.depth < want) kept.push(f);
    else young[w++] = f;
  }
  mark = w;
  for (let i = 0; i < count; i++) young[w++] = kept[i];
}

/** Several direct callees handed off during one call: an array of their promises, or a group. */
function claimMany(q: number, want: number, v: unknown): void {
  const frames: Frame[] = [];
  for (let i = mark; i < n; i++) {
    const f = young[i]!;
    if (f.seq > q && f.depth === want && f.promise === undefined) frames.push(f);
  }
  if (typeof v !== 'object' || v === null) return;
  if (Array.isArray(v) && !isProxyObject(v) && v.length === frames.length) {
    frames.sort((a, b) => a.seq - b.seq);
    for (let i = 0; i < frames.length; i++) frames[i]!.promise = new ArraySlot(v, i);
  } else if (isPromiseObject(v)) {
    groups.set(v, frames);
  }
}


/** Moves frames past their claim window out of `young`, keeping the pending ones. */
function compact(): void {
  for (let i = 0; i < mark; i++) {
    const f = young[i]!;
    if (f.state !== DONE) live.push(f);
  }
  let w = 0;
  for (let i = mark; i < n; i++) young[w++] = young[i];
  young.length = w;
  n = w;
  mark = 0;
  // A single synchronous run can hand off many frames before any claim (`items.map(async …)`).
  if (n > compactAt / 2) compactAt *= 2;
  if (live.length >= liveSweepAt) sweepLive(clock);
}

function sweepLive(now: number): void {
  let w = 0;
  for (let i = 0; i < live.length; i++) {
    const f = live[i]!;
    if (f.state === DONE) continue;
    if (f.state === RETURNING && !isPendingPromise(f.value)) {
      f.state = DONE;
      f.value = undefined;
      continue;
    }
    if (now - f.since >= limits.weakAfterMs) {
      if (f.state === RETURNING) returnedBy.set(f.value as object, f);
      f.depth = -2 - old.length;
      old.push(new WeakRef(f));
    } else live[w++] = f;
  }
  live.length = w;
  liveSweepAt = Math.max(4096, w * 2);
}

function sweepOld(): void {
  let w = 0;
  for (let i = 0; i < old.length; i++) {
    const ref = old[i];
    if (ref === undefined) continue;
    const f = ref.deref();
    if (f === undefined) {
      counters.collected++;
      continue;
    }
    if (f.state === DONE) continue;
    if (f.state === RETURNING && !isPendingPromise(f.value)) {
      f.state = DONE;
      continue;
    }
    f.depth = -2 - w;
    old[w++] = ref;
  }
  old.length = w;
  const excess = live.length + old.length - limits.maxFrames;
  if (excess > 0) {
    const fromOld = Math.min(excess, old.length);
    for (let i = 0; i < fromOld; i++) {
      const f = old[i]?.deref();
      if (f !== undefined) f.depth = -1;
    }
    old = old.slice(fromOld);
    for (let i = 0; i < old.length; i++) {
      const f = old[i]?.deref();
      if (f !== undefined) f.depth = -2 - i;
    }
    const fromLive = excess - fromOld;
    if (fromLive > 0) live.splice(0, fromLive);
    counters.evicted += excess;
  }
}

/**
 * Runs between macrotasks (from the clock's timer, or before a snapshot taken there): every
 * handoff still unclaimed by then is stale, and no frame is running, so depth is 0.
 */
export function maintain(now: number): void {
  mark = n;
  depth = 0;
  compact();
  sweepLive(now);
  sweepOld();
}

export function setClock(now: number): void {
  clock = now;
}

export function getClock(): number {
  return clock;
}

/** Calls `visit` for every registered frame not yet known to be done, oldest registration first. */
export function forEachFrame(visit: (f: Frame) => void): void {
  for (const ref of old) {
    const f = ref?.deref();
    if (f !== undefined && f.state !== DONE) visit(f);
  }
  for (const f of live) if (f.state !== DONE) visit(f);
  for (let i = 0; i < n; i++) {
    const f = young[i]!;
    if (f.state !== DONE) visit(f);
  }
}

/** The longest current await or return among registered frames, in ms; cheap enough for every sampler tick. */
export function longestSuspension(now: number): number {
  let longest = 0;
  forEachFrame((f) => {
    if (f.state !== AWAITING && f.state !== RETURNING) return;
    const d = now - f.since;
    if (d > longest) longest = d;
  });
  return longest;
}

export function registeredCount(): { young: number; live: number; old: number } {
  return { young: n, live: live.length, old: old.length };
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

export function enterFunction(fn: number): Frame {
  return new Frame(fn, undefined);
}

export function enterUnclaimable(fn: number): Frame {
  return new Frame(fn, UNCLAIMABLE);
}
