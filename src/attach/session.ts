/**
 * Opening the target's inspector from outside, and leaving the target as it was.
 *
 * SIGUSR1 makes Node.js open its inspector (the signal handler wakes a thread that interrupts
 * JavaScript, so a busy target opens it too). Its port cannot be chosen from outside: it is the
 * one the target was configured with (`--inspect-port`, default 9229; 0 is a random port), so the
 * new listening socket is found by comparing the target's sockets before and after the signal.
 * The session is checked to be the target's (`process.pid`). Nothing enables the Debugger domain.
 * Afterwards every object group is released and, when attach opened the inspector, the inspector
 * is closed again (`process._debugEnd()`, scheduled so that it runs after the answer) and its
 * socket is verified gone. An inspector that was already open is reused and left open.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { CdpSession } from './cdp.ts';
import { AttachError, refuse } from './errors.ts';
import { takeLock } from './lock.ts';
import { listeningInNamespace, listeningSockets, type ListeningSocket } from './ports.ts';
import type { TargetInfo } from './proc.ts';

/** How long after our session closes the target closes its inspector. */
const CLOSE_DELAY_MS = 250;

/** How long after SIGUSR1 the inspector's socket may take to appear. */
const OPEN_WAIT_MS = 5000;

/** How long to watch the inspector's socket close before saying it will close later. */
const CLOSE_WAIT_MS = 3000;

/** Object group of every remote object attach asks for; released as one. */
export const OBJECT_GROUP = 'awaitwhat-attach';
/** Object group of the leaf promises `--full` keeps while the heap snapshot is taken; released with the other. */
export const HEAP_OBJECT_GROUP = 'awaitwhat-attach-heap';

export interface SessionOptions {
  /** Deadline of each step (opening, each protocol call, closing). */
  stepTimeoutMs: number;
  /** Progress lines for the user (stderr). */
  log: (line: string) => void;
}

export interface Inspector {
  readonly cdp: CdpSession;
  /** True when attach opened the inspector (and will close it); false when it was open already. */
  readonly opened: boolean;
  readonly port: number;
  /** Runtime.evaluate returning a JSON value; throws on an exception in the target. */
  evaluate(expression: string, timeoutMs?: number): Promise<unknown>;
}

/** Runs `body` with the target's inspector, then leaves the target as it was, whatever happened. */
export async function withInspector<T>(target: TargetInfo, options: SessionOptions, body: (inspector: Inspector) => Promise<T>, signal: AbortSignal): Promise<T> {
  const release = takeLock(target.pid);
  let cdp: CdpSession | undefined;
  let opened = false;
  let socket: ListeningSocket | undefined;
  const onAbort = (): void => cdp?.interrupt(new AttachError('interrupted'));
  signal.addEventListener('abort', onAbort);
  const check = (): void => {
    if (signal.aborted) throw new AttachError('interrupted');
  };
  try {
    const before = listeningSockets(target.pid);
    const configured = configuredPort(target.options);
    const running = inspectorThreadRuns(target.pid) ?? target.options.some((o) => /^--inspect(-brk|-wait)?(=|$)/.test(o));
    let existing = running ? await openInspectorSocket(before, configured, options.stepTimeoutMs) : undefined;
    if (existing !== undefined) {
      socket = existing;
      options.log(`awaitwhat: process ${target.pid} already has its inspector open on port ${existing.port}; using it and leaving it open`);
    } else {
      if (configured !== 0) {
        const taken = listeningInNamespace(target.pid).find((s) => s.port === configured);
        if (taken !== undefined) throw refuse(`port ${configured} is in use by another process: process ${target.pid}'s inspector could not open there (free the port, or start the target with --inspect-port=0)`);
      }
      check();
      options.log(`awaitwhat: opening the inspector of process ${target.pid} (SIGUSR1)`);
      process.kill(target.pid, 'SIGUSR1');
      opened = true;
      socket = await waitForNewSocket(target.pid, before, Math.min(options.stepTimeoutMs, OPEN_WAIT_MS), signal);
      if (socket === undefined && inspectorThreadRuns(target.pid) === undefined) {
        // Without thread names (Node.js 22), an inspector the program opened itself
        // (inspector.open()) is found only now: SIGUSR1 left it as it was.
        existing = await openInspectorSocket(before, 0, options.stepTimeoutMs);
        if (existing !== undefined) {
          opened = false;
          socket = existing;
          options.log(`awaitwhat: process ${target.pid} already has its inspector open on port ${existing.port}; using it and leaving it open`);
        }
      }
      if (socket === undefined) {
        // Node's handler wakes the inspector even in busy JavaScript: no socket means a handler
        // of the program's own took the signal (it cannot be seen beforehand: both show in SigCgt).
        opened = false;
        throw refuse(`process ${target.pid} did not open its inspector on SIGUSR1: the program handles SIGUSR1 itself (process.on('SIGUSR1'), which got the signal instead), or it is blocked outside JavaScript`);
      }
    }
    check();
    const url = await webSocketUrl(socket, target.pid, options.stepTimeoutMs);
    check();
    cdp = await CdpSession.open(url, options.stepTimeoutMs);
    check();
    const session = cdp;
    const inspector: Inspector = {
      cdp: session,
      opened,
      port: socket.port,
      evaluate: (expression, timeoutMs = options.stepTimeoutMs) => evaluate(session, expression, timeoutMs),
    };
    const seen = await inspector.evaluate('process.pid');
    if (seen !== target.innerPid) throw new AttachError(`the inspector on port ${socket.port} belongs to process ${String(seen)}, not ${target.pid}`);
    check();
    return await body(inspector);
  } finally {
    signal.removeEventListener('abort', onAbort);
    try {
      await leave(cdp, opened, socket, target.pid, options);
    } finally {
      release();
    }
  }
}

