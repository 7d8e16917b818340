/**
 * What the load hook needs of the transform on every start, without the transform itself: the
 * cheap test that spares parsing most files, and the registration of a file's sites (a transform
 * just made, or one read back from the cache). Kept apart from instrument.ts so that a start whose
 * transforms all come from the cache never loads the parser, the planner or the map builder.
 */

import { INSTRUMENTED_MARKER } from './constants.ts';
import type { SiteRecord } from '../runtime/sites.ts';
import type { SiteSink } from './visitor.ts'; // a type only: nothing of the planner is loaded

/** Whether the text could contain anything to instrument: a cheap test that spares parsing most files. */
export function mayNeedInstrumenting(source: string, format: 'module' | 'commonjs'): boolean {
  if (source.includes(INSTRUMENTED_MARKER)) return false;
  return source.includes('async') || (format === 'module' && source.includes('await'));
}

/** Registers a file's sites in order, each suspension site naming its function by id; the ids given. */
export function registerSites(sites: readonly SiteRecord[], sink: SiteSink): number[] {
  const ids: number[] = new Array(sites.length);
  for (let i = 0; i < sites.length; i++) {
    const site = sites[i]!;
    const record = site.fn === undefined ? { ...site } : { ...site, fn: ids[site.fn]! };
    // A `promise` site is registered before the await or return that names it.
    if (site.created !== undefined) record.created = ids[site.created]!;
    ids[i] = sink.addSite(record);
  }
  return ids;
}
