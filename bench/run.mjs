#!/usr/bin/env node
// npm run bench: every benchmark of BENCHMARKS.md, printed as Markdown. Ratios are measured in
// one run (alternating the plain and instrumented variants), because this machine is noisy.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, globSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeApp } from './programs/make-app.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.env.AWAITWHAT_BENCH_NODE || process.execPath;
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const HOOKS = join(ROOT, 'dist', 'hooks.js');
const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const section = (n) => only === undefined || only.includes(String(n));
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

function node(args, env = {}) {
  const r = spawnSync(NODE, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
const json = (args, env) => JSON.parse(node(args, env).trim().split('\n').pop());

const out = [];
const version = node(['--version']).trim();
out.push(`Node.js ${version}, ${process.arch}, ${new Date().toISOString().slice(0, 10)}.`, '');

// 1. The hot path: every workload under plain, awaitwhat/hooks, the SDK alone and the SDK with
// AwaitInstrumentation, each run its own process (bench/hotpath.mjs).
if (section(1)) {
  out.push('## Hot path: async calls under awaitwhat/hooks and AwaitInstrumentation', '');
  out.push('`node bench/hotpath.mjs' + (quick ? ' --quick' : '') + '` (bench/hotpath/workloads.mjs):', '');
  out.push(node(['bench/hotpath.mjs', ...(quick ? ['--quick'] : [])]).trim(), '');
}

// 2. Pending frames: memory and snapshot().
if (section(2)) {
  out.push('## Pending frames: memory, snapshot(), text report, watchdog check', '');
  const rows = [];
  for (const n of [10_000, 100_000]) {
    const plain = json(['--expose-gc', 'bench/programs/pending-frames.mjs', String(n)]);
    const inst = json(['--expose-gc', '--import', HOOKS, 'bench/programs/pending-frames.mjs', String(n)]);
    rows.push({ n: n.toLocaleString('en'), plain, inst });
  }
  out.push('| pending frames | heap per pending frame, plain | with awaitwhat | added per frame |', '|---|---|---|---|');
  for (const { n, plain, inst } of rows) out.push(`| ${n} | ${plain.heapBytesPerFrame} B | ${inst.heapBytesPerFrame} B | ${inst.heapBytesPerFrame - plain.heapBytesPerFrame} B |`);
  out.push('');
  out.push('| pending frames | `snapshot()` first call | `snapshot()` warm (median) | allocation floor | `JSON.stringify` of the snapshot | `renderText` first call | `renderText` warm (median) | watchdog check |', '|---|---|---|---|---|---|---|---|');
  for (const { n, inst: r } of rows) out.push(`| ${n} | ${r.snapshotColdMs} ms | ${r.snapshotMs} ms | ${r.allocationFloorMs} ms | ${r.stringifyMs} ms | ${r.renderTextColdMs} ms | ${r.renderTextMs} ms | ${r.watchdogCheckMs} ms |`);
  out.push('');  // snapshot() alone at 100k and 1M pending frames, each size its own process (bench/programs/snapshot-scale.mjs):
  // CPU time (user + system, so the GC's helper threads count), and the extra memory a call needs.
  const calls = quick ? 3 : 8;
  out.push('`snapshot()` alone, each size in its own process (`node --max-semi-space-size=16 --expose-gc --import dist/hooks.js bench/programs/snapshot-scale.mjs N calls`, ' + calls + ' calls at 100k, 3 at 1M): CPU time of the first call and the median of the second half of the calls; extra memory is the peak RSS during the calls over the RSS before them, and the heap the kept result holds after a forced GC.', '');
  out.push('| pending frames | first call (CPU) | warm (CPU, median) | peak RSS over before | kept result (heapUsed delta) |', '|---|---|---|---|---|');
  for (const n of quick ? [100_000] : [100_000, 1_000_000]) {
    const r = json(['--max-semi-space-size=16', '--expose-gc', '--import', HOOKS, 'bench/programs/snapshot-scale.mjs', String(n), String(n >= 1_000_000 ? 3 : calls)]);
    out.push(`| ${n.toLocaleString('en')} | ${r.firstMs} ms | ${r.warmMs} ms | +${r.peakExtraRssMB} MB | ${r.keptHeapMB} MB |`);
  }
  out.push('');
  // renderText on a snapshot() result, each size its own process (bench/programs/render-scale.mjs):
  // what it costs should follow the lines printed, not the frames pending.
  out.push('`renderText` on one `snapshot()` result, each size in its own process (`node --max-semi-space-size=16 --import dist/hooks.js bench/programs/render-scale.mjs N 4`): CPU time per call, median of 4 after a warm-up; "copy" renders `{ ...snapshot }`, whose graph is rebuilt from ids.', '');
  out.push('| pending frames | default (lines) | maxLines 50 | minPendingMs 1 (every frame over) | minPendingMs 1e9 (none over) | copy, default |', '|---|---|---|---|---|---|');
  for (const n of quick ? [100_000] : [100_000, 1_000_000]) {
    const r = json(['--max-semi-space-size=16', '--import', HOOKS, 'bench/programs/render-scale.mjs', String(n), '4']);
    out.push(`| ${n.toLocaleString('en')} | ${r.default.medianMs} ms (${r.default.lines}) | ${r.lines50.medianMs} ms | ${r.slowAll.medianMs} ms | ${r.slowNone.medianMs} ms | ${r.copyDefault.medianMs} ms |`);
  }
  out.push('');
}

// 3. Transform throughput over real code, in process.
if (section(3)) {
  const { instrument } = await import('../dist/index.js');
  const files = [];
  let bytes = 0;
  for (const f of globSync('node_modules/**/*.{js,mjs,cjs}', { cwd: ROOT }).sort()) {
    const p = join(ROOT, f);
    if (!statSync(p).isFile() || statSync(p).size > 2 * 1024 * 1024) continue;
    const text = readFileSync(p, 'utf8');
    files.push([p, text]);
    bytes += text.length;
    if (bytes > 8e6) break;
  }
  const sites = { addSite: () => 0 };
  const pass = (sourceMap) => {
    const t = performance.now();
    let instrumented = 0;
    for (const [p, text] of files) {
      for (const format of ['module', 'commonjs']) {
        try {
          if (instrument(text, { filename: p, format, sites, sourceMap })) instrumented++;
          break;
        } catch {
          // Not valid in that goal; try the other.
        }
      }
    }
    return { ms: performance.now() - t, instrumented };
  };
  const appDir = mkdtempSync(join(tmpdir(), 'awaitwhat-tp-'));
  makeApp(appDir, 2 * 1024 * 1024);
  for (const f of globSync('module*.mjs', { cwd: appDir })) {
    const text = readFileSync(join(appDir, f), 'utf8');
    files.push([join(appDir, f), text]);
    bytes += text.length;
  }
  rmSync(appDir, { recursive: true, force: true });
  const cold = pass(false);
  const warm = median([pass(false).ms, pass(false).ms, pass(false).ms]);
  const warmMaps = median([pass(true).ms, pass(true).ms, pass(true).ms]);
  const mb = bytes / 1e6;
  out.push('## Transform throughput (in process)', '');
  out.push(`${files.length} files, ${mb.toFixed(1)} MB (the JavaScript in this repository's node_modules, plus 2 MB of the synthetic application below), ${cold.instrumented} with something to instrument.`, '');
  out.push('| pass | MB/s |', '|---|---|');
  out.push(`| first pass (cold JIT) | ${(mb / (cold.ms / 1000)).toFixed(1)} |`, `| warm | ${(mb / (warm / 1000)).toFixed(1)} |`, `| warm, with source maps | ${(mb / (warmMaps / 1000)).toFixed(1)} |`, '');
}

// 4. Loading: prettier, @opentelemetry/sdk-node and a generated 5 MB application, plain, with a
// cold transform cache and with a warm one (bench/load/run.mjs: each run its own process, CPU time);
// then the application again with source maps on, as the command runs; then what awaitwhat's own
// start-up costs, in parts (bench/load/startup.mjs).
if (section(4)) {
  const rounds = `--rounds=${quick ? 3 : 5}`;
  out.push(node([join(ROOT, 'bench', 'load', 'run.mjs'), rounds]).trim(), '');
  out.push(node([join(ROOT, 'bench', 'load', 'run.mjs'), rounds, '--maps', '--workloads=app']).trim(), '');
  out.push("### awaitwhat's own start-up, in parts", '', node([join(ROOT, 'bench', 'load', 'startup.mjs'), `--rounds=${quick ? 6 : 12}`]).trim(), '');
}

// 5. HTTP: the SDK alone vs the SDK plus AwaitInstrumentation at default settings.
if (section(5)) {
  const { default: autocannon } = await import('autocannon');
  const { spawn } = await import('node:child_process');
  // The server on CPU 0, this process (and autocannon in it) on CPU 1, so they do not steal time
  // from each other; taskset is used when the machine has it.
  const taskset = spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]).status === 0;
  const serve = (mode) =>
    new Promise((resolve, reject) => {
      const args = ['--import', './bench/programs/http-tracing.mjs', 'bench/programs/http-server.mjs'];
      const options = { cwd: ROOT, env: { ...process.env, AWAIT: mode }, stdio: ['ignore', 'pipe', 'inherit'] };
      const child = taskset ? spawn('taskset', ['-c', '0', NODE, ...args], options) : spawn(NODE, args, options);
      child.stdout.setEncoding('utf8').once('data', (line) => resolve({ child, port: JSON.parse(line).port }));
      child.once('error', reject);
    });
  const cpuOf = async (port) => Number(await (await fetch(`http://127.0.0.1:${port}/cpu`)).text());
  // A fixed duration, not a number of requests: autocannon notices the end of a request count only
  // on its one-second ticker, which would round every rate to 30,000 / whole seconds.
  const measure = async (port, path, seconds) => {
    const c0 = await cpuOf(port);
    const r = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 10, duration: seconds });
    const c1 = await cpuOf(port);
    return { rps: r.requests.total / r.duration, p99: r.latency.p99, cpu: (c1 - c0) / r.requests.total };
  };
  const seconds = quick ? 2 : 3;
  const rounds = quick ? 3 : 15;

  // (a) One process, AwaitInstrumentation enabled: the same handler instrumented (/inst) and from a
  // file it never instruments (/plain), alternating; the least noisy comparison this machine allows.
  const inProcess = { plain: [], inst: [] };
  {
    const { child, port } = await serve('1');
    await measure(port, '/plain', 1);
    await measure(port, '/inst', 1);
    for (let r = 0; r < rounds; r++) {
      for (const which of r % 2 === 0 ? ['plain', 'inst'] : ['inst', 'plain']) inProcess[which].push(await measure(port, `/${which}`, seconds));
    }
    child.kill();
  }
  // (b) Two processes: the SDK alone, and the SDK with AwaitInstrumentation, each serving /inst.
  const processes = { sdk: [], await: [] };
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    for (const variant of r % 2 === 0 ? ['sdk', 'await'] : ['await', 'sdk']) {
      const { child, port } = await serve(variant === 'await' ? '1' : '0');
      // Long enough for the JIT to settle (a fresh process is slower for its first seconds).
      await measure(port, '/inst', quick ? 2 : 6);
      processes[variant].push(await measure(port, '/inst', seconds));
      child.kill();
    }
  }
  // (c) The handler alone, in one process: what AwaitInstrumentation adds per request, in CPU time.
  const handlerAlone = json(['--import', './bench/programs/http-tracing.mjs', 'bench/programs/http-handler-cpu.mjs'], { AWAIT: '1', ...(quick ? { ROUNDS: '5' } : {}) });
  const m = (list, key) => median(list.map((x) => x[key]));
  const change = (a, b) => `${(((b - a) / a) * 100).toFixed(1)}%`;
  out.push('## HTTP server: the SDK alone vs with AwaitInstrumentation', '');
  out.push(`bench/programs/http-server.mjs: a handler of 6 async functions, 5 awaits and a Promise.all per request (I/O simulated with setImmediate); @opentelemetry/sdk-node with HTTP instrumentation and a batch processor whose exporter discards; autocannon with 10 connections for ${seconds} s per measurement after a warm-up (requests per second = requests completed / measured duration), on loopback${taskset ? ', server and client pinned to one CPU each' : ''}. CPU time per request is the server's own (process.cpuUsage).`, '');
  out.push(`(a) One process with AwaitInstrumentation enabled, the handler instrumented vs the same handler never instrumented, ${rounds} alternating measurements, medians:`, '');
  out.push('| handler | requests/s | p99 latency | server CPU per request |', '|---|---|---|---|');
  out.push(`| not instrumented | ${m(inProcess.plain, 'rps').toFixed(0)} | ${m(inProcess.plain, 'p99')} ms | ${m(inProcess.plain, 'cpu').toFixed(1)} µs |`);
  out.push(`| instrumented | ${m(inProcess.inst, 'rps').toFixed(0)} | ${m(inProcess.inst, 'p99')} ms | ${m(inProcess.inst, 'cpu').toFixed(1)} µs |`);
  out.push(`| change | ${change(m(inProcess.plain, 'rps'), m(inProcess.inst, 'rps'))} | ${change(m(inProcess.plain, 'p99'), m(inProcess.inst, 'p99'))} | ${change(m(inProcess.plain, 'cpu'), m(inProcess.inst, 'cpu'))} |`, '');
  out.push(`(b) Separate server processes, median of ${processes.sdk.length}:`, '');
  out.push('| | requests/s | p99 latency | server CPU per request |', '|---|---|---|---|');
  out.push(`| SDK + HTTP instrumentation | ${m(processes.sdk, 'rps').toFixed(0)} | ${m(processes.sdk, 'p99')} ms | ${m(processes.sdk, 'cpu').toFixed(1)} µs |`);
  out.push(`| same + AwaitInstrumentation (defaults) | ${m(processes.await, 'rps').toFixed(0)} | ${m(processes.await, 'p99')} ms | ${m(processes.await, 'cpu').toFixed(1)} µs |`);
  out.push(`| change | ${change(m(processes.sdk, 'rps'), m(processes.await, 'rps'))} | ${change(m(processes.sdk, 'p99'), m(processes.await, 'p99'))} | ${change(m(processes.sdk, 'cpu'), m(processes.await, 'cpu'))} |`, '');
  const cpuChanges = inProcess.inst.map((x, i) => x.cpu / inProcess.plain[i].cpu - 1);
  out.push(`Every measurement (a): ${cpuChanges.map((c) => `${(c * 100).toFixed(0)}%`).join(', ')} (CPU per request, instrumented vs not, per round); their median: ${(median(cpuChanges) * 100).toFixed(1)}%; the lowest CPU per request of each, compared: ${((Math.min(...inProcess.inst.map((x) => x.cpu)) / Math.min(...inProcess.plain.map((x) => x.cpu)) - 1) * 100).toFixed(1)}%.`, '');
  out.push(`(c) The handler alone (bench/programs/http-handler-cpu.mjs), no HTTP: batches of 10 concurrent requests, each under an active span, instrumented and never-instrumented copies alternating in one process, CPU time per request, medians of ${quick ? 5 : 15} rounds:`, '');
  out.push('| plain handler | instrumented handler | added per request | as a share of the server CPU per request in (a) |', '|---|---|---|---|');
  out.push(`| ${handlerAlone.plainUs.toFixed(1)} µs | ${handlerAlone.instrumentedUs.toFixed(1)} µs | ${handlerAlone.addedUs.toFixed(1)} µs | ${((handlerAlone.addedUs / m(inProcess.plain, 'cpu')) * 100).toFixed(1)}% |`, '');
}

