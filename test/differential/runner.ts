/**
 * The test's side of the worker: run a program plain or instrumented, and compare the two logs.
 * Runs go one at a time (a caller awaits each). A run that does not finish in time is reported as
 * such, and the next one gets a fresh worker.
 */

import { Worker } from 'node:worker_threads';
import type { RunReply, RunRequest } from './worker.ts';

const WORKER = new URL('./worker.ts', import.meta.url);
const TIMEOUT_MS = 10_000;
/**
 * Runs per worker. Frames that programs left pending forever are freed only by a full garbage
 * collection, and until then every snapshot walks them; a fresh worker bounds that, but starts
 * cold (its JIT too), so not often.
 */
const RUNS_PER_WORKER = 4000;

export interface Comparison {
  same: boolean;
  plain: RunReply;
  instrumented: RunReply;
}

export class Runner {
  /** Started on first use, and again after one failed, hung or served its runs. */
  #worker: Worker | undefined;
  #nextId = 0;
  #runs = 0;
  readonly #waiting = new Map<number, { resolve: (r: RunReply) => void; reject: (e: Error) => void }>();

  #current(): Worker {
    if (this.#worker !== undefined && this.#runs++ < RUNS_PER_WORKER) return this.#worker;
    void this.#worker?.terminate();
    const worker = new Worker(WORKER);
    worker.on('message', (reply: RunReply) => {
      this.#waiting.get(reply.id)?.resolve(reply);
      this.#waiting.delete(reply.id);
    });
    worker.on('error', (error) => {
      for (const w of this.#waiting.values()) w.reject(error);
      this.#waiting.clear();
      if (this.#worker === worker) this.#worker = undefined;
    });
    this.#worker = worker;
    this.#runs = 1;
    return worker;
  }

  run(source: string, goal: RunRequest['goal'], instrumented: boolean, graph?: RunRequest['graph']): Promise<RunReply> {
    const id = this.#nextId++;
    const worker = this.#current();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        if (this.#worker === worker) this.#worker = undefined;
        void worker.terminate();
        resolve({ id, log: [`did not finish within ${TIMEOUT_MS} ms`], functions: 0, frames: 0, code: source });
      }, TIMEOUT_MS);
      const settle = <T>(f: (v: T) => void) => (v: T) => {
        clearTimeout(timer);
        f(v);
      };
      this.#waiting.set(id, { resolve: settle(resolve), reject: settle(reject) });
      worker.postMessage({ id, source, goal, instrumented, graph } satisfies RunRequest);
    });
  }

  async compare(source: string, goal: RunRequest['goal'], graph?: RunRequest['graph']): Promise<Comparison> {
    const plain = await this.run(source, goal, false, graph);
    const instrumented = await this.run(source, goal, true, graph);
    return { same: sameLog(plain.log, instrumented.log), plain, instrumented };
  }

  async close(): Promise<void> {
    await this.#worker?.terminate();
    this.#worker = undefined;
  }
}

export function sameLog(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line === b[i]);
}

/** The first difference of two logs with a few lines of context, for failure messages. */
export function describeDifference(plain: readonly string[], instrumented: readonly string[]): string {
  let i = 0;
  while (i < plain.length && i < instrumented.length && plain[i] === instrumented[i]) i++;
  const from = Math.max(0, i - 3);
  const excerpt = (log: readonly string[]) => log.slice(from, i + 3).map((l, j) => `${from + j === i ? '>' : ' '} ${l}`).join('\n') || '  (empty)';
  return `logs differ at line ${i + 1}\n--- plain\n${excerpt(plain)}\n--- instrumented\n${excerpt(instrumented)}`;
}
