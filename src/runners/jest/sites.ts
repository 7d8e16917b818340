/**
 * Site ids for the Jest transformer's output. Jest caches a transformer's output on disk and runs it
 * in whichever worker needs it, in this run or a later one, so the output is a self-contained
 * module (transform/self-contained.ts: it defines its own sites where it runs) and its ids must be
 * unique among every file Jest may load together — files transformed in other workers at the same
 * time, and files transformed by earlier runs and taken from the cache.
 *
 * The foreign id range is cut into blocks of `BLOCK` ids, and blocks are claimed in Jest's cache
 * directory (`<cacheDirectory>/awaitwhat-sites-v1`), which also holds the cached transforms they
 * are written into (so that `jest --clearCache` clears both): a block is claimed by creating its
 * file exclusively, which only one process can do. Each output text of an inner transformer (a
 * file version, known by a hash of its path and text) records the blocks its sites took, so that
 * transforming it again (`--no-cache`, another worker) takes the same ids: the blocks used grow
 * with file versions, as Jest's own cache does. 2^23 ids in blocks of 256: 32768 blocks. When they
 * are used up, files are run uninstrumented and one line says to clear Jest's cache.
 */

import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ForeignSiteIds } from '../../transform/self-contained.ts';
import { FOREIGN_SITE_BASE, SiteTableFullError, type SiteRecord } from '../../runtime/sites.ts';
import type { SiteSink } from '../../transform/visitor.ts';

/** How the transformer's output records its sites: part of Jest's cache key, since cached code depends on it. */
export const SITE_MODE = 'self-contained-v1';
/** Ids per block (each of the two foreign ranges, sites and return sites, in step). */
export const BLOCK = 256;
const BLOCKS = FOREIGN_SITE_BASE / BLOCK;

/** The blocks of one directory: claimed by exclusive creation, recorded per file version. */
export class SiteBlocks {
  readonly #blocks: string;
  readonly #files: string;
  /** Where the next claim starts looking: after the last block this process claimed (claims are rarely contended). */
  #cursor: number;

  constructor(dir: string, start = Math.floor(Math.random() * BLOCKS)) {
    this.#blocks = join(dir, 'blocks');
    this.#files = join(dir, 'files');
    mkdirSync(this.#blocks, { recursive: true });
    mkdirSync(this.#files, { recursive: true });
    this.#cursor = start % BLOCKS;
  }

  /** The blocks recorded for a file version (by `key`), or undefined. */
  recorded(key: string): number[] | undefined {
    try {
      const blocks = JSON.parse(readFileSync(join(this.#files, key), 'utf8')) as unknown;
      return Array.isArray(blocks) && blocks.every((b) => Number.isInteger(b) && b >= 0 && b < BLOCKS) ? (blocks as number[]) : undefined;
    } catch {
      // Not recorded (or half written by a process that died): its blocks are claimed anew.
      return undefined;
    }
  }

  record(key: string, blocks: readonly number[]): void {
    const path = join(this.#files, key);
    const temporary = `${path}.${process.pid}`;
    writeFileSync(temporary, JSON.stringify(blocks));
    renameSync(temporary, path);
  }

  /** A block no other process has: created exclusively. Throws SiteTableFullError when none is left. */
  claim(): number {
    for (let tried = 0; tried < BLOCKS; tried++) {
      const block = (this.#cursor + tried) % BLOCKS;
      try {
        closeSync(openSync(join(this.#blocks, String(block)), 'wx'));
        this.#cursor = (block + 1) % BLOCKS;
        return block;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    throw new SiteTableFullError('function');
  }
}

/**
 * The site sink for one file version: ids from the blocks recorded for it, else from blocks claimed
 * as its sites need them (`done()` records them).
 */
export class FileSiteIds implements SiteSink {
  readonly #store: SiteBlocks;
  readonly #key: string;
  readonly #recorded: number[] | undefined;
  readonly #blocks: number[] = [];
  #ids: ForeignSiteIds | undefined;
  #block = -1;

  constructor(store: SiteBlocks, key: string) {
    this.#store = store;
    this.#key = key;
    this.#recorded = store.recorded(key);
  }

  addSite(site: SiteRecord): number {
    const used = this.#ids?.used;
    if (used === undefined || used.sites >= (this.#block + 1) * BLOCK || used.returnSites >= (this.#block + 1) * BLOCK) this.#next();
    return this.#ids!.addSite(site);
  }

  #next(): void {
    const index = this.#blocks.length;
    this.#block = this.#recorded?.[index] ?? this.#store.claim();
    this.#blocks.push(this.#block);
    this.#ids = new ForeignSiteIds({ sites: this.#block * BLOCK, returnSites: this.#block * BLOCK });
  }

  /** Records the blocks taken, for the next transform of the same file version. */
  done(): void {
    if (this.#blocks.length === 0 || this.#recorded?.length === this.#blocks.length) return;
    this.#store.record(this.#key, this.#blocks);
  }
}

const stores = new Map<string, SiteBlocks>();

/** The blocks of Jest's cache directory `cacheDirectory` (one store per directory per process). */
export function siteBlocks(cacheDirectory: string): SiteBlocks {
  const dir = join(cacheDirectory, 'awaitwhat-sites-v1');
  let store = stores.get(dir);
  if (store === undefined) stores.set(dir, (store = new SiteBlocks(dir)));
  return store;
}

/** The key of a file version: its path and the text awaitwhat instruments (the inner transformer's output). */
export function fileVersionKey(path: string, text: string): string {
  return createHash('sha1').update(path).update('\0').update(text).digest('hex');
}
