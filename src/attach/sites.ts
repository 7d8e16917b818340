/**
 * The target's source files, read from disk (through /proc/<pid>/root, so a target in another
 * mount namespace is read from its own files) and run through awaitwhat's own transform — not to
 * instrument anything, but for its site table: every async function's name, as the in-process
 * report names it, and every suspension point's kind and text. A walked frame (a function
 * position and a resume position from V8) is matched to those sites, so that an attach report
 * names and quotes exactly what the in-process report does.
 */

import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instrument } from '../transform/instrument.ts';
import { canStripTypes, stripTypes } from '../transform/typescript.ts';
import type { SiteRecord } from '../runtime/sites.ts';

export interface FileSites {
  /** Function sites (functions, async generators, the module), in source order. */
  functions: SiteRecord[];
  /** Suspension sites by function site (index into `functions`), in source order. */
  suspensions: Map<SiteRecord, SiteRecord[]>;
}

export class SiteTables {
  readonly #root: string;
  readonly #files = new Map<string, FileSites | undefined>();

  /** `root`: the target's root directory as we see it (`/proc/<pid>/root`). */
  constructor(root: string) {
    this.#root = root;
  }

  /** The path a CallSite's file name (URL or path) stands for, or undefined for `node:` and other non-files. */
  static pathOf(file: string): string | undefined {
    if (file.startsWith('file://')) return fileURLToPath(file);
    if (file.startsWith('/')) return file;
    return undefined;
  }

  forFile(path: string): FileSites | undefined {
    if (this.#files.has(path)) return this.#files.get(path);
    const sites = this.#load(path);
    this.#files.set(path, sites);
    return sites;
  }

  /**
   * The function site defined at `line`:`column`; else the last one starting before it on that
   * line (V8 places `static async m()` at `async`, the transform at `static`).
   */
  functionAt(path: string, line: number, column: number): SiteRecord | undefined {
    const functions = this.forFile(path)?.functions ?? [];
    let best: SiteRecord | undefined;
    for (const f of functions) {
      if (f.line !== line || f.column > column) continue;
      if (f.column === column) return f;
      if (best === undefined || f.column > best.column) best = f;
    }
    return best;
  }

  /**
   * The suspension site of `fn` V8 resumes at `line`:`column`: the one starting there, else the
   * last one starting before it (V8 places a `for await` at its iteration, inside the statement).
   */
  suspensionAt(path: string, fn: SiteRecord, line: number, column: number): SiteRecord | undefined {
    const list = this.forFile(path)?.suspensions.get(fn) ?? [];
    let best: SiteRecord | undefined;
    for (const s of list) {
      if (s.line === line && s.column === column) return s;
      if (s.line < line || (s.line === line && s.column < column)) best = s;
    }
    return best;
  }

  #load(path: string): FileSites | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.#root, path), 'utf8');
    } catch {
      return undefined;
    }
    const ext = extname(path);
    const typescript = ext === '.ts' || ext === '.mts' || ext === '.cts';
    let source = text;
    if (typescript) {
      if (!canStripTypes()) return undefined;
      try {
        source = stripTypes(text);
      } catch {
        return undefined;
      }
    }
    const first = formatOf(path, join(this.#root, dirname(path)));
    for (const format of [first, first === 'module' ? 'commonjs' : 'module'] as const) {
      const records: SiteRecord[] = [];
      try {
        instrument(source, {
          filename: path,
          format,
          sites: { addSite: (site: SiteRecord) => records.push(site) - 1 },
          ...(typescript ? { displaySource: text } : {}),
        });
      } catch {
        continue;
      }
      return tables(records);
    }
    return undefined;
  }
}

function tables(records: readonly SiteRecord[]): FileSites {
  const functions: SiteRecord[] = [];
  const suspensions = new Map<SiteRecord, SiteRecord[]>();
  for (const r of records) {
    if (r.kind === 'function' || r.kind === 'generator' || r.kind === 'module') {
      functions.push(r);
      suspensions.set(r, []);
    }
  }
  for (const r of records) {
    if (r.fn === undefined || r.kind === 'combinator') continue;
    const owner = records[r.fn];
    if (owner !== undefined) suspensions.get(owner)?.push(r);
  }
  return { functions, suspensions };
}

/** How Node.js loads the file: by extension, else by the nearest package.json's `type`. */
function formatOf(path: string, dirOnDisk: string): 'module' | 'commonjs' {
  const ext = extname(path);
  if (ext === '.mjs' || ext === '.mts') return 'module';
  if (ext === '.cjs' || ext === '.cts') return 'commonjs';
  for (let dir = dirOnDisk; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: string };
      return pkg.type === 'module' ? 'module' : 'commonjs';
    } catch {
      // No (readable) package.json here.
    }
    if (dirname(dir) === dir) return 'commonjs';
  }
}
