/**
 * The span bridge (src/otel/span-bridge.ts) in the test's own process: instrumented calls of
 * test/fixtures/otel-unit become spans (an in-memory exporter) when they last the minimum, when a
 * pending report made them, or under an active span, as test/support/otel-in-process.ts sets up.
 * Asserted exactly: names, kinds, parents, attributes (function, last await, was_pending), leaf
 * await spans and their names, the parent rules (requireParentSpan, unsampled and non-recording
 * parents), times nested in their parents' and in their tree's time base, faults kept from the program.
 */

import assert from 'node:assert/strict';
import { context, ROOT_CONTEXT, SpanKind, trace, TraceFlags, type ContextManager } from '@opentelemetry/api';
import { AlwaysOffSampler, AlwaysOnSampler, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { beforeEach, describe, it } from 'node:test';
import { app, at, bridge, configure, exporter, faults, ms, newSampler, pendingByFunction, reset, setLongest, spans, tracer, turn, useBridgeTracer, warnings } from './support/otel-in-process.ts';

const FILE = new URL('./fixtures/otel-unit/app-chains.mjs', import.meta.url).pathname;

beforeEach(reset);

function code(fn: string, line: number, column: number): Record<string, unknown> {
  return { 'code.function.name': fn, 'code.file.path': FILE, 'code.line.number': line, 'code.column.number': column };
}
function awaitAt(line: number, column: number, text: string): Record<string, unknown> {
  return { 'awaitwhat.await.location': `${FILE}:${line}:${column}`, 'awaitwhat.await.expression': text };
}
const HANDLER = { ...code('handler', 13, 8), ...awaitAt(14, 10, 'await service()') };
const SERVICE = { ...code('service', 16, 1), ...awaitAt(17, 16, 'await repo()') };
const REPO = { ...code('repo', 20, 1), ...awaitAt(21, 10, 'await db.promise') };

function parentOf(s: ReadableSpan): string | undefined {
  return (s as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId ?? (s as unknown as { parentSpanId?: string }).parentSpanId;
}
/** Every exported span starts no earlier and ends no later than its exported parent. */
function assertNested(): void {
  const all = exporter.getFinishedSpans();
  const byId = new Map(all.map((s) => [s.spanContext().spanId, s]));
  for (const s of all) {
    const p = byId.get(parentOf(s) ?? '');
    if (p === undefined) continue;
    assert.ok(ms(s.startTime) >= ms(p.startTime), `${s.name} starts before its parent ${p.name}`);
    assert.ok(ms(s.endTime) <= ms(p.endTime), `${s.name} ends after its parent ${p.name}`);
  }
}

/** handler → service → repo, suspended, then released: resolves when handler has returned. */
async function request(): Promise<unknown> {
  const done = app.handler();
  await turn();
  app.releaseQuery();
  return done;
}

describe('SpanBridge: which calls get spans', () => {
  it('with a minimum of 0, every call that suspended and every leaf await: named after the function and the await expression, parented to its awaiter, each call saying where it last awaited', async () => {
    configure({ minSpanDurationMs: 0 });
    const before = performance.timeOrigin + performance.now();
    assert.equal(await request(), 'rows');
    const after = performance.timeOrigin + performance.now();
    // True times: within the request (to the clocks' rounding).
    for (const s of exporter.getFinishedSpans()) assert.ok(ms(s.startTime) >= before - 1 && ms(s.endTime) <= after + 1, `${s.name}: ${ms(s.startTime)}–${ms(s.endTime)} outside ${before}–${after}`);
    assert.deepEqual(spans(), [
      { name: 'await db.promise', kind: SpanKind.INTERNAL, parent: 'repo', attributes: awaitAt(21, 10, 'await db.promise'), links: [] },
      { name: 'repo', kind: SpanKind.INTERNAL, parent: 'service', attributes: REPO, links: [] },
      { name: 'service', kind: SpanKind.INTERNAL, parent: 'handler', attributes: SERVICE, links: [] },
      { name: 'handler', kind: SpanKind.INTERNAL, parent: null, attributes: HANDLER, links: [] },
    ]);
    const traces = new Set(exporter.getFinishedSpans().map((s) => s.spanContext().traceId));
    assert.equal(traces.size, 1);
    assertNested();
    assert.deepEqual(warnings, []);
  });

  it('below the minimum, no span at all; the bridge says the minimum', async () => {
    // 250 ms, less than the process's age in performance.now() ms (so that a sum of two readings is over it).
    while (performance.now() <= 300) await new Promise((resolve) => setTimeout(resolve, 20));
    configure({ minSpanDurationMs: 250 });
    assert.equal(bridge.minDurationMs(), 250);
    await request();
    assert.deepEqual(exporter.getFinishedSpans(), []);
  });

  it('an anonymous function is named by its file and line; a long await expression is cut to 80 characters', async () => {
    configure({ minSpanDurationMs: 0 });
    const done = [app.anonymous(), app.longText()];
    await turn();
    app.releaseSlow();
    await Promise.all(done);
    const text = 'await slow.promise.then((aVeryLongParameterNameNumberOne) => aVeryLongParameterNameNumberOne).then((anotherVeryLongName…';
    assert.deepEqual(spans(), [
      { name: 'await slow.promise', kind: SpanKind.INTERNAL, parent: '<anonymous> at app-chains.mjs:79', attributes: awaitAt(80, 3, 'await slow.promise'), links: [] },
      { name: '<anonymous> at app-chains.mjs:79', kind: SpanKind.INTERNAL, parent: null, attributes: { ...code('<anonymous>', 79, 27), ...awaitAt(80, 3, 'await slow.promise') }, links: [] },
      { name: `${text.slice(0, 79)}…`, kind: SpanKind.INTERNAL, parent: 'longText', attributes: awaitAt(83, 3, text), links: [] },
      { name: 'longText', kind: SpanKind.INTERNAL, parent: null, attributes: { ...code('longText', 82, 8), ...awaitAt(83, 3, text) }, links: [] },
    ]);
    assert.equal(exporter.getFinishedSpans()[2]!.name.length, 80);
  });

  it('an await expression of exactly 80 characters names its span whole', async () => {
    configure({ minSpanDurationMs: 0 });
    const done = app.eighty();
    await turn();
    app.releaseSlow();
    await done;
    const text = 'await slow.promise.then((value) => value).then((other) => other).then((x) => !x)';
    assert.equal(text.length, 80);
    assert.deepEqual(spans().map((v) => v.name), [text, 'eighty']);
  });

  it('a call that awaits only another instrumented call (no leaf span) gets its span at its exit', async () => {
    configure({ minSpanDurationMs: 0 });
    assert.equal(await app.awaitsCall(), 1);
    assert.deepEqual(spans().map((v) => [v.name, v.parent]), [['awaitsCall', null]]);
  });
});

describe('SpanBridge: parents', () => {
  it('the outermost call is a child of the active span, in its time base: nested in it', async () => {
    configure({ minSpanDurationMs: 0 });
    const server = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER });
    await context.with(trace.setSpan(ROOT_CONTEXT, server), () => request());
    server.end();
    assert.deepEqual(
      spans().map((s) => [s.name, s.parent]),
      [
        ['await db.promise', 'repo'],
        ['repo', 'service'],
        ['service', 'handler'],
        ['handler', 'GET /orders'],
        ['GET /orders', null],
      ],
    );
    assert.equal(new Set(exporter.getFinishedSpans().map((s) => s.spanContext().traceId)).size, 1);
    assertNested();
  });

  it('requireParentSpan: no span for calls outside a trace, spans for calls inside one', async () => {
    configure({ minSpanDurationMs: 0, requireParentSpan: true });
    await request();
    assert.deepEqual(exporter.getFinishedSpans(), []);
    const outer = tracer.startSpan('job');
    await context.with(trace.setSpan(ROOT_CONTEXT, outer), () => request());
    outer.end();
    assert.deepEqual(spans().map((s) => s.name), ['await db.promise', 'repo', 'service', 'handler', 'job']);
  });

  it('an unsampled active span: no span for its calls, nor for their leaf awaits', async () => {
    configure({ minSpanDurationMs: 0 });
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE });
    await context.with(unsampled, () => request());
    assert.deepEqual(exporter.getFinishedSpans(), []);
    // A sampled remote parent: spans, the outermost one its child.
    const sampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true });
    await context.with(sampled, () => request());
    const handler = exporter.getFinishedSpans().find((s) => s.name === 'handler')!;
    assert.equal(parentOf(handler), 'b7ad6b7169203331');
    assert.equal(handler.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(exporter.getFinishedSpans().length, 4);
  });

  it('a tracer whose spans do not record: nothing exported, nothing reported, and a hung chain in it gets no snapshot', async () => {
    configure({ minSpanDurationMs: 0 });
    const off = new TracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    useBridgeTracer(off.getTracer('off'));
    const before = faults.counts();
    await request();
    assert.deepEqual(exporter.getFinishedSpans(), []);
    const done = app.handler();
    await turn();
    pendingByFunction.set('repo', 2000);
    setLongest(2000);
    const report = at(performance.now() + 1e7, () => newSampler().tick());
    assert.deepEqual(report?.chains.map((c) => [c.traceId, c.snapshotTraceId, c.frames.map((f) => f.spanId)]), [[undefined, undefined, [undefined, undefined, undefined]]]);
    app.releaseQuery();
    await done;
    assert.deepEqual(exporter.getFinishedSpans(), []);
    assert.deepEqual(faults.counts(), before);
  });

  it('an unsampled active span: no span even with a sampler that would sample its children', async () => {
    configure({ minSpanDurationMs: 0 });
    const on = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    useBridgeTracer(on.getTracer('on'));
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE });
    await context.with(unsampled, () => request());
    assert.deepEqual(exporter.getFinishedSpans(), []);
  });

  it('a call whose awaiter already has a span starts no earlier than it (inner calls suspend first)', async () => {
    configure({ minSpanDurationMs: 0 });
    const done = app.both();
    await turn();
    // Only left is reported: both and left get spans; right's span comes later, under both's.
    pendingByFunction.set('left', 3000);
    setLongest(3000);
    at(performance.now() + 1e7, () => newSampler().tick());
    exporter.reset();
    app.releasePair();
    await done;
    const names = spans().map((v) => [v.name, v.parent]);
    assert.deepEqual(names.filter(([n]) => n === 'right' || n === 'both'), [['right', 'both'], ['both', null]]);
    assertNested();
  });
});

