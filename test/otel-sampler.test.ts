/**
 * The pending-await sampler (src/otel/pending-sampler.ts) in the test's own process: real hung
 * chains of instrumented code (test/fixtures/otel-unit), real traced frames and spans (an
 * in-memory exporter), pending times and capture times set by the test (test/support/otel-in-process.ts).
 * Asserted exactly: the snapshot trace of a chain's first report (copies, names, kinds, parents,
 * attributes and units, links both ways, times), re-reports in the same trace, the threshold and
 * the chain cap at their boundaries, shared promises, unsampled traces and untraced frames, the
 * root sampler's refusals, onPending and faults, cycles.
 */

import assert from 'node:assert/strict';
import { context, type Context, ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { SamplingDecision, TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { beforeEach, describe, it, mock } from 'node:test';
import { Faults } from '../dist/otel/faults.js';
import type { PendingReport } from '../dist/otel/report.js';
import { app, at, configure, diag, exporter, ms, newSampler, pendingByFunction, reset, rt, runtimeView, setLongest, spans, tracer, turn, warnings } from './support/otel-in-process.ts';

const FILE = new URL('./fixtures/otel-unit/app-chains.mjs', import.meta.url).pathname;

beforeEach(reset);

/** The attributes of a frame of app-chains.mjs: its function, where it starts, where it awaits. */
function frameAttributes(fn: string, line: number, column: number, awaitLine: number, awaitColumn: number, text: string): Record<string, unknown> {
  return {
    'code.function.name': fn,
    'code.file.path': FILE,
    'code.line.number': line,
    'code.column.number': column,
    'awaitwhat.await.location': `${FILE}:${awaitLine}:${awaitColumn}`,
    'awaitwhat.await.expression': text,
  };
}
const HANDLER = frameAttributes('handler', 13, 8, 14, 10, 'await service()');
const SERVICE = frameAttributes('service', 16, 1, 17, 16, 'await repo()');
const REPO = frameAttributes('repo', 20, 1, 21, 10, 'await db.promise');

/** The SDK span's epoch time at performance.now() 0 (span-bridge.ts). */
function anchorOf(s: Span): number {
  const sdk = s as unknown as { startTime: [number, number]; _performanceStartTime: number };
  return ms(sdk.startTime) - sdk._performanceStartTime;
}

function spanId(s: Span): string {
  return s.spanContext().spanId;
}
function finished(name: string, snapshot: boolean) {
  return exporter.getFinishedSpans().filter((s) => s.name === name && (s.attributes['awaitwhat.snapshot'] === true) === snapshot);
}

/** handler → service → repo under an open server span, pending 7, 6 and 5 s. */
async function hungRequest(startTime?: [number, number]): Promise<{ server: Span; release: () => Promise<void> }> {
  const server = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER, attributes: { 'http.method': 'GET' }, ...(startTime ? { startTime } : {}) });
  const done = context.with(trace.setSpan(context.active(), server), () => app.handler());
  await turn();
  pendingByFunction.set('handler', 7000).set('service', 6000).set('repo', 5000);
  setLongest(5000);
  return {
    server,
    release: async () => {
      app.releaseQuery();
      await done;
      server.end();
    },
  };
}

