/**
 * The SDK `awaitwhat/register` starts (src/otel/sdk.ts), in the test's own process and without a
 * collector: the sampler each OTEL_TRACES_SAMPLER names, the resource, the propagators, the
 * metric export or its absence; ReportingExporter's one message per outage and per recovery.
 */

import assert from 'node:assert/strict';
import { context, diag, DiagLogLevel, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { ReportingExporter, ReportingMetricExporter, startSdk } from '../dist/otel/sdk.js';
import { readSdkSettings } from '../dist/otel/sdk-settings.js';

const warnings: string[] = [];
const log = (...args: unknown[]) => void warnings.push(args.join(' '));
diag.setLogger({ error: log, warn: log, info() {}, debug() {}, verbose() {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });

async function started(env: Record<string, string>) {
  // No collector here: the batch processor never exports (its delay is the longest timer; the providers are not shut down).
  return startSdk(readSdkSettings({ OTEL_METRICS_EXPORTER: 'none', OTEL_BSP_SCHEDULE_DELAY: '2147483647', ...env }, (m) => warnings.push(`settings: ${m}`)));
}

const SAMPLED_PARENT = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true });
const UNSAMPLED_PARENT = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE, isRemote: true });

describe('startSdk()', () => {
  for (const [sampler, arg, root, underSampled, underUnsampled] of [
    ['always_on', undefined, true, true, true],
    ['always_off', undefined, false, false, false],
    ['traceidratio', '0', false, false, false],
    ['traceidratio', '1', true, true, true],
    ['parentbased_always_on', undefined, true, true, false],
    ['parentbased_always_off', undefined, false, true, false],
    ['parentbased_traceidratio', '0', false, true, false],
    ['parentbased_traceidratio', '1', true, true, false],
  ] as const) {
    it(`OTEL_TRACES_SAMPLER=${sampler}${arg === undefined ? '' : ` (ratio ${arg})`}: sampled? a root ${root}, under a sampled parent ${underSampled}, under an unsampled one ${underUnsampled}`, async () => {
      const sdk = await started({ OTEL_TRACES_SAMPLER: sampler, ...(arg === undefined ? {} : { OTEL_TRACES_SAMPLER_ARG: arg }) });
      const tracer = sdk.provider.getTracer('test');
      const sample = (ctx: typeof ROOT_CONTEXT) => {
        const span = tracer.startSpan('x', {}, ctx);
        const r = span.isRecording();
        span.end();
        return r;
      };
      assert.deepEqual([sample(ROOT_CONTEXT), sample(SAMPLED_PARENT), sample(UNSAMPLED_PARENT)], [root, underSampled, underUnsampled]);
      sdk.contextManager.disable();
    });
  }

  it('the resource: the SDK\'s defaults, OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME over its service.name, the host name unless given', async () => {
    for (const [env, expected] of [
      [{ OTEL_SERVICE_NAME: 'orders', OTEL_RESOURCE_ATTRIBUTES: 'service.name=other,deployment.environment=prod' }, { 'service.name': 'orders', 'deployment.environment': 'prod', 'host.name': hostname() }],
      [{ OTEL_RESOURCE_ATTRIBUTES: 'host.name=box,service.name=other' }, { 'service.name': 'other', 'host.name': 'box' }],
    ] as const) {
      const sdk = await started(env);
      const span = sdk.provider.getTracer('test').startSpan('x') as unknown as { resource: { attributes: Record<string, unknown> }; end(): void };
      const { 'telemetry.sdk.language': language, 'telemetry.sdk.name': name, 'telemetry.sdk.version': version, ...rest } = span.resource.attributes;
      assert.deepEqual([language, name, typeof version], ['nodejs', 'opentelemetry', 'string']);
      assert.deepEqual(rest, expected);
      span.end();
      sdk.contextManager.disable();
    }
  });

  it('the propagators OTEL_PROPAGATORS names, none for none; the context manager enabled', async () => {
    for (const [value, fields] of [
      ['tracecontext,baggage', ['traceparent', 'tracestate', 'baggage']],
      ['tracecontext', ['traceparent', 'tracestate']],
      ['baggage', ['baggage']],
      ['none', undefined],
    ] as const) {
      const sdk = await started({ OTEL_PROPAGATORS: value });
      assert.deepEqual((sdk.propagator as { fields(): string[] } | undefined)?.fields(), fields);
      const key = Symbol('k');
      assert.equal(sdk.contextManager.with(ROOT_CONTEXT.setValue(key, 1), () => sdk.contextManager.active().getValue(key)), 1);
      sdk.contextManager.disable();
    }
  });

  it('metrics: a meter provider and a reporting exporter for otlp, none for none', async () => {
    const none = await started({});
    assert.equal(none.metrics, undefined);
    none.contextManager.disable();
    const otlp = await started({ OTEL_METRICS_EXPORTER: 'otlp' });
    assert.ok(otlp.metrics !== undefined && 'provider' in otlp.metrics);
    assert.ok(otlp.metrics.exporter instanceof ReportingExporter);
    assert.equal(typeof otlp.metrics.provider.getMeter('m').createObservableGauge, 'function');
    const exporter = otlp.metrics.exporter as unknown as { selectAggregationTemporality(t: unknown): unknown };
    assert.equal(typeof exporter.selectAggregationTemporality('COUNTER'), 'number');
    otlp.contextManager.disable();
    assert.ok(otlp.exporter instanceof ReportingExporter);
    assert.deepEqual(warnings, []);
  });
});

