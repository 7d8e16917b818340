/**
 * `node --import awaitwhat/hooks app.js`: instruments the application as it loads, so that
 * `snapshot()` (from `awaitwhat`) sees its pending async functions. Configured by environment:
 * AWAITWHAT_INCLUDE, AWAITWHAT_EXCLUDE, AWAITWHAT_PACKAGES (comma-separated globs or names),
 * AWAITWHAT_MAX_FILE_BYTES, AWAITWHAT_MAX_FRAMES, AWAITWHAT_OMIT_TEXT=1.
 *
 * Node's compile cache is turned on first, from the two settings it depends on, and the rest of
 * awaitwhat loaded after it with a synchronous `require` (static imports would load before this
 * module's body): so that a warm start takes awaitwhat's own modules — the runtime, the hooks —
 * from V8's cache too, instead of compiling them again at every start. installHooks() reads the
 * same settings fully (with warnings for bad values) and finds the cache on.
 */

import { createRequire } from 'node:module';
import { enableCompileCacheEarly } from './hooks/early-compile-cache.ts';
import type * as Start from './hooks/start.ts';

enableCompileCacheEarly(process.cwd());

// The built package is .js, the sources (run with type stripping) .ts.
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const require = createRequire(import.meta.url);
// One file in the built package (scripts/bundle.mjs): the hook modules, without the runtime's.
const { installHooks, hookOptionsFromEnv } = require(`./hooks/start${extension}`) as typeof Start;

installHooks(hookOptionsFromEnv(process.env));