describe('PendingSampler: the first report of a chain', () => {
  it('copies the open spans root to leaf, all INTERNAL, the root named after the span above and the innermost function, a pending await span under them; the reals link back when they end', async () => {
    const { server, release } = await hungRequest();
    const capture = performance.now() + 1e6;
    const report = at(capture, () => newSampler().tick());
    const serverId = spanId(server);
    const real = server.spanContext().traceId;
    assert.equal(report?.chains.length, 1);
    const [chain] = report!.chains;
    const [handlerId, serviceId, repoId] = chain!.frames.map((f) => f.spanId!);
    const snapshotOf = (id: string) => ({ 'awaitwhat.snapshot': true, 'awaitwhat.snapshot.trace_id': real, 'awaitwhat.snapshot.span_id': id });
    const pendingAttributes = {
      ...REPO,
      'awaitwhat.pending_ms': 5000,
      'awaitwhat.threshold_ms': 1000,
      'awaitwhat.chain': ['GET /orders', 'handler', 'service', 'repo', 'await db.promise'],
      'awaitwhat.await.value_kind': 'promise',
      ...snapshotOf(repoId!),
    };
    const named = { 'real GET /orders': serverId, 'real handler': handlerId!, 'real service': serviceId!, 'real repo': repoId! };
    const copies = [
      { name: 'pending await', kind: SpanKind.INTERNAL, parent: 'repo*', attributes: pendingAttributes, links: ['real repo'] },
      { name: 'repo', kind: SpanKind.INTERNAL, parent: 'service*', attributes: { ...REPO, 'awaitwhat.pending_ms': 5000, ...snapshotOf(repoId!) }, links: ['real repo'] },
      { name: 'service', kind: SpanKind.INTERNAL, parent: 'handler*', attributes: { ...SERVICE, 'awaitwhat.pending_ms': 6000, ...snapshotOf(serviceId!) }, links: ['real service'] },
      { name: 'handler', kind: SpanKind.INTERNAL, parent: 'pending: GET /orders (repo)*', attributes: { ...HANDLER, 'awaitwhat.pending_ms': 7000, ...snapshotOf(handlerId!) }, links: ['real handler'] },
      { name: 'pending: GET /orders (repo)', kind: SpanKind.INTERNAL, parent: null, attributes: { 'http.method': 'GET', ...snapshotOf(serverId) }, links: ['real GET /orders'] },
    ];
    assert.deepEqual(spans(named), copies);

    const exported = exporter.getFinishedSpans();
    const snapshotTrace = exported[0]!.spanContext().traceId;
    assert.notEqual(snapshotTrace, real);
    assert.ok(exported.every((s) => s.spanContext().traceId === snapshotTrace));
    assert.deepEqual(report, {
      capturedAt: 1_800_000_000_000,
      thresholdMs: 1000,
      chains: [
        {
          pendingMs: 5000,
          frames: [
            { function: 'handler', file: FILE, line: 14, column: 10, await: 'await service()', pendingMs: 7000, spanId: handlerId },
            { function: 'service', file: FILE, line: 17, column: 16, await: 'await repo()', pendingMs: 6000, spanId: serviceId },
            { function: 'repo', file: FILE, line: 21, column: 10, await: 'await db.promise', pendingMs: 5000, spanId: repoId },
          ],
          leaf: { text: 'db.promise', kind: 'promise' },
          traceId: real,
          snapshotTraceId: snapshotTrace,
        },
      ],
      cycles: [],
    });
    // The pending span starts at the capture and lasts a millisecond; every copy ends with it. Times
    // are in the time base of the server span's tree (its epoch start less its performance.now() start).
    const at0 = capture + anchorOf(server);
    assert.ok(Math.abs(ms(exported[0]!.startTime) - at0) < 0.001, `${ms(exported[0]!.startTime)} vs ${at0}`);
    for (const s of exported) assert.ok(Math.abs(ms(s.endTime) - (at0 + 1)) < 0.001, `${s.name} ends at ${ms(s.endTime)}, expected ${at0 + 1}`);
    // The copies start with the spans they copy (the server span's own start for the root).
    assert.deepEqual(ms(exported[4]!.startTime), ms((server as unknown as { startTime: [number, number] }).startTime));

    await release();
    const reals = spans(named).slice(5);
    assert.deepEqual(reals, [
      { name: 'repo', kind: SpanKind.INTERNAL, parent: 'service', attributes: { ...REPO, 'awaitwhat.was_pending': true, 'awaitwhat.was_pending_ms': 5000 }, links: ['repo*'] },
      { name: 'service', kind: SpanKind.INTERNAL, parent: 'handler', attributes: { ...SERVICE, 'awaitwhat.was_pending': true, 'awaitwhat.was_pending_ms': 6000 }, links: ['service*'] },
      { name: 'handler', kind: SpanKind.INTERNAL, parent: 'GET /orders', attributes: { ...HANDLER, 'awaitwhat.was_pending': true, 'awaitwhat.was_pending_ms': 7000 }, links: ['handler*'] },
      { name: 'GET /orders', kind: SpanKind.SERVER, parent: null, attributes: { 'http.method': 'GET' }, links: ['pending: GET /orders (repo)*'] },
    ]);
    const copyOf = (name: string) => exported.find((s) => s.name === name)!;
    for (const [name, copy] of [['repo', 'repo'], ['service', 'service'], ['handler', 'handler']] as const) {
      assert.deepEqual(ms(finished(name, false)[0]!.startTime), ms(copyOf(copy).startTime), `${name}: the copy starts with the real span`);
    }
  });

  /**
   * `app.first()` started with tracing off (its frames untraced), pending 2500 ms when sampled.
   * Its promise comes back in an object: an async function returning it would wait for it.
   */
  async function untracedFirstPending(): Promise<{ done: Promise<unknown> }> {
    rt.setTracing(undefined);
    let done: Promise<unknown>;
    try {
      done = app.first();
    } finally {
      rt.setTracing((await import('./support/otel-in-process.ts')).bridge);
    }
    await turn();
    pendingByFunction.set('first', 2500);
    setLongest(2500);
    return { done };
  }

  it('a chain of untraced frames: copies named after the functions, starting the pending time before the capture, without links or real span ids', async () => {
    const { done } = await untracedFirstPending();
    const capture = 10_000;
    const report = at(capture, () => newSampler().tick());
    const first = frameAttributes('first', 30, 8, 31, 3, 'await waits.promise');
    assert.deepEqual(spans(), [
      {
        name: 'pending await',
        kind: SpanKind.INTERNAL,
        parent: 'pending: first (first)*',
        attributes: { ...first, 'awaitwhat.pending_ms': 2500, 'awaitwhat.threshold_ms': 1000, 'awaitwhat.chain': ['first', 'await waits.promise'], 'awaitwhat.await.value_kind': 'promise', 'awaitwhat.snapshot': true },
        links: [],
      },
      { name: 'pending: first (first)', kind: SpanKind.INTERNAL, parent: null, attributes: { ...first, 'awaitwhat.pending_ms': 2500, 'awaitwhat.snapshot': true }, links: [] },
    ]);
    const [pending, root] = exporter.getFinishedSpans();
    assert.ok(Math.abs(ms(root!.startTime) - (capture - 2500 + performance.timeOrigin)) < 0.001);
    assert.ok(Math.abs(ms(pending!.startTime) - (capture + performance.timeOrigin)) < 0.001);
    assert.deepEqual(report?.chains, [
      { pendingMs: 2500, frames: [{ function: 'first', file: FILE, line: 31, column: 3, await: 'await waits.promise', pendingMs: 2500 }], leaf: { text: 'waits.promise', kind: 'promise' }, snapshotTraceId: root!.spanContext().traceId },
    ]);
    app.releaseWaits();
    await done;
  });

  it('a graph slow to build: the copies and the pending span are timed from the reading its pending times were measured to, not from when the sampler got there', async () => {
    const { done } = await untracedFirstPending();
    // The clock reads 10 000 while the graph is built, and 40 ms later once it is (a loaded machine).
    let clock = 10_000;
    const slowGraph = { ...runtimeView, graph: (o: never) => { const g = runtimeView.graph(o); clock += 40; return g; } } as never;
    const now = performance.now;
    performance.now = () => clock;
    try {
      newSampler({ runtime: slowGraph }).tick();
    } finally {
      performance.now = now;
    }
    const [pending, root] = exporter.getFinishedSpans();
    assert.equal(pending!.name, 'pending await');
    assert.ok(Math.abs(ms(root!.startTime) - (10_000 - 2500 + performance.timeOrigin)) < 0.001, `root copy starts at ${ms(root!.startTime) - performance.timeOrigin}`);
    assert.ok(Math.abs(ms(pending!.startTime) - (10_000 + performance.timeOrigin)) < 0.001, `pending span starts at ${ms(pending!.startTime) - performance.timeOrigin}`);
    app.releaseWaits();
    await done;
  });
});

