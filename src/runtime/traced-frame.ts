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
import { freeze, newList, nextTurn, preciseNow, type List } from './intrinsics.ts';
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
  flushTurn();
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

/**
 * What a span needs of a frame that outlived the event-loop turn it first suspended in (or whose
 * span was asked for sooner). While a frame is in its first turn, its start reading, caller context
 * and awaiter sit in the turn's buffers (below) at the frame's slot, and the frame holds only the
 * slot number: a frame that finishes within its turn (the common call) allocates nothing more than
 * its own record, and that record has five fields fewer and no boxed double (a `start` field of its
 * own held a heap number from construction on). Private to this module: the awaiter is another
 * frame of the program (see `awaiterOf`).
 */
class SpanState {
  /** See `startOf`. */
  start: number;
  /** See `contextOf`. */
  context: unknown;
  /** See `awaiterOf`. */
  awaiter: TracedFrame | undefined;
  /** See `spanOf`. */
  span: unknown;
  /** See `reportedPendingOf`. */
  reportedPendingMs: number;

  constructor(start: number, context: unknown, awaiter: TracedFrame | undefined) {
    this.start = start;
    this.context = context;
    this.awaiter = awaiter;
    this.span = undefined;
    this.reportedPendingMs = 0;
  }
}
freeze(SpanState.prototype);
freeze(SpanState);

/**
 * The turn's buffers: the frames that first suspended since the last flush, each with its start
 * reading, caller context and awaiter at the same index (its slot). Flushed at the end of the turn
 * (`endTurn`) and whenever they fill (a long synchronous run of settled awaits is one turn): each
 * frame not done by then gets a `SpanState` holding the same values, so a frame's span data is the
 * same whether read from its slot or its record. Fixed capacity, so the hot path only stores into
 * preallocated lists and a Float64Array (a reading stored there is not boxed).
 */
const TURN_CAPACITY = 256;
const turnFrames: List<TracedFrame | undefined> = newList(TURN_CAPACITY);
const turnStarts = new Float64Array(TURN_CAPACITY);
const turnContexts: List<unknown> = newList(TURN_CAPACITY);
const turnAwaiters: List<TracedFrame | undefined> = newList(TURN_CAPACITY);
let turnCount = 0;

/** Gives every frame of the turn's buffers still running or pending its `SpanState`, and empties the buffers. */
function flushTurn(): void {
  const count = turnCount;
  turnCount = 0;
  for (let i = 0; i < count; i++) {
    const f = turnFrames[i]!;
    recordFlushed(f, i);
    turnFrames[i] = undefined;
    turnContexts[i] = undefined;
    turnAwaiters[i] = undefined;
  }
}

/** The frame that claimed `f` by awaiting (or returning) it, whose span is `f`'s span's parent. */
export let awaiterOf: (f: TracedFrame) => TracedFrame | undefined;
/**
 * performance.now() at the frame's first suspension (0 before): a frame that never suspends never
 * needs a time. A span starts there, or at its parent's start if that is later (the inner call
 * suspends first), which is the entry time to within the synchronous part of the call.
 */
export let startOf: (f: TracedFrame) => number;
/** The caller's context at the first suspension. */
export let contextOf: (f: TracedFrame) => unknown;
/** The span, once the observer made one (a pending frame, or one lasting long enough). */
export let spanOf: (f: TracedFrame) => unknown;
/** Longest pending time a sampler reported for this frame, in ms; 0 if never reported. */
export let reportedPendingOf: (f: TracedFrame) => number;
/** Sets the frame's span (the observer's, once it made or refused one). Only for a frame that suspended. */
export let setSpan: (f: TracedFrame, span: unknown) => void;
/** Moves the frame's span start (a child never starts before its parent). Only for a frame that suspended. */
export let setStart: (f: TracedFrame, start: number) => void;
/** Records a pending time a sampler reported. Only for a frame that suspended. */
export let setReportedPending: (f: TracedFrame, ms: number) => void;
let recordFlushed: (f: TracedFrame, slot: number) => void;

export class TracedFrame extends Frame {
  /** Function site id (the plain frame reads it from its sites; a span may be needed before any). */
  fn: number;
  /**
   * The event-loop turn of the first suspension (see `thisTurn`); 0 until the frame suspends (a
   * frame that never did finishes in no time: no span).
   */
  turn: number;
  /**
   * The event-loop turn the current leaf await began in; 0 while what the frame waits for is
   * awaitwhat's own (a claimed frame, a combinator link) rather than the program's, or it waits on
   * no leaf (a yield, a return). Known when the value is stored, so that no `instanceof` ever runs
   * on a program's value (a proxy's getPrototypeOf trap would run, and may throw).
   */
  leafTurn: number;
  /** The last await site before a `return` (the span says where the call last awaited); -1 before any. */
  lastAwait: number;
  /**
   * Undefined before the first suspension; then the frame's slot in the turn's buffers (a small
   * integer: no allocation), and once the frame outlives the buffers or its span is asked for, its
   * `SpanState`.
   */
  #state: number | SpanState | undefined;

  constructor(fn: number, promise: unknown) {
    super(promise);
    this.fn = fn;
    this.turn = 0;
    this.leafTurn = 0;
    this.lastAwait = -1;
    this.#state = undefined;
  }

