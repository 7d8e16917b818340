// The sampler's cost per tick with N frames open (N/4 chains of 4, as in pending-frames.mjs):
// a quiet tick (nothing over the threshold: one walk over the registered frames) and a reporting
// tick (graph, then snapshot spans for the first maxChainsPerSample chains), spans discarded.
import { setTimeout as sleep } from 'node:timers/promises';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { AwaitInstrumentation } from '../../dist/index.js';

const N = Number(process.argv[2] ?? 10_000);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const discard = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: discard })] });
trace.setGlobalTracerProvider(provider);
const quiet = new AwaitInstrumentation({ pendingThresholdMs: 600_000, sampleIntervalMs: 3_600_000, include: ['bench/programs/sampler-chains.mjs'] });
quiet.setTracerProvider(provider);
const { start } = await import('./sampler-chains.mjs');
const release = await trace.getTracer('bench').startActiveSpan('request', (span) => {
  const r = start(N / 4);
  span.end();
  return r;
});
await sleep(100);
const time = (fn) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};
const quietMs = [];
for (let i = 0; i < 7; i++) quietMs.push(time(() => quiet.samplePending()));
quiet.setConfig({ pendingThresholdMs: 50, sampleIntervalMs: 3_600_000, include: ['bench/programs/sampler-chains.mjs'] });
const reportingMs = time(() => quiet.samplePending());
quietMs.sort((a, b) => a - b);
console.log(JSON.stringify({ frames: N, quietTickMs: Number(quietMs[3].toFixed(2)), reportingTickMs: Number(reportingMs.toFixed(1)) }));
release();
process.exit(0);
