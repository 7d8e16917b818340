/**
 * The transform cache: a warm start prints what a cold one does, from entries another load order
 * wrote too (ids and map moved), ignores damaged entries, can be turned off, survives concurrent
 * writers, and stays within its bound.
 */

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TransformCache } from '../dist/hooks/transform-cache.js';
import { decodeEntry, encodeEntry } from '../dist/hooks/cache-entry.js';
import { relocateIds } from '../dist/transform/relocate.js';
import { ROOT, run } from './support/run.ts';

const HOOKS = join(ROOT, 'dist', 'hooks.js');
const LOAD = join('test', 'fixtures', 'load');
const scratch = mkdtempSync(join(tmpdir(), 'awaitwhat-cache-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let dirs = 0;
const freshDir = () => join(scratch, `cache${dirs++}`);

// Writes the hook's counters to a file at exit, so a run shows where its transforms came from.
const STATS_PRELOAD = `data:text/javascript,${encodeURIComponent(
  "import{writeFileSync}from'node:fs';process.on('exit',()=>{const h=globalThis[Symbol.for('awaitwhat.hooks')];writeFileSync(process.env.STATS_FILE,JSON.stringify({...h.stats,...h.load.cache}))})",
)}`;

interface Counters {
  instrumented: number;
  cached: number;
  hits: number;
  misses: number;
  writes: number;
}

async function load(entry: string, cacheDir: string, options: { maps?: boolean; env?: Record<string, string> } = {}) {
  const statsFile = join(scratch, `stats${dirs++}.json`);
  const args = [...(options.maps ? ['--enable-source-maps'] : []), '--import', HOOKS, '--import', STATS_PRELOAD, join(LOAD, entry)];
  const r = await run(args, { env: { ...process.env, AWAITWHAT_CACHE_DIR: cacheDir, STATS_FILE: statsFile, ...options.env } });
  const stats = existsSync(statsFile) ? (JSON.parse(readFileSync(statsFile, 'utf8')) as Counters) : undefined;
  return { ...r, stats };
}

const GRAPH = [
  'awaitwhat: 2 pending async functions',
  '',
  `first  ${LOAD}/first.mjs:3:3  await wait()`,
  '└─ wait()  — a promise no instrumented code created',
  '',
  `second  ${LOAD}/second.mjs:5:3  await wait()`,
  '└─ wait()  — a promise no instrumented code created',
  '',
].join('\n');

describe('the transform cache', { concurrency: 2 }, () => {
  it('a warm start takes every transform from the cache and prints what the cold one did', async () => {
    const dir = freshDir();
    const cold = await load('ab.mjs', dir);
    const warm = await load('ab.mjs', dir);
    // Without source maps, the column of an Error is the instrumented one (two-digit ids before it,
    // many.mjs having loaded first).
    assert.equal(cold.stdout, `at second (second.mjs:3:93)\n${GRAPH}`);
    assert.equal(cold.stderr, '');
    // Three files instrumented, and print-graph.mjs parsed for its "await" and left as it is.
    assert.deepEqual([cold.stats?.instrumented, cold.stats?.cached, cold.stats?.writes], [3, 0, 4]);
    assert.deepEqual([warm.stdout, warm.stderr], [cold.stdout, cold.stderr]);
    assert.deepEqual([warm.stats?.instrumented, warm.stats?.cached, warm.stats?.hits, warm.stats?.writes], [3, 3, 4, 0]);
  });

  it('entries written in another load order get this order\'s ids, and their maps follow (columns as in a cold run)', async () => {
    const dir = freshDir();
    await load('ab.mjs', dir, { maps: true });
    const moved = await load('ba.mjs', dir, { maps: true });
    const cold = await load('ba.mjs', freshDir(), { maps: true });
    // With source maps, the column is the source's: `new Error` at column 73 of line 3.
    assert.equal(moved.stdout, `at second (second.mjs:3:73)\n${GRAPH}`);
    assert.deepEqual([moved.stdout, moved.stderr], [cold.stdout, cold.stderr]);
    assert.equal(moved.stats?.cached, 3);
    // Without maps, the instrumented column shows the id moved: one digit fewer than in a-b order.
    const plainOrder = await load('ba.mjs', dir);
    assert.equal(plainOrder.stdout.split('\n')[0], 'at second (second.mjs:3:92)');
  });

  it('a truncated or damaged entry is ignored and written again', async () => {
    const dir = freshDir();
    const cold = await load('ab.mjs', dir);
    const entries = readdirSync(dir);
    assert.equal(entries.length, 4);
    truncateSync(join(dir, entries[0]!), 40);
    const damaged = readFileSync(join(dir, entries[1]!));
    damaged[damaged.length - 3] = damaged[damaged.length - 3]! ^ 0xff;
    writeFileSync(join(dir, entries[1]!), damaged);
    const again = await load('ab.mjs', dir);
    assert.deepEqual([again.stdout, again.stderr], [cold.stdout, cold.stderr]);
    assert.deepEqual([again.stats?.hits, again.stats?.misses, again.stats?.writes], [2, 2, 2]);
    const third = await load('ab.mjs', dir);
    assert.deepEqual([third.stats?.hits, third.stats?.cached], [4, 3]);
  });

  it('AWAITWHAT_CACHE=0 turns it off: nothing is written, nothing read', async () => {
    const dir = freshDir();
    const r = await load('ab.mjs', dir, { env: { AWAITWHAT_CACHE: '0' } });
    assert.equal(r.stdout, `at second (second.mjs:3:93)\n${GRAPH}`);
    assert.equal(r.stats?.hits, undefined);
    assert.equal(existsSync(dir), false);
  });

  it('a file that does not parse is noted the same way from the cache', async () => {
    const dir = freshDir();
    const cold = await load('broken.mjs', dir);
    const warm = await load('broken.mjs', dir);
    assert.match(cold.stderr, /^awaitwhat: .*broken\.mjs:2:10: Unexpected token; loaded without instrumentation\n/);
    assert.deepEqual([warm.stderr, warm.code, warm.stats?.hits], [cold.stderr, cold.code, 1]);
  });

  it('options that change the output are in the key: texts omitted after a run that kept them', async () => {
    const dir = freshDir();
    await load('ab.mjs', dir);
    const omitted = await load('ab.mjs', dir, { env: { AWAITWHAT_OMIT_TEXT: '1' } });
    assert.equal(omitted.stats?.hits, 0);
    assert.match(omitted.stdout, /^first {2}test\/fixtures\/load\/first\.mjs:3:3$/m);
  });

  it('processes starting together with an empty cache all run right and leave whole entries only', async () => {
    const dir = freshDir();
    const runs = await Promise.all([1, 2, 3, 4].map(() => load('ab.mjs', dir)));
    for (const r of runs) assert.deepEqual([r.stdout, r.stderr], [`at second (second.mjs:3:93)\n${GRAPH}`, '']);
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
    assert.equal(readdirSync(dir).length, 4);
    const warm = await load('ab.mjs', dir);
    assert.equal(warm.stats?.cached, 3);
  });
});

describe('TransformCache', () => {
  const outcome = { kind: 'untouched' as const };

  it('evicts the least recently used entries down to 80% of its bound, and leftovers of dead writers', () => {
    const dir = freshDir();
    const cache = new TransformCache(dir, 1000, join(ROOT, 'dist'));
    const keys = [0, 1, 2, 3, 4, 5].map((i) => cache.key([String(i)], 'x'));
    for (const key of keys) cache.set(key, outcome, '/f.js');
    const size = statSync(join(dir, keys[0]!)).size;
    // Six entries, oldest first by modification time.
    keys.forEach((key, i) => utimesSync(join(dir, key), new Date(1e12 + i * 1000), new Date(1e12 + i * 1000)));
    const dead = `${keys[0]}.123.abcd.tmp`;
    writeFileSync(join(dir, dead), 'partial');
    utimesSync(join(dir, dead), new Date(1e12), new Date(1e12));
    // Files that are not the cache's, older and bigger than every entry: never touched (the
    // directory may be a shared one, such as the user's cache directory).
    const others = ['jaeger-v1.76.0', 'notes.tmp', `${keys[0]!.toUpperCase()}`, `${keys[0]}x`];
    for (const name of others) {
      writeFileSync(join(dir, name), 'x'.repeat(size * 10));
      utimesSync(join(dir, name), new Date(1e11), new Date(1e11));
    }
    const bound = size * 4 + 1;
    new TransformCache(dir, bound, join(ROOT, 'dist')).evict();
    // Entries are the same size: 80% of four and a byte keeps the newest three, and the leftover goes.
    assert.deepEqual(readdirSync(dir).sort(), [...keys.slice(3), ...others].sort());
  });

  it('an entry reads back as written, and not under another key', () => {
    const entry = {
      kind: 'instrumented' as const,
      goal: 'module' as const,
      functions: 1,
      suspensions: 1,
      code: 'async function f(){const é=1;}',
      map: '{"version":3}',
      sites: [
        { kind: 'function' as const, file: '/a.mjs', line: 1, column: 1, name: 'f', text: '' },
        { kind: 'await' as const, file: '/orig.ts', line: 2, column: 3, name: '', text: 'await Promise.all([a, b])', fn: 0, combinator: 'all' as const, members: ['a', 'b'] },
      ],
      ids: [7, 8],
      slots: [10, 0, 20, 1],
    };
    const bytes = encodeEntry('k1', entry, '/a.mjs');
    assert.deepEqual(decodeEntry(bytes, 'k1', '/a.mjs'), entry);
    assert.equal(decodeEntry(bytes, 'k2', '/a.mjs'), undefined);
    assert.equal(decodeEntry(bytes.subarray(0, bytes.length - 1), 'k1', '/a.mjs'), undefined);
  });

  it('relocateIds writes new ids at their slots and moves map segments after a longer id', () => {
    const code = 'f(9,a);g(9,b)';
    // Segments at columns 0 (f), 4 (a), 7 (g), 11 (b), each at the same original column.
    const map = JSON.stringify({ version: 3, sources: ['s'], names: [], mappings: 'AAAA,IAAI,GAAG,IAAI' });
    const moved = relocateIds(code, map, [2, 0, 9, 1], [9, 9], [10, 9]);
    assert.equal(moved.code, 'f(10,a);g(9,b)');
    assert.equal((JSON.parse(moved.map!) as { mappings: string }).mappings, 'AAAA,KAAI,GAAG,IAAI');
    assert.deepEqual(relocateIds(code, map, [2, 0, 9, 1], [9, 9], [9, 9]), { code, map });
  });
});
