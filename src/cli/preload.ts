/**
 * Loaded into every instrumented process and thread by `awaitwhat` (`--import <this>?awaitwhat=…`,
 * through `NODE_OPTIONS` or the script's command line; the query is the configuration, config.ts).
 *
 * Only Node's compile cache is turned on here, and the rest of awaitwhat (`preload-run.ts`)
 * imported after it: static imports would load — and compile — before this module's body, and a
 * command such as `node --test` starts a process per test file, each of which would compile
 * awaitwhat's ~50 modules again. The `await` is the preload's own: Node finishes an `--import`
 * before it loads the program, so the hooks and the watch are in place as before.
 */

import { enableCompileCacheEarly } from '../hooks/early-compile-cache.ts';
import { decodeConfig } from './config.ts';
import type * as Run from './preload-run.ts';

let cwd = process.cwd();
try {
  cwd = decodeConfig(import.meta.url).cwd;
} catch {
  // startPreload() tells of a missing or bad configuration.
}
enableCompileCacheEarly(cwd);

// The built package is .js, the sources (run with type stripping) .ts.
const extension = import.meta.url.includes('.ts?') || import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const { startPreload } = (await import(`./preload-run${extension}`)) as typeof Run;
startPreload(import.meta.url);
