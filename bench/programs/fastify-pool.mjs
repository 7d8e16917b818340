// The fastify service benchmark's database: an in-process fake connection pool, standing in for a
// driver from node_modules (so the benchmark excludes this file from instrumentation, as awaitwhat
// leaves node_modules alone by default). No function here is async: the pool is not one of the
// service's seven async functions.
//
// A query resolves after one real turn of the event loop (setImmediate), not after a loopback
// socket round trip: the service's awaits then resume from a later turn, as they would after a
// socket read, which is what awaitwhat's turn-dependent paths (clock reads at call ends, the
// per-turn flush) see; but the server's CPU time per request is not inflated by a fake database's
// syscalls and parsing in the same process, which would dilute the ratio the target is about and
// cannot be pinned to another CPU.

const TABLES = {
  sessions: (token) => [{ token, userId: 42 }],
  users: (id) => [{ id, name: `user ${id}`, tier: 'gold' }],
  orders: (userId) => [
    { id: 1001, userId, productId: 7, quantity: 2 },
    { id: 1002, userId, productId: 9, quantity: 1 },
    { id: 1003, userId, productId: 7, quantity: 3 },
  ],
  prices: (ids) => ids.map((id) => ({ productId: id, cents: id * 100 + 99 })),
  audit: () => [],
};

export class Pool {
  #free;
  #waiting = [];

  constructor(size) {
    this.#free = size;
  }

  // query('users', 42) → a promise of rows, resolved on a later turn of the event loop. A query
  // beyond the pool's size waits for a connection, first come first served.
  query(table, key) {
    return new Promise((resolve) => {
      const run = () => setImmediate(() => {
        this.#release();
        resolve(TABLES[table](key));
      });
      if (this.#free > 0) {
        this.#free--;
        run();
      } else {
        this.#waiting.push(run);
      }
    });
  }

  #release() {
    const next = this.#waiting.shift();
    if (next === undefined) this.#free++;
    else next();
  }
}
