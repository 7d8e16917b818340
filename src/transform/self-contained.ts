/**
 * Self-contained modules: a mode of the transform for code transformed in one process and run in
 * another (Vite transforms in Vitest's main process, test files run in its workers; Jest's
 * transformer caches on disk). The module carries its own sites: one statement at its top,
 *
 *     typeof __awaitwhat==="object"&&typeof __awaitwhat.d==="function"&&__awaitwhat.d([id,{site},…]);
 *
 * defines them in whichever thread evaluates it (runtime/foreign-sites.ts), under ids the
 * transforming process gave out from the foreign ranges (runtime/sites.ts), which never collide
 * with ids a thread gives out itself. One call per module evaluation; nothing per function call.
 */

import { FOREIGN_SITE_BASE, RETURN_SITE_BASE, SiteTableFullError, type SiteRecord } from '../runtime/sites.ts';
import { siteRef, type SiteSink } from './visitor.ts';

/**
 * Gives out foreign site ids, in order, registering nothing. One per transforming process (or per
 * run): the ids are unique among the modules it instrumented, so all of them can run in one thread.
 * `start` resumes numbering (a transformer that keeps its count across processes).
 */
export class ForeignSiteIds implements SiteSink {
  #next: number;
  #nextReturn: number;

  constructor(start: { sites?: number; returnSites?: number } = {}) {
    this.#next = start.sites ?? 0;
    this.#nextReturn = start.returnSites ?? 0;
  }

  addSite(site: SiteRecord): number {
    if (site.kind === 'return') {
      if (this.#nextReturn >= FOREIGN_SITE_BASE) throw new SiteTableFullError(site.kind);
      return RETURN_SITE_BASE + FOREIGN_SITE_BASE + this.#nextReturn++;
    }
    if (this.#next >= FOREIGN_SITE_BASE) throw new SiteTableFullError(site.kind);
    return FOREIGN_SITE_BASE + this.#next++;
  }

  /** How many ids of each range were given out: where a later `ForeignSiteIds` may start. */
  get used(): { sites: number; returnSites: number } {
    return { sites: this.#next, returnSites: this.#nextReturn };
  }
}

/**
 * The statement that defines a file's sites, with id placeholders (visitor.ts's siteRef) that
 * applyInsertions resolves like every other: `sites` as the planner left them, `fn` and `created`
 * indices into the list. Contains no line break (U+2028/U+2029 escaped), so lines keep their numbers.
 */
export function defineStatement(sites: readonly SiteRecord[], runtimeGlobal: string): string {
  let entries = '';
  for (let i = 0; i < sites.length; i++) {
    const { fn, created, ...rest } = sites[i]!;
    let record = JSON.stringify(rest);
    const refs = (fn === undefined ? '' : `,"fn":${siteRef(fn)}`) + (created === undefined ? '' : `,"created":${siteRef(created)}`);
    if (refs !== '') record = record.slice(0, -1) + refs + '}';
    entries += `${i === 0 ? '' : ','}${siteRef(i)},${record}`;
  }
  entries = entries.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const G = runtimeGlobal;
  return `typeof ${G}==="object"&&typeof ${G}.d==="function"&&${G}.d([${entries}]);`;
}
