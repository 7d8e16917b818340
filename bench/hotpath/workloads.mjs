// The hot-path workloads of bench/hotpath.mjs, instrumented when a variant loads awaitwhat: each
// `iterate` runs one workload `n` times, sequentially.

async function leaf() {
  await null;
}
async function mid() {
  await leaf();
}
async function top() {
  await mid();
}

/** The brief's chain: three async functions, each awaiting the next; the leaf awaits a value. */
export async function chain(n) {
  for (let i = 0; i < n; i++) await top();
}

async function work(i) {
  await null;
  return i;
}

/** Stored promises: results kept, then awaited (`const p = f(); … await p`). */
export async function stored(n) {
  for (let i = 0; i < n; i++) {
    const a = work(i);
    const b = work(i + 1);
    await a;
    await b;
  }
}

const TEN = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** `Promise.all` of 10 async calls made by `map` (several callees before one claim). */
export async function fanout(n) {
  for (let i = 0; i < n; i++) await Promise.all(TEN.map((x) => work(x)));
}
