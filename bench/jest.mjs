#!/usr/bin/env node
// A generated Jest suite run with and without awaitwhat (Jest 30 of test/runners-jest/jest30; JEST=29
// for Jest 29): FILES test files (default 500; AWAITWHAT_BENCH_FILES), each of 5 tests that call async
// functions of a shared source module (chains 3 deep, a Promise.all of 10, a setImmediate each), run
// with babel-jest and the node environment, --maxWorkers=2. Variants, each its own `jest` run:
//   plain       — Jest as configured by the project (no awaitwhat);
//   config      — awaitwhat/jest and awaitwhat/jest/environment in Jest's config (permanent use);
//   command     — `awaitwhat jest` (command mode: the preload in every process, the config changed by it).
// Each variant's Jest cache is warmed by one run first (warm transform cache, as in daily use); then
// ROUNDS rounds (default 5), the variants in rotated order. Measured: CPU time (user + system) of the
// whole process tree (GNU time, which counts the workers Jest waits for) and wall time; every process
// runs with --max-semi-space-size=16 (NODE_OPTIONS). Medians with min–max; ratios per round.
//
//   node bench/jest.mjs            → a Markdown table on stdout
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.env.AWAITWHAT_BENCH_NODE || process.execPath;
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const VERSION = process.env.JEST === '29' ? '29' : '30';
const JEST = join(ROOT, 'test', 'runners-jest', `jest${VERSION}`, 'node_modules', 'jest', 'bin', 'jest.js');
const FILES = Number(process.env.AWAITWHAT_BENCH_FILES || 500);
const ROUNDS = Number(process.env.AWAITWHAT_BENCH_ROUNDS || 5);
const SEMI_SPACE = '--max-semi-space-size=16';

const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-bench-jest-'));
writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true }));
mkdirSync(join(dir, 'src'));
mkdirSync(join(dir, 'test'));
writeFileSync(
  join(dir, 'src', 'service.js'),
  `const tick = () => new Promise((resolve) => setImmediate(resolve));
async function load(id) { await tick(); return { id }; }
async function fetchUser(id) { const row = await load(id); return { ...row, name: 'user ' + id }; }
async function handle(id) { return await fetchUser(id); }
async function batch(n) { return await Promise.all(Array.from({ length: n }, (_, i) => handle(i))); }
module.exports = { batch, handle };
`,
);
for (let f = 0; f < FILES; f++) {
  const tests = [];
  for (let t = 0; t < 5; t++) tests.push(`  test('case ${t}', async () => { const users = await batch(10); expect(users).toHaveLength(10); await handle(${t}); });`);
  writeFileSync(join(dir, 'test', `s${f}.test.js`), `const { batch, handle } = require('../src/service.js');\ndescribe('suite ${f}', () => {\n${tests.join('\n')}\n});\n`);
}
const withConfig = JSON.stringify({
  transform: { '\\.js$': [join(ROOT, 'dist', 'jest.js'), { transformer: 'babel-jest' }] },
  testEnvironment: join(ROOT, 'dist', 'jest-environment.js'),
});
const caches = { plain: join(dir, 'cache-plain'), config: join(dir, 'cache-config'), command: join(dir, 'cache-command') };
const jestArgs = (variant) => [JEST, '--ci', '--silent', '--maxWorkers=2', '--cacheDirectory', caches[variant], ...(variant === 'config' ? ['--config', withConfig] : [])];
const VARIANTS = {
  plain: () => [NODE, ...jestArgs('plain')],
  config: () => [NODE, ...jestArgs('config')],
  command: () => [NODE, CLI, '--after', '10m', NODE, ...jestArgs('command')],
};

/** CPU seconds (user + system, the tree) and wall seconds of one run. */
function measure(variant) {
  const [command, ...args] = VARIANTS[variant]();
  const r = spawnSync('/usr/bin/time', ['-f', 'AWAITWHAT_TIME %e %U %S', command, ...args], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, NODE_OPTIONS: SEMI_SPACE, CI: '1' },
  });
  const line = /AWAITWHAT_TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (r.status !== 0 || line === null) throw new Error(`${variant} exited ${r.status}: ${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
  return { wall: Number(line[1]), cpu: Number(line[2]) + Number(line[3]) };
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const range = (xs) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
const names = Object.keys(VARIANTS);
try {
  for (const variant of names) measure(variant); // warm each variant's transform cache
  const results = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const variant = names[(round + i) % names.length];
      results[variant].push(measure(variant));
    }
  }
  console.log(`Jest ${VERSION}, ${FILES} files × 5 tests, --maxWorkers=2, warm cache, Node.js ${spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()}, ${ROUNDS} rounds rotated, ${SEMI_SPACE}\n`);
  console.log('| variant | CPU s, median (min–max) | CPU ratio to plain, median of rounds (min–max) | wall s, median (min–max) | wall ratio, median of rounds |');
  console.log('|---|---|---|---|---|');
  for (const variant of names) {
    const cpu = results[variant].map((r) => r.cpu);
    const wall = results[variant].map((r) => r.wall);
    const cpuRatios = results[variant].map((r, i) => r.cpu / results.plain[i].cpu);
    const wallRatios = results[variant].map((r, i) => r.wall / results.plain[i].wall);
    const ratio = variant === 'plain' ? '' : `${median(cpuRatios).toFixed(2)}× (${Math.min(...cpuRatios).toFixed(2)}–${Math.max(...cpuRatios).toFixed(2)})`;
    console.log(`| ${variant} | ${range(cpu)} | ${ratio} | ${range(wall)} | ${variant === 'plain' ? '' : `${median(wallRatios).toFixed(2)}×`} |`);
  }
} finally {
  if (process.env.AWAITWHAT_BENCH_KEEP) console.error(dir);
  else rmSync(dir, { recursive: true, force: true });
}
