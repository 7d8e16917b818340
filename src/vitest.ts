/**
 * `awaitwhat/vitest`: a Vite plugin for Vitest 3 and 4 (`pool: 'forks'` and `'threads'`).
 *
 *     // vitest.config.ts
 *     import awaitwhat from 'awaitwhat/vitest';
 *     export default defineConfig({ plugins: [awaitwhat()] });
 *
 * Test and source files are instrumented with the transform the load hooks use (source maps
 * composed with Vite's); a test or hook that Vitest times out gets a text report on stderr of the
 * chains it started that are still pending, under its full name.
 */

import { vitestPlugin, type VitePlugin, type VitestPluginOptions } from './runners/vitest/plugin.ts';

export type { VitePlugin, VitestPluginOptions };

export default function awaitwhat(options?: VitestPluginOptions): VitePlugin {
  return vitestPlugin(options);
}

export { awaitwhat };
