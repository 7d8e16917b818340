/**
 * The site table: everything known at transform time about a function or a suspension point,
 * so that the hot path only stores small integers.
 */

import { append, newList, type List } from './intrinsics.ts';

type FunctionSiteKind = 'function' | 'generator' | 'module';
type SuspendSiteKind = 'await' | 'for-await' | 'yield' | 'yield*' | 'await-using' | 'return';
/** A `Promise.all(…)`-style call whose result is kept rather than awaited on the spot. */
type CallSiteKind = 'combinator';
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
}

export type CombinatorKind = 'all' | 'allSettled' | 'race' | 'any';
export const COMBINATORS: readonly CombinatorKind[] = ['all', 'allSettled', 'race', 'any'];

/**
 * Return sites get ids from their own range, so that a frame leaving its function can tell "I
 * returned a value" from its last site id with one comparison instead of a table read.
 */
export const RETURN_SITE_BASE = 1 << 24;

// Lists without a prototype (intrinsics.ts): a module loaded after the program replaced
// `Array.prototype.push` still gets its sites.
const sites: List<SiteRecord> = newList();
const returnSites: List<SiteRecord> = newList();

export const siteLimits = {
  /** Sites of each range; beyond it, files are loaded without instrumentation. */
  capacity: RETURN_SITE_BASE,
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
  return id >= RETURN_SITE_BASE ? returnSites[id - RETURN_SITE_BASE] : sites[id];
}

export function siteCount(): number {
  return sites.length + returnSites.length;
}
