// A target for bench/attach.mjs: a heap of about HEAP_MB megabytes (objects in arrays), CHAINS
// (200) hung async chains of depth 5, and a 5 ms interval that records the longest gap between its ticks
// (the pause an attach causes). Prints "ready"; on "report" on stdin prints the longest gap and
// its RSS high-water mark and the CPU time it used since it was ready (the attach's cost to it),
// then exits.
import { readFileSync } from 'node:fs';

const mb = Number(process.env.HEAP_MB ?? 5);
const keep = [];
// Objects with a string and an array each, until the heap in use reaches the size asked for.
while (process.memoryUsage().heapUsed < mb * 1048576) for (let i = 0; i < 10_000; i++) keep.push({ i, s: `item-${keep.length}`, a: [i, i + 1] });
const waiting = [];
async function leaf() { await new Promise((resolve) => waiting.push(resolve)); }
async function level(n) { if (n === 0) await leaf(); else await level(n - 1); }
const chains = Number(process.env.CHAINS ?? 200);
for (let i = 0; i < chains; i++) void level(4);

let last = performance.now();
let longest = 0;
let cpuAtReady;
setInterval(() => {
  const now = performance.now();
  longest = Math.max(longest, now - last);
  last = now;
}, 5);
process.stdin.setEncoding('utf8').on('data', (d) => {
  if (!d.includes('report')) return;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1];
  process.stdout.write(`${JSON.stringify({ longestGapMs: Math.round(longest), rssHighWaterMB: Math.round(Number(hwm) / 1024), objects: keep.length, cpuMs: Math.round(Object.values(process.cpuUsage(cpuAtReady)).reduce((a, b) => a + b, 0) / 1000) })}\n`);
  process.exit(0);
});
setTimeout(() => {
  longest = 0;
  cpuAtReady = process.cpuUsage();
  process.stdout.write(`ready ${process.memoryUsage().heapUsed}\n`);
}, 500);
