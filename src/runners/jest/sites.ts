/**
 * Where the Jest transformer registers the sites of the files it instruments: the site table of the
 * process that transforms (the Jest worker that then runs the file), its runtime installed on demand.
 */

import { currentRuntime, installRuntime } from '../../runtime/runtime.ts';
import type { SiteSink } from '../../transform/visitor.ts';

/** How the transformer's output records its sites: part of Jest's cache key, since cached code depends on it. */
export const SITE_MODE = 'in-process';

/** The site table instrumented code is registered in, or undefined when this process has no runtime of this copy's and cannot install one. */
export function jestSiteSink(): SiteSink | undefined {
  const runtime = currentRuntime();
  if (runtime !== undefined) return runtime.internals;
  try {
    return installRuntime().internals;
  } catch {
    // Another copy of awaitwhat owns this thread's runtime: its sites cannot be registered from here.
    return undefined;
  }
}
