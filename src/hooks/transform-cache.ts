/**
 * The on-disk transform cache: a restarted program pays each file's transform once.
 *
 * Keyed by a 128-bit hash (content-hash.ts: not `node:crypto`, whose loading cost more than the
 * hashing) of what decides the output: the source text, its URL and format, the options
 * that change the output (texts omitted or cut, source maps), the Node.js version, and awaitwhat's
 * version with the name, size and modification time of each file of its own transform code (a
 * rebuilt awaitwhat never reuses another build's entries). One file per entry, written to a temporary name and renamed into place, so
 * that concurrent processes see a whole entry or none (the temporary name is the writer's pid and
 * a random number); entries are checked (length, CRC-32, key)
 * and a bad one is ignored and replaced. Bounded: past `maxBytes`, the least recently used entries
 * go, checked once per process after its first write, on an unref'd immediate. Any failure to read
 * or write makes a miss, silently: a read-only disk must not change what the program prints.
 */

import { closeSync, fstatSync, futimesSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { setImmediate } from 'node:timers';
import { decodeEntry, encodeEntry, type CachedOutcome } from './cache-entry.ts';
import { ContentHash } from './content-hash.ts';
import { append, dateNow, newList, sortList, stringEndsWith, uncurryThis } from '../runtime/intrinsics.ts';

const stringCharCodeAt = uncurryThis(String.prototype.charCodeAt);
const random = Math.random;

/** Bumped when an entry's layout or meaning changes. */
const CACHE_FORMAT = 3;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A temporary file this old was left by a writer that died. */
const STALE_TEMP_MS = 10 * 60 * 1000;

export const DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024;

export interface CacheStats {
  hits: number;
  misses: number;
  writes: number;
}

export class TransformCache {
  readonly dir: string;
  readonly stats: CacheStats = { hits: 0, misses: 0, writes: 0 };
  readonly #maxBytes: number;
  readonly #salt: string;
  #writable = true;
  #evictionScheduled = false;

  /** `codeRoot`: awaitwhat's compiled code (dist), whose transform files are digested into every key. */
  constructor(dir: string, maxBytes: number, codeRoot: string) {
    this.dir = dir;
    this.#maxBytes = maxBytes;
    this.#salt = buildSalt(codeRoot);
  }

  /** The key of a file's transform: what decides the output, then the text. */
  key(decisive: readonly string[], source: string): string {
    const hash = new ContentHash().update(this.#salt);
    for (let i = 0; i < decisive.length; i++) hash.update(decisive[i]!).update('\0');
    return hash.update(source).digest();
  }

  get(key: string, file: string): CachedOutcome | undefined {
    let fd: number;
    try {
      fd = openSync(join(this.dir, key), 'r');
    } catch {
      // Harmless: no entry yet (or none readable) is a miss; the file is instrumented as without a cache.
      this.stats.misses++;
      return undefined;
    }
    try {
      const { size, mtimeMs } = fstatSync(fd);
      const bytes = Buffer.allocUnsafe(size);
      let read = 0;
      while (read < size) {
        const n = readSync(fd, bytes, read, size - read, read);
        if (n === 0) break;
        read += n;
      }
      const outcome = read === size ? decodeEntry(bytes, key, file) : undefined;
      if (outcome === undefined) {
        this.stats.misses++;
        return undefined;
      }
      // Eviction goes by modification time: an entry in use is kept fresh, at most a write a day.
      if (dateNow() - mtimeMs > DAY_MS) {
        try {
          futimesSync(fd, new Date(), new Date());
        } catch {
          // A read-only cache still serves.
        }
      }
      this.stats.hits++;
      return outcome;
    } catch {
      // Harmless: an entry removed or cut short while read is a miss, as above.
      this.stats.misses++;
      return undefined;
    } finally {
      closeSync(fd);
    }
  }

  set(key: string, outcome: CachedOutcome, file: string): void {
    if (!this.#writable) return;
    // Unique to this writer: the process, and a random number for its threads.
    const temp = join(this.dir, `${key}.${process.pid}.${(random() * 0x100000000) >>> 0}.tmp`);
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(temp, encodeEntry(key, outcome, file), { flag: 'wx' });
      renameSync(temp, join(this.dir, key));
      this.stats.writes++;
    } catch {
      // Harmless to the program (the cache only saves load time, `stats.writes` shows it): a cache
      // that cannot be written (read-only file system, no permission) is not tried again.
      this.#writable = false;
      try {
        unlinkSync(temp);
      } catch {
        // Never written.
      }
      return;
    }
    if (!this.#evictionScheduled) {
      this.#evictionScheduled = true;
      setImmediate(() => this.evict()).unref();
    }
  }

  /**
   * Brings the directory under its bound, oldest entries first, and removes writers' leftovers.
   * It runs on an immediate after the first write, when the program may already have replaced
   * built-ins: it uses only what was captured when this module loaded, and lists without a
   * prototype (runtime/intrinsics.ts), so it calls none of the program's code.
   */
  evict(): void {
    try {
      const now = dateNow();
      const names = readdirSync(this.dir);
      const entries = newList<{ path: string; size: number; mtime: number }>();
      let total = 0;
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        // Not path.join: Node's own join appends with Array.prototype.push, which the program may have replaced.
        const path = `${this.dir}${sep}${name}`;
        // Only the cache's own files: the directory may be shared (a user's cache directory, a
        // directory given with AWAITWHAT_CACHE_DIR), and nothing else in it is ours to delete.
        const temporary = stringEndsWith(name, '.tmp');
        if (!isOwnFile(name, temporary)) continue;
        const stat = statSync(path, { throwIfNoEntry: false });
        if (stat === undefined || !stat.isFile()) continue;
        if (temporary) {
          if (now - stat.mtimeMs > STALE_TEMP_MS) unlinkSync(path);
          continue;
        }
        append(entries, { path, size: stat.size, mtime: stat.mtimeMs });
        total += stat.size;
      }
      if (total <= this.#maxBytes) return;
      sortList(entries, (a, b) => a.mtime - b.mtime);
      // Down to 80%, so that a cache at its bound is not swept on every start.
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        if (total <= this.#maxBytes * 0.8) break;
        try {
          unlinkSync(entry.path);
        } catch {
          // Removed by another process meanwhile.
        }
        total -= entry.size;
      }
    } catch {
      // Eviction is best effort: a cache over its bound is trimmed at a later start.
    }
  }
}

/** Characters of a key: 128 bits in lowercase hex. */
const KEY_LENGTH = 32;
/** Characters of the keys of cache formats 1 and 2 (SHA-256): such entries are still the cache's own, to evict. */
const OLD_KEY_LENGTH = 64;

/**
 * Whether a file name is an entry (its key) or a writer's temporary file (`<key>.<pid>.<number>.tmp`),
 * of this cache format or of an older one (whose entries are never read again, only evicted).
 * By character codes: a RegExp would look up the program's `RegExp.prototype.exec`.
 */
function isOwnFile(name: string, temporary: boolean): boolean {
  return isKeyed(name, KEY_LENGTH, temporary) || isKeyed(name, OLD_KEY_LENGTH, temporary);
}

function isKeyed(name: string, keyLength: number, temporary: boolean): boolean {
  if (temporary ? name.length <= keyLength + 1 : name.length !== keyLength) return false;
  for (let i = 0; i < keyLength; i++) {
    const c = stringCharCodeAt(name, i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return !temporary || stringCharCodeAt(name, keyLength) === 46; // '.'
}

function buildSalt(codeRoot: string): string {
  const hash = new ContentHash().update(`awaitwhat-cache/${CACHE_FORMAT}\0${process.version}\0`);
  try {
    hash.update((JSON.parse(readFileSync(join(codeRoot, '..', 'package.json'), 'utf8')) as { version?: string }).version ?? '');
  } catch {
    // Without a package.json, the code digest alone tells builds apart.
  }
  for (const folder of ['transform', 'hooks']) {
    let names: string[] = [];
    try {
      names = readdirSync(join(codeRoot, folder)).filter((n) => n.endsWith('.js')).sort();
    } catch {
      continue; // harmless: a build without this folder has none of its code to digest
    }
    // Each file's name, size and modification time, not its text: a build rewrites the files it
    // changes, and reading and hashing ~600 KB of code at every start cost more than the rest of
    // the cache's start together. An installed package's files all carry npm's fixed modification
    // time; there the version above tells releases apart.
    for (const name of names) {
      const stat = statSync(join(codeRoot, folder, name), { throwIfNoEntry: false });
      hash.update(`${name}\0${stat?.size ?? -1}\0${stat?.mtimeMs ?? -1}\0`);
    }
  }
  return hash.digest();
}