describe('PendingSampler: re-reports', () => {
  it('a chain still hung is reported again after doubling intervals, each time a still pending span in its snapshot trace, k µs after the root', async () => {
    // The server span starts 500 ns before a whole second: the re-reports' start times carry into the seconds.
    const { server, release } = await hungRequest([1_800_000_000, 999_999_500]);
    const sampler = newSampler();
    const c = performance.now() + 1e6;
    const first = at(c, () => sampler.tick())!;
    const snapshotTrace = first.chains[0]!.snapshotTraceId;
    const root = exporter.getFinishedSpans().find((s) => s.name === 'pending: GET /orders (repo)')!;
    exporter.reset();
    // Due again a threshold (1 s) later, then 2 s after that, then 4 s.
    assert.equal(at(c + 999, () => sampler.tick()), undefined);
    pendingByFunction.set('repo', 6000);
    const second = at(c + 1000, () => sampler.tick())!;
    assert.equal(at(c + 2999, () => sampler.tick()), undefined);
    pendingByFunction.set('repo', 8000);
    const third = at(c + 3000, () => sampler.tick())!;
    assert.equal(at(c + 6999, () => sampler.tick()), undefined);
    for (const report of [second, third]) {
      assert.equal(report.chains[0]!.snapshotTraceId, snapshotTrace);
      assert.equal(report.chains[0]!.traceId, server.spanContext().traceId);
    }
    const pendingOf = (ms: number) => ({
      ...REPO,
      'awaitwhat.pending_ms': ms,
      'awaitwhat.threshold_ms': 1000,
      'awaitwhat.chain': ['GET /orders', 'handler', 'service', 'repo', 'await db.promise'],
      'awaitwhat.await.value_kind': 'promise',
      'awaitwhat.snapshot': true,
      'awaitwhat.snapshot.trace_id': server.spanContext().traceId,
      'awaitwhat.snapshot.span_id': second.chains[0]!.frames[2]!.spanId,
    });
    assert.deepEqual(spans({ 'real repo': second.chains[0]!.frames[2]!.spanId!, root: spanId(root as never) }), [
      { name: 'pending await', kind: SpanKind.INTERNAL, parent: 'still pending*', attributes: pendingOf(6000), links: ['real repo'] },
      { name: 'still pending', kind: SpanKind.INTERNAL, parent: 'root', attributes: { 'awaitwhat.pending_ms': 6000, 'awaitwhat.snapshot': true }, links: [] },
      { name: 'pending await', kind: SpanKind.INTERNAL, parent: 'still pending*', attributes: pendingOf(8000), links: ['real repo'] },
      { name: 'still pending', kind: SpanKind.INTERNAL, parent: 'root', attributes: { 'awaitwhat.pending_ms': 8000, 'awaitwhat.snapshot': true }, links: [] },
    ]);
    const [pending2, still2, pending3, still3] = exporter.getFinishedSpans();
    assert.ok([pending2, still2, pending3, still3].every((s) => s!.spanContext().traceId === snapshotTrace));
    assert.equal(still2!.parentSpanContext?.spanId ?? (still2 as never as { parentSpanId: string }).parentSpanId, root.spanContext().spanId);
    assert.equal(pending2!.parentSpanContext?.spanId ?? (pending2 as never as { parentSpanId: string }).parentSpanId, still2!.spanContext().spanId);
    // Started 1 µs and 2 µs after the root (the server span's start, an [s, ns] time), ending with their pending span.
    const rootStart = root.startTime;
    assert.deepEqual(rootStart, [1_800_000_000, 999_999_500]);
    assert.deepEqual(still2!.startTime, [1_800_000_001, 500]);
    assert.deepEqual(still3!.startTime, [1_800_000_001, 1500]);
    const anchor = anchorOf(server);
    assert.ok(Math.abs(ms(pending2!.startTime) - (c + 1000 + anchor)) < 0.001);
    assert.ok(Math.abs(ms(still2!.endTime) - (c + 1001 + anchor)) < 0.001);
    assert.ok(Math.abs(ms(pending3!.endTime) - (c + 3001 + anchor)) < 0.001);
    await release();
    // The real span says the longest pending time reported.
    assert.equal(finished('repo', false)[0]!.attributes['awaitwhat.was_pending_ms'], 8000);
  });

  it('without a span above, the root starts at a time in ms, and the still pending spans k µs after it', async () => {
    const done = app.handler();
    await turn();
    pendingByFunction.set('handler', 3000).set('service', 3000).set('repo', 3000);
    setLongest(3000);
    const sampler = newSampler();
    const c = performance.now() + 1e6;
    at(c, () => sampler.tick());
    const root = exporter.getFinishedSpans().at(-1)!;
    assert.equal(root.name, 'pending: handler (repo)');
    assert.equal(root.parentSpanContext?.spanId ?? (root as never as { parentSpanId?: string }).parentSpanId, undefined);
    exporter.reset();
    at(c + 1000, () => sampler.tick());
    const still = exporter.getFinishedSpans().find((s) => s.name === 'still pending')!;
    assert.ok(Math.abs(ms(still.startTime) - (ms(root.startTime) + 0.001)) < 0.0001, `${ms(still.startTime) - ms(root.startTime)}`);
    app.releaseQuery();
    await done;
  });
});

