#!/usr/bin/env node
// A generated Vitest suite run with and without the awaitwhat/vitest plugin, on Vitest 3 and 4
// (test/runners-vitest/v3, v4). The suite: FILES TypeScript test files (default 500;
// AWAITWHAT_BENCH_FILES), each of 5 tests calling async functions of a shared source module (chains
// 3 deep, a Promise.all of 10, a setImmediate each), so that the instrumented code does real awaits.
// Vite keeps no transforms between runs, so each run transforms every file, with and without the
// plugin alike; one run of each variant warms the file system and Vite's dependency cache first. Then
// ROUNDS rounds (default 3), the order of the variants rotated each round, each run its own Vitest
// process tree; CPU time of the tree (user + system, from /proc/self/stat's cutime and cstime) and
// wall time, medians with min–max, and the ratio per round. Every process gets --max-semi-space-size=16.
//
//   node bench/runners-vitest.mjs      → a Markdown table on stdout
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.env.AWAITWHAT_BENCH_NODE || process.execPath;
const FILES = Number(process.env.AWAITWHAT_BENCH_FILES || 500);
const ROUNDS = Number(process.env.AWAITWHAT_BENCH_ROUNDS || 3);
const VERSIONS = (process.env.AWAITWHAT_BENCH_VITEST || 'v3,v4').split(',');
const POOL = process.env.AWAITWHAT_BENCH_POOL || 'forks';
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-bench-vitest-'));
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
mkdirSync(join(dir, 'src'));
mkdirSync(join(dir, 'test'));
mkdirSync(join(dir, 'node_modules'));
writeFileSync(
  join(dir, 'src', 'service.ts'),
  `const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
export async function load(id: number): Promise<{ id: number }> { await tick(); return { id }; }
export async function fetchUser(id: number): Promise<{ id: number; name: string }> { const row = await load(id); return { ...row, name: 'user ' + id }; }
export async function handle(id: number): Promise<{ id: number; name: string }> { return await fetchUser(id); }
export async function batch(n: number): Promise<{ id: number; name: string }[]> { return await Promise.all(Array.from({ length: n }, (_, i) => handle(i))); }
`,
);
for (let f = 0; f < FILES; f++) {
  const tests = [];
  for (let t = 0; t < 5; t++) tests.push(`  it('case ${t}', async () => { const users = await batch(10); expect(users.length).toBe(10); await handle(${t}); });`);
  writeFileSync(join(dir, 'test', `s${f}.test.ts`), `import { describe, expect, it } from 'vitest';\nimport { batch, handle } from '../src/service.ts';\ndescribe('suite ${f}', () => {\n${tests.join('\n')}\n});\n`);
}
const plugin = pathToFileURL(join(ROOT, 'dist', 'vitest.js')).href;
writeFileSync(
  join(dir, 'vitest.config.mjs'),
  `export default { plugins: process.env.BENCH_AWAITWHAT === '1' ? [(await import(${JSON.stringify(plugin)})).default()] : [], test: { pool: ${JSON.stringify(POOL)} } };\n`,
);

/** CPU seconds of the waited-for children of this process so far (utime + stime of the tree). */
function childrenCpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

function runOnce(version, withPlugin) {
  const cpuBefore = childrenCpu();
  const started = process.hrtime.bigint();
  const env = { ...process.env, BENCH_AWAITWHAT: withPlugin ? '1' : '0', NO_COLOR: '1', NODE_OPTIONS: '--max-semi-space-size=16', PATH: `${dirname(NODE)}:${process.env.PATH}` };
  const r = spawnSync(NODE, [join(ROOT, 'test', 'runners-vitest', version, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=dot'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26, env });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`vitest ${version} exited ${r.status}: ${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
  return { cpu: childrenCpu() - cpuBefore, wall };
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const range = (xs) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
const ratio = (xs) => `${median(xs).toFixed(2)}× (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;

const rows = [];
try {
  for (const version of VERSIONS) {
    rmSync(join(dir, 'node_modules', 'vitest'), { force: true });
    symlinkSync(join(ROOT, 'test', 'runners-vitest', version, 'node_modules', 'vitest'), join(dir, 'node_modules', 'vitest'));
    runOnce(version, false);
    runOnce(version, true);
    const plain = { cpu: [], wall: [] };
    const instrumented = { cpu: [], wall: [] };
    const cpuRatios = [];
    const wallRatios = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [false, true] : [true, false];
      const results = {};
      for (const withPlugin of order) results[withPlugin] = runOnce(version, withPlugin);
      plain.cpu.push(results[false].cpu);
      plain.wall.push(results[false].wall);
      instrumented.cpu.push(results[true].cpu);
      instrumented.wall.push(results[true].wall);
      cpuRatios.push(results[true].cpu / results[false].cpu);
      wallRatios.push(results[true].wall / results[false].wall);
    }
    const name = `Vitest ${version.slice(1)}, pool ${POOL}, ${FILES} files × 5 tests`;
    rows.push(`| ${name} | without | ${range(plain.cpu)} | ${range(plain.wall)} |  |  |`);
    rows.push(`| ${name} | awaitwhat/vitest | ${range(instrumented.cpu)} | ${range(instrumented.wall)} | ${ratio(cpuRatios)} | ${ratio(wallRatios)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`Node ${spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()}, ${ROUNDS} rounds\n`);
console.log('| suite | variant | CPU s, median (min–max) | wall s, median (min–max) | CPU ratio, median of rounds (min–max) | wall ratio, median of rounds (min–max) |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
