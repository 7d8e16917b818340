#!/usr/bin/env node
// Load time with awaitwhat/hooks: `import('prettier')` with prettier instrumented,
// `import('@opentelemetry/sdk-node')` with every @opentelemetry package opted in, and a generated
// 5 MB application (bench/programs/make-app.mjs). Each workload plain, instrumented with a cold
// transform cache (AWAITWHAT_CACHE=0) and with a warm one; every run its own process, variants in
// rotated order, CPU time (the child's own, read at exit) and wall time, medians with min–max.
// Prints Markdown rows. Standalone: `npm run build && node bench/load/run.mjs [--rounds=N] [--maps]
// [--workloads=prettier,sdk,app] [--build=name:path/to/dist …]` (--maps: with --enable-source-maps,
// as the command runs; --build: compare builds, each a dist/ with node_modules beside it, cold and
// warm per build). "plain, compile cache" is plain node with NODE_COMPILE_CACHE warm: what Node's
// own cache alone gives, since a warm awaitwhat start also turns it on. prettier is installed into
// a bench-only folder under the system's temporary directory, never into the repository.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeApp } from '../programs/make-app.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const BUILDS = args.filter((a) => a.startsWith('--build=')).map((a) => {
  const [name, dist] = a.slice('--build='.length).split(':');
  return { name, hooks: resolve(dist, 'hooks.js') };
});
if (BUILDS.length === 0) BUILDS.push({ name: '', hooks: join(ROOT, 'dist', 'hooks.js') });
const ONLY = args.find((a) => a.startsWith('--workloads='))?.split('=')[1].split(',');
const ROUNDS = Number(args.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 5);
const MAPS = args.includes('--maps');
const WORK = join(tmpdir(), 'awaitwhat-bench-load');
const NODE = process.env.AWAITWHAT_BENCH_NODE || process.execPath;

for (const { hooks } of BUILDS) if (!existsSync(hooks)) throw new Error(`build first: npm run build (${hooks} is missing)`);
mkdirSync(WORK, { recursive: true });

// A preload that reports the process's CPU time at exit, to a file named by the environment.
const CPU_PRELOAD = join(WORK, 'cpu.mjs');
writeFileSync(CPU_PRELOAD, "import{writeFileSync}from'node:fs';process.on('exit',()=>{const u=process.cpuUsage();writeFileSync(process.env.BENCH_CPU_FILE,String((u.user+u.system)/1000))});\n");

