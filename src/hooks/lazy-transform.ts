/**
 * The transform, loaded on the first file that needs one: a start whose transforms all come from
 * the cache never loads the parser (oxc-parser's native binding, or acorn), the planner or the
 * source-map builder, which were most of what a warm start cost beyond reading the cache.
 *
 * Loaded with a synchronous `require` (of awaitwhat's own ES modules: Node.js ≥ 22.12 loads them
 * from `require`), because the load hook that needs it is synchronous. The modules pass through
 * the load hooks like any other, while a transform is under way: awaitwhat's hook lets them load
 * as they are (install.ts, `transforming`).
 */

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as InstrumentModule from '../transform/instrument.ts';

export type Transform = Pick<typeof InstrumentModule, 'instrument' | 'InstrumentSyntaxError' | 'resolveParser' | 'ParserUnavailableError'>;

// The built package is .js, the sources (run with type stripping) .ts: the same name either way.
const EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

let loaded: Transform | undefined;

/**
 * awaitwhat's own modules that import the transform statically (index, the Vitest plugin, the Jest
 * transformer, attach's sites): the only ways into it from a program's module graph. See
 * `importsTransform`.
 */
const IMPORTERS: ReadonlySet<string> = new Set(
  ['../index', '../runners/vitest/plugin', '../runners/jest/transformer', '../attach/sites'].map((path) => fileURLToPath(new URL(`${path}${EXTENSION}`, import.meta.url))),
);

/**
 * Whether the module at this URL imports the transform statically. When a program's module graph
 * reaches one, the load hook loads the transform first, whole: otherwise the ES module loader
 * fetches it as part of that graph, and a file of the same graph that needs a transform then
 * `require`s a module the loader holds half-loaded, which Node.js 22 refuses ("Cannot require() ES
 * Module … because it is not yet fully loaded").
 */
export function importsTransform(url: string): boolean {
  return url.startsWith('file:') && IMPORTERS.has(fileURLToPath(url));
}

/** The transform's modules, loaded on first use. */
export function loadTransform(): Transform {
  if (loaded === undefined) {
    // One module: a second `require` of a module the first one imported runs the load hooks again.
    const { instrument, InstrumentSyntaxError, resolveParser, ParserUnavailableError } = createRequire(import.meta.url)(`../transform/instrument${EXTENSION}`) as typeof InstrumentModule;
    loaded = { instrument, InstrumentSyntaxError, resolveParser, ParserUnavailableError };
  }
  return loaded;
}

/** Whether the transform has been loaded in this thread (diagnostics: a warm start leaves it false). */
export function isTransformLoaded(): boolean {
  return loaded !== undefined;
}