/** Releases what attach holds in the target and closes the inspector it opened; verifies the port closed. */
async function leave(cdp: CdpSession | undefined, opened: boolean, socket: ListeningSocket | undefined, pid: number, options: SessionOptions): Promise<void> {
  if (cdp === undefined && opened && socket !== undefined) {
    // Interrupted between the signal and the connection: connect only to close it again.
    try {
      cdp = await CdpSession.open(await webSocketUrl(socket, pid, options.stepTimeoutMs), options.stepTimeoutMs);
    } catch {
      // Reported below: the port stays open.
    }
  }
  if (cdp !== undefined) {
    await cdp.call('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP }, options.stepTimeoutMs).catch(() => undefined);
    await cdp.call('Runtime.releaseObjectGroup', { objectGroup: HEAP_OBJECT_GROUP }, options.stepTimeoutMs).catch(() => undefined);
    if (opened) {
      // Closed only once our session is gone: stopping the inspector while the session is still
      // being torn down crashed the target now and then (SIGSEGV, Node.js 22 under load; cf.
      // nodejs/node#18761). The timer is unref'd: it never keeps the program alive.
      const close = `void setTimeout(() => process._debugEnd(), ${CLOSE_DELAY_MS}).unref()`;
      await cdp.call('Runtime.evaluate', { expression: close, silent: true }, options.stepTimeoutMs).catch(() => undefined);
    }
    cdp.close();
  }
  if (!opened || socket === undefined) return;
  const wait = Math.min(options.stepTimeoutMs, CLOSE_WAIT_MS);
  const deadline = Date.now() + wait;
  let absent = 0;
  while (Date.now() < deadline) {
    // Twice in a row: one read of /proc can miss a socket that is still there.
    absent = listeningSockets(pid).some((s) => s.inode === socket.inode) ? 0 : absent + 1;
    if (absent === 2) return;
    await delay(20);
  }
  options.log(`awaitwhat: process ${pid}'s inspector still listens on port ${socket.port} after ${wait} ms: it closes when the program next returns to its event loop`);
}

/**
 * Node.js (24 and later) runs its inspector's server on a thread it names `InspectorIo`, only
 * while the inspector is open; undefined when the threads have no names (Node.js 22).
 */
export function inspectorThreadRuns(pid: number): boolean | undefined {
  let names: string[];
  try {
    names = readdirSync(`/proc/${pid}/task`).map((tid) => {
      try {
        return readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      } catch {
        return '';
      }
    });
  } catch {
    return undefined;
  }
  if (!names.includes('MainThread')) return undefined;
  return names.includes('InspectorIo');
}

/**
 * The socket of an inspector that is already open: the configured port; else (port 0, or
 * `inspector.open(port)` from the program) the one loopback socket of the process, or among
 * several the one answering the inspector's /json/version.
 */
async function openInspectorSocket(sockets: readonly ListeningSocket[], configured: number, timeoutMs: number): Promise<ListeningSocket | undefined> {
  const loopback = sockets.filter((s) => isLoopback(s.address));
  const atConfigured = loopback.find((s) => configured !== 0 && s.port === configured);
  if (atConfigured !== undefined) return atConfigured;
  if (loopback.length === 1) return loopback[0];
  for (const s of loopback) {
    try {
      const response = await fetch(`http://${hostOf(s)}:${s.port}/json/version`, { signal: AbortSignal.timeout(Math.min(timeoutMs, 1000)) });
      const body = (await response.json()) as { Browser?: string };
      if (typeof body.Browser === 'string' && body.Browser.startsWith('node.js/')) return s;
    } catch {
      // Not the inspector.
    }
  }
  return undefined;
}

function hostOf(socket: ListeningSocket): string {
  return socket.address.includes(':') ? `[${socket.address === '::' ? '::1' : socket.address}]` : socket.address === '0.0.0.0' ? '127.0.0.1' : socket.address;
}

async function evaluate(cdp: CdpSession, expression: string, timeoutMs: number): Promise<unknown> {
  const reply = await cdp.call('Runtime.evaluate', { expression, returnByValue: true, silent: true, objectGroup: OBJECT_GROUP }, timeoutMs);
  const details = reply.exceptionDetails as { text?: string; exception?: { description?: string } } | undefined;
  if (details !== undefined) throw new AttachError(`evaluating in the target failed: ${details.exception?.description ?? details.text ?? 'exception'}`);
  return (reply.result as { value?: unknown }).value;
}

async function waitForNewSocket(pid: number, before: readonly ListeningSocket[], timeoutMs: number, signal: AbortSignal): Promise<ListeningSocket | undefined> {
  const known = new Set(before.map((s) => s.inode));
  const deadline = Date.now() + timeoutMs;
  // Interrupted, it still waits for the socket: an inspector the signal opened must be closed.
  while (Date.now() < deadline) {
    const fresh = listeningSockets(pid).find((s) => !known.has(s.inode) && isLoopback(s.address));
    if (fresh !== undefined) return fresh;
    await delay(20);
  }
  return undefined;
}

/** The WebSocket URL of the inspector on `socket` (its /json/list). */
async function webSocketUrl(socket: ListeningSocket, pid: number, timeoutMs: number): Promise<string> {
  const host = hostOf(socket);
  let list: Array<{ webSocketDebuggerUrl?: string; type?: string }>;
  try {
    const response = await fetch(`http://${host}:${socket.port}/json/list`, { signal: AbortSignal.timeout(timeoutMs) });
    list = (await response.json()) as typeof list;
  } catch (error) {
    throw new AttachError(`process ${pid}'s inspector on port ${socket.port} did not answer /json/list: ${(error as Error).message}`);
  }
  const entry = Array.isArray(list) ? list.find((t) => typeof t.webSocketDebuggerUrl === 'string') : undefined;
  if (entry === undefined) throw new AttachError(`process ${pid}'s inspector on port ${socket.port} lists no target`);
  return entry.webSocketDebuggerUrl!;
}

/** The inspector port the target was configured with (`--inspect-port`, `--inspect[-brk][=host:port]`); 9229 by default. */
export function configuredPort(options: readonly string[]): number {
  let port = 9229;
  for (let i = 0; i < options.length; i++) {
    const match = /^--(?:inspect-port|debug-port|inspect|inspect-brk|inspect-wait)(?:=(.*))?$/.exec(options[i]!);
    if (match === null) continue;
    const value = match[1] ?? (/^--(inspect-port|debug-port)$/.test(options[i]!) ? options[i + 1] : undefined);
    if (value === undefined) continue;
    const tail = /(?:^|:)(\d+)$/.exec(value);
    if (tail !== null) port = Number(tail[1]);
  }
  return port;
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === '0.0.0.0' || address === '::';
}
