// The HTTP benchmark's handler without HTTP: what AwaitInstrumentation itself costs per request,
// in CPU time, measured in one process (loaded after http-tracing.mjs with AWAIT=1, so the SDK and
// AwaitInstrumentation are set up exactly as in the server). Each request runs inside an active
// span, as under an HTTP server span; batches of 10 concurrent requests, as autocannon's 10
// connections; the instrumented and the never-instrumented copy alternate, round by round.
import { trace } from '@opentelemetry/api';
import { handle as instrumented } from './http-handler.mjs';
import { handle as plain } from './http-handler-plain.mjs';

const REQUESTS = Number(process.env.REQUESTS ?? 20_000);
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const tracer = trace.getTracer('bench');
const req = { headers: { authorization: 'token' } };

async function run(handle) {
  const start = process.cpuUsage();
  for (let done = 0; done < REQUESTS; done += 10) {
    const batch = [];
    for (let c = 0; c < 10; c++) batch.push(tracer.startActiveSpan('GET /', (span) => handle(req).finally(() => span.end())));
    await Promise.all(batch);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / REQUESTS;
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
for (let r = 0; r < 2; r++) {
  await run(plain);
  await run(instrumented);
}
const p = [];
const q = [];
for (let r = 0; r < ROUNDS; r++) {
  for (const which of r % 2 === 0 ? ['plain', 'inst'] : ['inst', 'plain']) (which === 'plain' ? p : q).push(await run(which === 'plain' ? plain : instrumented));
}
const diffs = q.map((x, i) => x - p[i]);
console.log(JSON.stringify({ plainUs: median(p), instrumentedUs: median(q), addedUs: median(diffs), ratio: median(q.map((x, i) => x / p[i])), instrumented: typeof globalThis.__awaitwhat === 'object' }));
process.exit(0);
