/**
 * The site table: everything known at transform time about a function or a suspension point,
 * so that the hot path only stores small integers.
 */

import { append, newList, type List } from './intrinsics.ts';

export type FunctionSiteKind = 'function' | 'generator' | 'module';
export type SuspendSiteKind = 'await' | 'for-await' | 'yield' | 'yield*' | 'await-using' | 'return';
/** A `Promise.all(…)`-style call whose result is kept rather than awaited on the spot; a `new Promise(…)`. */
export type CallSiteKind = 'combinator' | 'promise';
export type SiteKind = FunctionSiteKind | SuspendSiteKind | CallSiteKind;

export interface SiteRecord {
  kind: SiteKind;
  /** File URL or path as the module loader named it. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** For function sites: the inferred name (`Repo.findUser`, `<anonymous>`, `<module>`). */
  name: string;
  /** For suspension sites: the source text (`await sleep(60_000)`), possibly cut or omitted. */
  text: string;
  /** For `Promise.all(…)`-style calls (awaited or kept): which combinator. */
  combinator?: CombinatorKind;
  /** For combinator calls on an array literal: each element's source text. */
  members?: string[];
  /** For suspension sites: the id of the function (or module) site they belong to. */
  fn?: number;
  /** For await and return sites whose operand is `new Promise(…)`: the id of its `promise` site. */
  created?: number;
  /** For return sites inside `try { … } finally { … }`: the finally block may discard the returned value (by throwing). */
  discardable?: true;
}

export type CombinatorKind = 'all' | 'allSettled' | 'race' | 'any';
export const COMBINATORS: readonly CombinatorKind[] = ['all', 'allSettled', 'race', 'any'];

/**
 * Return sites get ids from their own range, so that a frame leaving its function can tell "I
 * returned a value" from its last site id with one comparison instead of a table read.
 */
export const RETURN_SITE_BASE = 1 << 24;

/**
 * Sites of self-contained modules (transform/self-contained.ts) get ids from the upper half of
 * each range — `[FOREIGN_SITE_BASE, RETURN_SITE_BASE)` and `[RETURN_SITE_BASE + FOREIGN_SITE_BASE,
 * 2 * RETURN_SITE_BASE)` — given by the process that transformed them (Vite's, Jest's transformer)
 * and defined by the module itself in whichever thread runs it: they never collide with ids this
 * thread gives out, and a return site is still told from its id with one comparison.
 */
export const FOREIGN_SITE_BASE = 1 << 23;

// Lists without a prototype (intrinsics.ts): a module loaded after the program replaced
// `Array.prototype.push` still gets its sites.
const sites: List<SiteRecord> = newList();
const returnSites: List<SiteRecord> = newList();
// Indexed by id minus the range's foreign base: holey, as a thread defines only the modules it runs.
const foreignSites: List<SiteRecord> = newList();
const foreignReturnSites: List<SiteRecord> = newList();
let foreignCount = 0;

export const siteLimits = {
  /** Sites of each range given out in this thread; beyond it, files are loaded without instrumentation. */
  capacity: FOREIGN_SITE_BASE,
};

export class SiteTableFullError extends RangeError {
  constructor(kind: SiteKind) {
    super(`the site table is full (${siteLimits.capacity} ${kind === 'return' ? 'return' : 'function and suspension'} sites)`);
    this.name = 'SiteTableFullError';
  }
}

/** Registers a site and returns its id; throws `SiteTableFullError` when its range is used up. */
export function addSite(site: SiteRecord): number {
  if ((site.kind === 'return' ? returnSites : sites).length >= siteLimits.capacity) throw new SiteTableFullError(site.kind);
  if (site.kind === 'return') {
    append(returnSites, site);
    return RETURN_SITE_BASE + returnSites.length - 1;
  }
  append(sites, site);
  return sites.length - 1;
}

export function getSite(id: number): SiteRecord | undefined {
  if (id >= RETURN_SITE_BASE) {
    const slot = id - RETURN_SITE_BASE;
    return slot >= FOREIGN_SITE_BASE ? foreignReturnSites[slot - FOREIGN_SITE_BASE] : returnSites[slot];
  }
  return id >= FOREIGN_SITE_BASE ? foreignSites[id - FOREIGN_SITE_BASE] : sites[id];
}

/** Whether `id` lies in a foreign range: `return` sites in the return range's, every other kind in the other's. */
export function isForeignSiteId(id: number, kind: SiteKind): boolean {
  const base = kind === 'return' ? RETURN_SITE_BASE + FOREIGN_SITE_BASE : FOREIGN_SITE_BASE;
  return Number.isInteger(id) && id >= base && id < base + FOREIGN_SITE_BASE;
}

/**
 * Defines a self-contained module's site under the id its transform gave it. The first definition
 * of an id stays: a module evaluated again (a new module graph in the same thread) defines the same
 * records again. False when `id` is not in `site`'s foreign range or was defined already.
 */
export function defineForeignSite(id: number, site: SiteRecord): boolean {
  if (!isForeignSiteId(id, site.kind)) return false;
  const list = site.kind === 'return' ? foreignReturnSites : foreignSites;
  const slot = id - (site.kind === 'return' ? RETURN_SITE_BASE : 0) - FOREIGN_SITE_BASE;
  if (list[slot] !== undefined) return false;
  list[slot] = site;
  foreignCount++;
  return true;
}

export function siteCount(): number {
  return sites.length + returnSites.length + foreignCount;
}
