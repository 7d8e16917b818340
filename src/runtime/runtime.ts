/**
 * The runtime of a thread: the global object instrumented code reaches (`globalThis.__awaitwhat`),
 * and the internals awaitwhat's own modules use.
 *
 * The global is created once per thread by whichever copy of the package installs it first. It is
 * frozen (so are its methods and the frame classes behind them), and nothing reachable from it
 * returns a frame of the program's or a value the program awaited: every method returns its
 * argument, a new frame of the caller's own, the frame counter, or — `snapshot()` — the values-free
 * graph. Any code can read it, so it must give no dependency a tap on the program's awaits.
 *
 * The internals (frames, registry, sites, tracing) are reached by import: `currentRuntime()` of
 * the copy that installed the runtime (or `runtimeInternals()` in internals.ts). A second copy of
 * awaitwhat in the same thread (another version, or the same one installed twice) sees only the
 * global: its `snapshot()` works through the global's, and it cannot install hooks or trace.
 */

import { FORMAT_VERSION, RUNTIME_GLOBAL } from '../transform/constants.ts';
import { currentTick, stampElapsed } from './clock.ts';
import { faultCounts, setFaultReporter, type FaultKind, type FaultReporter } from './faults.ts';
import {
  counters,
  currentSeq,
  enterFunction,
  enterGenerator,
  enterUnclaimable,
  forEachRegistered,
  groupOf,
  iterationsOf,
  keep,
  keepCombinator,
  keptCombinatorOf,
  limits,
  maintain,
  KIND_AWAIT,
  KIND_RETURN,
  KIND_YIELD,
  longestSuspension,
  registeredCount,
  setSiteKind,
  siteKindOf,
  stashMembers,
  type Frame,
} from './frame.ts';
import { notePromise, promiseSiteOf } from './created.ts';
import { defineForeignSites } from './foreign-sites.ts';
import { addPromiseRealm, freeze } from './intrinsics.ts';
import { addSite, getSite, siteCount, siteLimits, type SiteRecord } from './sites.ts';
import { buildSnapshot, buildGraph, type Graph, type SnapshotOptions } from '../snapshot/build.ts';
import { startTicker } from './ticker.ts';
import { enterTraced, enterTracedGenerator, enterTracedUnclaimable, setFrameObserver, type FrameObserver } from './traced-frame.ts';
import type { Snapshot } from '../snapshot/schema.ts';

/** What `globalThis.__awaitwhat` holds: the calls instrumented code makes, and a snapshot. Frozen. */
interface RuntimeGlobal {
  /** Shape of the injected calls this runtime serves. */
  readonly format: number;
  /** Enter an async function. */
  readonly e: (fn: number) => Frame;
  /** Enter an async generator body. */
  readonly g: (fn: number) => Frame;
  /** Enter a module body with top-level await. */
  readonly m: (fn: number) => Frame;
  /** Frame counter, for claims at module top level (`const p = main()`). */
  readonly q: number;
  /** Claim at module top level; see `Frame.k`. */
  readonly k: (q: number, v: unknown) => unknown;
  readonly pa: (v: unknown) => unknown;
  readonly pc: (site: number, v: unknown) => unknown;
  /** `new Promise(…)` outside async functions: records where it was created; returns it. */
  readonly np: (site: number, v: unknown) => unknown;
  /**
   * Defines a self-contained module's sites (`[id, record, …]`, ids in the foreign ranges of
   * sites.ts) in this thread; once per module evaluation. Returns undefined, never throws.
   */
  readonly d: (entries: unknown) => void;
  /** The thread's await graph, built by the copy of awaitwhat that installed the runtime. Holds no value of the program's. */
  readonly snapshot: (options?: SnapshotOptions) => Snapshot;
}

/** This copy's handle on the thread's runtime, for awaitwhat's own modules. Never reachable from the global. */
export interface Runtime {
  readonly format: number;
  readonly internals: RuntimeInternals;
}

