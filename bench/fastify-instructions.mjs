#!/usr/bin/env node
// Instructions per request of the fastify service (bench/programs/fastify-service.mjs) under each
// variant, counted by valgrind's cachegrind: a figure a loaded machine does not move, unlike CPU time
// (bench/fastify.mjs). Each variant runs twice — WARMUP requests, then WARMUP + REQUESTS — and the
// difference of the two totals over REQUESTS is the cost of a warm request (start-up and warm-up
// cancel out). Node.js runs with --predictable (no concurrent compiler or GC threads, whose work
// would otherwise vary); the transform cache is off, so both runs of a variant transform alike.
//
//   node bench/fastify-instructions.mjs [--requests=1500] [--warmup=500] [--min-span-ms=1000]
//
// Under cachegrind the server runs about 50× slower, so awaitwhat's work that depends on elapsed
// time — precise clock reads for frames outliving the coarse clock, spans for calls outliving
// minSpanDurationMs — happens more often than at full speed. --min-span-ms (1000 by default) raises
// AwaitInstrumentation's minSpanDurationMs so that, as on a quiet machine at the default 10 ms, its
// calls make no spans (spans per request shows whether they did); 0 keeps the default. Slow: about
// 15 minutes on a loaded 2-core machine (two valgrind processes at a time, at nice 10).
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.env.AWAITWHAT_BENCH_NODE || process.execPath;
function arg(name, fallback, min) {
  const text = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new Error(`bench/fastify-instructions.mjs: --${name}=${text}: expected a whole number of at least ${min}`);
  return Number(text);
}
const REQUESTS = arg('requests', 1500, 1);
const WARMUP = arg('warmup', 500, 1);
const MIN_SPAN_MS = arg('min-span-ms', 1000, 0);
const PATH = '/users/42/orders/summary';
const EXCLUDE = 'bench/programs/fastify-pool.mjs,bench/programs/fastify-tracing.mjs';
const TRACING = ['--import', './bench/programs/fastify-tracing.mjs'];
const VARIANTS = [
  { name: 'plain', label: 'plain', args: [] },
  { name: 'hooks', label: '`--import awaitwhat/hooks`', args: ['--import', './dist/hooks.js'] },
  { name: 'sdk', label: 'SDK + HTTP instrumentation', args: TRACING, env: { AWAIT: '0' }, spans: true },
  { name: 'sdkAwait', label: 'SDK + HTTP + AwaitInstrumentation', args: TRACING, env: { AWAIT: '1', ...(MIN_SPAN_MS > 0 ? { AWAITWHAT_MIN_SPAN_DURATION_MS: String(MIN_SPAN_MS) } : {}) }, spans: true },
];

if (spawnSync('valgrind', ['--version']).status !== 0) throw new Error('bench/fastify-instructions.mjs needs valgrind (Debian: apt-get install valgrind)');
const scratch = mkdtempSync(join(tmpdir(), 'awaitwhat-fastify-ir-'));

// One server under cachegrind, loaded with `requests` requests (10 connections), then told to exit
// (its IPC channel closed), so that cachegrind writes its totals.
async function count(variant, requests) {
  const out = join(scratch, `${variant.name}-${requests}.out`);
  const node = [NODE, '--predictable', '--max-semi-space-size=16', ...variant.args, 'bench/programs/fastify-service.mjs'];
  const env = { ...process.env, AWAITWHAT_CACHE: '0', AWAITWHAT_EXCLUDE: EXCLUDE, ...variant.env };
  const child = spawn('nice', ['-n', '10', 'valgrind', '--tool=cachegrind', '--cache-sim=no', `--cachegrind-out-file=${out}`, ...node], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const port = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${variant.name} exited (${code}) before listening: ${stderr}`)));
    child.stdout.setEncoding('utf8').once('data', (line) => resolve(JSON.parse(line).port));
  });
  const r = await autocannon({ url: `http://127.0.0.1:${port}${PATH}`, connections: 10, amount: requests, timeout: 120 });
  if (r.requests.total !== requests || r.non2xx !== 0 || r.errors !== 0) throw new Error(`${variant.name}: ${r.requests.total} of ${requests} requests, ${r.non2xx} non-2xx, ${r.errors} errors`);
  const spans = variant.spans ? await new Promise((resolve) => child.once('message', resolve).send('spans')) : undefined;
  await new Promise((resolve) => child.once('exit', resolve).disconnect());
  const summary = readFileSync(out, 'utf8').match(/^summary: (\d+)$/m);
  if (summary === null) throw new Error(`${variant.name}: no summary in ${out}`);
  return { instructions: Number(summary[1]), spans };
}

const loadBefore = loadavg().map((x) => x.toFixed(1)).join(' ');
const rows = [];
try {
  for (const variant of VARIANTS) {
    const [short, long] = await Promise.all([count(variant, WARMUP), count(variant, WARMUP + REQUESTS)]);
    rows.push({ ...variant, perRequest: (long.instructions - short.instructions) / REQUESTS, spans: variant.spans ? (long.spans - short.spans) / REQUESTS : undefined });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const of = (name) => rows.find((r) => r.name === name).perRequest;
const out = [
  `Node.js ${process.version} --predictable under valgrind cachegrind; ${REQUESTS} requests after ${WARMUP} (10 connections), the difference of two runs per variant; AwaitInstrumentation's minSpanDurationMs ${MIN_SPAN_MS > 0 ? `${MIN_SPAN_MS} ms` : 'default'}; load average ${loadBefore} before, ${loadavg().map((x) => x.toFixed(1)).join(' ')} after.`,
  '',
  '| variant | instructions per request | vs plain | vs SDK + HTTP | spans per request |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.label} | ${Math.round(r.perRequest).toLocaleString('en')} | ${(r.perRequest / of('plain')).toFixed(2)}× | ${r.spans === undefined ? '—' : `${(r.perRequest / of('sdk')).toFixed(2)}×`} | ${r.spans === undefined ? '—' : r.spans.toFixed(2)} |`),
];
console.log(out.join('\n'));
