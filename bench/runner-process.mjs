#!/usr/bin/env node
// What awaitwhat adds to one test file's process (node --test starts one per file): one generated
// node:test file (5 tests calling async functions of a shared source module, as bench/runners.mjs
// generates them) run by `node <file>` under variants — plain, `--import awaitwhat/hooks` only, and
// command mode's preload (cli/preload.js with the configuration the command writes) with nothing
// instrumented, without source maps, and as it is; with AWAITWHAT_BENCH_COMPARE=<dist>, another
// build's preload too. ROUNDS rounds (default 6; AWAITWHAT_BENCH_ROUNDS), variants rotated each
// round, 5 runs per measurement, --max-semi-space-size=16; CPU ms per process (cutime + cstime of
// the waited-for children), medians with min–max.
//
//   node bench/runner-process.mjs     → a Markdown table on stdout
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.env.AWAITWHAT_BENCH_NODE || process.execPath;
const ROUNDS = Number(process.env.AWAITWHAT_BENCH_ROUNDS || 6);
const RUNS = 5;
const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-bench-process-'));
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
mkdirSync(join(dir, 'node_modules')); // the transform and compile caches go to node_modules/.cache here
mkdirSync(join(dir, 'src'));
mkdirSync(join(dir, 'test'));
writeFileSync(
  join(dir, 'src', 'service.mjs'),
  `const tick = () => new Promise((resolve) => setImmediate(resolve));
export async function load(id) { await tick(); return { id }; }
export async function fetchUser(id) { const row = await load(id); return { ...row, name: 'user ' + id }; }
export async function handle(id) { return await fetchUser(id); }
export async function batch(n) { return await Promise.all(Array.from({ length: n }, (_, i) => handle(i))); }
`,
);
const tests = [];
for (let t = 0; t < 5; t++) tests.push(`  it('case ${t}', async () => { const users = await batch(10); if (users.length !== 10) throw new Error('bad'); await handle(${t}); });`);
writeFileSync(join(dir, 'test', 's0.test.mjs'), `import { describe, it } from 'node:test';\nimport { batch, handle } from '../src/service.mjs';\ndescribe('suite 0', () => {\n${tests.join('\n')}\n});\n`);

// The configuration command mode writes for `awaitwhat --after 10m <command>` (cli/config.ts).
const config = { afterMs: 600_000, format: 'text', once: false, all: false, include: [], exclude: [], packages: [], omitText: false, sourceMaps: true, holders: 'default', holdersMaxHeapBytes: 268_435_456, cwd: dir, supervisorPid: process.pid, labelEvery: true };
const preload = (dist, changes = {}) => [`--import=${pathToFileURL(join(dist, 'cli', 'preload.js')).href}?awaitwhat=${encodeURIComponent(JSON.stringify({ ...config, ...changes }))}`];
const DIST = join(ROOT, 'dist');
const variants = {
  plain: [],
  '`--import awaitwhat/hooks` only': [`--import=${pathToFileURL(join(DIST, 'hooks.js')).href}`],
  "command mode's preload, nothing instrumented (`exclude: ['**']`)": preload(DIST, { exclude: ['**'] }),
  "command mode's preload, no source maps": preload(DIST, { sourceMaps: false }),
  "command mode's preload": preload(DIST),
};
for (const other of (process.env.AWAITWHAT_BENCH_COMPARE ?? '').split(',').filter(Boolean)) variants[`command mode's preload of ${other}`] = preload(other);

function childrenCpuMs() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}
function run(args) {
  const r = spawnSync(NODE, ['--max-semi-space-size=16', ...args, join('test', 's0.test.mjs')], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
}

const labels = Object.keys(variants);
const results = Object.fromEntries(labels.map((label) => [label, []]));
try {
  for (const label of labels) run(variants[label]); // warms the caches
  for (let round = 0; round < ROUNDS; round++) {
    const order = labels.slice(round % labels.length).concat(labels.slice(0, round % labels.length));
    for (const label of order) {
      const before = childrenCpuMs();
      for (let i = 0; i < RUNS; i++) run(variants[label]);
      results[label].push((childrenCpuMs() - before) / RUNS);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
console.log(`Node.js ${spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()}, one node:test file of 5 tests, ${ROUNDS} rounds × ${RUNS} runs (order rotated), warm caches, --max-semi-space-size=16.\n`);
console.log('| process loads | CPU ms, median (min–max) | added |');
console.log('|---|---|---|');
for (const label of labels) {
  const xs = results[label];
  console.log(`| ${label} | ${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}) | ${label === 'plain' ? '' : (median(xs) - median(results.plain)).toFixed(0)} |`);
}