describe('PendingSampler: what is due', () => {
  it('nothing when the longest suspension is under the threshold, whatever the snapshot says; the threshold itself is due', async () => {
    const done = app.handler();
    await turn();
    pendingByFunction.set('repo', 1000);
    const sampler = newSampler();
    setLongest(999);
    assert.equal(at(1e9, () => sampler.tick()), undefined);
    setLongest(1000);
    assert.deepEqual(at(1e9, () => sampler.tick())?.chains.map((c) => c.pendingMs), [1000]);
    assert.equal(exporter.getFinishedSpans().filter((s) => s.name === 'pending await').length, 1);
    app.releaseQuery();
    await done;
  });

  it('a chain whose innermost await is under the threshold is not reported', async () => {
    const done = app.handler();
    await turn();
    pendingByFunction.set('handler', 5000).set('service', 5000).set('repo', 999);
    setLongest(5000);
    assert.equal(at(1e9, () => newSampler().tick()), undefined);
    assert.deepEqual(exporter.getFinishedSpans(), []);
    app.releaseQuery();
    await done;
  });

  for (const [cap, firstSample, secondSample] of [
    [1, ['second'], ['third']],
    [2, ['second', 'third'], ['first']],
    [3, ['second', 'third', 'first'], null],
  ] as const) {
    it(`maxChainsPerSample ${cap}: the ${cap} longest-pending chains, the rest at the next sample`, async () => {
      configure({ maxChainsPerSample: cap });
      const done = [app.first(), app.second(), app.third()];
      await turn();
      pendingByFunction.set('first', 3000).set('second', 5000).set('third', 4000);
      setLongest(5000);
      const sampler = newSampler();
      const names = (r: PendingReport | undefined) => (r === undefined ? null : r.chains.map((c) => c.frames.map((f) => f.function).join(' → ')));
      assert.deepEqual(names(at(1e9, () => sampler.tick())), firstSample);
      assert.deepEqual(names(at(1e9, () => sampler.tick())), secondSample);
      assert.equal(exporter.getFinishedSpans().filter((s) => s.name === 'pending await').length, cap === 1 ? 2 : 3);
      app.releaseWaits();
      await Promise.all(done);
    });
  }
});

