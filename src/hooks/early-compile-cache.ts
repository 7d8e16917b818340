/**
 * Node's compile cache turned on by an entry point before it loads the rest of awaitwhat (see
 * compile-cache.ts): a warm start then takes awaitwhat's own modules from V8's cache instead of
 * compiling them again — in every process a command starts (node --test starts one per test file),
 * some 50 modules each. It reads the two settings the cache depends on as installHooks() will
 * (AWAITWHAT_CACHE, AWAITWHAT_CACHE_DIR, else the default directory above `cwd`); installHooks()
 * then finds the cache on, in the same directory.
 */

import { resolve } from 'node:path';
import { defaultCacheDir } from './cache-dir.ts';
import { enableNodeCompileCache } from './compile-cache.ts';
import { flagFromText } from './flag-text.ts';

export function enableCompileCacheEarly(cwd: string): void {
  const env = process.env;
  // The transform cache is on unless AWAITWHAT_CACHE says off (a bad value is its default, on, as in env.ts).
  if (flagFromText(env.AWAITWHAT_CACHE ?? '') === false) return;
  const dir = env.AWAITWHAT_CACHE_DIR;
  enableNodeCompileCache(`${resolve(dir !== undefined && dir !== '' ? dir : defaultCacheDir(cwd))}-node-compile-cache`);
}
