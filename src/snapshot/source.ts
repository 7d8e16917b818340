/**
 * What the snapshot builder reads from the runtime, declared here rather than imported from it:
 * the runtime builds snapshots by passing itself, so depending on its internals type would make
 * the two modules depend on each other. The runtime's internals object satisfies this as it is.
 */

import type { CombinatorCall, IterationRecord, RuntimeFrame } from './frame-records.ts';

/** A function or suspension site, as the transform registered it. */
export interface SiteInfo {
  kind: string;
  /** File URL or path as the module loader named it. */
  file: string;
  line: number;
  column: number;
  /** Function sites: the inferred name. */
  name: string;
  /** Suspension sites: the source text (`await sleep(60_000)`), possibly cut or omitted. */
  text: string;
  /** Combinator calls: which one. */
  combinator?: 'all' | 'allSettled' | 'race' | 'any';
  /** Combinator calls on an array literal: each element's source text. */
  members?: readonly string[];
  /** Suspension sites: the id of their function site. */
  fn?: number;
  /** Await and return sites whose operand is `new Promise(…)`: the id of its `promise` site. */
  created?: number;
}

export interface SnapshotSource {
  /** Every registered (or handed-off) frame not known to be done; frames claimed by an await are reached through their awaiter. */
  forEachRegistered(visit: (f: RuntimeFrame) => void): void;
  getSite(id: number): SiteInfo | undefined;
  /** `SITE_RETURN`, `SITE_YIELD`, or anything else for an await. */
  siteKindOf(id: number): number;
  /** A frame's `for await` loops, `yield*` delegations and `await using` disposals in flight. */
  iterationsOf(f: RuntimeFrame): readonly IterationRecord[] | undefined;
  /** The combinator call behind a kept result (`const p = Promise.race(…)`). */
  keptCombinatorOf(v: object): CombinatorCall | undefined;
  /** The frames uninstrumented code started during the call that returned `v`. */
  groupOf(v: object): readonly RuntimeFrame[] | undefined;
  /** The `promise` site where instrumented code created `v` (`new Promise(…)`), if it did. */
  promiseSiteOf(v: object): number | undefined;
  /** Milliseconds a suspension whose frame stored `since` has lasted at `now` (a `performance.now()` reading). */
  elapsed(since: number, now: number): number;
  readonly counters: { readonly collected: number; readonly evicted: number };
}