describe('PendingSampler: traces', () => {
  it('a shared promise: its real span links to each extra awaiter once, not to the awaiter it is the child of', async () => {
    const done = [app.query(), app.query()];
    await turn();
    pendingByFunction.set('query', 4000).set('connect', 4000);
    setLongest(4000);
    const sampler = newSampler();
    const c = performance.now() + 1e6;
    const report = at(c, () => sampler.tick())!;
    assert.deepEqual(report.chains.map((ch) => ch.frames.map((f) => f.function)), [['query', 'connect']]);
    at(c + 1000, () => sampler.tick());
    app.releaseSocket();
    await Promise.all(done);
    const [q1, conn] = report.chains[0]!.frames.map((f) => f.spanId!);
    const queries = finished('query', false);
    const q2 = queries.map((s) => s.spanContext().spanId).find((id) => id !== q1)!;
    assert.equal(queries.length, 2);
    const connect = finished('connect', false)[0]!;
    assert.equal(connect.spanContext().spanId, conn);
    assert.deepEqual(connect.links.map((l) => l.context.spanId), [q2, finished('connect', true)[0]!.spanContext().spanId]);
    assert.equal(connect.parentSpanContext?.spanId ?? (connect as never as { parentSpanId: string }).parentSpanId, q1);
  });

  it('a frame in an unsampled trace: the chain is reported, no span exported', async () => {
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE });
    const done = context.with(unsampled, () => app.handler());
    await turn();
    pendingByFunction.set('repo', 2000);
    setLongest(2000);
    const report = at(1e9, () => newSampler().tick());
    assert.deepEqual(report?.chains.map((c) => [c.traceId, c.snapshotTraceId, c.frames.map((f) => f.spanId)]), [[undefined, undefined, [undefined, undefined, undefined]]]);
    app.releaseQuery();
    await done;
    assert.deepEqual(exporter.getFinishedSpans(), []);
  });
});

describe('PendingSampler: missing records', () => {
  it('a chain whose innermost frame has no record (collected meanwhile) is left out', async () => {
    const done = app.handler();
    await turn();
    pendingByFunction.set('repo', 2000);
    setLongest(2000);
    const noRecords = { ...runtimeView, graph: (o: never) => ({ ...runtimeView.graph(o), frameOf: () => undefined }) };
    assert.equal(at(1e9, () => newSampler({ runtime: noRecords }).tick()), undefined);
    assert.deepEqual(exporter.getFinishedSpans(), []);
    app.releaseQuery();
    await done;
  });
});

describe('PendingSampler: the root sampler', () => {
  /** A tracer whose sampler samples every `every`-th root it is asked about, and every child. */
  function sampling(every: number) {
    const asked = { count: 0 };
    const out = new InMemorySpanExporter();
    const provider = new TracerProvider({
      sampler: {
        shouldSample: (parent: Context) =>
          ({ decision: trace.getSpanContext(parent) !== undefined || ++asked.count % every === 0 ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD }),
        toString: () => 'test',
      },
      spanProcessors: [new SimpleSpanProcessor({ exporter: out })],
    });
    return { tracer: provider.getTracer('snapshots'), asked, out };
  }

  it('for a chain in a sampled trace, roots are tried until one is sampled', async () => {
    const done = app.handler();
    await turn();
    pendingByFunction.set('repo', 2000);
    setLongest(2000);
    const s = sampling(5);
    const report = at(1e9, () => newSampler({ tracer: s.tracer }).tick());
    assert.equal(s.asked.count, 5);
    assert.deepEqual(s.out.getFinishedSpans().map((x) => x.name), ['pending await', 'repo', 'service', 'pending: handler (repo)']);
    assert.equal(report?.chains[0]?.snapshotTraceId, s.out.getFinishedSpans()[3]!.spanContext().traceId);
    assert.deepEqual(warnings, []);
    app.releaseQuery();
    await done;
  });

  it('a sampler that never samples a root: 256 tries, one warning for the first chain only, no snapshot', async () => {
    const done = [app.handler(), app.first()];
    await turn();
    pendingByFunction.set('repo', 2000).set('first', 3000);
    setLongest(3000);
    const s = sampling(Infinity);
    const report = at(1e9, () => newSampler({ tracer: s.tracer }).tick());
    assert.equal(s.asked.count, 512);
    assert.deepEqual(report?.chains.map((c) => c.snapshotTraceId), [undefined, undefined]);
    assert.deepEqual(s.out.getFinishedSpans(), []);
    assert.deepEqual(warnings, [
      "the tracer provider's sampler refused 256 root spans for the snapshot of a hung chain in a sampled trace (pending: first (first)); snapshots need a root sampler that samples some roots (such as parentbased_always_on or parentbased_traceidratio). Later refusals are not reported",
    ]);
    app.releaseQuery();
    app.releaseWaits();
    await Promise.all(done);
  });

  it('a chain of untraced frames gets the sampler\'s first answer, without a warning', async () => {
    rt.setTracing(undefined);
    let done: Promise<unknown>;
    try {
      done = app.first();
    } finally {
      rt.setTracing((await import('./support/otel-in-process.ts')).bridge);
    }
    await turn();
    pendingByFunction.set('first', 2000);
    setLongest(2000);
    const s = sampling(Infinity);
    assert.deepEqual(at(1e9, () => newSampler({ tracer: s.tracer }).tick())?.chains.map((c) => c.snapshotTraceId), [undefined]);
    assert.equal(s.asked.count, 1);
    assert.deepEqual(warnings, []);
    app.releaseWaits();
    await done!;
  });
});

