/**
 * The Vite plugin behind `awaitwhat/vitest`. Vite transforms test and source files in Vitest's
 * main process and the tests run in its workers (child processes or threads), so files are
 * instrumented as self-contained modules (transform/self-contained.ts): each defines its own sites
 * in the worker that runs it. The plugin also adds the setup file (setup.ts) that installs the
 * runtime in each worker and reports the pending chains of a test or hook that Vitest times out.
 */

import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instrument, InstrumentSyntaxError, mayNeedInstrumenting } from '../../transform/instrument.ts';
import { ForeignSiteIds } from '../../transform/self-contained.ts';
import type { RawSourceMap } from '../../transform/sourcemap.ts';

/** What of a Vite plugin this one uses (Vite is not a dependency of awaitwhat's). */
export interface VitePlugin {
  name: string;
  enforce: 'post';
  config(): { test: { setupFiles: string[]; server: { deps: { external: RegExp[] } } } };
  transform(this: TransformContext, code: string, id: string): { code: string; map: RawSourceMap } | null;
}

interface TransformContext {
  getCombinedSourcemap?(): unknown;
  warn?(message: string): void;
}

export interface VitestPluginOptions {
  /** Files (Vite module ids, without query) left as they are, besides those in node_modules. @default none */
  exclude?: (file: string) => boolean;
}

/** The setup file each worker runs before each test file (dist/runners/vitest/setup.js). */
export const SETUP_FILE = fileURLToPath(new URL('./setup.js', import.meta.url));
/** awaitwhat's own files (dist/): never instrumented, and loaded by Node.js itself in the workers, so that a worker has one copy of the runtime. */
const OWN_FILES = dirname(dirname(dirname(SETUP_FILE))) + sep;
const SCRIPT = /\.(?:[mc]?[jt]sx?|vue|svelte|astro)$/;

export function vitestPlugin(options: VitestPluginOptions = {}): VitePlugin {
  // One numbering per plugin instance (per Vitest run): ids unique among every module it instrumented.
  const ids = new ForeignSiteIds();
  /** The last result per file: a file transformed again unchanged (watch mode) keeps its ids. */
  const done = new Map<string, { input: string; output: { code: string; map: RawSourceMap } | null }>();
  return {
    name: 'awaitwhat',
    // After the plugins that turn TypeScript, JSX and the like into JavaScript.
    enforce: 'post',
    config: () => ({ test: { setupFiles: [SETUP_FILE], server: { deps: { external: [ownFilesPattern()] } } } }),
    transform(code, id) {
      const file = id.split('?', 1)[0]!;
      if (id.includes('\0') || file.includes(`${sep}node_modules${sep}`) || file.includes('/node_modules/') || file.startsWith(OWN_FILES)) return null;
      if (!SCRIPT.test(file) || options.exclude?.(file) === true || !mayNeedInstrumenting(code, 'module')) return null;
      const previous = done.get(id);
      if (previous?.input === code) return previous.output;
      let output: { code: string; map: RawSourceMap } | null = null;
      try {
        const inputMap = this.getCombinedSourcemap?.() as RawSourceMap | undefined;
        const result = instrument(code, {
          filename: file,
          format: 'module',
          sites: ids,
          selfContained: true,
          sourceMap: true,
          inputMap: inputMap !== undefined && Array.isArray(inputMap.sources) && inputMap.sources.length > 0 && typeof inputMap.mappings === 'string' && inputMap.mappings !== '' ? inputMap : undefined,
          mapToInput: true,
        });
        if (result !== null) output = { code: result.code, map: result.map! };
      } catch (error) {
        // A file awaitwhat cannot parse runs as it is, with a word (Vite reports the syntax error itself when it is one).
        if (!(error instanceof InstrumentSyntaxError)) this.warn?.(`awaitwhat: ${file} runs uninstrumented (${error instanceof Error ? error.message : String(error)})`);
      }
      done.set(id, { input: code, output });
      return output;
    },
  };
}

function ownFilesPattern(): RegExp {
  return new RegExp(`^${OWN_FILES.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
}
