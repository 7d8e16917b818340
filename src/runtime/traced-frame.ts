/**
 * Frames for tracing: the same record, plus what a span needs, kept only while an observer (the
 * OpenTelemetry bridge) is installed. On top of the plain frame's work, entry and exit read the
 * precise clock (spans need true times), as do the start and end of a leaf await (one that may
 * become a span of its own), stored in `since` as a precise stamp (clock.ts); the first suspension
 * captures the caller's context (the parent of a frame nobody instrumented awaits), and a claim
 * remembers the awaiter (the parent of every other frame). Everything else — whether a span is
 * worth making at all — is the observer's decision, taken at exit. An observer that throws is
 * counted as a fault and never reaches the program.
 *
 * The awaiter is private (`awaiterOf`): a frame any code can make (`__awaitwhat.e(0)`) could
 * otherwise be claimed by the program's frame and lead to it. The other fields are the frame's
 * own: its function, times, the context it was called in, its span.
 */

import { preciseStamp, stampStart } from './clock.ts';
import { reportFault } from './faults.ts';
import { DONE, Frame, frameValue, KIND_YIELD, keep, lastKept, siteKindOf, UNCLAIMABLE } from './frame.ts';
import { freeze, preciseNow } from './intrinsics.ts';
import { RETURN_SITE_BASE } from './sites.ts';

export interface FrameObserver {
  /** The active context, captured when the frame first suspends (still inside its caller). */
  context(): unknown;
  /** The frame left its function at `now` (performance.now() milliseconds); `lastSite` was its last await, yield or return. */
  exited(frame: TracedFrame, now: number, lastSite: number): void;
  /** An await of something no instrumented frame produced ended: it lasted from `start` to `end`. */
  leafAwaitEnded(frame: TracedFrame, site: number, start: number, end: number): void;
}

let observer: FrameObserver | undefined;

export function setFrameObserver(next: FrameObserver | undefined): void {
  observer = next;
}

/** The frame that claimed `f` by awaiting (or returning) it, whose span is `f`'s span's parent. */
export let awaiterOf: (f: TracedFrame) => TracedFrame | undefined;

export class TracedFrame extends Frame {
  /** Function site id (the plain frame reads it from its sites; a span may be needed before any). */
  fn: number;
  /**
   * performance.now() at the first suspension (0 before): a frame that never suspends never needs
   * a time. A span starts there, or at its parent's start if that is later (the inner call
   * suspends first), which is the entry time to within the synchronous part of the call.
   */
  start: number;
  /** Whether the frame suspended at least once (frames that never did finish in no time: no span). */
  suspended: boolean;
  /** The caller's context at the first suspension. */
  context: unknown;
  /** See `awaiterOf`. */
  #awaiter: TracedFrame | undefined;
  /** The span, once the observer made one (a pending frame, or one lasting long enough). */
  span: unknown;
  /** Longest pending time a sampler reported for this frame, in ms; 0 if never reported. */
  reportedPendingMs: number;
  /** The last await site before a `return` (the span says where the call last awaited); -1 before any. */
  lastAwait: number;
  /**
   * Whether what the frame waits for is awaitwhat's own (a claimed frame, a combinator link)
   * rather than the program's: known when it is stored, so that no `instanceof` ever runs on a
   * program's value (a proxy's getPrototypeOf trap would run, and may throw).
   */
  ownValue: boolean;

  constructor(fn: number, promise: unknown) {
    super(promise);
    this.fn = fn;
    this.start = 0;
    this.suspended = false;
    this.context = undefined;
    this.#awaiter = undefined;
    this.span = undefined;
    this.reportedPendingMs = 0;
    this.lastAwait = -1;
    this.ownValue = false;
  }

  static {
    awaiterOf = (f) => f.#awaiter;
  }

