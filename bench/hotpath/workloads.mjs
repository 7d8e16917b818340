// The hot-path workloads of bench/hotpath.mjs, instrumented when a variant loads awaitwhat: each
// one runs its workload `n` times, sequentially. `ITERATIONS` scales the default iteration count of
// bench/hotpath.mjs per workload, so that every measurement takes about as long.

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

async function* numbers(count) {
  for (let i = 0; i < count; i++) {
    await null;
    yield i;
  }
}

/** `for await` over an async generator of 10 items, each produced after an await. */
export async function asyncgen(n) {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for await (const x of numbers(10)) sum += x;
  }
  return sum;
}

let released = 0;
async function guarded(i) {
  try {
    await null;
    return i;
  } finally {
    released++;
  }
}
async function withLock(i) {
  try {
    return await guarded(i);
  } finally {
    released++;
  }
}

/** Two nested `try/finally` functions awaiting each other (the shape of lock and transaction helpers). */
export async function tryfinally(n) {
  for (let i = 0; i < n; i++) await withLock(i);
  return released;
}

class Repository {
  async find(id) {
    await null;
    return { id };
  }
}
class Service {
  repository = new Repository();
  async load(id) {
    const row = await this.repository.find(id);
    return row.id;
  }
}
class Controller {
  service = new Service();
  async handle(id) {
    return await this.service.load(id);
  }
}
const controller = new Controller();

/** A 3-deep chain of class methods (controller → service → repository), each returning a value. */
export async function methods(n) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await controller.handle(i);
  return sum;
}

let noted = 0;
function note() {
  noted++;
}
async function logged() {
  note();
  note();
  note();
  note();
  note();
  note();
  note();
  note();
  note();
  note();
  await null;
}

/**
 * Ten calls whose results are dropped, each starting its line (`note();`), in an async function
 * awaited once: what claiming dropped results costs when no async function ran in the call (not
 * in the default set; `--workloads=dropped`).
 */
export async function dropped(n) {
  for (let i = 0; i < n; i++) await logged();
  return noted;
}

/** Iterations per measurement relative to the chain's, so that each workload runs about as long. */
export const ITERATIONS = { chain: 1, stored: 1, fanout: 0.15, asyncgen: 0.1, tryfinally: 1, methods: 1, dropped: 1 };
