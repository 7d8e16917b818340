/**
 * The leaves of graph programs: gate k is one promise and one thenable, both settled when the
 * release schedule reaches k, or never. The harness makes them, so it knows their state without
 * asking anyone, and holds them (and so every frame waiting on them) for the whole run: a pending
 * frame the garbage collector could reclaim would leave awaitwhat's graph by design.
 */

export type SettleState = 'pending' | 'fulfilled' | 'rejected';

interface Gate {
  promise: Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  thenable: { then(onFulfilled: (v: unknown) => void, onRejected: (e: unknown) => void): void };
  /** Callbacks the thenable was given before its gate was released. */
  waiting: [(v: unknown) => void, (e: unknown) => void][];
  state: SettleState;
}

export class Gates {
  readonly #gates = new Map<number, Gate>();

  #gate(k: number): Gate {
    let gate = this.#gates.get(k);
    if (gate !== undefined) return gate;
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Rejected gates are rejections the program may never handle; that is the program's business,
    // and shows in both runs' logs alike.
    const created: Gate = {
      promise,
      resolve,
      reject,
      waiting: [],
      state: 'pending',
      thenable: {
        then: (onFulfilled, onRejected) => {
          if (created.state === 'fulfilled') onFulfilled(k);
          else if (created.state === 'rejected') onRejected(new Error(`gate ${k}`));
          else created.waiting.push([onFulfilled, onRejected]);
        },
      },
    };
    gate = created;
    this.#gates.set(k, gate);
    return gate;
  }

  promise(k: number): Promise<unknown> {
    return this.#gate(k).promise;
  }

  thenable(k: number): object {
    return this.#gate(k).thenable;
  }

  state(k: number): SettleState {
    return this.#gates.get(k)?.state ?? 'pending';
  }

  /** Gates made so far with their promises (the ones V8 can walk from). */
  made(): [number, Promise<unknown>][] {
    return [...this.#gates].map(([k, g]) => [k, g.promise]);
  }

  release(k: number, reject: boolean): void {
    const gate = this.#gate(k);
    if (gate.state !== 'pending') return;
    gate.state = reject ? 'rejected' : 'fulfilled';
    if (reject) gate.reject(new Error(`gate ${k}`));
    else gate.resolve(k);
    for (const [onFulfilled, onRejected] of gate.waiting.splice(0)) {
      if (reject) onRejected(new Error(`gate ${k}`));
      else onFulfilled(k);
    }
  }
}