/** What the transform, the snapshot builder and the samplers use; not for instrumented code. */
export interface RuntimeInternals {
  addSite(site: SiteRecord): number;
  getSite(id: number): SiteRecord | undefined;
  siteCount(): number;
  /** Kind code of a suspension site, as the hot path sees it. */
  siteKindOf(id: number): number;
  forEachRegistered(visit: (f: Frame) => void): void;
  iterationsOf: typeof iterationsOf;
  keptCombinatorOf: typeof keptCombinatorOf;
  groupOf: typeof groupOf;
  promiseSiteOf: typeof promiseSiteOf;
  maintain(now: number): void;
  /** The stamp a suspension beginning now gets (the coarse clock's current tick). */
  clock(): number;
  /**
   * How long (whole ms) a suspension whose frame stored `since` has certainly lasted at `now` (a
   * performance.now() reading): a lower bound, within one tick interval of the truth (clock.ts).
   * Every reader of `Frame.since` goes through this.
   */
  elapsed(since: number, now: number): number;
  readonly counters: typeof counters;
  readonly limits: typeof limits;
  /** How many sites the table holds (lowered by tests). */
  readonly siteLimits: typeof siteLimits;
  registeredCount: typeof registeredCount;
  /** Longest time (whole ms, a lower bound) any frame has certainly been at its current await or return; 0 when none. */
  longestSuspension(now: number): number;
  /** True when a module with top-level await has not finished evaluating. */
  moduleFramePending(): boolean;
  /** Built by the copy of awaitwhat that installed the runtime, so that the records are read by the code that wrote them. */
  snapshot(options?: SnapshotOptions): Snapshot;
  /** The snapshot together with the frame records behind its frame nodes (by `seq`), for span export. */
  graph(options?: SnapshotOptions): Graph;
  /**
   * Makes new frames traced frames reporting to `observer` (or plain frames again when undefined);
   * frames already running keep their kind.
   */
  setTracing(observer: FrameObserver | undefined): void;
  /** Faults the runtime caught (it never throws into the program): counts by kind, and where the first of each kind goes. */
  readonly faults: {
    counts(): Readonly<Record<FaultKind, number>>;
    setReporter(reporter: FaultReporter | undefined): void;
  };
}

/** Whether new frames are traced frames (an observer is installed). */
let tracing = false;

/** Notes a site's kind where the hot path reads it. */
function recordKind(id: number, site: SiteRecord): void {
  setSiteKind(id, site.kind === 'return' ? KIND_RETURN : site.kind === 'yield' ? KIND_YIELD : KIND_AWAIT);
}

function createInternals(): RuntimeInternals {
  const internals: RuntimeInternals = {
    addSite(site) {
      const id = addSite(site);
      recordKind(id, site);
      return id;
    },
    getSite,
    siteCount,
    siteKindOf,
    forEachRegistered,
    iterationsOf,
    keptCombinatorOf,
    groupOf,
    promiseSiteOf,
    maintain,
    clock: currentTick,
    elapsed: stampElapsed,
    counters,
    limits,
    siteLimits,
    registeredCount,
    longestSuspension,
    moduleFramePending() {
      let pending = false;
      forEachRegistered((f) => {
        if (f.site >= 0 && getSite(getSite(f.site)?.fn ?? -1)?.kind === 'module') pending = true;
      });
      return pending;
    },
    snapshot: (options) => buildSnapshot(internals, options),
    graph: (options) => buildGraph(internals, options),
    setTracing(observer) {
      setFrameObserver(observer);
      tracing = observer !== undefined;
    },
    faults: freeze({ counts: faultCounts, setReporter: setFaultReporter }),
  };
  return freeze(internals);
}

