// Loaded with --import by the instrumented variants of bench/hotpath.mjs: installs the hooks of
// the build under test (AWAITWHAT_DIST, a dist/ directory) and, with TRACED=1, turns on traced
// frames with an observer that does nothing, which is the runtime's share of AwaitInstrumentation.
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const dist = process.env.AWAITWHAT_DIST;
await import(pathToFileURL(join(dist, 'hooks.js')).href);
if (process.env.TRACED === '1') {
  const observer = { context: () => undefined, exited() {}, leafAwaitEnded() {} };
  const internalsFile = join(dist, 'runtime', 'internals.js');
  // Builds before the runtime global was locked down exposed their internals on it.
  const internals = existsSync(internalsFile)
    ? (await import(pathToFileURL(internalsFile).href)).runtimeInternals()
    : globalThis.__awaitwhat.internals;
  internals.setTracing(observer);
}
