// The fastify service benchmark's tracing (bench/fastify.mjs), loaded with --import before
// fastify-service.mjs: NodeSDK with HTTP instrumentation, spans batched to an exporter that discards
// them (so neither a network nor an unbounded buffer is measured), and AwaitInstrumentation at
// default settings when AWAIT=1. No fastify instrumentation: @opentelemetry/instrumentation-fastify
// (0.57.0, deprecated) and @fastify/otel (0.21.2) both depend on @opentelemetry/instrumentation
// 0.213/0.222 and core 2.x, not this SDK's 0.301 and 3.x.
// The files to leave uninstrumented (the fake pool, standing in for a driver) come from
// AWAITWHAT_EXCLUDE, which AwaitInstrumentation reads as awaitwhat/hooks does.
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { AwaitInstrumentation } from '../../dist/index.js';

const discard = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
// Spans ended so far, for the benchmark's "spans per request" (over IPC, like the server's CPU
// time): AwaitInstrumentation makes a span only for calls that outlive minSpanDurationMs, which a
// loaded machine's slow requests do far more often than a quiet one's.
let ended = 0;
const counter = { onStart() {}, onEnd() { ended++; }, shutdown: async () => {}, forceFlush: async () => {} };
process.on('message', (message) => {
  if (message === 'spans') process.send?.(ended);
});
const instrumentations = [new HttpInstrumentation()];
if (process.env.AWAIT === '1') instrumentations.push(new AwaitInstrumentation());
new NodeSDK({ serviceName: 'bench-fastify', spanProcessors: [counter, new BatchSpanProcessor({ exporter: discard })], instrumentations }).start();
