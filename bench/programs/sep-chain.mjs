// The chain microbenchmark for a process of its own: median CPU µs per iteration over 9 rounds.
import { iterate } from './chain.mjs';

const ITERATIONS = 200_000;
const times = [];
await iterate(ITERATIONS);
for (let r = 0; r < 9; r++) {
  const start = process.cpuUsage();
  await iterate(ITERATIONS);
  const used = process.cpuUsage(start);
  times.push((used.user + used.system) / ITERATIONS);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ usPerIteration: times[4] }));