describe('PendingSampler: onPending and faults', () => {
  async function hung(): Promise<() => Promise<void>> {
    const done = app.first();
    await turn();
    pendingByFunction.set('first', 2000);
    setLongest(2000);
    return async () => {
      app.releaseWaits();
      await done;
    };
  }

  it('onPending gets the report a sample returns; its throw and its rejection are counted as the user\'s, never thrown', async () => {
    const release = await hung();
    const received: unknown[] = [];
    configure({ onPending: (r) => void received.push(r) });
    const report = at(1e9, () => newSampler().tick());
    assert.deepEqual(received, [report]);

    const faults = new Faults(diag);
    configure({ onPending: () => { throw new Error('callback bug'); } });
    assert.notEqual(at(1e9, () => newSampler({ faults }).tick()), undefined);
    configure({ onPending: () => Promise.reject(new Error('async callback bug')) });
    at(1e9, () => newSampler({ faults }).tick());
    await turn();
    assert.deepEqual(faults.counts(), { user: { 'onPending failed': 2 }, internal: {} });
    await release();
  });

  it('an async onPending that does not settle: counted when a call comes the threshold or more after the oldest unsettled one, not before; once all settle, the wait starts over', async () => {
    const release = await hung();
    const faults = new Faults(diag);
    const settles: (() => void)[] = [];
    const onPending = () => new Promise<void>((resolve) => void settles.push(resolve));
    const sampler = newSampler({ faults });
    const c = 1e9;
    // Reports at c, c + 1 s, c + 3 s, c + 7 s (doubling intervals); the threshold read at each call.
    configure({ onPending });
    at(c, () => sampler.tick());
    configure({ onPending, pendingThresholdMs: 1001 });
    assert.notEqual(at(c + 1000, () => sampler.tick()), undefined);
    assert.deepEqual(faults.counts(), { user: {}, internal: {} });
    for (const settle of settles.splice(0)) settle();
    await turn();
    configure({ onPending });
    assert.notEqual(at(c + 3000, () => sampler.tick()), undefined);
    assert.deepEqual(faults.counts(), { user: {}, internal: {} });
    assert.notEqual(at(c + 7000, () => sampler.tick()), undefined);
    assert.deepEqual(faults.counts(), { user: { 'onPending unsettled': 1 }, internal: {} });
    for (const settle of settles.splice(0)) settle();
    await release();
  });

  it('a failing sample is counted as awaitwhat\'s own fault and reports nothing', () => {
    const faults = new Faults(diag);
    setLongest(5000);
    const broken = { ...runtimeView, graph: () => { throw new Error('graph failed'); } };
    assert.equal(at(1e9, () => newSampler({ faults, runtime: broken }).tick()), undefined);
    assert.deepEqual(faults.counts(), { user: {}, internal: { sampler: 1 } });
  });
});

describe('PendingSampler: start and stop', () => {
  it('start() samples every sampleIntervalMs on one timer however often called, stop() ends it', () => {
    let ticks = 0;
    const counting = { ...runtimeView, longestSuspension: () => (ticks++, 0) };
    configure({ sampleIntervalMs: 250 });
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const sampler = newSampler({ runtime: counting });
      sampler.stop();
      sampler.start();
      sampler.start();
      mock.timers.tick(249);
      assert.equal(ticks, 0);
      mock.timers.tick(1);
      assert.equal(ticks, 1);
      mock.timers.tick(250);
      assert.equal(ticks, 2);
      sampler.stop();
      sampler.stop();
      mock.timers.tick(10_000);
      assert.equal(ticks, 2);
      // Started again after a stop: a timer again.
      sampler.start();
      mock.timers.tick(250);
      assert.equal(ticks, 3);
      sampler.stop();
    } finally {
      mock.timers.reset();
    }
  });
});

