/**
 * Built-ins the preload, its timer and the reporter use, captured when the preload loads — before
 * the program runs. A program may later replace `performance.now`, `Math.max`, `process.exit`,
 * `fs.writeSync` or a prototype method; awaitwhat must then neither crash nor call the program's
 * replacement. Everything the CLI's code applies at report time comes from here.
 *
 * (A later change moves these onto the runtime's shared module of captured built-ins,
 * `src/runtime/intrinsics.ts`; the names here are the ones to switch.)
 */

import * as fs from 'node:fs';
import { EventEmitter } from 'node:events';
import * as workerThreads from 'node:worker_threads';

const apply = Reflect.apply;
const bind = Function.prototype.bind;

function bound<F extends (...args: never[]) => unknown>(fn: F, self: unknown): F {
  return apply(bind, fn, [self]) as F;
}

export const now: () => number = bound(performance.now, performance);
export const { max, min, floor } = Math;
export const bufferFrom: (text: string) => Buffer = bound(Buffer.from, Buffer) as never;

const spliceMethod = Array.prototype.splice;
export const splice = <T>(array: T[], start: number, count: number): T[] => apply(spliceMethod, array, [start, count]) as T[];

// `import { writeSync } from 'node:fs'` would follow the program's replacements of the module's
// properties after `module.syncBuiltinESMExports()`; these are the functions as they are now.
export const { openSync, writeSync, fsyncSync, closeSync, renameSync, unlinkSync, existsSync, rmSync } = fs;
const random = Math.random;
const HEX = '0123456789abcdef';

/**
 * `2 * bytes` random hex digits, for temporary names (which are opened exclusively, so that a
 * guessed name only makes a writer try another). From `Math.random` (V8 seeds it from the system's
 * entropy), not `node:crypto`: loading that cost every process ~7 ms of CPU at start.
 */
export function randomHex(bytes: number): string {
  let text = '';
  for (let i = 0; i < 2 * bytes; i++) text += HEX[(random() * 16) & 15]!;
  return text;
}

const processExit = process.exit;
const processKill = process.kill;
const processOn = process.on;
const processRemoveListener = process.removeListener;
const listenerCountMethod = EventEmitter.prototype.listenerCount;
export const exit = (code: number): never => apply(processExit, process, [code]) as never;
export const kill = (pid: number, signal: NodeJS.Signals | 0): void => void apply(processKill, process, [pid, signal]);
export const onProcess = (event: string, listener: (...args: never[]) => void): void => void apply(processOn, process, [event, listener]);
export const removeProcessListener = (event: string, listener: (...args: never[]) => void): void =>
  void apply(processRemoveListener, process, [event, listener]);
export const processListenerCount = (event: string): number => apply(listenerCountMethod, process, [event]) as number;
/** Whether a process with this pid exists and is ours to signal. */
export function isAlive(pid: number): boolean {
  try {
    apply(processKill, process, [pid, 0]);
    return true;
  } catch {
    // ESRCH: gone. EPERM: the pid now belongs to another user's process, so ours is gone too.
    return false;
  }
}

export const setIntervalTimer = setInterval;
export const Channel = workerThreads.BroadcastChannel;
export type Channel = workerThreads.BroadcastChannel;
const channelPost = Channel.prototype.postMessage;
const channelClose = Channel.prototype.close;
export const post = (channel: Channel, message: unknown): void => void apply(channelPost, channel, [message]);
export const closeChannel = (channel: Channel): void => void apply(channelClose, channel, []);
const receiveMessageOnPort = workerThreads.receiveMessageOnPort as (port: unknown) => { message: unknown } | undefined;
/** The next message queued on `channel`, taken synchronously. */
export const receiveMessage = (channel: Channel): { message: unknown } | undefined => receiveMessageOnPort(channel);
const atomicsWait = Atomics.wait;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** Blocks this thread for `ms` (other threads run on). */
export const sleep = (ms: number): void => void atomicsWait(sleepCell, 0, 0, ms);
