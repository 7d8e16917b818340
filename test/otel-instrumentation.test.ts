/**
 * AwaitInstrumentation (src/otel/instrumentation.ts) in the test's own process: enable() installs
 * the hooks and traces new calls through the tracer provider given, samplePending() reports hung
 * chains, disable() stops spans and samples, enable and disable are safe twice, a bad option is a
 * diag warning after a microtask, the gauges follow the meter provider, faults are counted.
 */

import assert from 'node:assert/strict';
import { context, diag, DiagLogLevel, type Meter, type MeterProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, it } from 'node:test';
import { AwaitInstrumentation } from '../dist/index.js';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const warnings: string[] = [];
const log = (...args: unknown[]) => void warnings.push(args.join(' '));
diag.setLogger({ error: log, warn: log, info() {}, debug() {}, verbose() {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });

const FIXTURE = new URL('./fixtures/otel-unit/app-instrumented.mjs', import.meta.url).href;
type App = { waitForIt(): Promise<void>; later(): Promise<string>; release(): void };

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('AwaitInstrumentation', () => {
  it('a bad option: a diag warning after a microtask (once the SDK has installed its logger), and the default', async () => {
    warnings.length = 0;
    const instrumentation = new AwaitInstrumentation({ enabled: false, pendingThresholdMs: -5 });
    assert.deepEqual(warnings, []);
    await Promise.resolve();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /AwaitInstrumentation option pendingThresholdMs/);
    assert.equal(instrumentation.getConfig().pendingThresholdMs, 5000);
    assert.equal(instrumentation.samplePending(), undefined);
  });

  it('enabled: spans for new calls, hung chains sampled; disabled: neither; both safe twice', async () => {
    warnings.length = 0;
    const instrumentation = new AwaitInstrumentation({ enabled: false, include: ['test/fixtures/otel-unit/app-instrumented.mjs'], minSpanDurationMs: 0, pendingThresholdMs: 1, sampleIntervalMs: 3_600_000 });
    instrumentation.setTracerProvider(provider);
    instrumentation.enable();
    instrumentation.enable();
    const app = (await import(FIXTURE)) as App;
    const done = app.waitForIt();
    // The runtime's coarse clock must move past the 1 ms threshold (its period is 50 ms): polled, at most 10 s.
    let report = instrumentation.samplePending();
    for (let i = 0; i < 200 && report === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      report = instrumentation.samplePending();
    }
    assert.deepEqual(report?.chains.map((c) => c.frames.map((f) => f.function)), [['waitForIt']]);
    assert.deepEqual(report?.thresholdMs, 1);
    assert.deepEqual(exporter.getFinishedSpans().map((s) => s.name), ['pending await', 'pending: waitForIt (waitForIt)']);
    exporter.reset();
    // A new configuration keeps the instrumentation working, with its new settings.
    instrumentation.setConfig({ include: ['test/fixtures/otel-unit/app-instrumented.mjs'], minSpanDurationMs: 0, pendingThresholdMs: 1_000_000 });
    assert.equal(instrumentation.samplePending(), undefined);
    assert.equal(await app.later(), 'done');
    assert.deepEqual(exporter.getFinishedSpans().map((s) => s.name), ['await null', 'later']);
    exporter.reset();

    instrumentation.disable();
    instrumentation.disable();
    assert.equal(instrumentation.samplePending(), undefined);
    assert.equal(await app.later(), 'done');
    app.release();
    await done;
    // The call traced before disable() ends without a span; later calls are plain.
    assert.deepEqual(exporter.getFinishedSpans().map((s) => s.name), []);
    assert.deepEqual(instrumentation.faultCounts(), { user: {}, internal: {} });
    assert.deepEqual(warnings, []);

    // Enabled again: spans again.
    instrumentation.enable();
    await app.later();
    assert.deepEqual(exporter.getFinishedSpans().map((s) => s.name), ['await null', 'later']);
    instrumentation.disable();
  });

  it('the gauges go to the meter of the meter provider given', () => {
    const made: string[] = [];
    const meter = {
      createObservableGauge: (name: string) => (made.push(name), { name }),
      addBatchObservableCallback: () => {},
      removeBatchObservableCallback: () => {},
    } as unknown as Meter;
    const instrumentation = new AwaitInstrumentation({ enabled: false });
    instrumentation.setMeterProvider({ getMeter: () => meter } as unknown as MeterProvider);
    assert.deepEqual(made, ['awaitwhat.await.pending', 'awaitwhat.await.oldest_age']);
  });
});
