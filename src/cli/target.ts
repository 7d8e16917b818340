/**
 * What `awaitwhat <word> [args…]` runs: a script (in a Node.js child process, as `node <word>`
 * would) or a command (any program on PATH, as a shell would run it, with every Node.js process it
 * starts instrumented through NODE_OPTIONS).
 *
 * The rule, applied the same with or without `--` before the word:
 * - a word that looks like a path — it holds a `/` (or `\` on Windows), starts with `.`, or ends
 *   with an extension Node.js runs (`.js`, `.mjs`, `.cjs`, `.ts`, `.mts`, `.cts`, `.json`, `.node`)
 *   — is a script: when node would not find it, that is a usage error (exit 2); except that a path
 *   to an executable file without such an extension (`/usr/bin/node`, `./run-tests.sh`,
 *   `node_modules/.bin/mocha`) is a command, as a shell would run it;
 * - any other word is a script when node would run it from the working directory (`server` for
 *   `server.js`, a directory with `index.js` or a `package.json` `main`, an extensionless file), so
 *   that script mode stays as it was;
 * - otherwise it is a command looked up on PATH, as a shell does: not found is exit 127, found but
 *   not executable exit 126, each with the shell's message.
 */

import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { resolveScript } from './script.ts';

export type Target =
  | { kind: 'script'; path: string }
  | { kind: 'command'; name: string; file: string }
  | { kind: 'error'; message: string; code: number; usage: boolean };

/** What a shell exits with when the command cannot be found, and when it cannot be executed. */
export const EXIT_NOT_FOUND = 127;
export const EXIT_NOT_EXECUTABLE = 126;
const EXIT_USAGE = 2;

const NODE_EXTENSIONS = /\.(?:[cm]?[jt]s|json|node)$/i;

/** Whether `word` can only mean a file: a path, or a name with an extension Node.js runs. */
export function looksLikeScript(word: string): boolean {
  return word.includes('/') || (process.platform === 'win32' && word.includes('\\')) || word.startsWith('.') || NODE_EXTENSIONS.test(word);
}

export function resolveTarget(word: string, cwd: string, path: string | undefined): Target {
  const script = resolveScript(word, cwd);
  if (script.ok) {
    if (looksLikeScript(word) && !NODE_EXTENSIONS.test(word) && isExecutableFile(resolve(cwd, word))) return { kind: 'command', name: word, file: resolve(cwd, word) };
    return { kind: 'script', path: script.path };
  }
  if (looksLikeScript(word)) return { kind: 'error', message: script.reason, code: EXIT_USAGE, usage: true };
  const found = findOnPath(word, path, cwd);
  if (found.kind === 'found') return { kind: 'command', name: word, file: found.file };
  if (found.kind === 'not-executable') return { kind: 'error', message: `${word}: Permission denied`, code: EXIT_NOT_EXECUTABLE, usage: false };
  return { kind: 'error', message: `${word}: command not found (not a script node would run from ${cwd} either)`, code: EXIT_NOT_FOUND, usage: false };
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

type Lookup = { kind: 'found'; file: string } | { kind: 'not-executable' } | { kind: 'missing' };

/**
 * `name` on `path` as execvp finds it: the first regular file that is executable; a regular file
 * that is not executable is remembered, so that, with nothing better later, the answer is "permission
 * denied" as from a shell. An empty PATH entry means the working directory.
 */
export function findOnPath(name: string, path: string | undefined, cwd: string): Lookup {
  let denied = false;
  for (const dir of (path ?? '').split(delimiter)) {
    const base = dir === '' ? cwd : isAbsolute(dir) ? dir : join(cwd, dir);
    const file = join(base, name);
    try {
      if (!statSync(file).isFile()) continue;
    } catch {
      continue;
    }
    try {
      accessSync(file, constants.X_OK);
      return { kind: 'found', file };
    } catch {
      denied = true;
    }
  }
  return denied ? { kind: 'not-executable' } : { kind: 'missing' };
}
