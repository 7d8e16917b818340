// Keeps N async frames pending (N/4 chains handler → service → repo → driver, as in
// pending-frames.mjs) and measures snapshot() alone: CPU time of the first call and the median of
// the warm ones (process.cpuUsage, user + system), and the extra memory one call needs: the peak
// RSS during the calls (process.resourceUsage().maxRSS, a high-water mark) over the RSS before
// them, and the heap the kept result holds (heapUsed after a forced GC, minus before). Run with
// --expose-gc and --import awaitwhat/hooks; prints one JSON line.
//   node --expose-gc --import ./dist/hooks.js bench/programs/snapshot-scale.mjs N [calls]
import { setTimeout as sleep } from 'node:timers/promises';

const N = Number(process.argv[2] ?? 100_000);
const calls = Number(process.argv[3] ?? 1);
let open;
const blocked = new Promise((resolve) => (open = resolve));

async function driver(i) { await blocked; return i; }
async function repo(i) { return await driver(i); }
async function service(i) { await repo(i); }
async function handler(i) { await service(i); }

const started = [];
for (let i = 0; i < N / 4; i++) started.push(handler(i));
await sleep(50);
const { snapshot } = await import('../../dist/index.js');
globalThis.gc();
const rssBefore = process.memoryUsage().rss;
const heapBefore = process.memoryUsage().heapUsed;
const cpu = [];
let taken;
for (let r = 0; r < calls; r++) {
  taken = undefined;
  const t = process.cpuUsage();
  taken = snapshot();
  const d = process.cpuUsage(t);
  cpu.push((d.user + d.system) / 1000);
}
const peakRss = process.resourceUsage().maxRSS * 1024;
globalThis.gc();
const kept = process.memoryUsage().heapUsed - heapBefore;
const MB = 1024 * 1024;
const warm = cpu.slice(Math.min(cpu.length - 1, Math.floor(cpu.length / 2))).sort((a, b) => a - b);
console.log(JSON.stringify({
  frames: taken.stats.frames,
  nodes: taken.nodes.length,
  firstMs: Math.round(cpu[0]),
  warmMs: Math.round(warm[warm.length >> 1]),
  peakExtraRssMB: Math.round((peakRss - rssBefore) / MB),
  keptHeapMB: Math.round(kept / MB),
}));
open();
await Promise.all(started);
