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
import { DONE, Frame, frameValue, framePromise, GENERATOR, KIND_YIELD, keepFrame, noteGeneratorEntered, siteKindOf, UNCLAIMABLE } from './frame.ts';
import { freeze, nextTurn, preciseNow } from './intrinsics.ts';
import { RETURN_SITE_BASE } from './sites.ts';

export interface FrameObserver {
  /**
   * The shortest call or leaf await it makes a span of, in ms (read once per event-loop turn);
   * without it, every call is timed.
   */
  minDurationMs?(): number;
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
  readMinimum();
}

/**
 * Event-loop turns: which calls need the precise clock at their end. Reading performance.now()
 * costs 25–40 ns on a typical host and 60–200 ns on some virtual machines, more than the rest of a
 * traced call, so a call's end (and a leaf await's end) is read only if the event loop may have
 * waited since its start. `turn` counts the times the event loop *could* wait: the first traced
 * suspension of a turn queues an immediate that ends it (`endTurn`); while that immediate is
 * pending, libuv polls without blocking, so the loop waits for I/O or a timer only after the turn
 * has ended. A call whose first suspension and exit fall in the same turn never waited for the
 * event loop: it lasted as long as synchronous code and settled promises took within one turn,
 * and with a positive minimum it gets no span of its own (one a child's span made is still ended
 * at its true time). One immediate per event-loop turn with traced activity, instead of one or
 * two clock reads per call.
 */
let turn = 1;
let turnEnding = false;
/** Whether calls and leaf awaits that never waited for the event loop may go untimed (the minimum is positive). */
let untimedShort = false;

function endTurn(): void {
  turn++;
  turnEnding = false;
  readMinimum();
}

function readMinimum(): void {
  const o = observer;
  if (o === undefined) {
    untimedShort = false;
    return;
  }
  try {
    untimedShort = o.minDurationMs !== undefined && o.minDurationMs() > 0;
  } catch (error) {
    reportFault('observer', error);
    untimedShort = false;
  }
}

/** The current turn, making sure it ends (an immediate is queued) before the event loop can next wait. */
function thisTurn(): number {
  if (!turnEnding) {
    turnEnding = true;
    nextTurn(endTurn);
  }
  return turn;
}

/** The frame that claimed `f` by awaiting (or returning) it, whose span is `f`'s span's parent. */
export let awaiterOf: (f: TracedFrame) => TracedFrame | undefined;
/**
 * The frame that returned `f` (`return f()`) and exited, whose promise settles with `f`'s: a frame
 * sits at a return site only between its `return` and its exit (synchronous), so one found there
 * while `f` ends has exited.
 */
let returnerOf: (f: TracedFrame) => TracedFrame | undefined;

