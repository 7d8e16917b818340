/**
 * Node's own compile cache (`module.enableCompileCache`), turned on beside the transform cache: a
 * warm start then neither parses for awaitwhat nor compiles for V8 what it compiled before. The
 * transform cache saves the instrumenting; V8's code cache saves compiling the (larger) instrumented
 * text, and the program's other modules, which awaitwhat's start made no cheaper otherwise.
 *
 * Not turned on (each leaves Node as the user set it):
 * - without the transform cache (`cache: false`, AWAITWHAT_CACHE=0): the user asked for no cache;
 * - under coverage (NODE_V8_COVERAGE, --experimental-test-coverage): V8 reports code loaded from
 *   its cache less precisely (Node.js documents this);
 * - where NODE_DISABLE_COMPILE_CACHE is set (Node refuses), or the user's NODE_COMPILE_CACHE already
 *   turned it on (Node keeps theirs).
 * Its directory is Node's to manage: one entry per module file and Node.js version, rewritten
 * when the file changes, so it grows with the number of files, not with restarts.
 */

import module from 'node:module';

type EnableCompileCache = (dir: string) => { status: number; directory?: string };

/** The directory Node's compile cache uses, once awaitwhat turned it on in this thread. */
let enabledDir: string | undefined;

/**
 * Turns Node's compile cache on in `dir`; the directory it uses, or undefined when it stays off
 * (or the user's setting turned it on). Once on, later calls return the directory in use: the
 * entry point (hooks.ts) turns it on before loading the rest of awaitwhat, installHooks() asks again.
 */
export function enableNodeCompileCache(dir: string): string | undefined {
  if (enabledDir !== undefined) return enabledDir;
  const env = process.env;
  if (env.NODE_V8_COVERAGE !== undefined || process.execArgv.includes('--experimental-test-coverage')) return undefined;
  const enable = (module as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (typeof enable !== 'function') return undefined;
  // Some Node.js versions pass the directory on to child processes through the environment: the
  // program's environment stays as it was (a child process started with awaitwhat turns it on itself).
  const before = env.NODE_COMPILE_CACHE;
  try {
    const result = enable(dir);
    if (result.status === (module.constants?.compileCacheStatus?.ENABLED ?? 1)) enabledDir = result.directory;
    return enabledDir;
  } catch {
    // Harmless: a directory that cannot be made only costs the compile time it would have saved.
    return undefined;
  } finally {
    if (before === undefined) delete env.NODE_COMPILE_CACHE;
    else env.NODE_COMPILE_CACHE = before;
  }
}
