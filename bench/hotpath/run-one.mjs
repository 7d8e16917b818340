// One measurement of bench/hotpath.mjs, in its own process: warms a workload up, then prints as
// JSON the CPU time per iteration (µs) of the next ITERATIONS iterations, the clock reads per
// iteration and the spans ended in them (when the preload counts them), and whether awaitwhat was loaded.
const workloads = await import('./workloads.mjs');
const name = process.argv[2];
const iterations = Number(process.argv[3] ?? 200_000);
const workload = workloads[name];
const wrap = globalThis.__benchWrap ?? ((run) => run());
await wrap(() => workload(iterations >> 2));
const clock0 = globalThis.__benchClock ?? 0;
const spans0 = globalThis.__benchSpans ?? 0;
const start = process.cpuUsage();
await wrap(() => workload(iterations));
const used = process.cpuUsage(start);
console.log(
  JSON.stringify({
    us: (used.user + used.system) / iterations,
    clockReads: ((globalThis.__benchClock ?? 0) - clock0) / iterations,
    spans: (globalThis.__benchSpans ?? 0) - spans0,
    instrumented: typeof globalThis.__awaitwhat === 'object',
  }),
);
