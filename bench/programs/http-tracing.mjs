// The tracing setup of the HTTP benchmark: the SDK with HTTP instrumentation, spans batched to an
// exporter that discards them (so the network is not measured), and AwaitInstrumentation at
// default settings when AWAIT=1. Loaded with --import before the server.
import { createRequire } from 'node:module';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { AwaitInstrumentation } from '../../dist/index.js';

const discard = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
const instrumentations = [new HttpInstrumentation()];
if (process.env.AWAIT === '1') instrumentations.push(new AwaitInstrumentation({ exclude: ['bench/programs/http-tracing.mjs', 'bench/programs/http-server.mjs', 'bench/programs/http-handler-plain.mjs'], ...(process.env.MIN_SPAN ? { minSpanDurationMs: Number(process.env.MIN_SPAN) } : {}) }));
// AWAIT=hooks: the load hooks alone (plain frames, no spans), to tell the two costs apart.
if (process.env.AWAIT === 'hooks') (await import('../../dist/index.js')).installHooks({ exclude: ['bench/programs/http-tracing.mjs', 'bench/programs/http-server.mjs', 'bench/programs/http-handler-plain.mjs'] });
new NodeSDK({ serviceName: 'bench', spanProcessors: [new BatchSpanProcessor({ exporter: discard })], instrumentations }).start();
createRequire(import.meta.url)('node:http');
