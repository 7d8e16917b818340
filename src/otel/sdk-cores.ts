/**
 * The copies of `@opentelemetry/core` that the SDK's packages themselves import. Those packages pin
 * exact versions of each other (sdk-metrics 3.1.0 wants core 3.1.0), so npm often nests a copy of
 * core under one of them beside the hoisted one — and each copy has its own global error handler.
 * The handler `awaitwhat/register` installs (one message per outage, sdk.ts) must be set on the
 * copy the batch span processor and the metric reader report through; on another copy, each failed
 * export would reach diag as the SDK's default JSON dump of the error, every export interval.
 */

import { readFileSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface CoreLike {
  setGlobalErrorHandler(handler: (error: unknown) => void): void;
}

/**
 * The distinct copies of core: `loaded` (the one awaitwhat imported) and the one each of `packages`
 * imports. A copy that cannot be found (a layout this resolution does not know) is left out: its
 * SDK code then reports through its default handler, so nothing is lost, only said more than once.
 */
export async function coresOf(loaded: CoreLike, packages: readonly string[]): Promise<CoreLike[]> {
  const cores = new Set<CoreLike>([loaded]);
  for (const name of packages) {
    try {
      const manifest = module.findPackageJSON('@opentelemetry/core', import.meta.resolve(name));
      if (manifest === undefined) continue;
      const entry = esmEntry(JSON.parse(readFileSync(manifest, 'utf8')) as PackageManifest);
      if (entry !== undefined) cores.add((await import(pathToFileURL(join(dirname(manifest), entry)).href)) as CoreLike);
    } catch {
      // Harmless (see above): that package's errors reach diag through its own copy's default handler.
    }
  }
  return [...cores];
}

interface PackageManifest {
  exports?: unknown;
  main?: string;
}

/** Conditions Node.js matches for `import` (in the order the package lists them, as Node does). */
const IMPORT_CONDITIONS = new Set(['node', 'import', 'module-sync', 'default']);

/** The file `import('<package>')` loads, by the package's `exports` (its `.` entry), else `main`, else index.js. */
export function esmEntry(manifest: PackageManifest): string | undefined {
  if (manifest.exports === undefined) return manifest.main ?? 'index.js';
  return target(manifest.exports, true);
}

function target(exports: unknown, top: boolean): string | undefined {
  if (typeof exports === 'string') return exports;
  if (exports === null || typeof exports !== 'object' || Array.isArray(exports)) return undefined;
  const entries = exports as Record<string, unknown>;
  const keys = Object.keys(entries);
  // A subpath map ({ ".": …, "./x": … }) at the top; conditions ({ "import": …, "default": … }) below.
  if (top && keys.some((k) => k.startsWith('.'))) return target(entries['.'], false);
  for (const key of keys) {
    if (!IMPORT_CONDITIONS.has(key)) continue;
    const found = target(entries[key], false);
    if (found !== undefined) return found;
  }
  return undefined;
}
