// Keeps N async frames pending (N/4 chains handler → service → repo → driver, as in
// snapshot-scale.mjs), takes one snapshot and measures renderText on it: CPU time (user + system,
// process.cpuUsage) of each of `renders` calls per case after a warm-up: first, median and mean. Cases: the default
// options (at most 5000 lines), `maxLines: 50`, `minPendingMs: 1` (every frame over it),
// `minPendingMs: 1e9` (no frame over it: every tree one line). "copy" cases render `{ ...snapshot }`:
// the same nodes, but no graph kept beside it, so the graph is rebuilt from ids.
// `only`: a comma-separated list of case names, to run (and warm up) only those in this process.
// Run with the awaitwhat build to measure (its hooks and its index):
//   node --max-semi-space-size=16 --import <root>/dist/hooks.js bench/programs/render-scale.mjs N [renders] [root] [only]
// Prints one JSON line.
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const N = Number(process.argv[2] ?? 100_000);
const renders = Number(process.argv[3] ?? 4);
const root = path.resolve(process.argv[4] ?? new URL('../..', import.meta.url).pathname);
const only = process.argv[5] === undefined ? undefined : process.argv[5].split(',');
let open;
const blocked = new Promise((resolve) => (open = resolve));

async function driver(i) { await blocked; return i; }
async function repo(i) { return await driver(i); }
async function service(i) { await repo(i); }
async function handler(i) { await service(i); }

const started = [];
for (let i = 0; i < N / 4; i++) started.push(handler(i));
await sleep(50);
const { snapshot, renderText } = await import(pathToFileURL(path.join(root, 'dist/index.js')).href);
const taken = snapshot();
const allCases = {
  default: [taken, {}],
  lines50: [taken, { maxLines: 50 }],
  slowAll: [taken, { minPendingMs: 1 }],
  slowNone: [taken, { minPendingMs: 1e9 }],
  copyDefault: [{ ...taken }, {}],
  copyLines50: [{ ...taken }, { maxLines: 50 }],
};
const cases = only === undefined ? allCases : Object.fromEntries(only.map((name) => [name, allCases[name]]));
// Warm-up: every case once at 20 lines, so that the figures are of compiled code, as in a process
// that reports more than once (the first call of a one-off report is slower for both paths).
for (const [s, options] of Object.values(cases)) renderText(s, { ...options, maxLines: 20 });
const result = { frames: taken.stats.frames, nodes: taken.nodes.length };
let lines = 0;
for (const [name, [s, options]] of Object.entries(cases)) {
  const cpu = [];
  for (let r = 0; r < renders; r++) {
    const t = process.cpuUsage();
    const text = renderText(s, options);
    const d = process.cpuUsage(t);
    cpu.push((d.user + d.system) / 1000);
    lines = text.split('\n').length - 1;
  }
  const sorted = [...cpu].sort((a, b) => a - b);
  // The mean counts the full collections the renders start (one every few renders at 1M frames), which a median of 4 may miss or hit.
  const meanMs = cpu.reduce((a, b) => a + b, 0) / cpu.length;
  result[name] = { firstMs: +cpu[0].toFixed(1), medianMs: +sorted[sorted.length >> 1].toFixed(1), meanMs: +meanMs.toFixed(1), lines };
}
console.log(JSON.stringify(result));
open();
await Promise.all(started);
