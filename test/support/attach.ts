/** Targets for `awaitwhat attach` tests: plain `node` processes, and the graph shape two reports are compared by. */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { listeningSockets } from '../../dist/attach/ports.js';
import type { Snapshot, SnapshotNode } from '../../src/snapshot/schema.ts';
import { CLI, NODE, ROOT } from './run.ts';

export interface Target {
  child: ChildProcess;
  pid: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node [nodeArgs] file` plainly and resolves once it printed "ready". Its inspector port is random (port 0), so that tests never collide on 9229. */
export function startTarget(file: string, nodeArgs: readonly string[] = ['--inspect-port=127.0.0.1:0'], options: { stdin?: boolean; node?: string; wrap?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): Promise<Target> {
  const command = options.wrap === undefined ? options.node ?? NODE : options.wrap[0]!;
  const args = options.wrap === undefined ? [...nodeArgs, file] : [...options.wrap.slice(1), options.node ?? NODE, ...nodeArgs, file];
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: [options.stdin === true ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('ready\n')) resolve({ child, pid: child.pid!, stdout: () => out, stderr: () => err, exited });
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    void exited.then(() => reject(new Error(`target ${file} exited before it was ready: ${err}`)));
  });
}

export interface AttachRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `awaitwhat attach <pid> [args]`; `onStderr` sees its stderr as it comes (to interrupt it). */
export function attachTo(pid: number, args: readonly string[] = [], wrap: readonly string[] = [], onStderr?: (stderr: string, child: ChildProcess) => void): Promise<AttachRun> {
  return new Promise((resolve) => {
    const command = wrap.length === 0 ? NODE : wrap[0]!;
    // The load factor pinned to 1: an estimate that does not depend on what else the machine runs.
    const env = { ...process.env, AWAITWHAT_ATTACH_LOAD: '1' };
    const child = spawn(command, [...wrap.slice(1), ...(wrap.length === 0 ? [] : [NODE]), CLI, 'attach', String(pid), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      onStderr?.(stderr, child);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The in-process report of the same program: the CLI's `--once --all` JSON snapshot. */
export function instrumentedSnapshot(file: string): Snapshot {
  const r = spawnSync(NODE, [CLI, '--once', '--after', '1s', '--all', '--format', 'json', file], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const line = r.stderr.split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (line === undefined) throw new Error(`no snapshot from the instrumented run: ${r.stderr}`);
  return JSON.parse(line) as Snapshot;
}

/**
 * A snapshot as the trees under its roots, one string per root with children sorted: frames
 * (function, kind, where defined, state, where and how suspended, the text there), combinators
 * (kind, and each pending member's index with its tree), leaves (text). What is compared is
 * names, positions and edges; not ids, creation order, durations, or the state of settled
 * members (fast mode does not know it).
 */
export function graphShape(snapshot: Snapshot): string[] {
  const byId = new Map(snapshot.nodes.map((n) => [n.id, n]));
  const describe = (node: SnapshotNode, depth: number, seen: Set<string>): string => {
    const pad = '  '.repeat(depth);
    if (seen.has(node.id)) return `${pad}(again ${label(node)})`;
    const inner = new Set(seen).add(node.id);
    const children = (ids: readonly string[]): string[] => ids.map((id) => describe(byId.get(id)!, depth + 1, inner)).sort();
    if (node.type === 'combinator') {
      const members = node.members.filter((m) => m.state === 'pending' && m.node !== null).map((m) => `${pad}  [${m.index}] ${m.text}\n${describe(byId.get(m.node!)!, depth + 2, inner)}`);
      return [`${pad}${label(node)}`, ...members].join('\n');
    }
    return [`${pad}${label(node)}`, ...children(node.awaits)].join('\n');
  };
  return snapshot.roots.map((id) => describe(byId.get(id)!, 0, new Set())).sort();
}

function label(node: SnapshotNode): string {
  if (node.type === 'frame') {
    const s = node.suspendedAt;
    return `frame ${node.function} ${node.kind} ${node.location.file}:${node.location.line}:${node.location.column} ${node.state} ${s === null ? '-' : `${s.kind} ${s.file}:${s.line}:${s.column} ${JSON.stringify(s.text)}`}`;
  }
  if (node.type === 'combinator') return `Promise.${node.combinator}`;
  if (node.type === 'group') return `group ${JSON.stringify(node.text)}`;
  return `leaf ${node.valueKind} ${JSON.stringify(node.text)}`;
}

/** Waits until `pid` listens on no TCP port (its inspector closed), up to `limitMs`; returns the ports still open. */
export async function portsClosed(pid: number, limitMs = 15_000): Promise<number[]> {
  const deadline = Date.now() + limitMs;
  let open: number[] = [];
  while (Date.now() < deadline) {
    open = listeningSockets(pid).map((s: { port: number }) => s.port);
    if (open.length === 0) return open;
    await delay(50);
  }
  return open;
}

/** Resolves once the target's stdout contains `text`. */
export async function stdoutHas(target: Target, text: string): Promise<void> {
  while (!target.stdout().includes(text)) await delay(20);
}
