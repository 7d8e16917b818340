/**
 * AwaitInstrumentation's life in the test's own process (src/otel/instrumentation.ts): the load
 * hooks get its include and omitText options; its sampler runs on a timer of `sampleIntervalMs`, started by
 * enable(), restarted by setConfig() with the new interval, stopped by disable(); its gauges observe
 * the hung chains while it is enabled and 0 for them once disabled; the runtime's faults reach diag
 * through it and are counted as its own; isEnabled() follows enable() and disable().
 */

import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { context, diag, DiagLogLevel, type Attributes, type BatchObservableCallback, type Meter, type MeterProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, it } from 'node:test';
import { AwaitInstrumentation } from '../dist/index.js';
import { TICK_MS } from '../dist/runtime/clock.js';
import { reportFault } from '../dist/runtime/faults.js';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const messages: string[] = [];
diag.setLogger(
  { error: (...a: unknown[]) => void messages.push(`error: ${a.join(' ')}`), warn: (...a: unknown[]) => void messages.push(`warn: ${a.join(' ')}`), info() {}, debug() {}, verbose() {} },
  { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
);

const INSTRUMENTED = new URL('./fixtures/otel-unit/app-instrumented.mjs', import.meta.url);
const OUTSIDE = new URL('./fixtures/otel-unit/app-outside.mjs', import.meta.url);

/** A meter that keeps the batch callback the gauges register, and a collection that records what it observes. */
function fakeMeterProvider() {
  let callback: BatchObservableCallback | undefined;
  const meter = {
    createObservableGauge: (name: string) => ({ name }),
    addBatchObservableCallback: (cb: BatchObservableCallback) => void (callback = cb),
    removeBatchObservableCallback: () => void (callback = undefined),
  } as unknown as Meter;
  return {
    provider: { getMeter: () => meter } as unknown as MeterProvider,
    collect(): [string, number, Attributes | undefined][] {
      const observed: [string, number, Attributes | undefined][] = [];
      void callback!({ observe: (gauge: { name: string }, value: number, attributes?: Attributes) => void observed.push([gauge.name, value, attributes]) } as never);
      return observed;
    },
  };
}

/** setInterval and clearInterval, recorded (and passed on) while `fn` runs. */
function recordingTimers<T>(fn: (timers: { set: { ms: number; run: () => void; handle: unknown }[]; cleared: unknown[] }) => Promise<T>): Promise<T> {
  const timers = { set: [] as { ms: number; run: () => void; handle: unknown }[], cleared: [] as unknown[] };
  const { setInterval: realSet, clearInterval: realClear } = globalThis;
  globalThis.setInterval = ((run: () => void, ms: number) => {
    const handle = realSet(run, ms);
    timers.set.push({ ms, run, handle });
    return handle;
  }) as typeof setInterval;
  globalThis.clearInterval = ((handle: NodeJS.Timeout) => {
    timers.cleared.push(handle);
    realClear(handle);
  }) as typeof clearInterval;
  return fn(timers).finally(() => {
    globalThis.setInterval = realSet;
    globalThis.clearInterval = realClear;
  });
}

describe('AwaitInstrumentation, enabled and disabled', () => {
  it('setConfig() before enable(): the new settings, no sampler to restart', () => {
    const instrumentation = new AwaitInstrumentation({ enabled: false });
    instrumentation.setConfig({ enabled: false, pendingThresholdMs: 7 });
    assert.equal(instrumentation.getConfig().pendingThresholdMs, 7);
    assert.equal(instrumentation.isEnabled(), false);
    assert.equal(instrumentation.samplePending(), undefined);
  });

  it('its include option reaches the hooks; the sampler\'s timer follows enable, setConfig and disable; the gauges observe while enabled; runtime faults are its own', async () => {
    messages.length = 0;
    const meters = fakeMeterProvider();
    const instrumentation = new AwaitInstrumentation({ enabled: false, include: ['test/fixtures/otel-unit/app-instrumented.mjs'], omitText: true, minSpanDurationMs: 0, pendingThresholdMs: 1, sampleIntervalMs: 3_600_000 });
    instrumentation.setTracerProvider(provider);
    instrumentation.setMeterProvider(meters.provider);
    await recordingTimers(async (timers) => {
      instrumentation.enable();
      assert.equal(instrumentation.isEnabled(), true);
      // The sampler's timer (beside the runtime's own clock, left out: the runtime's business).
      const samplerTimers = () => timers.set.filter((t) => t.ms !== TICK_MS);
      assert.deepEqual(samplerTimers().map((t) => t.ms), [3_600_000]);
      const sampler = samplerTimers()[0]!;

      const app = (await import(INSTRUMENTED.href)) as { waitForIt(): Promise<void>; later(): Promise<string>; release(): void };
      const { outside } = (await import(OUTSIDE.href)) as { outside(): Promise<string> };
      assert.equal(await outside(), 'outside');
      assert.deepEqual(exporter.getFinishedSpans().map((s) => s.name), []);
      // The omitText option reached the hooks too: a leaf span named by its place, not by `await null`.
      assert.equal(await app.later(), 'done');
      assert.deepEqual(exporter.getFinishedSpans().map((s) => s.name), ['await at app-instrumented.mjs:11', 'later']);
      exporter.reset();
      const done = app.waitForIt();

      // The runtime's coarse clock must move past the 1 ms threshold: polled, at most 10 s.
      let observed = meters.collect();
      for (let i = 0; i < 200 && observed.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        observed = meters.collect();
      }
      const at = { 'code.function.name': 'waitForIt', 'awaitwhat.await.location': `${fileURLToPath(INSTRUMENTED)}:8:3` };
      assert.deepEqual(observed.map(([name, value, attributes]) => [name, name === 'awaitwhat.await.pending' ? value : value > 0 && value <= 10, attributes]), [
        ['awaitwhat.await.pending', 1, at],
        ['awaitwhat.await.oldest_age', true, at],
      ]);

      // The timer's job is a sample.
      sampler.run();
      assert.deepEqual(exporter.getFinishedSpans().map((s) => s.name), ['pending await', 'pending: waitForIt (waitForIt)']);
      exporter.reset();

      // A new configuration: the timer again, at the new interval.
      instrumentation.setConfig({ include: ['test/fixtures/otel-unit/app-instrumented.mjs'], minSpanDurationMs: 0, pendingThresholdMs: 1, sampleIntervalMs: 1234 });
      assert.deepEqual(timers.cleared, [sampler.handle]);
      assert.deepEqual(samplerTimers().map((t) => t.ms), [3_600_000, 1234]);

      // A fault of the runtime: said once through diag, counted as awaitwhat's own.
      reportFault('observer', new Error('observer down'));
      reportFault('observer', new Error('observer down again'));
      assert.deepEqual(instrumentation.faultCounts(), { user: {}, internal: { 'runtime: observer': 1 } });

      instrumentation.disable();
      assert.equal(instrumentation.isEnabled(), false);
      assert.deepEqual(timers.cleared, [sampler.handle, samplerTimers()[1]!.handle]);
      // Disabled: the site that hung reads 0.
      assert.deepEqual(meters.collect(), [
        ['awaitwhat.await.pending', 0, at],
        ['awaitwhat.await.oldest_age', 0, at],
      ]);
      app.release();
      await done;
    });
    assert.deepEqual(messages, [
      'warn: awaitwhat the awaitwhat runtime failed (observer: observer down); the program is unaffected, later failures of this kind are counted, not reported',
    ]);
  });
});