// 6. The pending-await sampler's cost per tick.
if (section(6)) {
  out.push('## Pending-await sampler: time per tick', '');
  out.push('| open frames | quiet tick (nothing over the threshold) | reporting tick (graph and snapshot spans) |', '|---|---|---|');
  for (const n of [10_000, 100_000]) {
    const r = json(['bench/programs/sampler-tick.mjs', String(n)]);
    out.push(`| ${n.toLocaleString('en')} | ${r.quietTickMs} ms | ${r.reportingTickMs} ms |`);
  }
  out.push('');
}

// 7. The fastify service: plain, awaitwhat/hooks, the SDK with HTTP instrumentation and the same with
// AwaitInstrumentation, each its own server process (bench/fastify.mjs; needs
// `npm ci --prefix bench/service`).
if (section(7)) {
  out.push('## Fastify service: plain, hooks, SDK + HTTP, SDK + HTTP + AwaitInstrumentation', '');
  out.push('`node bench/fastify.mjs' + (quick ? ' --quick' : '') + '` (bench/programs/fastify-service.mjs: 7 async functions and 5 awaited queries per request against a fake pool whose queries resolve after one event-loop turn):', '');
  out.push(node(['bench/fastify.mjs', ...(quick ? ['--quick'] : [])]).trim(), '');
}

console.log(out.join('\n'));
