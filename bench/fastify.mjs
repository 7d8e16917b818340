#!/usr/bin/env node
// The fastify service benchmark (section 7 of npm run bench): bench/programs/fastify-service.mjs
// under four variants, each its own server process — plain, awaitwhat/hooks, the SDK with HTTP
// instrumentation, and the same with AwaitInstrumentation at defaults — loaded by autocannon over
// loopback. Prints Markdown.
//
//   node bench/fastify.mjs [--rounds=5] [--seconds=5] [--warmup=5] [--connections=10] [--quick]
//   node bench/fastify.mjs --check   (start the four servers, check each one's answer and whether
//                                     awaitwhat's runtime is in it, print JSON, no load)
//   node bench/fastify.mjs --cpu-prof=DIR …   (each server writes a CPU profile to DIR/<variant>;
//                                     summarise with bench/programs/cpu-profile-summary.mjs)
//
// The four servers start together and stay up; each is warmed up once, then every round measures
// each variant for --seconds, in an order rotated round by round. The servers run on CPU 0 and this
// process (with autocannon in it) on CPU 1, where taskset is available. A server's CPU time is read
// over IPC just before and just after its measured window, so no request of ours is counted.
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.env.AWAITWHAT_BENCH_NODE || process.execPath;
function arg(name, fallback) {
  const text = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (text === undefined) return fallback;
  if (!/^[1-9]\d*$/.test(text)) throw new Error(`bench/fastify.mjs: --${name}=${text}: expected a whole number of at least 1`);
  return Number(text);
}
const quick = process.argv.includes('--quick');
const check = process.argv.includes('--check');
const cpuProf = process.argv.find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);
const ROUNDS = arg('rounds', quick ? 2 : 5);
const SECONDS = arg('seconds', quick ? 2 : 5);
const WARMUP = arg('warmup', quick ? 2 : 5);
const CONNECTIONS = arg('connections', 10);
const PATH = '/users/42/orders/summary';
const EXPECTED = '{"user":"user 42","tier":"gold","orders":3,"totalCents":4994}';
// The same young-generation size for every variant: a small plain process would otherwise run
// many more minor GCs than one that loaded the SDK.
const SEMI_SPACE = '--max-semi-space-size=16';
// The fake pool stands in for a driver from node_modules, which awaitwhat leaves alone by default.
const EXCLUDE = 'bench/programs/fastify-pool.mjs,bench/programs/fastify-tracing.mjs';

const VARIANTS = [
  { name: 'plain', label: 'plain', args: [], awaitwhat: false },
  { name: 'hooks', label: '`--import awaitwhat/hooks`', args: ['--import', './dist/hooks.js'], awaitwhat: true },
  { name: 'sdk', label: 'SDK + HTTP instrumentation', args: ['--import', './bench/programs/fastify-tracing.mjs'], env: { AWAIT: '0' }, awaitwhat: false, spans: true },
  { name: 'sdkAwait', label: 'SDK + HTTP + AwaitInstrumentation (defaults)', args: ['--import', './bench/programs/fastify-tracing.mjs'], env: { AWAIT: '1' }, awaitwhat: true, spans: true },
];

if (!existsSync(join(ROOT, 'bench', 'service', 'node_modules', 'fastify'))) {
  throw new Error('bench/fastify.mjs needs fastify in bench/service: run `npm ci --no-audit --no-fund --prefix bench/service`');
}
if (!existsSync(join(ROOT, 'dist', 'hooks.js'))) throw new Error('bench/fastify.mjs needs the build: run `npm run build`');

// Pinned only when measuring: --check starts the servers wherever the machine has room.
const taskset = !check && spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]).status === 0;

