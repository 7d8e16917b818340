#!/usr/bin/env node
// A generated test suite run with and without awaitwhat, in each runner: node:test (each file in its
// own process, and --test-isolation=none) and Mocha (test/packages). The suite: FILES test files
// (default 100; AWAITWHAT_BENCH_FILES), each of 5 tests that call async functions of a shared source
// module (chains 3 deep, a Promise.all of 10, a setImmediate each), so that the instrumented code
// does real awaits. The transform cache is warmed by one run of each variant first; then ROUNDS
// rounds (default 3), the order of the variants rotated each round, each run its own process tree
// with --max-semi-space-size=16 (NODE_OPTIONS, which awaitwhat's command mode keeps). Measured: CPU
// time of the whole tree (user + system of the waited-for children, /proc/self/stat cutime + cstime)
// and wall time, medians with min–max, and the ratio per round (median and min–max of those).
//
//   node bench/runners.mjs            → a Markdown table on stdout
//   AWAITWHAT_BENCH_ONLY=test|none|mocha  → only that runner
//   AWAITWHAT_BENCH_COMPARE=<dist>[,<dist>…]  → also another build's CLI (<dist>/cli/main.js) in each round
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.env.AWAITWHAT_BENCH_NODE || process.execPath;
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const MOCHA = join(ROOT, 'test', 'packages', 'node_modules', 'mocha', 'bin', 'mocha.js');
const FILES = Number(process.env.AWAITWHAT_BENCH_FILES || 100);
const ROUNDS = Number(process.env.AWAITWHAT_BENCH_ROUNDS || 3);
const NODE_MAJOR = Number(spawnSync(NODE, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout.trim());
const ISOLATION_NONE = NODE_MAJOR >= 23 ? '--test-isolation=none' : '--experimental-test-isolation=none';

const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-bench-suite-'));
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
mkdirSync(join(dir, 'src'));
mkdirSync(join(dir, 'test'));
writeFileSync(
  join(dir, 'src', 'service.mjs'),
  `const tick = () => new Promise((resolve) => setImmediate(resolve));
export async function load(id) { await tick(); return { id }; }
export async function fetchUser(id) { const row = await load(id); return { ...row, name: 'user ' + id }; }
export async function handle(id) { return await fetchUser(id); }
export async function batch(n) { return await Promise.all(Array.from({ length: n }, (_, i) => handle(i))); }
`,
);
for (let f = 0; f < FILES; f++) {
  const tests = [];
  for (let t = 0; t < 5; t++) tests.push(`  it('case ${t}', async () => { const users = await batch(10); if (users.length !== 10) throw new Error('bad'); await handle(${t}); });`);
  const body = `describe('suite ${f}', () => {\n${tests.join('\n')}\n});\n`;
  writeFileSync(join(dir, 'test', `s${f}.test.mjs`), `import { describe, it } from 'node:test';\nimport { batch, handle } from '../src/service.mjs';\n${body}`);
  writeFileSync(join(dir, 'test', `s${f}.spec.mjs`), `import { batch, handle } from '../src/service.mjs';\n${body}`);
}

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds of the waited-for children of this process so far (utime + stime of the whole tree). */
function childrenCpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

function runOnce(args) {
  const cpuBefore = childrenCpu();
  const started = process.hrtime.bigint();
  const env = { ...process.env, NODE_OPTIONS: '--max-semi-space-size=16', NO_COLOR: '1', PATH: `${dirname(NODE)}:${process.env.PATH}` };
  const r = spawnSync(NODE, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26, env });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
  return { cpu: childrenCpu() - cpuBefore, wall };
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const range = (xs) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
const ratio = (xs) => `${median(xs).toFixed(2)}× (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;

const ALL_RUNNERS = {
  test: ['node --test (a process per file)', ['--test', 'test/*.test.mjs']],
  none: [`node --test ${ISOLATION_NONE}`, ['--test', ISOLATION_NONE, 'test/*.test.mjs']],
  mocha: ['mocha 11', [MOCHA, 'test/*.spec.mjs']],
};
const ONLY = process.env.AWAITWHAT_BENCH_ONLY;
const RUNNERS = ONLY ? ONLY.split(',').map((key) => ALL_RUNNERS[key]) : Object.values(ALL_RUNNERS);
const rows = [];
if (process.env.AWAITWHAT_BENCH_KEEP) console.error(dir);
try {
  const builds = [['`awaitwhat <runner command>`', CLI], ...(process.env.AWAITWHAT_BENCH_COMPARE ?? '').split(',').filter(Boolean).map((d) => [`awaitwhat of ${d}`, join(d, 'cli', 'main.js')])];
  for (const [name, args] of RUNNERS) {
    const variants = { without: args };
    for (const [label, cli] of builds) variants[label] = [cli, '--after', '10m', NODE, ...args];
    const labels = Object.keys(variants);
    for (const label of labels) runOnce(variants[label]); // warms the file system's cache and the transform caches
    const results = Object.fromEntries(labels.map((label) => [label, { cpu: [], wall: [], cpuRatio: [], wallRatio: [] }]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = labels.slice(round % labels.length).concat(labels.slice(0, round % labels.length));
      if (round % 2 === 1) order.reverse();
      const run = {};
      for (const label of order) run[label] = runOnce(variants[label]);
      for (const label of labels) {
        results[label].cpu.push(run[label].cpu);
        results[label].wall.push(run[label].wall);
        results[label].cpuRatio.push(run[label].cpu / run.without.cpu);
        results[label].wallRatio.push(run[label].wall / run.without.wall);
      }
    }
    for (const label of labels) {
      const r = results[label];
      rows.push(`| ${name} | ${label} | ${range(r.cpu)} | ${range(r.wall)} | ${label === 'without' ? '' : ratio(r.cpuRatio)} | ${label === 'without' ? '' : ratio(r.wallRatio)} |`);
    }
  }
} finally {
  if (!process.env.AWAITWHAT_BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
}
console.log(`Node.js ${spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()}, ${FILES} test files of 5 tests, ${ROUNDS} rounds (order rotated, each variant its own process tree), warm transform cache, --max-semi-space-size=16.\n`);
console.log('| runner | variant | CPU s, median (min–max) | wall s, median (min–max) | CPU ratio, median of rounds (min–max) | wall ratio, median of rounds (min–max) |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
