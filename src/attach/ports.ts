/**
 * The TCP ports a process listens on, from /proc: its socket inodes (/proc/<pid>/fd links
 * `socket:[inode]`) matched against the listening sockets (state 0A) of its network namespace
 * (/proc/<pid>/net/tcp and tcp6). The inspector's port cannot be chosen from outside and may not be
 * 9229 (`--inspect-port`, a port in use), so attach compares the sockets before and after SIGUSR1.
 */

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ListeningSocket {
  /** `127.0.0.1`, `::1`, `0.0.0.0`, … */
  address: string;
  port: number;
  inode: string;
}

/** Listening TCP sockets owned by `pid`. */
export function listeningSockets(pid: number): ListeningSocket[] {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match !== null) inodes.add(match[1]!);
    } catch {
      // Closed meanwhile.
    }
  }
  return listeningInNamespace(pid).filter((s) => inodes.has(s.inode));
}

/**
 * Every listening TCP socket of the network namespace `pid` is in, whoever owns it. The kernel
 * prints these tables a page at a time, so a read while other sockets open and close can skip a
 * line: two reads, united, make a miss unlikely (callers that wait for a socket poll anyway).
 */
export function listeningInNamespace(pid: number): ListeningSocket[] {
  const seen = new Map<string, ListeningSocket>();
  for (let round = 0; round < 2; round++) for (const s of readTables(pid)) seen.set(`${s.inode}:${s.port}`, s);
  return [...seen.values()];
}

function readTables(pid: number): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const file of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue;
      const [hex, port] = cols[1]!.split(':');
      out.push({ address: decodeAddress(hex!), port: parseInt(port!, 16), inode: cols[9]! });
    }
  }
  return out;
}

/** /proc/net/tcp writes addresses as host-order 32-bit words in hex. */
function decodeAddress(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(word.slice(b, b + 2), 16));
  }
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}