describe('SpanBridge: pending reports', () => {
  it('a call below the minimum gets a span when reported pending, with was_pending and the longest pending time reported', async () => {
    const done = app.handler();
    await turn();
    pendingByFunction.set('handler', 4000).set('service', 3500).set('repo', 3000);
    setLongest(3000);
    // A capture far ahead of the clock: the pending times reported are the longest known.
    at(performance.now() + 1e7, () => newSampler().tick());
    exporter.reset();
    app.releaseQuery();
    await done;
    assert.deepEqual(spans(), [
      { name: 'repo', kind: SpanKind.INTERNAL, parent: 'service', attributes: { ...REPO, 'awaitwhat.was_pending': true, 'awaitwhat.was_pending_ms': 3000 }, links: ['unexported'] },
      { name: 'service', kind: SpanKind.INTERNAL, parent: 'handler', attributes: { ...SERVICE, 'awaitwhat.was_pending': true, 'awaitwhat.was_pending_ms': 3500 }, links: ['unexported'] },
      { name: 'handler', kind: SpanKind.INTERNAL, parent: null, attributes: { ...HANDLER, 'awaitwhat.was_pending': true, 'awaitwhat.was_pending_ms': 4000 }, links: ['unexported'] },
    ]);
  });

  it('was_pending_ms: from the start of the reported await to its end, when longer than reported (the await ends when the awaited call exits)', async () => {
    const done = app.handler();
    await turn();
    pendingByFunction.set('handler', 4000).set('service', 3500).set('repo', 3000);
    setLongest(3000);
    // Captured at 1 ms (the process's start): each await started its pending time before that and ended now.
    // Reported again at 1001 ms with the same times: the start of the pending await stays the first report's.
    const capture = 1;
    const before = performance.now();
    const sampler = newSampler();
    at(capture, () => sampler.tick());
    at(capture + 1000, () => sampler.tick());
    exporter.reset();
    app.releaseQuery();
    await done;
    const after = performance.now();
    const wasPending = Object.fromEntries(exporter.getFinishedSpans().map((s) => [s.name, s.attributes['awaitwhat.was_pending_ms'] as number]));
    for (const [name, reported] of [['repo', 3000], ['service', 3500], ['handler', 4000]] as const) {
      const low = Math.round(before - (capture - reported));
      const high = Math.round(after - (capture - reported));
      assert.ok(wasPending[name]! >= low && wasPending[name]! <= high, `${name}: ${wasPending[name]}, expected ${low} to ${high}`);
    }
  });

  it('was_pending_ms ends where the reported await ended, not where the call did (leaf and call awaits)', async () => {
    const done = app.outerSlow();
    await turn();
    pendingByFunction.set('outerSlow', 3000).set('middleSlow', 3000).set('innerSlow', 3000);
    setLongest(3000);
    const capture = 1;
    const since = capture - 3000;
    at(capture, () => newSampler().tick());
    exporter.reset();
    const t0 = performance.now();
    app.releaseDb2();
    await turn();
    const t1 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
    app.releaseInner();
    await turn();
    const t2 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
    app.releaseMiddle();
    await done;
    const t3 = performance.now();
    const wasPending = Object.fromEntries(exporter.getFinishedSpans().filter((s) => s.attributes['awaitwhat.was_pending'] === true).map((s) => [s.name, s.attributes['awaitwhat.was_pending_ms'] as number]));
    const within = (name: string, from: number, to: number) =>
      assert.ok(wasPending[name]! >= Math.round(from - since) && wasPending[name]! <= Math.round(to - since), `${name}: ${wasPending[name]}, expected ${Math.round(from - since)} to ${Math.round(to - since)}`);
    // innerSlow's reported await (of db2) ended before t1; middleSlow's (of innerSlow) between t1 and t2; outerSlow's by t3.
    within('innerSlow', t0, t1);
    within('middleSlow', t1, t2);
    within('outerSlow', t2, t3);
  });

  it('a leaf await shorter than the minimum gets no span, even in a reported call', async () => {
    configure({ minSpanDurationMs: 60_000 });
    const done = app.first();
    await turn();
    pendingByFunction.set('first', 2000);
    setLongest(2000);
    at(performance.now() + 1e7, () => newSampler().tick());
    exporter.reset();
    app.releaseWaits();
    await done;
    assert.deepEqual(spans().map((s) => s.name), ['first']);
  });
});

describe('SpanBridge: faults', () => {
  it('a tracer that throws: the program goes on with its results, the fault is counted once per kind', async () => {
    configure({ minSpanDurationMs: 0 });
    const before = faults.counts().internal;
    useBridgeTracer({
      startSpan: () => {
        throw new Error('tracer down');
      },
      startActiveSpan: () => {
        throw new Error('tracer down');
      },
    } as never);
    assert.equal(await request(), 'rows');
    // One fault at the end of the leaf await, one at each of the three exits; all of kind span.
    assert.deepEqual(faults.counts().internal, { ...before, span: (before.span ?? 0) + 4 });
  });

  it('a context manager that throws: context() reports it and returns nothing', () => {
    const manager = {
      active: () => {
        throw new Error('context down');
      },
      disable: () => manager,
    } as unknown as ContextManager;
    const previous = (context as unknown as { _getContextManager(): ContextManager })._getContextManager();
    context.disable();
    context.setGlobalContextManager(manager);
    const before = faults.counts().internal.span ?? 0;
    try {
      assert.equal(bridge.context(), undefined);
      assert.equal(faults.counts().internal.span, before + 1);
    } finally {
      context.disable();
      context.setGlobalContextManager(previous);
    }
  });
});
