// Keeps N async frames pending (N/4 chains of 4: handler → service → repo → driver, each
// awaited by the one above), then measures snapshot() and memory. Run with the hooks to
// measure awaitwhat, without them for the baseline memory.
import { setTimeout as sleep } from 'node:timers/promises';

const N = Number(process.argv[2] ?? 10_000);
const gate = { open: null };
const blocked = new Promise((resolve) => (gate.open = resolve));

async function driver(i) { await blocked; return i; }
async function repo(i) { return await driver(i); }
async function service(i) { await repo(i); }
async function handler(i) { await service(i); }

globalThis.gc?.();
const before = process.memoryUsage().heapUsed;
const started = [];
for (let i = 0; i < N / 4; i++) started.push(handler(i));
await sleep(50);
globalThis.gc?.();
const heapPerFrame = (process.memoryUsage().heapUsed - before) / N;

const result = { frames: N, heapBytesPerFrame: Math.round(heapPerFrame) };
if (typeof globalThis.__awaitwhat === 'object') {
  const { renderText, snapshot } = await import('../../dist/index.js');
  // The first call runs cold (interpreted, then compiled as it goes): what a one-off report costs.
  // Then 15 more; the median of the last 9 is the warm figure (a sampler taking one every tick).
  const timed = (fn) => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  };
  let taken;
  const snapshots = [];
  for (let r = 0; r < 16; r++) snapshots.push(timed(() => (taken = snapshot())));
  result.snapshotFrames = taken.stats.frames;
  result.snapshotColdMs = round(snapshots[0]);
  result.snapshotMs = round(median(snapshots.slice(7)));
  // Yardsticks for this machine: serialising the snapshot just taken, and allocating objects of
  // the same shapes as its nodes (ids, arrays and all) in a bare loop: the floor for any builder
  // of this result.
  result.stringifyMs = round(timed(() => JSON.stringify(taken)));
  const floors = [];
  for (let r = 0; r < 9; r++) floors.push(timed(() => allocateLike(taken.nodes)));
  result.allocationFloorMs = round(median(floors));
  // The CLI's report: only trees with an await over the threshold, at most 5000 lines.
  const renders = [];
  for (let r = 0; r < 10; r++) renders.push(timed(() => renderText(taken, { minPendingMs: 1 })));
  result.renderTextColdMs = round(renders[0]);
  result.renderTextMs = round(median(renders.slice(1)));
  const { longestSuspension } = (await import('../../dist/runtime/internals.js')).runtimeInternals();
  const t = performance.now();
  for (let r = 0; r < 5; r++) longestSuspension(performance.now());
  result.watchdogCheckMs = Number(((performance.now() - t) / 5).toFixed(2));
}
gate.open();
await Promise.all(started);

function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

function round(ms) {
  return Number(ms.toFixed(1));
}

function allocateLike(nodes) {
  const copies = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    copies[i] = { ...n, id: `${n.id.slice(0, 1)}${i}`, awaits: n.awaits.slice(), awaitedBy: n.awaitedBy.slice() };
  }
  return copies;
}
console.log(JSON.stringify(result));
