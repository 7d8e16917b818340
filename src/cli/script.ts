/**
 * Which file `node <script>` would run, found the way Node.js finds its main entry: the path as
 * given, then with `.js`, `.json`, `.node` appended, then as a directory (its `package.json`
 * `main`, or `index.js`) — Node.js resolves the entry point with the CommonJS resolver whatever
 * the module format. The command checks this before starting anything, so that a wrong name is a
 * usage error rather than a stack trace from the child.
 */

import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

export type ScriptResolution = { ok: true; path: string } | { ok: false; reason: string };

export function resolveScript(script: string, cwd: string): ScriptResolution {
  const require = createRequire(join(cwd, 'awaitwhat-entry.js'));
  try {
    return { ok: true, path: require.resolve(resolve(cwd, script)) };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'MODULE_NOT_FOUND') return { ok: false, reason: `script not found: ${script}` };
    // A broken package.json in the way, a path Node.js refuses: what node itself would stop on.
    return { ok: false, reason: `cannot run ${script}: ${e.message}` };
  }
}
