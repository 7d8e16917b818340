/**
 * Every thread's graph in one report. Each thread of the process (main and workers, which run the
 * preload too) has its own records, so a report from one thread alone can hide the culprit: the main
 * thread's `await once(worker, 'message')` crosses the threshold while the worker's chain is what
 * explains it. A `--once` or Ctrl-C report therefore gathers every thread's graph first.
 *
 * How: every thread listens on one broadcast channel. The reporting thread posts a request there
 * and then waits *synchronously* — it may be about to exit, or inside a signal handler beside the
 * program's own, which may exit right after it — pulling answers with `receiveMessageOnPort` and
 * sleeping with `Atomics.wait` between pulls, while the other threads answer from their own event
 * loops. The wait is bounded: a thread busy in synchronous code cannot answer and is named.
 *
 * Which threads to wait for: each thread announces itself when its preload starts, and each knows
 * which of the workers it started are still running (the `worker_threads` diagnostics channel hands
 * it the Worker objects; a finished one has `threadId` -1). An answer lists the answering thread's
 * live workers, so nested workers are waited for too.
 */

import { subscribe } from 'node:diagnostics_channel';
import { isMainThread, threadId, Worker } from 'node:worker_threads';
import { append, newList, publish, type List } from '../runtime/intrinsics.ts';
import type { Snapshot } from '../snapshot/schema.ts';
import { Channel, closeChannel, now, post, receiveMessage, sleep } from './builtins.ts';
import { describeError, tellOnce } from './faults.ts';
import { threadName } from './identity.ts';

const REQUESTS = 'awaitwhat:threads';
const GRAPHS = 'awaitwhat:graphs:';
const POLL_MS = 5;

type Request = { type: 'hello'; threadId: number } | { type: 'gather'; id: string } | { type: 'stop' };
type Answer = { threadId: number; snapshot: Snapshot | undefined; error: string | undefined; workers: number[] };

export interface ThreadGraph {
  threadId: number;
  snapshot: Snapshot;
}

export interface Gathered {
  graphs: ThreadGraph[];
  /** Threads that could not take a snapshot, with why. */
  failed: { threadId: number; error: string }[];
  /** Threads that did not answer in time. */
  silent: number[];
}

const getThreadId = Object.getOwnPropertyDescriptor(Worker.prototype, 'threadId')?.get;
const apply = Reflect.apply;
const keys = Object.keys;
const objectCreate = Object.create;
const unrefChannel = Channel.prototype.unref;
const WeakReference = WeakRef;
const derefMethod = WeakRef.prototype.deref;

export class Threads {
  readonly #snapshot: () => Snapshot;
  readonly #onStop: () => void;
  /** Threads whose preload announced itself (so that they can answer). */
  readonly #announced: Record<number, true> = Object.create(null) as Record<number, true>;
  /**
   * Workers this thread started, held weakly: a collected Worker has ended. A `List`, as every list
   * here that grows: appending to an ordinary array past its end would run a setter the program put
   * on `Array.prototype`'s indices (from the program's own `new Worker`, or at report time).
   */
  readonly #workers: List<WeakRef<Worker>> = newList();
  readonly #requests: Channel;
  /** The channel of the last answer: closing it right after posting can drop the answer, so it is closed at the next one. */
  #lastReply: Channel | undefined;
  #gathers = 0;