  static {
    const record = (f: TracedFrame): SpanState => {
      const state = f.#state;
      if (typeof state !== 'number') return (f.#state = state ?? new SpanState(0, undefined, undefined));
      return (f.#state = new SpanState(turnStarts[state]!, turnContexts[state], turnAwaiters[state]));
    };
    recordFlushed = (f, slot) => {
      // A frame already given its record keeps it. A done one gets none: it already exited (its
      // span, if any, was made then), so its span data is read no more, and the slot is reused.
      if (f.#state !== slot) return;
      f.#state = f.site === DONE ? undefined : new SpanState(turnStarts[slot]!, turnContexts[slot], turnAwaiters[slot]);
    };
    awaiterOf = (f) => {
      const state = f.#state;
      return typeof state === 'number' ? turnAwaiters[state] : state?.awaiter;
    };
    startOf = (f) => {
      const state = f.#state;
      return typeof state === 'number' ? turnStarts[state]! : (state?.start ?? 0);
    };
    contextOf = (f) => {
      const state = f.#state;
      return typeof state === 'number' ? turnContexts[state] : state?.context;
    };
    spanOf = (f) => {
      const state = f.#state;
      return typeof state === 'object' ? state.span : undefined;
    };
    reportedPendingOf = (f) => {
      const state = f.#state;
      return typeof state === 'object' ? state.reportedPendingMs : 0;
    };
    setSpan = (f, span) => {
      record(f).span = span;
    };
    setStart = (f, start) => {
      record(f).start = start;
    };
    setReportedPending = (f, ms) => {
      record(f).reportedPendingMs = ms;
    };
  }

  /**
   * The first suspension (`site < 0` before it): the frame is about to be handed to its caller. Its
   * span starts here, at `start`: the entry time to within the synchronous part of the call. A
   * frame whose first suspension awaits a traced callee it just claimed takes the callee's start
   * instead of reading the clock (the callee entered after this frame did and suspended before it,
   * so its start lies in this frame's synchronous part as well): in a chain only the innermost
   * frame reads the clock at entry. The caller's context is captured here too (about 15 ns). All
   * three go to the frame's slot in the turn's buffers: four stores, no allocation.
   */
  #begin(start: number): void {
    this.turn = thisTurn();
    if (turnCount === TURN_CAPACITY) flushTurn();
    const slot = turnCount++;
    turnFrames[slot] = this;
    turnStarts[slot] = start;
    turnContexts[slot] = callerContext();
    this.#state = slot;
  }

  /** Sets `callee`'s awaiter to this frame unless it has one: in its slot while it has one, else in its record. */
  #claim(callee: TracedFrame): void {
    const state = callee.#state;
    if (typeof state === 'number') {
      if (turnAwaiters[state] === undefined) turnAwaiters[state] = this;
    } else if (state !== undefined && state.awaiter === undefined) state.awaiter = this;
  }

  /**
   * Before every suspension, return and exit of a frame that suspended before: the previous
   * suspension has ended. Only the end of a *leaf* await (one no instrumented frame produced) may
   * become a span; its end is `now` when the caller has a reading, else the clock is read (one read,
   * 60–200 ns). Returns the reading taken, or 0.
   */
  #resume(now: number): number {
    if (this.leafTurn === 0 || this.site >= RETURN_SITE_BASE || siteKindOf(this.site) === KIND_YIELD) return now;
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
    this.leafTurn = 0;
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
    if (callee !== v && framePromise(callee as Frame) !== GENERATOR) {
      this.leafTurn = 0;
      const traced = callee instanceof TracedFrame;
      if (first) this.#begin(traced ? startOrNow(callee) : preciseNow());
      if (traced) this.#claim(callee);
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
    this.leafTurn = 0;
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
    this.leafTurn = 0;
    return v;
  }

  override rc(site: number, q: number, v: unknown): unknown {
    if (this.site >= 0 && this.site < RETURN_SITE_BASE) this.lastAwait = this.site;
    const first = this.turn === 0;
    if (!first) this.#resume(0);
    super.rc(site, q, v);
    const callee = frameValue(this);
    const traced = callee !== v && callee instanceof TracedFrame;
    this.leafTurn = 0;
    if (first) this.#begin(traced ? startOrNow(callee) : preciseNow());
    if (traced) this.#claim(callee);
    return v;
  }

  /** A kept call result's frame (`connecting ??= connect()`) becomes this frame's child too: its caller. */
  override k(q: number, v: unknown): unknown {
    const kept = keepFrame(q, v);
    if (kept instanceof TracedFrame) this.#claim(kept);
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
    this.#leafBegins(now);
  }

  /** A leaf await begins: its precise start (`now` if a reading was taken already) and its turn. */
  #leafBegins(now: number): void {
    this.since = preciseStamp(now !== 0 ? now : preciseNow());
    this.leafTurn = thisTurn();
  }

  override x(): void {
    if (this.turn === 0) {
      // Finished without ever suspending: no span can be due, and no time is needed.
      super.x();
      return;
    }
    const lastSite = this.site;
    const state = this.#state;
    if (untimedShort && this.turn === turn && (typeof state !== 'object' || state.span === undefined)) {
      // Never waited for the event loop (see `thisTurn`): no span of its own, nor its last leaf's.
      super.x();
    } else {
      // One reading: the end of the last leaf await, if the last suspension was one, and the exit.
      const now = preciseNow();
      if (lastSite >= 0 && lastSite < RETURN_SITE_BASE) this.#resume(now);
      super.x();
      exited(this, now, lastSite);
    }
    if (this.site === DONE) {
      // Done frames can wait in the registry until the next sweep: let go of the request's context
      // and spans meanwhile (a frame still in the turn's buffers lets go at the flush).
      const after = this.#state;
      if (typeof after === 'object') {
        after.context = undefined;
        after.awaiter = undefined;
        after.span = undefined;
      }
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

/** A claimed callee's start, or a reading of the clock if it has none (it never suspended, or its slot was reused). */
function startOrNow(callee: TracedFrame): number {
  const start = startOf(callee);
  return start !== 0 ? start : preciseNow();
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
