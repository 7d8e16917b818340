// One measurement of bench/hotpath.mjs, in its own process: warms a workload up, then prints the
// CPU time per iteration (µs) of the next ITERATIONS iterations as JSON.
const workloads = await import('./workloads.mjs');
const name = process.argv[2];
const iterations = Number(process.argv[3] ?? 200_000);
const run = workloads[name];
await run(iterations >> 2);
const start = process.cpuUsage();
await run(iterations);
const used = process.cpuUsage(start);
console.log(JSON.stringify({ us: (used.user + used.system) / iterations, instrumented: typeof globalThis.__awaitwhat === 'object' }));