function prettierDir() {
  const dir = join(WORK, 'prettier');
  if (!existsSync(join(dir, 'node_modules', 'prettier'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, 'prettier@3'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm install prettier failed');
  }
  writeFileSync(join(dir, 'main.mjs'), "await import('prettier');\n");
  return dir;
}

function sdkDir() {
  writeFileSync(join(ROOT, 'node_modules', '.awaitwhat-bench-sdk.mjs'), "await import('@opentelemetry/sdk-node');\n");
  return ROOT;
}

function appDir() {
  const dir = join(WORK, 'app');
  if (!existsSync(join(dir, 'main.mjs'))) makeApp(dir, 5_000_000);
  return dir;
}

const WORKLOADS = [
  { id: 'prettier', name: "`import('prettier')`, prettier instrumented", cwd: prettierDir, entry: 'main.mjs', env: { AWAITWHAT_PACKAGES: 'prettier' } },
  {
    id: 'sdk',
    name: "`import('@opentelemetry/sdk-node')`, every @opentelemetry package instrumented",
    cwd: sdkDir,
    entry: join('node_modules', '.awaitwhat-bench-sdk.mjs'),
    env: { AWAITWHAT_PACKAGES: readdirSync(join(ROOT, 'node_modules', '@opentelemetry')).map((n) => `@opentelemetry/${n}`).join(',') },
  },
  { id: 'app', name: 'generated application, 5 MB', cwd: appDir, entry: 'main.mjs', env: {}, megabytes: 5 },
];

// A variant: plain node, plain node with its compile cache warm, or a build cold (no cache) or warm.
const VARIANTS = [
  { name: 'plain' },
  { name: 'plain, compile cache', nodeCache: true },
  ...BUILDS.flatMap((build) => ['cold', 'warm'].map((state) => ({ name: build.name === '' ? state : `${build.name} ${state}`, hooks: build.hooks, state }))),
];

function runOnce(workload, variant, cacheDir) {
  const cpuFile = join(WORK, `cpu-${process.pid}.txt`);
  rmSync(cpuFile, { force: true });
  const flags = [...(MAPS ? ['--enable-source-maps'] : []), '--import', CPU_PRELOAD, ...(variant.hooks === undefined ? [] : ['--import', variant.hooks])];
  // Each build its own cache directory (their keys differ anyway: a build's code is in its keys).
  const dir = variant.hooks === undefined ? `${cacheDir}-plain` : `${cacheDir}-${BUILDS.findIndex((b) => b.hooks === variant.hooks)}`;
  const env = { ...process.env, ...workload.env, BENCH_CPU_FILE: cpuFile, AWAITWHAT_CACHE_DIR: dir, AWAITWHAT_CACHE: variant.state === 'cold' ? '0' : '1' };
  delete env.NODE_COMPILE_CACHE;
  if (variant.nodeCache) env.NODE_COMPILE_CACHE = `${dir}-node`;
  const start = process.hrtime.bigint();
  const r = spawnSync(NODE, [...flags, workload.entry], { cwd: workload.cwd, env, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${workload.name} ${variant.name} failed: ${r.stderr}`);
  if (variant.hooks !== undefined && r.stderr !== '') throw new Error(`${workload.name} ${variant.name} wrote to stderr: ${r.stderr}`);
  return { cpu: Number(spawnSync('cat', [cpuFile], { encoding: 'utf8' }).stdout), wall };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs) => `${Math.round(median(xs))} (${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))})`;

const out = [
  `## Loading with awaitwhat/hooks${MAPS ? ', source maps on' : ''}`,
  '',
  `\`node bench/load/run.mjs ${args.join(' ')}\``,
  '',
  `Node.js ${spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()}; ${ROUNDS} rounds, variants in rotated order, each run its own process; medians (min–max). "cold": no transform cache; "warm": the cache filled by an earlier run.`,
  '',
  '| workload | variant | CPU ms | wall ms | CPU ratio to plain | CPU added per MB |',
  '|---|---|---|---|---|---|',
];
for (const listed of WORKLOADS.filter((w) => ONLY === undefined || ONLY.includes(w.id))) {
  const workload = { ...listed, cwd: listed.cwd() }; // set up only when measured
  const cacheDir = join(WORK, `cache-${workload.entry.replace(/\W/g, '')}`);
  for (let i = -1; i < BUILDS.length; i++) {
    for (const suffix of ['', '-node']) rmSync(`${cacheDir}-${i < 0 ? 'plain' : i}${suffix}`, { recursive: true, force: true });
  }
  // Fills the caches (and warms the disk cache for every variant).
  for (const variant of VARIANTS) if (variant.state !== 'cold') runOnce(workload, variant, cacheDir);
  const results = Object.fromEntries(VARIANTS.map((v) => [v.name, { cpu: [], wall: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < VARIANTS.length; k++) {
      const variant = VARIANTS[(round + k) % VARIANTS.length];
      const { cpu, wall } = runOnce(workload, variant, cacheDir);
      results[variant.name].cpu.push(cpu);
      results[variant.name].wall.push(wall);
    }
  }
  const plain = median(results.plain.cpu);
  for (const { name } of VARIANTS) {
    const { cpu, wall } = results[name];
    const ratio = name === 'plain' ? '' : `${(median(cpu) / plain).toFixed(2)}×`;
    const perMb = workload.megabytes === undefined || name === 'plain' ? '' : `${((median(cpu) - plain) / 1000 / workload.megabytes).toFixed(3)} s`;
    out.push(`| ${workload.name} | ${name} | ${range(cpu)} | ${range(wall)} | ${ratio} | ${perMb} |`);
  }
}
if (ONLY === undefined || ONLY.includes('sdk')) rmSync(join(ROOT, 'node_modules', '.awaitwhat-bench-sdk.mjs'), { force: true });
console.log(out.join('\n'));
