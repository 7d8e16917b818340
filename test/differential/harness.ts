/**
 * One run of a program: the helpers it receives as `h` and the log they write.
 *
 * Every log line is stamped `<segment>:<tick>`. A segment is the program's first synchronous run
 * or one macrotask; at the start of each, a ticker begins a chain of microtasks that counts ticks,
 * so the stamp places each line between two ticks and any microtask added or removed anywhere
 * shifts the stamps after it. The ticker stops after `IDLE_TICKS` ticks without a log line (the
 * stamp then reads `<segment>:-`), so that an idle program does not keep the queue busy.
 *
 * Macrotasks (`immediate`, `timeout`) run one at a time, in the order they were asked for, each by
 * its real mechanism: Node.js orders a setTimeout(0) against a setImmediate by the clock, and a
 * slower (instrumented) run must not see another order.
 */

import { types } from 'node:util';
import type { Shell, ThenableMode, Timing } from './model.ts';

const IDLE_TICKS = 100;
const MAX_TICKS = 20_000;
const MAX_LINES = 20_000;

type Settle = (value?: unknown) => void;

interface Thenable {
  then(resolve: Settle, reject: Settle): void;
}

interface RootRecord {
  label: string;
  promise: Promise<unknown>;
  settled: boolean;
}

export class Session {
  readonly #lines: string[] = [];
  readonly #atBoundary: () => void;
  readonly #pause: (() => Promise<void>) | undefined;
  #dropped = 0;
  #segment = -1;
  #tick = 0;
  #ticking = false;
  #lastActivity = 0;
  readonly #tasks: { how: Timing; run: () => void }[] = [];
  #busy = false;
  readonly #roots: RootRecord[] = [];
  readonly #observed = new Set<RootRecord>();
  readonly #unhandled = new Map<Promise<unknown>, number>();

  /**
   * `atBoundary` runs at the start of every segment, before any program code of it. `pause`, when
   * given, runs before each macrotask the program asked for and once more when the program is
   * quiet, and the program waits for it: there nothing of the program's is running or queued, so
   * whatever it looks at (the oracle's graphs) stands still, even across microtasks of its own.
   */
  constructor(atBoundary: () => void, pause?: () => Promise<void>) {
    this.#atBoundary = atBoundary;
    this.#pause = pause;
  }