  /** `snapshot` answers other threads' requests; `onStop` runs on the main thread when a worker's `--once` report is written. */
  constructor(snapshot: () => Snapshot, onStop: () => void) {
    this.#snapshot = snapshot;
    this.#onStop = onStop;
    // Both run from the program's own work (creating a Worker, the event loop): a throw there would
    // reach the program, so a failure is told instead.
    subscribe('worker_threads', (message) => {
      try {
        const worker = (message as { worker?: Worker }).worker;
        if (worker !== undefined) append(this.#workers, new WeakReference(worker));
      } catch (error) {
        tellOnce('could not follow a new worker thread; a report may not wait for it', error);
      }
    });
    this.#requests = new Channel(REQUESTS);
    this.#requests.onmessage = (event: unknown) => {
      try {
        this.#receive((event as { data: Request }).data);
      } catch (error) {
        tellOnce(`${threadName(threadId)} could not answer another thread's report`, error);
      }
    };
    apply(unrefChannel, this.#requests, []);
    post(this.#requests, { type: 'hello', threadId } satisfies Request);
  }

  /** Asks the main thread to end the process (from a worker whose `--once` report is written). */
  stopProcess(): void {
    post(this.#requests, { type: 'stop' } satisfies Request);
  }

  /** Every other thread's graph, waiting at most `timeoutMs` for them. */
  gather(timeoutMs: number): Gathered {
    const id = `${threadId}:${++this.#gathers}`;
    const replies = new Channel(GRAPHS + id);
    const expected = this.#liveWorkers();
    if (!isMainThread) append(expected, 0);
    const answers: Record<number, Answer> = objectCreate(null) as Record<number, Answer>;
    post(this.#requests, { type: 'gather', id } satisfies Request);
    const deadline = now() + timeoutMs;
    for (;;) {
      for (let m = receiveMessage(replies); m !== undefined; m = receiveMessage(replies)) {
        const answer = m.message as Answer;
        answers[answer.threadId] = answer;
        for (let i = 0; i < answer.workers.length; i++) if (answer.workers[i] !== threadId) append(expected, answer.workers[i]!);
      }
      let waiting = false;
      for (let i = 0; i < expected.length; i++) if (answers[expected[i]!] === undefined) waiting = true;
      if (!waiting || now() >= deadline) break;
      sleep(POLL_MS);
    }
    closeChannel(replies);
    const graphs = newList<ThreadGraph>();
    const failed = newList<{ threadId: number; error: string }>();
    const answered = keys(answers);
    for (let i = 0; i < answered.length; i++) {
      const answer = answers[+answered[i]!]!;
      if (answer.snapshot !== undefined) append(graphs, { threadId: answer.threadId, snapshot: answer.snapshot });
      else append(failed, { threadId: answer.threadId, error: answer.error ?? 'unknown error' });
    }
    const silent: Record<number, true> = objectCreate(null) as Record<number, true>;
    for (let i = 0; i < expected.length; i++) if (answers[expected[i]!] === undefined) silent[expected[i]!] = true;
    const missing = keys(silent);
    const notAnswering = newList<number>();
    for (let i = 0; i < missing.length; i++) append(notAnswering, +missing[i]!);
    // Object.keys lists integer keys in ascending order: threads come out sorted by id.
    return { graphs: publish(graphs), failed: publish(failed), silent: publish(notAnswering) };
  }

  #receive(request: Request): void {
    if (request.type === 'hello') this.#announced[request.threadId] = true;
    else if (request.type === 'stop') {
      if (isMainThread) this.#onStop();
    } else this.#answer(request.id);
  }

  #answer(id: string): void {
    // Published: the channel clones an ordinary array (the reader gets one either way).
    const answer: Answer = { threadId, snapshot: undefined, error: undefined, workers: publish(this.#liveWorkers()) };
    try {
      answer.snapshot = this.#snapshot();
    } catch (error) {
      // Told to the reporting thread, which names this thread and the reason in its report.
      answer.error = describeError(error);
    }
    if (this.#lastReply !== undefined) closeChannel(this.#lastReply);
    const reply = new Channel(GRAPHS + id);
    apply(unrefChannel, reply, []);
    post(reply, answer);
    this.#lastReply = reply;
  }

  /** Ids of the workers this thread started that are still running and run the preload. */
  #liveWorkers(): List<number> {
    const ids = newList<number>();
    let kept = 0;
    for (let i = 0; i < this.#workers.length; i++) {
      const ref = this.#workers[i]!;
      const worker = apply(derefMethod, ref, []) as Worker | undefined;
      const id = worker === undefined || getThreadId === undefined ? -1 : (apply(getThreadId, worker, []) as number);
      if (id === -1) continue;
      this.#workers[kept++] = ref;
      if (this.#announced[id] === true) append(ids, id);
    }
    this.#workers.length = kept;
    return ids;
  }
}
