/**
 * Where things are, as a snapshot writes it: one location object per function site and one
 * suspension point per await site, shared by every frame there (100k frames at one await cost one
 * object), with file paths made relative to the working directory once per file.
 */

import * as path from 'node:path';
import * as nodeUrl from 'node:url';
import { listJoin, newList, SafeMap, stringSplit, stringStartsWith } from '../runtime/intrinsics.ts';
import type { SourceLocation, SuspensionPoint } from './schema.ts';
import { RETURN_SITE_BASE } from './frame-records.ts';
import type { SiteInfo } from './source.ts';

// As they are when awaitwhat loads: named imports of node: modules follow a program's replacements
// after `module.syncBuiltinESMExports()`.
const { relative, sep } = path;
const { fileURLToPath } = nodeUrl;

export const UNKNOWN_LOCATION: SourceLocation = Object.freeze({ file: '<unknown>', line: 0, column: 0 });

export class Places {
  readonly #cwd: string | undefined;
  /** By function site id + 1 (so that the unknown function, -1, has a slot). */
  // Lists (no prototype): reading a hole or storing to one reaches no accessor of Array.prototype.
  readonly #locations = newList<SourceLocation>();
  readonly #suspensions = newList<SuspensionPoint>();
  readonly #returnSuspensions = newList<SuspensionPoint>();
  readonly #files = new SafeMap<string, string>();

  /** `cwd` undefined: paths as recorded. */
  constructor(cwd: string | undefined) {
    this.#cwd = cwd;
  }

  /** The location of function site `id` (`site` is its record, when known). */
  location(id: number, site: SiteInfo | undefined): SourceLocation {
    let loc = this.#locations[id + 1];
    if (loc === undefined) {
      loc = site === undefined ? UNKNOWN_LOCATION : this.at(site);
      this.#locations[id + 1] = loc;
    }
    return loc;
  }

  /** The suspension point of await (yield, return…) site `id`; return sites have their own range of ids. */
  suspension(id: number, site: SiteInfo): SuspensionPoint {
    const table = id >= RETURN_SITE_BASE ? this.#returnSuspensions : this.#suspensions;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: equivalent: every form keeps the slots of await and return sites apart (two tables, or negative or offset slots), so each site caches its own point
    const slot = id >= RETURN_SITE_BASE ? id - RETURN_SITE_BASE : id;
    let point = table[slot];
    if (point === undefined) {
      const kind = site.kind === 'combinator' ? 'await' : (site.kind as SuspensionPoint['kind']);
      point = { file: this.file(site.file), line: site.line, column: site.column, kind, text: site.text };
      table[slot] = point;
    }
    return point;
  }

  /** A fresh location object for a site. */
  at(site: SiteInfo): SourceLocation {
    return { file: this.file(site.file), line: site.line, column: site.column };
  }

  /** A script URL as the heap snapshot names it (`file:///app/a.mjs`, `node:events`), shown as `file` shows paths. */
  displayUrl(url: string): string {
    // Stryker disable next-line StringLiteral: equivalent: every URL then goes to fileURLToPath, which throws for any but file: URLs, and the catch returns those as given
    if (!stringStartsWith(url, 'file:')) return url;
    try {
      return this.file(fileURLToPath(url));
    } catch {
      return url;
    }
  }

  file(file: string): string {
    if (this.#cwd === undefined) return file;
    let shown = this.#files.get(file);
    if (shown === undefined) {
      const rel = relative(this.#cwd, file);
      shown = rel === '' || stringStartsWith(rel, '..') || stringStartsWith(rel, sep) ? file : listJoin(stringSplit(rel, sep), '/');
      // Stryker disable next-line CallExpression: equivalent: uncached, the shown path is recomputed, the same string
      this.#files.set(file, shown);
    }
    return shown;
  }
}
