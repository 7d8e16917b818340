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

// 1. The brief's microbenchmark.
if (section(1)) {
  const runs = quick ? 2 : 5;
  const inProcess = [];
  for (let i = 0; i < runs; i++) {
    inProcess.push(json([CLI, '--after', '10m', '--exclude', 'bench/programs/chain-plain.mjs', '--exclude', 'bench/programs/chain-harness.mjs', 'bench/programs/chain-harness.mjs']));
  }
  const separate = [];
  for (let i = 0; i < runs; i++) {
    const plain = json(['bench/programs/sep-chain.mjs']).usPerIteration;
    const inst = json([CLI, '--after', '10m', 'bench/programs/sep-chain.mjs']).usPerIteration;
    separate.push({ plain, inst, ratio: inst / plain });
  }
  out.push('## Await microbenchmark (3-deep chain, one await each)', '');
  out.push('| measurement | plain µs/iter | instrumented µs/iter | ratio |', '|---|---|---|---|');
  out.push(`| one process, alternating rounds, CPU time, median of ${runs} runs (median of per-round ratios) | ${median(inProcess.map((r) => r.plainUs)).toFixed(3)} | ${median(inProcess.map((r) => r.instrumentedUs)).toFixed(3)} | ${median(inProcess.map((r) => r.medianRatio)).toFixed(2)}× |`);
  out.push(`| same runs, ratio of the fastest rounds | | | ${median(inProcess.map((r) => r.minRatio)).toFixed(2)}× |`);
  out.push(`| separate processes (plain \`node\` vs \`awaitwhat\`), median of ${runs} pairs | ${median(separate.map((r) => r.plain)).toFixed(3)} | ${median(separate.map((r) => r.inst)).toFixed(3)} | ${median(separate.map((r) => r.ratio)).toFixed(2)}× |`);
  out.push('');
}

// 2. Pending frames: memory and snapshot().
if (section(2)) {
  out.push('## Pending frames: memory, snapshot(), watchdog check', '');
  out.push('| pending frames | heap per pending frame, plain | with awaitwhat | added per frame | `snapshot()` median | `JSON.stringify` of that snapshot | watchdog check |', '|---|---|---|---|---|---|---|');
  for (const n of [10_000, 100_000]) {
    const plain = json(['--expose-gc', 'bench/programs/pending-frames.mjs', String(n)]);
    const inst = json(['--expose-gc', '--import', HOOKS, 'bench/programs/pending-frames.mjs', String(n)]);
    out.push(`| ${n.toLocaleString('en')} | ${plain.heapBytesPerFrame} B | ${inst.heapBytesPerFrame} B | ${inst.heapBytesPerFrame - plain.heapBytesPerFrame} B | ${inst.snapshotMs} ms | ${inst.stringifyMs} ms | ${inst.watchdogCheckMs} ms |`);
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

// 4. Startup added to loading 5 MB of application code.
if (section(4)) {
  const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-app-'));
  try {
    const size = makeApp(dir, 5 * 1024 * 1024);
    const main = join(dir, 'main.mjs');
    const time = (args) => {
      const t = performance.now();
      spawnSync(NODE, args, { cwd: dir });
      return performance.now() - t;
    };
    const runs = quick ? 3 : 7;
    const plain = [];
    const hooked = [];
    const mapped = [];
    for (let i = 0; i < runs; i++) {
      plain.push(time([main]));
      hooked.push(time(['--import', HOOKS, main]));
      mapped.push(time(['--enable-source-maps', '--import', HOOKS, main]));
    }
    out.push('## Startup: loading 5 MB of application code', '');
    out.push(`${(size / 1e6).toFixed(1)} MB in ${globSync('module*.mjs', { cwd: dir }).length} modules of classes and async functions (bench/programs/make-app.mjs); wall time of the whole process, median of ${runs}.`, '');
    out.push('| run | ms | added |', '|---|---|---|');
    out.push(`| \`node main.mjs\` | ${median(plain).toFixed(0)} | |`);
    out.push(`| \`node --import awaitwhat/hooks main.mjs\` | ${median(hooked).toFixed(0)} | ${(median(hooked) - median(plain)).toFixed(0)} ms |`);
    out.push(`| same, with source maps (the CLI's default) | ${median(mapped).toFixed(0)} | ${(median(mapped) - median(plain)).toFixed(0)} ms |`, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// 5. HTTP: the SDK alone vs the SDK plus AwaitInstrumentation at default settings.
if (section(5)) {
  const { default: autocannon } = await import('autocannon');
  const { spawn } = await import('node:child_process');
  const serve = (awaitOn) =>
    new Promise((resolve, reject) => {
      const child = spawn(NODE, ['--import', './bench/programs/http-tracing.mjs', 'bench/programs/http-server.mjs'], { cwd: ROOT, env: { ...process.env, AWAIT: awaitOn ? '1' : '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout.setEncoding('utf8').once('data', (line) => resolve({ child, port: JSON.parse(line).port }));
      child.once('error', reject);
    });
  const load = (port, duration) => autocannon({ url: `http://127.0.0.1:${port}/`, connections: 10, duration });
  const rounds = quick ? 1 : 3;
  const results = { sdk: [], await: [] };
  for (let r = 0; r < rounds; r++) {
    for (const variant of r % 2 === 0 ? ['sdk', 'await'] : ['await', 'sdk']) {
      const { child, port } = await serve(variant === 'await');
      await load(port, 2);
      const result = await load(port, quick ? 3 : 8);
      results[variant].push({ rps: result.requests.average, p99: result.latency.p99 });
      child.kill();
    }
  }
  const rps = (v) => median(results[v].map((x) => x.rps));
  const p99 = (v) => median(results[v].map((x) => x.p99));
  out.push('## HTTP server: the SDK alone vs with AwaitInstrumentation', '');
  out.push(`bench/programs/http-server.mjs (a handler of 5 async functions and 5 awaits per request, I/O simulated by setImmediate), @opentelemetry/sdk-node with HTTP instrumentation and a batch processor whose exporter discards; autocannon, 10 connections, ${quick ? 3 : 8} s after 2 s of warm-up, on loopback; median of ${rounds} alternating runs.`, '');
  out.push('| | requests/s | p99 latency |', '|---|---|---|');
  out.push(`| SDK + HTTP instrumentation | ${rps('sdk').toFixed(0)} | ${p99('sdk')} ms |`);
  out.push(`| same + AwaitInstrumentation (defaults) | ${rps('await').toFixed(0)} | ${p99('await')} ms |`);
  out.push(`| change | ${(((rps('await') - rps('sdk')) / rps('sdk')) * 100).toFixed(1)}% | ${(((p99('await') - p99('sdk')) / p99('sdk')) * 100).toFixed(1)}% |`, '');
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

console.log(out.join('\n'));
