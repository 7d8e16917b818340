/**
 * The runtime object instrumented code reaches through `globalThis.__awaitwhat`. It is created
 * once per thread by whichever copy of the package loads first; every later copy (another
 * version, the CommonJS and ESM faces of one version) uses that one, so that all instrumented code
 * and every `snapshot()` call see the same frames.
 */

import { FORMAT_VERSION, RUNTIME_GLOBAL } from '../transform/constants.ts';
import { currentTick, stampElapsed } from './clock.ts';
import { faultCounts, setFaultReporter, type FaultKind, type FaultReporter } from './faults.ts';
import {
  counters,
  currentSeq,
  enterFunction,
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
import { addSite, getSite, siteCount, siteLimits, type SiteRecord } from './sites.ts';
import { buildSnapshot, buildGraph, type Graph, type SnapshotOptions } from '../snapshot/build.ts';
import { startTicker } from './ticker.ts';
import { enterTraced, enterTracedUnclaimable, setFrameObserver, type FrameObserver } from './traced-frame.ts';
import type { Snapshot } from '../snapshot/schema.ts';

export interface Runtime {
  /** Shape of the injected calls this runtime serves. */
  readonly format: number;
  /** Enter an async function. */
  e: (fn: number) => Frame;
  /** Enter an async generator body. */
  g: (fn: number) => Frame;
  /** Enter a module body with top-level await. */
  m: (fn: number) => Frame;
  /** Frame counter, for claims at module top level (`const p = main()`). */
  readonly q: number;
  /** Claim at module top level; see `Frame.k`. */
  k(q: number, v: unknown): unknown;
  pa(v: unknown): unknown;
  pc(site: number, v: unknown): unknown;
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

function createRuntime(): Runtime {
  const internals: RuntimeInternals = {
      addSite(site) {
        const id = addSite(site);
        setSiteKind(id, site.kind === 'return' ? KIND_RETURN : site.kind === 'yield' ? KIND_YIELD : KIND_AWAIT);
        return id;
      },
      getSite,
      siteCount,
      siteKindOf,
      forEachRegistered,
      iterationsOf,
      keptCombinatorOf,
      groupOf,
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
        runtime.e = observer === undefined ? enterFunction : enterTraced;
        runtime.g = runtime.m = observer === undefined ? enterUnclaimable : enterTracedUnclaimable;
      },
      faults: { counts: faultCounts, setReporter: setFaultReporter },
  };
  const runtime: Runtime = {
    format: FORMAT_VERSION,
    e: enterFunction,
    g: enterUnclaimable,
    m: enterUnclaimable,
    get q() {
      return currentSeq();
    },
    k: keep,
    pa: stashMembers,
    pc: keepCombinator,
    internals,
  };
  return runtime;
}

export class RuntimeVersionError extends Error {
  constructor(found: unknown) {
    super(
      `awaitwhat: globalThis.${RUNTIME_GLOBAL} holds a runtime of format ${String(found)}, ` +
        `but this copy of awaitwhat needs format ${FORMAT_VERSION}; two incompatible versions are loaded`,
    );
    this.name = 'RuntimeVersionError';
  }
}

/** The thread's runtime, created on first call. Throws `RuntimeVersionError` if an incompatible one is installed. */
export function installRuntime(): Runtime {
  const existing = (globalThis as Record<string, unknown>)[RUNTIME_GLOBAL] as Runtime | undefined;
  if (existing !== undefined) {
    if (existing?.format !== FORMAT_VERSION) throw new RuntimeVersionError(existing?.format);
    return existing;
  }
  const runtime = createRuntime();
  // Not enumerable: a program listing its globals should not see us. Not configurable: code that
  // cleans up globals it does not know must not break every instrumented module loaded after it.
  Object.defineProperty(globalThis, RUNTIME_GLOBAL, { value: runtime, writable: false, configurable: false, enumerable: false });
  startTicker();
  return runtime;
}

/** The thread's runtime if one is installed and compatible, else undefined. */
export function currentRuntime(): Runtime | undefined {
  const existing = (globalThis as Record<string, unknown>)[RUNTIME_GLOBAL] as Runtime | undefined;
  return existing?.format === FORMAT_VERSION ? existing : undefined;
}
