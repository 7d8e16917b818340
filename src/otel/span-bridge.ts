/**
 * Frames → spans, lazily. A frame's span is made only when it is worth it: when the frame lasts at
 * least `minSpanDurationMs`, when something it awaits gets a span, or when the sampler reports it
 * pending. Spans are started afterwards with the frame's true start time; the parent is the span of
 * the frame that awaits it, or for a frame nobody instrumented awaits, the span active when it was
 * called. A frame in an unsampled trace produces nothing. Nothing here may throw into the program.
 */

import { context, ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { RuntimeInternals } from '../runtime/runtime.ts';
import type { SiteRecord } from '../runtime/sites.ts';
import { awaiterOf, TracedFrame, type FrameObserver } from '../runtime/traced-frame.ts';
import { RETURN_SITE_BASE } from '../runtime/sites.ts';
import {
  AWAIT_EXPRESSION,
  AWAIT_LOCATION,
  CODE_COLUMN_NUMBER,
  CODE_FILE_PATH,
  CODE_FUNCTION_NAME,
  CODE_LINE_NUMBER,
  WAS_PENDING,
  WAS_PENDING_MS,
} from './attributes.ts';
import type { ResolvedConfig } from './config.ts';
import type { Faults } from './faults.ts';

/** Marks a frame that must not get a span (unsampled trace, or no parent when one is required). */
export const NO_SPAN = Symbol('awaitwhat.no-span');

/**
 * Span times are given as epoch milliseconds computed from performance.now() readings plus an
 * *anchor*. The SDK anchors each span of its own to Date.now() when the span starts, so a span of
 * ours under an SDK span (an HTTP server span) takes that span's anchor, and every span of ours
 * below takes its parent's: children then fit inside their parents exactly, which backends check
 * (Jaeger flags a child that seems to end after its parent). Without an SDK parent the anchor is
 * performance.timeOrigin.
 */
function performanceStartOf(span: unknown): number | undefined {
  const start = (span as { _performanceStartTime?: unknown } | undefined)?._performanceStartTime;
  return typeof start === 'number' ? start : undefined;
}

function anchorOf(span: unknown): number | undefined {
  const s = span as { startTime?: unknown; _performanceStartTime?: unknown } | undefined;
  if (s === undefined || !Array.isArray(s.startTime) || typeof s._performanceStartTime !== 'number') return undefined;
  const [seconds, nanos] = s.startTime as [number, number];
  return seconds * 1000 + nanos / 1e6 - s._performanceStartTime;
}

export class SpanBridge implements FrameObserver {
  readonly #tracer: () => Tracer;
  readonly #config: () => ResolvedConfig;
  readonly #rt: RuntimeInternals;
  readonly #faults: Faults;
  /** The anchor of each span made here (see `anchorOf`). */
  readonly #anchors = new WeakMap<object, number>();
  /** Frames a sampler reported pending: since when (performance.now() ms, a lower bound), and when that await ended. */
  readonly #pendingSince = new WeakMap<TracedFrame, number>();
  readonly #pendingEnd = new WeakMap<TracedFrame, number>();

  constructor(tracer: () => Tracer, config: () => ResolvedConfig, rt: RuntimeInternals, faults: Faults) {
    this.#tracer = tracer;
    this.#config = config;
    this.#rt = rt;
    this.#faults = faults;
  }

  minDurationMs(): number {
    return this.#config().minSpanDurationMs;
  }

  context(): unknown {
    // Called from the program's own await (the runtime's first-suspension hook): a context
    // manager that throws must not throw there.
    try {
      return context.active();
    } catch (error) {
      this.#faults.report('span', error);
      return undefined;
    }
  }

  exited(frame: TracedFrame, now: number, lastSite: number): void {
    try {
      // A reported frame's exit ends its awaiter's reported await (only reported frames pay for this).
      if (frame.reportedPendingMs > 0) this.#pendingEnded(awaiterOf(frame), now);
      if (frame.span === undefined && now - frame.start < this.#config().minSpanDurationMs) return;
      const span = this.materialize(frame);
      if (span === undefined) return;
      // Where it last awaited: the last site, or before a `return` the await the return followed.
      const awaitSite = lastSite >= 0 && lastSite < RETURN_SITE_BASE ? lastSite : frame.lastAwait;
      const last = awaitSite >= 0 ? this.#rt.getSite(awaitSite) : undefined;
      if (last !== undefined) span.setAttributes(this.awaitAttributes(last));
      if (frame.reportedPendingMs > 0) span.setAttributes({ [WAS_PENDING]: true, [WAS_PENDING_MS]: Math.round(this.#wasPendingMs(frame, now)) });
      span.end(this.time(span, now));
    } catch (error) {
      this.#faults.report('span', error);
    }
  }

  leafAwaitEnded(frame: TracedFrame, site: number, start: number, end: number): void {
    try {
      if (frame.reportedPendingMs > 0) this.#pendingEnded(frame, end);
      if (end - start < this.#config().minSpanDurationMs) return;
      const parent = this.materialize(frame);
      if (parent === undefined) return;
      const record = this.#rt.getSite(site);
      if (record === undefined) return;
      const child = this.#tracer().startSpan(
        leafSpanName(record),
        { kind: SpanKind.INTERNAL, startTime: this.time(parent, Math.max(start, frame.start)), attributes: this.awaitAttributes(record) },
        trace.setSpan(contextOf(frame), parent),
      );
      child.end(this.time(parent, end));
    } catch (error) {
      this.#faults.report('span', error);
    }
  }

  /** A sampler reports `frame` pending for `pendingMs` at `captureMs` (performance.now() ms). */
  reportedPending(frame: TracedFrame, pendingMs: number, captureMs: number): void {
    frame.reportedPendingMs = Math.max(frame.reportedPendingMs, pendingMs);
    if (!this.#pendingSince.has(frame)) this.#pendingSince.set(frame, captureMs - pendingMs);
  }

  /** The first end of an await after a report is the end of the reported await (the frame was suspended there). */
  #pendingEnded(frame: TracedFrame | undefined, at: number): void {
    if (frame === undefined || frame.reportedPendingMs === 0 || this.#pendingEnd.has(frame)) return;
    this.#pendingEnd.set(frame, at);
  }

  /** The true longest pending time of a reported frame: from the start of its reported await to that await's end. */
  #wasPendingMs(frame: TracedFrame, now: number): number {
    const since = this.#pendingSince.get(frame);
    if (since === undefined) return frame.reportedPendingMs;
    return Math.max(frame.reportedPendingMs, (this.#pendingEnd.get(frame) ?? now) - since);
  }

  /** The frame's span, made (with its awaiters' spans, outermost first) if needed; undefined when it gets none. */
  materialize(frame: TracedFrame): Span | undefined {
    const chain: TracedFrame[] = [];
    let above: TracedFrame | undefined = frame;
    while (above !== undefined && above.span === undefined) {
      chain.push(above);
      above = awaiterOf(above);
    }
    let parent = above?.span as Span | typeof NO_SPAN | undefined;
    // A child never starts before its parent (inner calls suspend, and so get their start, first).
    let floor = above?.start ?? 0;
    for (let i = chain.length - 1; i >= 0; i--) {
      const f = chain[i]!;
      if (parent === NO_SPAN) {
        f.span = NO_SPAN;
        continue;
      }
      let ctx = contextOf(f);
      let anchor: number;
      if (parent !== undefined) {
        ctx = trace.setSpan(ctx, parent);
        anchor = this.#anchors.get(parent) ?? performance.timeOrigin;
      } else {
        const foreign = trace.getSpan(ctx);
        anchor = anchorOf(foreign) ?? performance.timeOrigin;
        floor = performanceStartOf(foreign) ?? 0;
        const active = trace.getSpanContext(ctx);
        const skip = active === undefined ? this.#config().requireParentSpan : (active.traceFlags & TraceFlags.SAMPLED) === 0;
        if (skip) {
          f.span = parent = NO_SPAN;
          continue;
        }
      }
      if (f.start < floor) f.start = floor;
      floor = f.start;
      const span = this.#tracer().startSpan(this.spanName(f), { kind: SpanKind.INTERNAL, startTime: f.start + anchor, attributes: this.functionAttributes(f) }, ctx);
      if (!span.isRecording()) {
        span.end();
        f.span = parent = NO_SPAN;
        continue;
      }
      this.#anchors.set(span, anchor);
      f.span = parent = span;
    }
    return frame.span === NO_SPAN ? undefined : (frame.span as Span | undefined);
  }

  /** A performance.now() reading as an epoch time in the time base of `span`'s tree. */
  time(span: Span | undefined, performanceMs: number): number {
    return performanceMs + ((span !== undefined ? this.#anchors.get(span) : undefined) ?? performance.timeOrigin);
  }

  spanName(f: TracedFrame): string {
    const fn = this.#rt.getSite(f.fn);
    if (fn === undefined) return '<unknown>';
    if (fn.name !== '<anonymous>') return fn.name;
    return `<anonymous> at ${shortFile(fn.file)}:${fn.line}`;
  }

  functionAttributes(f: TracedFrame): Record<string, string | number> {
    const fn = this.#rt.getSite(f.fn);
    if (fn === undefined) return {};
    return { [CODE_FUNCTION_NAME]: fn.name, [CODE_FILE_PATH]: fn.file, [CODE_LINE_NUMBER]: fn.line, [CODE_COLUMN_NUMBER]: fn.column };
  }

  awaitAttributes(site: SiteRecord): Record<string, string> {
    const attributes: Record<string, string> = { [AWAIT_LOCATION]: `${site.file}:${site.line}:${site.column}` };
    if (site.text !== '') attributes[AWAIT_EXPRESSION] = site.text;
    return attributes;
  }
}

function contextOf(f: TracedFrame): Context {
  return (f.context as Context | undefined) ?? ROOT_CONTEXT;
}

/** `await db.query(…)`: the await expression a leaf span stands for. */
function leafSpanName(site: SiteRecord): string {
  if (site.text !== '') return site.text.length > 80 ? `${site.text.slice(0, 79)}…` : site.text;
  return `await at ${shortFile(site.file)}:${site.line}`;
}

function shortFile(file: string): string {
  const i = file.lastIndexOf('/');
  return i === -1 ? file : file.slice(i + 1);
}
