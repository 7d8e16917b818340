/**
 * Where the transform cache lives unless told: beside the project's packages
 * (`node_modules/.cache/awaitwhat`, as Babel's and ESLint's caches do, so that deleting
 * node_modules clears it), else in the user's cache directory. Never a shared temporary
 * directory: another user could plant code there.
 */

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export function defaultCacheDir(cwd: string): string {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'awaitwhat');
    if (dirname(dir) === dir) break;
  }
  return join(userCacheDir(), 'awaitwhat');
}

function userCacheDir(): string {
  const env = process.env;
  if (process.platform === 'win32') return env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches');
  return env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
}
