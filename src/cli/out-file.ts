/**
 * `--out <file>`: each report replaces the file whole. The report is written to a temporary file
 * beside the target — created exclusively (`wx`: never an existing file, never through a symlink
 * planted under its name), under an unpredictable name, with the mode the umask gives — then
 * renamed over the target, so a reader sees the previous report or the new one, never half of one.
 * Nothing is left behind: the temporary file is removed on every failure.
 */

import { accessSync, constants, statSync as checkStat } from 'node:fs';
import * as path from 'node:path';
import { bufferFrom, closeSync, fsyncSync, openSync, randomHex, renameSync, unlinkSync, writeSync } from './builtins.ts';

// Captured: the preload writes reports beside a program that may replace the module's functions.
const { basename, dirname, join, resolve } = path;

/** Why `--out <path>` cannot work, checked before the script starts; undefined when it can. */
export function outTargetProblem(path: string, cwd: string): string | undefined {
  const target = resolve(cwd, path);
  const dir = dirname(target);
  let dirIsDirectory;
  try {
    dirIsDirectory = checkStat(dir).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `the directory ${dir} does not exist`;
    if (code === 'ENOTDIR') return `${dir} is not a directory (part of its path is a file)`;
    return `the directory ${dir} cannot be used (${(error as Error).message})`;
  }
  if (!dirIsDirectory) return `${dir} is not a directory`;
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    // access() fails only for want of permission (or a read-only file system): that is the reason.
    return `the directory ${dir} is not writable`;
  }
  let targetIsDirectory = false;
  try {
    targetIsDirectory = checkStat(target).isDirectory();
  } catch {
    // Not there yet (the directory, checked above, is fine): the first report creates it.
  }
  return targetIsDirectory ? `${target} is a directory` : undefined;
}

/** Temporary names tried before giving up: a clash means another writer, or a planted file. */
const ATTEMPTS = 8;

export function randomTempName(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomHex(8)}.tmp`);
}

/** Replaces `target` with `text` atomically. Throws (leaving nothing behind) when it cannot. */
export function replaceFile(target: string, text: string, tempName: (target: string) => string = randomTempName): void {
  for (let attempt = 1; ; attempt++) {
    const temp = tempName(target);
    let fd: number;
    try {
      fd = openSync(temp, 'wx', 0o666);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < ATTEMPTS) continue;
      throw error;
    }
    try {
      try {
        writeAll(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, target);
    } catch (error) {
      try {
        unlinkSync(temp);
      } catch {
        // Only if something else removed it already; the write's own error is the one to report.
      }
      throw error;
    }
    return;
  }
}

/** Writes all of `text` to `fd`, synchronously: reports are written right before the process may exit. */
export function writeAll(fd: number, text: string): void {
  const buffer = bufferFrom(text);
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += writeSync(fd, buffer, offset);
    } catch (error) {
      // A non-blocking pipe that is full: wait for it rather than lose the report.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}
