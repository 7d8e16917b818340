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
import { AlwaysOffSampler, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
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
    assert.equal(await request(), 'rows');
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
    configure({ minSpanDurationMs: 60_000 });
    assert.equal(bridge.minDurationMs(), 60_000);
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

  it('a tracer whose spans do not record: nothing exported, nothing reported', async () => {
    configure({ minSpanDurationMs: 0 });
    const off = new TracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    useBridgeTracer(off.getTracer('off'));
    await request();
    assert.deepEqual(exporter.getFinishedSpans(), []);
    assert.deepEqual(faults.counts(), { user: {}, internal: {} });
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
    const capture = 1;
    const before = performance.now();
    at(capture, () => newSampler().tick());
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
    const before = faults.counts().internal.span ?? 0;
    useBridgeTracer({
      startSpan: () => {
        throw new Error('tracer down');
      },
      startActiveSpan: () => {
        throw new Error('tracer down');
      },
    } as never);
    assert.equal(await request(), 'rows');
    assert.ok((faults.counts().internal.span ?? 0) > before);
    assert.deepEqual(warnings, ['could not record a span (tracer down); the program is unaffected, later span failures are counted, not reported']);
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
    try {
      assert.equal(bridge.context(), undefined);
    } finally {
      context.disable();
      context.setGlobalContextManager(previous);
    }
  });
});
