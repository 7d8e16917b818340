/**
 * `--once` over a tree of processes: the first report from any process of the tree is the one
 * printed, then every process ends and the command exits 124.
 *
 * The processes agree through files in a private directory the command creates (mode 0700) and
 * names in the preload's configuration; files rather than a socket because a file costs the program
 * nothing it could see (a connected socket is an active handle in `process.getActiveResourcesInfo()`)
 * and because claiming must be synchronous, from any thread:
 *
 * - `claim`: created exclusively by the first thread of any process about to report; it holds that
 *   process's pid. Whoever fails to create it stays silent.
 * - `end`: created once that report is written. The main thread of every process of the tree looks
 *   for it on each tick of its checking timer and then exits with 124; the command, which also looks
 *   for it, makes sure its own child is gone and exits 124.
 * - `pid-<n>`: one per process of the tree, so that the command waits for them (for a while) before
 *   it removes the directory.
 */

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { closeSync, existsSync, openSync, writeSync } from './builtins.ts';

// Captured: the preload reads these files beside a program that may replace the module's functions.
const { join } = path;

const CLAIM = 'claim';
const END = 'end';
const PID_PREFIX = 'pid-';

/** `mine`: this thread reports. `taken`: another one did. `alone`: the command is gone (its directory with it). */
export type Claim = { kind: 'mine' } | { kind: 'taken' } | { kind: 'alone'; reason: string };

export function claimReport(dir: string, pid: number): Claim {
  let fd: number;
  try {
    fd = openSync(join(dir, CLAIM), 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return { kind: 'taken' };
    return { kind: 'alone', reason: code === 'ENOENT' ? 'the awaitwhat command has ended' : (error as Error).message };
  }
  try {
    writeSync(fd, String(pid));
  } finally {
    closeSync(fd);
  }
  return { kind: 'mine' };
}

export function announceEnd(dir: string): void {
  closeSync(openSync(join(dir, END), 'a', 0o600));
}

export function endAnnounced(dir: string): boolean {
  return existsSync(join(dir, END));
}

export function claimed(dir: string): boolean {
  return existsSync(join(dir, CLAIM));
}

export function registerProcess(dir: string, pid: number): void {
  closeSync(openSync(join(dir, `${PID_PREFIX}${pid}`), 'a', 0o600));
}

/** The command's side. */
export function createOnceDir(): string {
  return mkdtempSync(join(tmpdir(), 'awaitwhat-'));
}

export function registeredPids(dir: string): number[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.startsWith(PID_PREFIX))
      .map((name) => Number(name.slice(PID_PREFIX.length)));
  } catch {
    // The directory is the command's own; if it is gone, nothing is registered any more.
    return [];
  }
}

export function removeOnceDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
