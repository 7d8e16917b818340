// Alternates rounds of the instrumented and the plain copy of the chain in one process, and
// prints the medians, the median of per-round ratios and the ratio of the fastest rounds as JSON.
import { iterate as instrumented } from './chain.mjs';
import { iterate as plain } from './chain-plain.mjs';

const ITERATIONS = Number(process.env.ITERATIONS ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 21);

// CPU time rather than wall time: on a shared virtual machine, time the vCPU spends descheduled
// is not charged to the process, which removes most of the run-to-run noise.
async function time(fn) {
  const start = process.cpuUsage();
  await fn(ITERATIONS);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / ITERATIONS;
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const p = [];
const q = [];
const ratios = [];
for (let r = 0; r < 3; r++) {
  await time(plain);
  await time(instrumented);
}
for (let r = 0; r < ROUNDS; r++) {
  const a = await time(plain);
  const b = await time(instrumented);
  p.push(a);
  q.push(b);
  ratios.push(b / a);
}
console.log(
  JSON.stringify({
    plainUs: median(p),
    instrumentedUs: median(q),
    medianRatio: median(ratios),
    minRatio: Math.min(...q) / Math.min(...p),
    instrumented: typeof globalThis.__awaitwhat === 'object',
  }),
);
