/**
 * One attach per target at a time: two at once would race for the inspector (both signal it, one
 * closes it under the other). A lock file per target pid in the temporary directory, created
 * exclusively, holding the attacher's pid; one whose attacher is gone is stale and taken over.
 */

import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refuse } from './errors.ts';

export function lockPath(pid: number): string {
  return join(tmpdir(), `awaitwhat-attach-${pid}.lock`);
}

/** Takes the lock for `pid` or refuses; returns the release function. */
export function takeLock(pid: number): () => void {
  const path = lockPath(pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
        } catch {
          // Already gone.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(safeRead(path));
    if (owner > 0 && alive(owner)) throw refuse(`another attach to process ${pid} is in progress (awaitwhat pid ${owner}); wait for it to finish`);
    try {
      unlinkSync(path); // Stale: its attacher died.
    } catch {
      // Someone else took it over first; the next attempt sees theirs.
    }
  }
  throw refuse(`another attach to process ${pid} is in progress (lock file ${path})`);
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