function createGlobal(internals: RuntimeInternals): RuntimeGlobal {
  return freeze({
    format: FORMAT_VERSION,
    // One branch per call on a flag that changes only when tracing is turned on or off.
    e: (fn: number) => (tracing ? enterTraced(fn) : enterFunction(fn)),
    g: (fn: number) => (tracing ? enterTracedGenerator(fn) : enterGenerator(fn)),
    m: (fn: number) => (tracing ? enterTracedUnclaimable(fn) : enterUnclaimable(fn)),
    get q() {
      return currentSeq();
    },
    k: keep,
    pa: stashMembers,
    pc: keepCombinator,
    np: notePromise,
    d: (entries: unknown) => defineForeignSites(entries, recordKind),
    snapshot: (options?: SnapshotOptions) => internals.snapshot(options),
  });
}

class RuntimeVersionError extends Error {
  constructor(found: unknown) {
    super(
      `awaitwhat: globalThis.${RUNTIME_GLOBAL} holds a runtime of format ${String(found)}, ` +
        `but this copy of awaitwhat needs format ${FORMAT_VERSION}; two incompatible versions are loaded`,
    );
    this.name = 'RuntimeVersionError';
  }
}

/** Thrown by `installRuntime` when another copy of awaitwhat installed this thread's runtime. */
class RuntimeOwnedElsewhereError extends Error {
  constructor() {
    super(
      `awaitwhat: another copy of awaitwhat installed this thread's runtime (globalThis.${RUNTIME_GLOBAL}); ` +
        'only the copy that installed it can instrument code or trace (load awaitwhat/hooks, the command and the instrumentation from one installation)',
    );
    this.name = 'RuntimeOwnedElsewhereError';
  }
}

/** This copy's handle, once it installed the thread's runtime. */
let owned: Runtime | undefined;

function installedGlobal(): unknown {
  return (globalThis as Record<string, unknown>)[RUNTIME_GLOBAL];
}

/**
 * Installs the thread's runtime and returns this copy's handle; returns the handle again if this
 * copy installed it already. Throws `RuntimeVersionError` if an incompatible runtime is installed,
 * `RuntimeOwnedElsewhereError` if another copy installed a compatible one.
 */
export function installRuntime(): Runtime {
  if (owned !== undefined) return owned;
  const existing = installedGlobal() as RuntimeGlobal | undefined;
  if (existing !== undefined) {
    if (existing?.format !== FORMAT_VERSION) throw new RuntimeVersionError(existing?.format);
    throw new RuntimeOwnedElsewhereError();
  }
  const internals = createInternals();
  // Not enumerable: a program listing its globals should not see us. Not configurable: code that
  // cleans up globals it does not know must not break every instrumented module loaded after it.
  Object.defineProperty(globalThis, RUNTIME_GLOBAL, { value: createGlobal(internals), writable: false, configurable: false, enumerable: false });
  owned = freeze({ format: FORMAT_VERSION, internals });
  startTicker();
  return owned;
}

/** This copy's handle on the thread's runtime, if this copy installed it. */
export function currentRuntime(): Runtime | undefined {
  return owned;
}

/** The thread's runtime global if one is installed and compatible (whichever copy installed it), else undefined. */
export function runtimeGlobal(): RuntimeGlobal | undefined {
  const existing = installedGlobal() as RuntimeGlobal | undefined;
  return existing?.format === FORMAT_VERSION ? existing : undefined;
}

/**
 * Makes the thread's runtime reachable from another realm of the thread (a `vm` context Jest runs a
 * test file in): defines the same frozen global on that realm's global object, as `installRuntime`
 * does on this one's, and captures the realm's promise intrinsics before any of its code runs, so
 * that its promises are watched as this realm's are. Returns false when no compatible runtime is
 * installed here, or the realm's global has one already that is not this thread's.
 */
export function installInRealm(realmGlobal: object): boolean {
  const runtime = runtimeGlobal();
  if (runtime === undefined) return false;
  const existing = Object.getOwnPropertyDescriptor(realmGlobal, RUNTIME_GLOBAL);
  if (existing !== undefined) return existing.value === runtime;
  addPromiseRealm(realmGlobal);
  Object.defineProperty(realmGlobal, RUNTIME_GLOBAL, { value: runtime, writable: false, configurable: false, enumerable: false });
  return true;
}