function start(variant) {
  return new Promise((resolve, reject) => {
    const profile = cpuProf === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', join(cpuProf, variant.name)];
    const args = [SEMI_SPACE, ...profile, ...variant.args, 'bench/programs/fastify-service.mjs'];
    const options = { cwd: ROOT, env: { ...process.env, AWAITWHAT_EXCLUDE: EXCLUDE, ...variant.env }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] };
    const child = taskset ? spawn('taskset', ['-c', '0', NODE, ...args], options) : spawn(NODE, args, options);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the ${variant.name} server exited (${code}) before listening`)));
    child.stdout.setEncoding('utf8').once('data', (line) => resolve({ ...variant, child, port: JSON.parse(line).port }));
  });
}

// One question to a server over its IPC channel: 'cpu' (its CPU time, user + system, µs),
// 'awaitwhat' (whether awaitwhat's runtime is installed) or, with the SDK, 'spans' (spans ended).
// One question at a time per server: answers are matched to questions by order.
const ask = (server, question) =>
  new Promise((resolve) => {
    server.child.once('message', resolve);
    server.child.send(question);
  });
const cpuOf = (server) => ask(server, 'cpu');

async function measure(server, seconds) {
  const spansBefore = server.spans ? await ask(server, 'spans') : 0;
  const before = await cpuOf(server);
  const r = await autocannon({ url: `http://127.0.0.1:${server.port}${PATH}`, connections: CONNECTIONS, duration: seconds });
  const after = await cpuOf(server);
  const spans = server.spans ? ((await ask(server, 'spans')) - spansBefore) / r.requests.total : undefined;
  if (r.non2xx !== 0 || r.errors !== 0 || r.timeouts !== 0) throw new Error(`${server.name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  // Requests per second over autocannon's own measured duration, not its per-second samples.
  return { rps: r.requests.total / r.duration, p99: r.latency.p99, cpuUs: (after - before) / r.requests.total, spans };
}

const median = (xs) => {
  const sorted = xs.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const spread = (xs, digits) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

const loadBefore = load();
const servers = [];
try {
  // Started together (a server that fails to start takes the others down with this process: they
  // exit when their IPC channel closes).
  await Promise.all(VARIANTS.map(async (variant) => servers.push(await start(variant))));
  servers.sort((a, b) => VARIANTS.findIndex((v) => v.name === a.name) - VARIANTS.findIndex((v) => v.name === b.name));
  const answers = {};
  for (const server of servers) answers[server.name] = { body: await (await fetch(`http://127.0.0.1:${server.port}${PATH}`)).text(), awaitwhat: await ask(server, 'awaitwhat') };
  if (check) {
    console.log(JSON.stringify(answers));
  } else {
    for (const server of servers) {
      const { body, awaitwhat } = answers[server.name];
      if (body !== EXPECTED) throw new Error(`${server.name} answered ${body}, expected ${EXPECTED}`);
      if (awaitwhat !== server.awaitwhat) throw new Error(`${server.name}: awaitwhat's runtime ${awaitwhat ? 'is' : 'is not'} installed`);
    }
    await run();
  }
} finally {
  // A profiled server must exit by itself to write its profile: closing its IPC channel makes it.
  if (cpuProf === undefined) for (const server of servers) server.child.kill();
  else await Promise.all(servers.map((server) => new Promise((resolve) => server.child.once('exit', resolve).disconnect())));
}

async function run() {
  for (const server of servers) await measure(server, WARMUP);
  const results = Object.fromEntries(VARIANTS.map((v) => [v.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = servers.map((_, i) => servers[(i + round) % servers.length]);
    for (const server of order) results[server.name].push(await measure(server, SECONDS));
  }
  print(results);
}

function print(results) {
  const of = (name, key) => results[name].map((m) => m[key]);
  // Ratios within each round (both measured within the same minute), then their median and range.
  const ratios = (name, base, key) => results[name].map((m, i) => m[key] / results[base][i][key]);
  const diffs = (name, base, key) => results[name].map((m, i) => m[key] - results[base][i][key]);
  const out = [];
  out.push(`Node.js ${process.version}; ${ROUNDS} rounds of ${SECONDS} s per variant after a ${WARMUP} s warm-up of each, rotated order; autocannon, ${CONNECTIONS} connections, GET ${PATH} on loopback${taskset ? ', servers on CPU 0 and autocannon on CPU 1 (taskset)' : ''}; load average (1, 5, 15 min) ${loadBefore} before, ${load()} after. Medians, with min–max over the rounds.`, '');
  // "Server busy": the server's CPU seconds per second of load. Well under 100 % means the server
  // was not what limited the rate (the client, or other processes on its CPU, were).
  out.push('| variant | requests/s | p99 latency | server CPU per request | CPU per request vs plain (per round) | server busy | spans per request |', '|---|---|---|---|---|---|---|');
  for (const v of VARIANTS) {
    const vsPlain = v.name === 'plain' ? '1.00×' : `${spread(ratios(v.name, 'plain', 'cpuUs'), 2)}×`;
    const busy = results[v.name].map((m) => (m.cpuUs * m.rps) / 1e4);
    const spans = v.spans ? spread(of(v.name, 'spans'), 2) : '—';
    out.push(`| ${v.label} | ${spread(of(v.name, 'rps'), 0)} | ${spread(of(v.name, 'p99'), 0)} ms | ${spread(of(v.name, 'cpuUs'), 1)} µs | ${vsPlain} | ${spread(busy, 0)} % | ${spans} |`);
  }
  out.push('');
  const cpu = ratios('sdkAwait', 'sdk', 'cpuUs').map((x) => (x - 1) * 100);
  const rps = ratios('sdkAwait', 'sdk', 'rps').map((x) => (x - 1) * 100);
  const p99 = diffs('sdkAwait', 'sdk', 'p99');
  const added = diffs('sdkAwait', 'sdk', 'cpuUs');
  const pct = (xs) => `${spread(xs, 1)} %`;
  out.push('SDK + HTTP + AwaitInstrumentation against SDK + HTTP, round by round (target: ≤ +5 % CPU per request, requests/s within 5 %, p99 within one autocannon step, 1 ms):', '');
  out.push('| | median (min–max) | every round | target |', '|---|---|---|---|');
  out.push(`| CPU per request | ${pct(cpu)}, ${spread(added, 1)} µs | ${cpu.map((x) => x.toFixed(0)).join(', ')} % | ${median(cpu) <= 5 ? 'met' : 'missed'} |`);
  // Faster than the SDK alone is noise, not a miss: only a loss beyond the bound misses.
  out.push(`| requests/s | ${pct(rps)} | ${rps.map((x) => x.toFixed(0)).join(', ')} % | ${median(rps) >= -5 ? 'met' : 'missed'} |`);
  out.push(`| p99 latency | ${spread(p99, 0)} ms | ${p99.join(', ')} ms | ${median(p99) <= 1 ? 'met' : 'missed'} |`);
  const hooks = ratios('hooks', 'plain', 'cpuUs').map((x) => (x - 1) * 100);
  out.push('', `\`awaitwhat/hooks\` against plain: CPU per request ${pct(hooks)}, every round ${hooks.map((x) => x.toFixed(0)).join(', ')} %.`);
  console.log(out.join('\n'));
}
