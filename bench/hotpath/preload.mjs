// Loaded with --import by every variant of bench/hotpath.mjs (VARIANT, and the build under test in
// AWAITWHAT_DIST, a dist/ directory):
//   plain       nothing
//   hooks       awaitwhat's load hooks (plain frames)
//   traced      the hooks, and traced frames with an observer that does nothing (the runtime's
//               share of AwaitInstrumentation)
//   sdk         the OpenTelemetry SDK (NodeSDK, AsyncLocalStorage context), no awaitwhat
//   sdk-await   the SDK with AwaitInstrumentation at default settings
// In the SDK variants the workload runs under an active span (as a request handler does), and the
// spans ended are counted (globalThis.__benchSpans). With COUNT_CLOCK=1, performance.now is
// replaced, before anything else loads, by a wrapper counting its calls (globalThis.__benchClock):
// awaitwhat captures performance.now at load, so it then calls the wrapper.
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

if (process.env.COUNT_CLOCK === '1') {
  const now = performance.now.bind(performance);
  globalThis.__benchClock = 0;
  performance.now = function now_() {
    globalThis.__benchClock++;
    return now();
  };
}

// An ablation, never a figure of awaitwhat's cost: with FREE_CLOCK=1, performance.now returns a
// reading taken at load, so the rest of the traced path can be told from the clock reads.
if (process.env.FREE_CLOCK === '1') {
  const fixed = performance.now();
  performance.now = () => fixed;
}

const variant = process.env.VARIANT ?? 'plain';
const dist = process.env.AWAITWHAT_DIST;
const load = (file) => import(pathToFileURL(join(dist, file)).href);

if (variant === 'hooks' || variant === 'traced') await load('hooks.js');
if (variant === 'traced') {
  const observer = { minDurationMs: () => 10, context: () => undefined, exited() {}, leafAwaitEnded() {} };
  const internalsFile = join(dist, 'runtime', 'internals.js');
  // Builds before the runtime global was locked down exposed their internals on it.
  const internals = existsSync(internalsFile) ? (await load('runtime/internals.js')).runtimeInternals() : globalThis.__awaitwhat.internals;
  internals.setTracing(observer);
}
if (variant === 'sdk' || variant === 'sdk-await') {
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const { trace } = await import('@opentelemetry/api');
  globalThis.__benchSpans = 0;
  const counting = { onStart() {}, onEnd() { globalThis.__benchSpans++; }, forceFlush: async () => {}, shutdown: async () => {} };
  const instrumentations = [];
  if (variant === 'sdk-await') {
    const { AwaitInstrumentation } = await load('index.js');
    instrumentations.push(new AwaitInstrumentation());
  }
  new NodeSDK({ serviceName: 'bench', spanProcessors: [counting], instrumentations }).start();
  const tracer = trace.getTracer('bench');
  globalThis.__benchWrap = (run) => tracer.startActiveSpan('request', (span) => run().finally(() => span.end()));
}
