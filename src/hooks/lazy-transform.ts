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
import type * as InstrumentModule from '../transform/instrument.ts';

export type Transform = Pick<typeof InstrumentModule, 'instrument' | 'InstrumentSyntaxError' | 'resolveParser' | 'ParserUnavailableError'>;

// The built package is .js, the sources (run with type stripping) .ts: the same name either way.
const EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

let loaded: Transform | undefined;

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
