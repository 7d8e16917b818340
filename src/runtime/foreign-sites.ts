/**
 * `__awaitwhat.d(…)`: the call at the top of a self-contained module (transform/self-contained.ts)
 * that defines the module's sites in the thread running it, under the ids the transforming process
 * gave them. Runs once per module evaluation, never per function call.
 *
 * Any code can call it, so it copies only well-formed primitive fields into fresh records (the
 * snapshot builder reads those later) and throws nothing: a malformed entry is skipped.
 */

import { append, hasOwn, isArray, newList, publish } from './intrinsics.ts';
import { defineForeignSite, type CombinatorKind, type SiteKind, type SiteRecord } from './sites.ts';

// Looked up with hasOwn, never through an array method the program may have replaced.
const SITE_KINDS: Readonly<Record<SiteKind, true>> = {
  function: true, generator: true, module: true, await: true, 'for-await': true, yield: true, 'yield*': true,
  'await-using': true, return: true, combinator: true, promise: true,
};
const COMBINATOR_KINDS: Readonly<Record<CombinatorKind, true>> = { all: true, allSettled: true, race: true, any: true };

/** Receives each well-formed site once its id is defined (the runtime records its kind for the hot path). */
export type ForeignSiteDefined = (id: number, site: SiteRecord) => void;

/**
 * Defines the sites in `entries`, a flat list `[id, record, id, record, …]`. Returns nothing (the
 * global returns no value of awaitwhat's) and never throws into the module.
 */
export function defineForeignSites(entries: unknown, defined: ForeignSiteDefined): void {
  try {
    if (!isArray(entries)) return;
    const length = entries.length;
    for (let i = 0; i + 1 < length; i += 2) {
      const id = entries[i];
      const site = copySite(entries[i + 1]);
      if (typeof id !== 'number' || site === undefined) continue;
      if (defineForeignSite(id, site)) defined(id, site);
    }
  } catch {
    // A getter or proxy of whoever called it threw: the sites defined so far stay, the rest are unknown.
  }
}

function copySite(value: unknown): SiteRecord | undefined {
  if (typeof value !== 'object' || value === null || isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const { kind, file, line, column, name, text } = v;
  if (typeof kind !== 'string' || !hasOwn(SITE_KINDS, kind)) return undefined;
  if (typeof file !== 'string' || typeof name !== 'string' || typeof text !== 'string') return undefined;
  if (!isCount(line) || !isCount(column)) return undefined;
  const site: SiteRecord = { kind: kind as SiteKind, file, line, column, name, text };
  if (hasOwn(v, 'fn')) {
    if (!isId(v.fn)) return undefined;
    site.fn = v.fn;
  }
  if (hasOwn(v, 'created')) {
    if (!isId(v.created)) return undefined;
    site.created = v.created;
  }
  if (hasOwn(v, 'combinator')) {
    if (typeof v.combinator !== 'string' || !hasOwn(COMBINATOR_KINDS, v.combinator)) return undefined;
    site.combinator = v.combinator as CombinatorKind;
  }
  if (hasOwn(v, 'members')) {
    const members = v.members;
    if (!isArray(members)) return undefined;
    const copy = newList<string>();
    for (let i = 0; i < members.length; i++) {
      const member: unknown = members[i];
      if (typeof member !== 'string') return undefined;
      append(copy, member);
    }
    site.members = publish(copy);
  }
  if (v.discardable === true) site.discardable = true;
  return site;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}