describe('PendingSampler: more shapes', () => {
  it('a sampled remote parent above the chain is not copied (no SDK span to copy): the root is the outermost frame', async () => {
    const remote = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true });
    const done = context.with(remote, () => app.handler());
    await turn();
    pendingByFunction.set('repo', 2000);
    setLongest(2000);
    at(1e9, () => newSampler().tick());
    const views = spans();
    assert.deepEqual(views.map((v) => [v.name, v.parent]), [['pending await', 'repo*'], ['repo', 'service*'], ['service', 'pending: handler (repo)*'], ['pending: handler (repo)', null]]);
    assert.deepEqual(views[0]!.attributes['awaitwhat.chain'], ['handler', 'service', 'repo', 'await db.promise']);
    app.releaseQuery();
    await done;
  });

  it('a server span that ended while its calls hang is not copied either', async () => {
    const server = tracer.startSpan('GET /fire-and-forget');
    const done = context.with(trace.setSpan(ROOT_CONTEXT, server), () => app.handler());
    server.end();
    await turn();
    pendingByFunction.set('repo', 2000);
    setLongest(2000);
    exporter.reset();
    at(1e9, () => newSampler().tick());
    assert.deepEqual(spans().map((v) => v.name), ['pending await', 'repo', 'service', 'pending: handler (repo)']);
    app.releaseQuery();
    await done;
  });

  it('two hung calls under one frame: two chains, each with its own snapshot trace, each re-reported in its own', async () => {
    const done = app.both();
    await turn();
    pendingByFunction.set('left', 3000).set('right', 2000);
    setLongest(3000);
    const sampler = newSampler();
    const first = at(1e9, () => sampler.tick())!;
    assert.deepEqual(first.chains.map((c) => c.frames.map((f) => f.function)), [['both', 'left'], ['both', 'right']]);
    const traces = first.chains.map((c) => c.snapshotTraceId);
    assert.notEqual(traces[0], traces[1]);
    assert.deepEqual(spans().filter((v) => v.parent === null).map((v) => v.name), ['pending: both (left)', 'pending: both (right)']);
    exporter.reset();
    const again = at(1e9 + 1000, () => sampler.tick())!;
    assert.deepEqual(again.chains.map((c) => c.snapshotTraceId), traces);
    assert.deepEqual(spans().map((v) => v.name), ['pending await', 'still pending', 'pending await', 'still pending']);
    app.releasePair();
    await done;
  });

  it('sampled inside an active span, the snapshot root is still a root', async () => {
    const done = app.handler();
    await turn();
    pendingByFunction.set('repo', 2000);
    setLongest(2000);
    const active = tracer.startSpan('timer callback');
    context.with(trace.setSpan(ROOT_CONTEXT, active), () => at(1e9, () => newSampler().tick()));
    active.end();
    assert.deepEqual(spans().map((v) => [v.name, v.parent]).slice(-2), [['pending: handler (repo)', null], ['timer callback', null]]);
    app.releaseQuery();
    await done;
  });

  it('an anonymous function: the copies and the root are named as its real span is', async () => {
    const done = app.anonymous();
    await turn();
    pendingByFunction.set('<anonymous>', 2000);
    setLongest(2000);
    at(1e9, () => newSampler().tick());
    assert.deepEqual(spans().map((v) => v.name), ['pending await', 'pending: <anonymous> at app-chains.mjs:79 (<anonymous> at app-chains.mjs:79)']);
    app.releaseSlow();
    await done;
  });

  it('an extra awaiter in an unsampled trace gets no link (and breaks nothing)', async () => {
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE });
    const done = [app.query(), context.with(unsampled, () => app.query())];
    await turn();
    pendingByFunction.set('query', 4000).set('connect', 4000);
    setLongest(4000);
    const report = at(1e9, () => newSampler().tick());
    assert.deepEqual(report?.chains.map((ch) => ch.frames.map((f) => f.function)), [['query', 'connect']]);
    app.releaseSocket();
    await Promise.all(done);
    assert.deepEqual(finished('connect', false)[0]!.links.map((l) => l.context.spanId), [finished('connect', true)[0]!.spanContext().spanId]);
  });

  it('a chain whose innermost frame waits on nothing known: value kind "frame", no leaf', () => {
    const node = {
      id: 'f1', type: 'frame', function: 'stuck', kind: 'function', location: { file: '/app/a.mjs', line: 1, column: 1 }, state: 'awaiting',
      suspendedAt: { file: '/app/a.mjs', line: 2, column: 3, kind: 'await', text: 'await x' }, pendingMs: 2000, seq: 1, awaits: [], awaitedBy: [],
    };
    const record = {};
    const synthetic = {
      ...runtimeView,
      graph: () => ({
        snapshot: { schema: 'awaitwhat.snapshot/1', capturedAt: 1, pid: 1, threadId: 0, nodes: [node], roots: [], cycles: [], stats: { frames: 1, collected: 0, evicted: 0, omitted: 0 } },
        awaits: { start: new Int32Array([0, 0]), to: new Int32Array(0) },
        awaitedBy: { start: new Int32Array([0, 0]), to: new Int32Array(0) },
        frameOf: () => record,
        measuredAt: 1e9,
      }),
    } as never;
    setLongest(2000);
    const report = at(1e9, () => newSampler({ runtime: synthetic }).tick());
    assert.equal(report?.chains[0]?.leaf, null);
    assert.equal(spans()[0]!.attributes['awaitwhat.await.value_kind'], 'frame');
  });
});

