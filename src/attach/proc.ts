/**
 * What /proc says about the target before anything is sent to it: that it exists and may be
 * signalled by us, that it is Node.js and new enough, that SIGUSR1 would open its inspector (and
 * not kill it: a process that does not catch SIGUSR1 dies of it), and that it shares our network
 * namespace (its inspector listens on its own loopback). Linux only: attach reads /proc.
 */

import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { refuse } from './errors.ts';

export interface TargetInfo {
  pid: number;
  /** The Node.js version, `v24.21.0`. */
  version: string;
  /** The pid the target sees itself as (its innermost pid namespace). */
  innerPid: number;
  /** Its command line and NODE_OPTIONS, for the inspector port it was configured with. */
  options: string[];
}

/** The oldest Node.js attach supports: a global WebSocket, CallSite promise indexes, type stripping. */
export const MIN_NODE_MAJOR = 22;

const SIGUSR1_BIT = 1n << 9n; // SigCgt is a mask of signal numbers − 1; SIGUSR1 is 10 on Linux.

export function inspectTarget(pid: number): TargetInfo {
  if (process.platform !== 'linux') throw refuse(`attach works on Linux only (it reads /proc), not on ${process.platform}`);
  if (!Number.isSafeInteger(pid) || pid <= 0) throw refuse(`not a process id: ${pid}`);
  if (pid === process.pid) throw refuse('cannot attach to awaitwhat itself');
  try {
    process.kill(pid, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') throw refuse(`no process with pid ${pid}`);
    if (code === 'EPERM') throw refuse(`permission denied: process ${pid} belongs to another user (attach needs the rights to send it a signal: the same user, or root)`);
    throw error;
  }
  let exe: string;
  let status: string;
  let argv: string[];
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    exe = readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw refuse(`permission denied: cannot read /proc/${pid} (attach needs the same user as the process, or root)`);
    if (code === 'ENOENT') throw refuse(`no process with pid ${pid}`);
    throw error;
  }
  if (/^State:\s+Z/m.test(status)) throw refuse(`process ${pid} has exited (a zombie waiting for its parent)`);
  // A Node.js binary is `node`, `nodejs` or `node<version>`; anything else is not run to ask.
  if (!/^node(js)?[\d.-]*$/.test(basename(exe))) throw refuse(`process ${pid} is not a Node.js process (${basename(exe)})`);
  const version = nodeVersion(pid);
  if (version === undefined) throw refuse(`process ${pid} is not a Node.js process (${exe} --version does not print a Node.js version)`);
  const major = Number(/^v(\d+)/.exec(version)![1]);
  if (major < MIN_NODE_MAJOR) throw refuse(`process ${pid} runs Node.js ${version}; attach needs Node.js ${MIN_NODE_MAJOR} or newer`);
  const ours = readlinkSync('/proc/self/ns/net');
  let theirs: string;
  try {
    theirs = readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    throw refuse(`permission denied: cannot read the network namespace of process ${pid} (attach needs the same user, or root)`);
  }
  if (ours !== theirs) throw refuse(`process ${pid} is in another network namespace (a container?): its inspector would listen on its own loopback; run attach inside it, e.g. nsenter -n -t ${pid} npx awaitwhat attach ${pid}`);
  const environ = readEnviron(pid);
  const options = `${argv.join(' ')} ${environ.get('NODE_OPTIONS') ?? ''}`;
  if (/(^|\s)--disable-sigusr1(\s|$)/.test(options)) throw refuse(`process ${pid} was started with --disable-sigusr1: its inspector cannot be opened from outside`);
  const caught = /^SigCgt:\s+([0-9a-f]+)/m.exec(status);
  if (caught === null || (BigInt(`0x${caught[1]}`) & SIGUSR1_BIT) === 0n) {
    throw refuse(`process ${pid} does not catch SIGUSR1 (--disable-sigusr1?): sending it would kill the process`);
  }
  const nspid = /^NSpid:\s+(.+)$/m.exec(status);
  const innerPid = nspid === null ? pid : Number(nspid[1]!.trim().split(/\s+/).at(-1));
  return { pid, version, innerPid, options: [...argv, ...(environ.get('NODE_OPTIONS') ?? '').split(/\s+/).filter((o) => o !== '')] };
}

/** `v24.21.0` from the target's own binary (through /proc, so a binary replaced on disk since still answers), else undefined. */
function nodeVersion(pid: number): string | undefined {
  const result = spawnSync(`/proc/${pid}/exe`, ['--version'], { encoding: 'utf8', timeout: 10_000, env: {} });
  const out = (result.stdout ?? '').trim();
  return /^v\d+\.\d+\.\d+/.test(out) ? out : undefined;
}

function readEnviron(pid: number): Map<string, string> {
  const env = new Map<string, string>();
  try {
    for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
  } catch {
    // Unreadable: the flag check falls back to SigCgt.
  }
  return env;
}