  /** The helpers a program calls; see print.ts for how it uses them. */
  readonly h = {
    log: (label: string, ...value: unknown[]) => this.record(label, ...value),
    err: (label: string) => new Error(label),
    later: (how: Timing, v: unknown) => new Promise((resolve) => this.#defer(how, () => resolve(v))),
    fail: (how: Timing, label: string) => new Promise((_, reject) => this.#defer(how, () => reject(new Error(label)))),
    thenable: (how: ThenableMode, shell: Shell, v: number, label: string) => this.#thenable(how, shell, v, label),
    probe: (v: unknown, label: string) => this.#probe(v, label),
    pair: (a: unknown, b: unknown) => [a, b],
    /** `{ value, get(), self }`, or (given a second argument) that instead. */
    box: (value: unknown, ...instead: unknown[]) => {
      if (instead.length > 0) return instead[0];
      const box = { value, get: () => value, self: {} };
      box.self = box;
      return box;
    },
    yes: (_: unknown) => true,
    getter: (read: () => unknown) => ({
      get v() {
        return read();
      },
    }),
    set: (items: unknown[]) => new Set(items),
    proxy: (items: unknown[], label: string) => this.#logLookups(items, label, (target, key) => Reflect.get(target, key)),
    /** Iterates an async generator to its end; resolves to the items. */
    drain: async (iterable: AsyncIterable<unknown>) => {
      const items: unknown[] = [];
      for await (const item of iterable) items.push(item);
      return items;
    },
    root: (label: string, promise: Promise<unknown>, observe: 'now' | 'end') => {
      const root: RootRecord = { label, promise, settled: false };
      this.#roots.push(root);
      if (observe === 'now') this.#observe(root);
    },
  };

  /** Starts segment 0: call just before running the program. */
  begin(): void {
    this.#startSegment();
  }

  record(label: string, ...value: unknown[]): void {
    this.#lastActivity = this.#tick;
    if (this.#lines.length >= MAX_LINES) {
      this.#dropped++;
      return;
    }
    const stamp = `${this.#segment}:${this.#ticking ? this.#tick : '-'}`;
    this.#lines.push(value.length === 0 ? `${stamp} ${label}` : `${stamp} ${label} ${show(value[0])}`);
  }

  unhandled(reason: unknown, promise: Promise<unknown>): void {
    const id = this.#unhandled.size;
    this.#unhandled.set(promise, id);
    this.record(`unhandled#${id}`, reason);
  }

  handled(promise: Promise<unknown>): void {
    this.record(`handled#${this.#unhandled.get(promise) ?? '?'}`);
  }

  /** Waits until the program is quiet, then observes the roots not observed yet; returns the log. */
  async finish(): Promise<string[]> {
    await this.#idle();
    await this.#pause?.();
    this.#startSegment();
    for (const root of this.#roots) if (!this.#observed.has(root)) this.#observe(root);
    await this.#idle();
    for (const root of this.#roots) if (!root.settled) this.record(`${root.label} pending`);
    // A `rejectionHandled` is emitted on the turn after the handler was added.
    await new Promise(setImmediate);
    if (this.#dropped > 0) this.#lines.push(`(${this.#dropped} more lines)`);
    return this.#lines;
  }

  #observe(root: RootRecord): void {
    this.#observed.add(root);
    root.promise.then(
      (v) => {
        root.settled = true;
        this.record(`${root.label} fulfilled`, v);
      },
      (e) => {
        root.settled = true;
        this.record(`${root.label} rejected`, e);
      },
    );
  }

  #startSegment(): void {
    this.#segment++;
    this.#atBoundary();
    this.#tick = 0;
    this.#lastActivity = 0;
    this.#ticking = true;
    const step = () => {
      this.#tick++;
      if (this.#tick - this.#lastActivity < IDLE_TICKS && this.#tick < MAX_TICKS) queueMicrotask(step);
      else this.#ticking = false;
    };
    queueMicrotask(step);
  }

  /** Runs `run` as a macrotask of its own, after those asked for before. */
  task(run: () => void): void {
    this.#defer('immediate', run);
  }

  #defer(how: Timing, run: () => void): void {
    if (how === 'micro') queueMicrotask(run);
    else {
      this.#tasks.push({ how, run });
      if (!this.#busy) this.#nextTask();
    }
  }

  #nextTask(): void {
    this.#busy = true;
    const task = this.#tasks[0]!;
    const run = () => {
      this.#tasks.shift();
      this.#startSegment();
      task.run();
      if (this.#tasks.length > 0) this.#nextTask();
      else this.#busy = false;
    };
    const pause = this.#pause;
    const start = pause === undefined ? run : () => void pause().then(run);
    if (task.how === 'timeout') setTimeout(start, 0);
    else setImmediate(start);
  }

  /** Resolves on a macrotask after which no microtask and no requested macrotask is left. */
  #idle(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => (this.#busy ? setImmediate(check) : resolve());
      setImmediate(check);
    });
  }

  #thenable(how: ThenableMode, shell: Shell, v: number, label: string): Thenable {
    const session = this;
    const thenable = {
      then(resolve: Settle, reject: Settle) {
        session.record(`${label} then`);
        switch (how) {
          case 'sync':
            resolve(v);
            break;
          case 'syncReject':
            reject(new Error(label));
            break;
          case 'micro':
            queueMicrotask(() => resolve(v));
            break;
          case 'macro':
            session.#defer('immediate', () => resolve(v));
            break;
          case 'throws':
            throw new Error(label);
          case 'twice':
            resolve(v);
            resolve(v + 1);
            reject(new Error(label));
            break;
          case 'nested':
            resolve(Promise.resolve(v));
            break;
          case 'never':
            break;
        }
      },
    };
    if (shell === 'getter') {
      return {
        get then() {
          session.record(`${label} get then`);
          return thenable.then;
        },
      };
    }
    if (shell === 'proxy') return this.#logLookups(thenable, label, (t, key) => Reflect.get(t, key));
    return thenable;
  }

  /** A proxy of `target` that logs every property lookup, each answered by `answer`. */
  #logLookups<T extends object>(target: T, label: string, answer: (target: T, key: string | symbol) => unknown): T {
    return new Proxy(target, {
      get: (t, key) => {
        this.record(`${label} get ${String(key)}`);
        return answer(t, key);
      },
    });
  }

  /** A native promise whose `then` and `constructor` lookups are logged: code that inspects it shows. */
  #probe(v: unknown, label: string): Promise<unknown> {
    const promise = Promise.resolve(v);
    Object.defineProperty(promise, 'then', {
      get: () => {
        this.record(`${label} .then`);
        return Promise.prototype.then;
      },
    });
    Object.defineProperty(promise, 'constructor', {
      get: () => {
        this.record(`${label} .constructor`);
        return Promise;
      },
    });
    return promise;
  }
}

/** A value as a log shows it: deterministic, and without running any of the program's code. */
export function show(v: unknown, depth = 0): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return JSON.stringify(v);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'symbol':
      return v.toString();
    case 'function':
      return 'function';
  }
  if (types.isProxy(v)) return 'Proxy';
  if (types.isPromise(v)) return 'Promise';
  if (v instanceof AggregateError) return `AggregateError[${v.errors.map((e) => show(e, depth + 1)).join(', ')}]`;
  if (v instanceof Error) return `${v.constructor.name}(${v.message})`;
  if (depth > 4) return '…';
  if (Array.isArray(v)) return `[${v.map((x) => show(x, depth + 1)).join(', ')}]`;
  const tag = Object.prototype.toString.call(v);
  if (tag !== '[object Object]') return tag;
  return `{${Object.entries(v as object)
    .map(([k, x]) => `${k}: ${show(x, depth + 1)}`)
    .join(', ')}}`;
}
