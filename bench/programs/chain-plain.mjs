// The brief's microbenchmark: a 3-deep chain of async functions, one await each.
// Copied verbatim as chain-plain.mjs, which the benchmark excludes from instrumentation, so that
// one process can time both and report their ratio, which this noisy machine keeps steady.
async function leaf() { await null; }
async function mid() { await leaf(); }
async function top() { await mid(); }

export async function iterate(iterations) {
  for (let i = 0; i < iterations; i++) await top();
}