describe('ReportingExporter', () => {
  function inner(results: { code: number; error?: Error }[]) {
    const calls = { shutdown: 0, flush: 0 };
    return {
      calls,
      exporter: {
        export: (_spans: unknown[], done: (r: { code: number; error?: Error }) => void) => done(results.shift()!),
        shutdown: async () => void calls.shutdown++,
        forceFlush: async () => void calls.flush++,
      },
    };
  }

  it('one warning when exporting starts failing (with the HTTP status when there is one), one when it works again', () => {
    warnings.length = 0;
    const failure = Object.assign(new Error('Service Unavailable'), { code: 503 });
    const { exporter: wrapped } = inner([{ code: 1, error: failure }, { code: 1, error: new Error('again') }, { code: 0 }, { code: 0 }, { code: 1 }, { code: 1, error: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) }, { code: 0 }, { code: 1, error: new Error('refused') }]);
    const exporter = new ReportingExporter(wrapped, 'http://collector:4318/v1/traces', 'spans');
    const results: number[] = [];
    const failing: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      exporter.export([], (r) => void results.push(r.code));
      failing.push(exporter.failing);
    }
    exporter.export([], () => {});
    exporter.export([], () => {});
    exporter.export([], () => {});
    assert.deepEqual(results, [1, 1, 0, 0, 1]);
    assert.deepEqual(failing, [true, true, false, false, true]);
    assert.deepEqual(warnings, [
      'awaitwhat exporting spans to http://collector:4318/v1/traces failed (Service Unavailable, HTTP 503); the program is unaffected, spans are dropped until the collector answers again',
      'awaitwhat exporting spans to http://collector:4318/v1/traces works again',
      'awaitwhat exporting spans to http://collector:4318/v1/traces failed (unknown error); the program is unaffected, spans are dropped until the collector answers again',
      'awaitwhat exporting spans to http://collector:4318/v1/traces works again',
      'awaitwhat exporting spans to http://collector:4318/v1/traces failed (refused); the program is unaffected, spans are dropped until the collector answers again',
    ]);
  });

  it('failed(): the outage starts once; shutdown and forceFlush go to the exporter, forceFlush without one resolves', async () => {
    warnings.length = 0;
    const { exporter: wrapped, calls } = inner([]);
    const exporter = new ReportingExporter(wrapped, 'http://c/v1/metrics', 'metrics');
    exporter.failed('timed out');
    exporter.failed('timed out again');
    assert.deepEqual(warnings, ['awaitwhat exporting metrics to http://c/v1/metrics failed (timed out); the program is unaffected, metrics are dropped until the collector answers again']);
    await exporter.shutdown();
    await exporter.forceFlush();
    assert.deepEqual(calls, { shutdown: 1, flush: 1 });
    const bare = new ReportingExporter({ export() {}, shutdown: async () => {} }, 'x', 'spans');
    assert.equal(await bare.forceFlush(), undefined);
  });

  it('forceFlush() waits for the exporter\'s flush', async () => {
    let flushed = false;
    const slow = new ReportingExporter({ export() {}, shutdown: async () => {}, forceFlush: () => new Promise<void>((resolve) => setImmediate(() => ((flushed = true), resolve()))) }, 'x', 'spans');
    await slow.forceFlush();
    assert.equal(flushed, true);
  });
});

describe('ReportingMetricExporter', () => {
  it('answers the reader\'s temporality and aggregation questions as the exporter it wraps does, and not at all when it does not', () => {
    const asked: unknown[] = [];
    const inner = {
      export() {},
      shutdown: async () => {},
      selectAggregationTemporality(this: unknown, type: unknown) {
        asked.push([this === inner, type]);
        return 1;
      },
      selectAggregation(this: unknown, type: unknown) {
        asked.push([this === inner, type]);
        return { type: 'DROP' };
      },
    };
    const wrapped = new ReportingMetricExporter(inner, 'x', 'metrics');
    assert.deepEqual([wrapped.selectAggregationTemporality!('COUNTER'), wrapped.selectAggregation!('GAUGE')], [1, { type: 'DROP' }]);
    assert.deepEqual(asked, [[true, 'COUNTER'], [true, 'GAUGE']]);
    const bare = new ReportingMetricExporter({ export() {}, shutdown: async () => {} }, 'x', 'metrics');
    assert.deepEqual([bare.selectAggregationTemporality, bare.selectAggregation], [undefined, undefined]);
  });
});