describe('PendingSampler: onPending calls in flight', () => {
  async function hung(): Promise<() => Promise<void>> {
    const done = app.first();
    await turn();
    pendingByFunction.set('first', 5000);
    setLongest(5000);
    return async () => {
      app.releaseWaits();
      await done;
    };
  }

  it('a callback that returns nothing, or null, is never waited for', async () => {
    const release = await hung();
    const faults = new Faults(diag);
    for (const value of [undefined, null]) {
      configure({ onPending: () => value as never });
      const sampler = newSampler({ faults });
      at(1e9, () => sampler.tick());
      at(1e9 + 1000, () => sampler.tick());
      at(1e9 + 3000, () => sampler.tick());
    }
    assert.deepEqual(faults.counts(), { user: {}, internal: {} });
    await release();
  });

  it('a rejected call no longer counts as in flight', async () => {
    const release = await hung();
    const faults = new Faults(diag);
    configure({ onPending: () => Promise.reject(new Error('nope')) });
    const sampler = newSampler({ faults });
    at(1e9, () => sampler.tick());
    await turn();
    at(1e9 + 1000, () => sampler.tick());
    await turn();
    assert.deepEqual(faults.counts(), { user: { 'onPending failed': 2 }, internal: {} });
    await release();
  });

  it('the wait is measured from the oldest call in flight, at the threshold exactly, and said in seconds', async () => {
    const release = await hung();
    const faults = new Faults(diag);
    const settles: (() => void)[] = [];
    const onPending = () => new Promise<void>((resolve) => void settles.push(resolve));
    const sampler = newSampler({ faults });
    const c = 1e9;
    // Calls at c and c + 1 s (threshold 1001: not yet); the first settles; a call at c + 3 s with a
    // threshold of 3001 ms is still under it (measured from c), one at c + 7 s with 7000 is at it.
    configure({ onPending });
    at(c, () => sampler.tick());
    configure({ onPending, pendingThresholdMs: 1001 });
    at(c + 1000, () => sampler.tick());
    settles.shift()!();
    await turn();
    configure({ onPending, pendingThresholdMs: 3001 });
    assert.notEqual(at(c + 3000, () => sampler.tick()), undefined);
    assert.deepEqual(faults.counts(), { user: {}, internal: {} });
    pendingByFunction.set('first', 7000);
    setLongest(7000);
    configure({ onPending, pendingThresholdMs: 7000 });
    assert.notEqual(at(c + 7000, () => sampler.tick()), undefined);
    assert.deepEqual(faults.counts(), { user: { 'onPending unsettled': 1 }, internal: {} });
    assert.deepEqual(warnings, ['an onPending call has not settled for 7.0s; calls go on, later ones that do not settle are counted, not reported']);
    for (const settle of settles.splice(0)) settle();
    await release();
  });
});

describe('PendingSampler: cycles', () => {
  it('an await cycle: one root span naming its frames, one warning, reported once per sampler', async () => {
    await app.deadlock();
    await turn();
    await turn();
    const sampler = newSampler();
    setLongest(1000);
    const report = at(1e9, () => sampler.tick())!;
    const ping = { function: 'ping', file: FILE, line: 66, column: 3, await: 'await two', pendingMs: 0 };
    const pong = { function: 'pong', file: FILE, line: 70, column: 3, await: 'await one', pendingMs: 0 };
    assert.deepEqual(report.chains, []);
    assert.equal(report.cycles.length, 1);
    const names = report.cycles[0]!.frames.map((f) => f.function);
    assert.deepEqual(report.cycles[0]!.frames, names[0] === 'ping' ? [ping, pong] : [pong, ping]);
    const text = report.cycles[0]!.frames.map((f) => `${f.function} (${FILE}:${f.line})`);
    assert.deepEqual(spans(), [{ name: 'await cycle', kind: SpanKind.INTERNAL, parent: null, attributes: { 'awaitwhat.cycle': text, 'awaitwhat.snapshot': true }, links: [] }]);
    const [cycle] = exporter.getFinishedSpans();
    assert.ok(Math.abs(ms(cycle!.startTime) - (1e9 + performance.timeOrigin)) < 0.001);
    assert.ok(Math.abs(ms(cycle!.endTime) - (1e9 + 1 + performance.timeOrigin)) < 0.001);
    assert.deepEqual(warnings, [`deadlock, 2 async functions await each other: ${text.join(' → ')}`]);
    assert.equal(at(1e9 + 1e6, () => sampler.tick()), undefined);
  });

  it('a cycle through a combinator names its frames only; its span is a root even inside an active span', async () => {
    await app.tangle();
    await turn();
    await turn();
    setLongest(1000);
    const active = tracer.startSpan('timer callback');
    const report = context.with(trace.setSpan(ROOT_CONTEXT, active), () => at(1e9, () => newSampler().tick()))!;
    active.end();
    const cycles = report.cycles.map((c) => c.frames.map((f) => f.function).sort());
    assert.deepEqual(cycles.filter((c) => c.includes('knot')), [['knot', 'tie']]);
    const span = spans().find((v) => v.name === 'await cycle' && (v.attributes['awaitwhat.cycle'] as string[]).some((n) => n.startsWith('knot')))!;
    assert.equal(span.parent, null);
    assert.equal((span.attributes['awaitwhat.cycle'] as string[]).length, 2);
  });
});