  /**
   * Before every suspension, return and exit: the previous suspension, if any, has ended. Only the
   * end of a *leaf* await (one no instrumented frame produced) may become a span, so only then is
   * the precise clock read; `now` is passed when the caller already has it.
   */
  #resume(now?: number): void {
    if (this.site < 0) {
      if (!this.suspended) {
        this.suspended = true;
        this.start = now ?? preciseNow();
        this.context = callerContext();
      }
      return;
    }
    if (this.ownValue || this.site >= RETURN_SITE_BASE || siteKindOf(this.site) === KIND_YIELD) return;
    leafEnded(this, this.site, stampStart(this.since), now ?? preciseNow());
  }

  /** After a suspension is recorded: a leaf await needs its precise start; awaiting a frame does not. */
  #leafStart(firstAt: number): void {
    if (!this.ownValue) this.since = preciseStamp(firstAt !== 0 ? firstAt : preciseNow());
  }

  /** The clock reading taken by the first suspension, to reuse for the leaf start; 0 otherwise. */
  #first(): number {
    return this.site < 0 && !this.suspended ? preciseNow() : 0;
  }

  override a(site: number, v: unknown): unknown {
    const first = this.#first();
    this.#resume(first || undefined);
    super.a(site, v);
    this.ownValue = false;
    this.#leafStart(first);
    return v;
  }

  override c(site: number, q: number, v: unknown): unknown {
    const first = this.#first();
    this.#resume(first || undefined);
    super.c(site, q, v);
    // The stored value is the awaited one unless a callee was claimed in its place.
    this.ownValue = frameValue(this) !== v;
    this.#leafStart(first);
    this.#adopt();
    return v;
  }

  override ac(site: number, v: unknown): unknown {
    this.#resume();
    super.ac(site, v);
    this.ownValue = true;
    return v;
  }

  override r(site: number, v: unknown): unknown {
    // One compare and store per return, not per await: the site a return is about to overwrite.
    if (this.site >= 0 && this.site < RETURN_SITE_BASE) this.lastAwait = this.site;
    this.#resume();
    super.r(site, v);
    this.ownValue = false;
    return v;
  }

  override rc(site: number, q: number, v: unknown): unknown {
    if (this.site >= 0 && this.site < RETURN_SITE_BASE) this.lastAwait = this.site;
    this.#resume();
    super.rc(site, q, v);
    this.ownValue = frameValue(this) !== v;
    this.#adopt();
    return v;
  }

  /** A kept call result's frame (`connecting ??= connect()`) becomes this frame's child too: its caller. */
  override k(q: number, v: unknown): unknown {
    const before = lastKept;
    keep(q, v);
    const kept = lastKept;
    if (kept !== before && kept instanceof TracedFrame && kept.#awaiter === undefined) kept.#awaiter = this;
    return v;
  }

  /** End of a `for await` body: what it waits for next is the program's iterable (its coarse stamp is the leaf's start). */
  override fh(site: number): void {
    super.fh(site);
    this.ownValue = false;
  }

  /** A claimed callee becomes this frame's child. */
  #adopt(): void {
    const callee = frameValue(this);
    if (this.ownValue && callee instanceof TracedFrame && callee.#awaiter === undefined) callee.#awaiter = this;
  }

  override x(): void {
    if (!this.suspended) {
      // Finished without ever suspending: no span can be due, and no time is needed.
      super.x();
      return;
    }
    const now = preciseNow();
    const lastSite = this.site;
    if (lastSite >= 0 && lastSite < RETURN_SITE_BASE) this.#resume(now);
    super.x();
    if (this.suspended) exited(this, now, lastSite);
    if (this.site === DONE) {
      // Done frames can wait in the registry until the next sweep: let go of the request's context
      // and spans meanwhile.
      this.context = undefined;
      this.#awaiter = undefined;
      this.span = undefined;
    }
  }
}
freeze(TracedFrame.prototype);
freeze(TracedFrame);

// The observer's calls, each contained: the observer is awaitwhat's own bridge, but it calls the
// OpenTelemetry SDK and whatever processors and exporters the application configured.
function callerContext(): unknown {
  const o = observer;
  if (o === undefined) return undefined;
  try {
    return o.context();
  } catch (error) {
    reportFault('observer', error);
    return undefined;
  }
}

function leafEnded(frame: TracedFrame, site: number, start: number, end: number): void {
  const o = observer;
  if (o === undefined) return;
  try {
    o.leafAwaitEnded(frame, site, start, end);
  } catch (error) {
    reportFault('observer', error);
  }
}

function exited(frame: TracedFrame, now: number, lastSite: number): void {
  const o = observer;
  if (o === undefined) return;
  try {
    o.exited(frame, now, lastSite);
  } catch (error) {
    reportFault('observer', error);
  }
}

export function enterTraced(fn: number): Frame {
  return new TracedFrame(fn, undefined);
}

export function enterTracedUnclaimable(fn: number): Frame {
  return new TracedFrame(fn, UNCLAIMABLE);
}
