/**
 * A Chrome DevTools Protocol client over the global `WebSocket` (Node.js ≥ 22): one request at a
 * time is all attach needs, but ids are matched so that an event or a late answer is never taken
 * for another call's. Every call has a deadline; a call past it, or a socket that closes, fails
 * with `AttachError` naming the method, and the socket is closed so that nothing keeps waiting.
 */

import { AttachError } from './errors.ts';

interface Waiter {
  method: string;
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class CdpSession {
  readonly #socket: WebSocket;
  readonly #waiting = new Map<number, Waiter>();
  readonly #listeners = new Map<string, (params: Record<string, unknown>) => void>();
  #nextId = 1;
  #closed: Error | undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.addEventListener('message', (event) => this.#onMessage(event.data));
    socket.addEventListener('close', () => this.#fail(new AttachError('the target closed the inspector connection')));
    socket.addEventListener('error', () => this.#fail(new AttachError('the inspector connection failed')));
  }

  /** Opens the WebSocket at `url`, failing after `timeoutMs`. */
  static open(url: string, timeoutMs: number): Promise<CdpSession> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const timer = setTimeout(() => {
        socket.close();
        reject(new AttachError(`no answer from the inspector at ${url} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.addEventListener('open', () => {
        clearTimeout(timer);
        resolve(new CdpSession(socket));
      }, { once: true });
      socket.addEventListener('error', () => {
        clearTimeout(timer);
        reject(new AttachError(`cannot connect to the inspector at ${url}`));
      }, { once: true });
    });
  }

  /** Sends `method` and resolves with its result; rejects on a protocol error, a timeout or a closed socket. */
  call(method: string, params: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new AttachError(`${method}: no answer within ${timeoutMs} ms`, 'timeout'));
      }, timeoutMs);
      this.#waiting.set(id, { method, resolve, reject, timer });
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /**
   * Calls `listener` with the params of each `method` event until the returned function is called
   * (one listener per event: `HeapProfiler.addHeapSnapshotChunk` is the only event attach uses).
   */
  on(method: string, listener: (params: Record<string, unknown>) => void): () => void {
    this.#listeners.set(method, listener);
    return () => {
      if (this.#listeners.get(method) === listener) this.#listeners.delete(method);
    };
  }

  /** Fails every call in flight with `error` (Ctrl-C); the connection stays usable for cleaning up. */
  interrupt(error: Error): void {
    for (const [id, waiter] of this.#waiting) {
      this.#waiting.delete(id);
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  close(): void {
    this.#fail(new AttachError('the inspector connection was closed'));
    try {
      this.#socket.close();
    } catch {
      // Already closing.
    }
  }

  #onMessage(data: unknown): void {
    let message: { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message?: string } };
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (typeof message.id !== 'number') {
      // An event: only those a listener asked for (attach enables no domain whose events it does not read).
      if (typeof message.method === 'string') this.#listeners.get(message.method)?.(message.params ?? {});
      return;
    }
    const waiter = this.#waiting.get(message.id);
    if (waiter === undefined) return;
    this.#waiting.delete(message.id);
    clearTimeout(waiter.timer);
    if (message.error !== undefined) waiter.reject(new AttachError(`${waiter.method}: ${message.error.message ?? 'protocol error'}`));
    else waiter.resolve(message.result ?? {});
  }

  #fail(error: Error): void {
    if (this.#closed !== undefined) return;
    this.#closed = error;
    for (const [id, waiter] of this.#waiting) {
      this.#waiting.delete(id);
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}
