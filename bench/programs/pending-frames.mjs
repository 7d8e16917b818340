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
  const times = [];
  let nodes = 0;
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    nodes = snapshot().stats.frames;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  result.snapshotMs = Number(times[3].toFixed(1));
  result.snapshotFrames = nodes;
  // A yardstick for this machine's speed: serialising the snapshot just taken.
  const taken = snapshot();
  const s = performance.now();
  JSON.stringify(taken);
  result.stringifyMs = Number((performance.now() - s).toFixed(1));
  // The CLI's report: only trees with an await over the threshold, at most 5000 lines.
  const renders = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    renderText(taken, { minPendingMs: 1 });
    renders.push(performance.now() - t);
  }
  renders.sort((a, b) => a - b);
  result.renderTextMs = Number(renders[2].toFixed(1));
  const { longestSuspension } = { longestSuspension: globalThis.__awaitwhat.internals.longestSuspension };
  const t = performance.now();
  for (let r = 0; r < 5; r++) longestSuspension(performance.now());
  result.watchdogCheckMs = Number(((performance.now() - t) / 5).toFixed(2));
}
gate.open();
await Promise.all(started);
console.log(JSON.stringify(result));
