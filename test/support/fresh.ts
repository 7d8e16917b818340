/**
 * A fresh instance of one of awaitwhat's modules whose imports are the instances everything else
 * uses. In the build (scripts/bundle.mjs) the module's own file only re-exports the shared bundle,
 * and its code is kept beside it as <module>.instance.js; a build of tsc alone (the mutation runs')
 * has the module's code in its own file.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './run.ts';

/** The URL of a new instance of dist/`module` (a path under dist/), told apart by `query`. */
export function freshInstanceUrl(module: string, query: string): string {
  const instance = join(ROOT, 'dist', module.replace(/\.js$/, '.instance.js'));
  return `${pathToFileURL(existsSync(instance) ? instance : join(ROOT, 'dist', module)).href}?${query}`;
}