export class TracedFrame extends Frame {
  /** Function site id (the plain frame reads it from its sites; a span may be needed before any). */
  fn: number;
  /**
   * performance.now() at the first suspension (0 before): a frame that never suspends never needs
   * a time. A span starts there, or at its parent's start if that is later (the inner call
   * suspends first), which is the entry time to within the synchronous part of the call.
   */
  start: number;
  /**
   * The event-loop turn of the first suspension (see `thisTurn`); 0 until the frame suspends (a
   * frame that never did finishes in no time: no span).
   */
  turn: number;
  /** The event-loop turn the current leaf await began in. */
  leafTurn: number;
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
    this.turn = 0;
    this.leafTurn = 0;
    this.context = undefined;
    this.#awaiter = undefined;
    this.span = undefined;
    this.reportedPendingMs = 0;
    this.lastAwait = -1;
    this.ownValue = false;
  }

  static {
    awaiterOf = (f) => f.#awaiter;
    returnerOf = (f) => {
      const a = f.#awaiter;
      return a !== undefined && a.site >= RETURN_SITE_BASE && a.ownValue && frameValue(a) === f ? a : undefined;
    };
  }

  /**
   * The first suspension (`site < 0` before it): the frame is about to be handed to its caller. Its
   * span starts here, at `start`: the entry time to within the synchronous part of the call. A
   * frame whose first suspension awaits a traced callee it just claimed takes the callee's start
   * instead of reading the clock (the callee entered after this frame did and suspended before it,
   * so its start lies in this frame's synchronous part as well): in a chain only the innermost
   * frame reads the clock at entry. The caller's context is captured here too (about 15 ns).
   */
  #begin(start: number): void {
    this.turn = thisTurn();
    this.start = start;
    this.context = callerContext();
  }

  /**
   * Before every suspension, return and exit of a frame that suspended before: the previous
   * suspension has ended. Only the end of a *leaf* await (one no instrumented frame produced) may
   * become a span; its end is `now` when the caller has a reading, else the clock is read (one read,
   * 60–200 ns). Returns the reading taken, or 0.
   */
  #resume(now: number): number {
    if (this.ownValue || this.site >= RETURN_SITE_BASE || siteKindOf(this.site) === KIND_YIELD) return now;
    // A leaf await that began in this turn never waited for the event loop: not timed.
    if (untimedShort && this.leafTurn === turn) return now;
    if (now === 0) now = preciseNow();
    leafEnded(this, this.site, stampStart(this.since), now);
    return now;
  }

  override a(site: number, v: unknown): unknown {
    // One reading serves the end of the previous leaf await, the first suspension and the start
    // of this one (a leaf too: `v` is not a frame's); a `yield` needs none.
    let now = 0;
    if (this.turn === 0) this.#begin((now = preciseNow()));
    else now = this.#resume(0);
    super.a(site, v);
    this.ownValue = false;
    if (siteKindOf(site) !== KIND_YIELD) this.#leafBegins(now);
    return v;
  }

  override c(site: number, q: number, v: unknown): unknown {
    const first = this.turn === 0;
    const now = first ? 0 : this.#resume(0);
    super.c(site, q, v);
    const callee = frameValue(this);
    // The stored value is the awaited one unless a callee was claimed in its place. An async
    // generator the call entered (`await it.next()`) is not this call's child: a leaf await, as
    // for any generator step.
    this.ownValue = callee !== v && framePromise(callee as Frame) !== GENERATOR;
    if (this.ownValue) {
      if (first) this.#begin(callee instanceof TracedFrame && callee.start !== 0 ? callee.start : preciseNow());
      this.#adopt();
      return v;
    }
    // A leaf await: its precise start, from the reading already taken if there is one.
    const start = now !== 0 ? now : preciseNow();
    if (first) this.#begin(start);
    this.#leafBegins(start);
    return v;
  }

  override ac(site: number, v: unknown): unknown {
    if (this.turn === 0) this.#begin(preciseNow());
    else this.#resume(0);
    super.ac(site, v);
    this.ownValue = true;
    return v;
  }

  override r(site: number, v: unknown): unknown {
    // One compare and store per return, not per await: the site a return is about to overwrite.
    if (this.site >= 0 && this.site < RETURN_SITE_BASE) this.lastAwait = this.site;
    // A return before any await still hands the frame to its caller: its span may be needed (a
    // returned callee's span makes its awaiters' spans), so it begins here.
    if (this.turn === 0) this.#begin(preciseNow());
    else this.#resume(0);
    super.r(site, v);
    this.ownValue = false;
    return v;
  }

  override rc(site: number, q: number, v: unknown): unknown {
    if (this.site >= 0 && this.site < RETURN_SITE_BASE) this.lastAwait = this.site;
    const first = this.turn === 0;
    if (!first) this.#resume(0);
    super.rc(site, q, v);
    const callee = frameValue(this);
    this.ownValue = callee !== v;
    if (first) this.#begin(this.ownValue && callee instanceof TracedFrame && callee.start !== 0 ? callee.start : preciseNow());
    this.#adopt();
    return v;
  }

  /** A kept call result's frame (`connecting ??= connect()`) becomes this frame's child too: its caller. */
  override k(q: number, v: unknown): unknown {
    const kept = keepFrame(q, v);
    if (kept instanceof TracedFrame && kept.#awaiter === undefined) kept.#awaiter = this;
    return v;
  }

  /**
   * End of a `for await` body: the previous item's wait ended when the body began (its end is
   * taken here, with the body's time: there is no hook at the start of a body), and the loop now
   * waits on the program's iterable again, a leaf: one reading for both.
   */
  override fh(site: number): void {
    const now = this.turn !== 0 ? this.#resume(0) : 0;
    super.fh(site);
    this.ownValue = false;
    this.#leafBegins(now);
  }

  /** A leaf await begins: its precise start (`now` if a reading was taken already) and its turn. */
  #leafBegins(now: number): void {
    this.since = preciseStamp(now !== 0 ? now : preciseNow());
    this.leafTurn = thisTurn();
  }

  /** A claimed callee becomes this frame's child. */
  #adopt(): void {
    const callee = frameValue(this);
    if (this.ownValue && callee instanceof TracedFrame && callee.#awaiter === undefined) callee.#awaiter = this;
  }

  override x(): void {
    if (this.turn === 0) {
      // Finished without ever suspending: no span can be due, and no time is needed.
      super.x();
      return;
    }
    const lastSite = this.site;
    let now = 0;
    if (untimedShort && this.turn === turn && this.span === undefined) {
      // Never waited for the event loop (see `thisTurn`): no span of its own, nor its last leaf's.
      super.x();
      // `return g()` of a call still pending: this call's promise settles with g's, later (below).
      if (!endsLater(this)) endReturners(this, 0);
    } else {
      // One reading: the end of the last leaf await, if the last suspension was one, and the exit.
      now = preciseNow();
      if (lastSite >= 0 && lastSite < RETURN_SITE_BASE) this.#resume(now);
      super.x();
      // A call that returned a traced call still pending (`return g()`) ends when that call does
      // (its promise settles with g's): its span, a parent, must not end before its child's.
      if (endsLater(this)) return;
      exited(this, now, lastSite);
      endReturners(this, now);
    }
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

/**
 * Whether `f`, which has just exited, ends later: it returned (`return g()`) a traced call that
 * has not ended yet — one still suspended, or one that itself returned such a call. A call that
 * returned anything else ends at its exit (awaitwhat cannot see when a program's promise settles
 * without calling into it).
 */
function endsLater(f: TracedFrame): boolean {
  let at = f;
  // Bounded: calls returning each other in a cycle never settle (and so end later).
  for (let hops = 0; at.site >= RETURN_SITE_BASE && at.ownValue; hops++) {
    if (hops === MAX_RETURN_HOPS) return true;
    const callee = frameValue(at);
    if (!(callee instanceof TracedFrame) || callee.site === DONE) return false;
    if (callee.site < RETURN_SITE_BASE) return true;
    at = callee;
  }
  return false;
}

/** How many `return g()` links the two walks above follow at most (a program's own cycle must not hang them). */
const MAX_RETURN_HOPS = 1000;

/**
 * `f` has ended (at `now`, or untimed: 0): the calls that returned it (`return f()`, and the calls
 * that returned those) end with it, each timed unless it never waited for the event loop.
 */
function endReturners(f: TracedFrame, now: number): void {
  let hops = 0;
  for (let a = returnerOf(f); a !== undefined && hops < MAX_RETURN_HOPS; a = returnerOf(a), hops++) {
    if (untimedShort && a.turn === turn && a.span === undefined) continue;
    if (now === 0) now = preciseNow();
    exited(a, now, a.site);
  }
}

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

export function enterTracedGenerator(fn: number): Frame {
  const f = new TracedFrame(fn, GENERATOR);
  noteGeneratorEntered(f);
  return f;
}
