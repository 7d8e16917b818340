#!/usr/bin/env node
// A generated test suite run with and without awaitwhat, in each runner: node:test (each file in its
// own process, and --test-isolation=none) and Mocha (test/packages). The suite: FILES test files
// (default 100; AWAITWHAT_BENCH_FILES), each of 5 tests that call async functions of a shared source
// module (chains 3 deep, a Promise.all of 10, a setImmediate each), so that the instrumented code
// does real awaits. The transform cache is warmed by one run first; then the plain and awaitwhat
// runs alternate, ROUNDS times (default 3), and the medians of wall time are compared.
//
//   node bench/runners.mjs            → a Markdown table on stdout
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

function time(args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(NODE, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, PATH: `${dirname(NODE)}:${process.env.PATH}` } });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

const RUNNERS = process.env.AWAITWHAT_BENCH_ONLY === 'none' ? [[`node --test ${ISOLATION_NONE}`, ['--test', ISOLATION_NONE, 'test/*.test.mjs']]] : [
  ['node --test (a process per file)', ['--test', 'test/*.test.mjs']],
  [`node --test ${ISOLATION_NONE}`, ['--test', ISOLATION_NONE, 'test/*.test.mjs']],
  ['mocha 11', [MOCHA, 'test/*.spec.mjs']],
];
const rows = [];
if (process.env.AWAITWHAT_BENCH_KEEP) console.error(dir);
try {
  for (const [name, args] of RUNNERS) {
    const withAwaitwhat = [CLI, '--after', '10m', NODE, ...args];
    time(withAwaitwhat); // warms the transform cache
    const plain = [];
    const instrumented = [];
    for (let i = 0; i < ROUNDS; i++) {
      plain.push(time(args));
      instrumented.push(time(withAwaitwhat));
    }
    rows.push(`| ${name} | ${median(plain).toFixed(0)} ms | ${median(instrumented).toFixed(0)} ms | ${(median(instrumented) / median(plain)).toFixed(2)}× |`);
  }
} finally {
  if (!process.env.AWAITWHAT_BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
}
console.log(`Node.js ${process.versions.node === undefined ? '' : spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()}, ${FILES} test files of 5 tests, median of ${ROUNDS} alternating runs, warm transform cache.\n`);
console.log('| runner | without awaitwhat | `awaitwhat <runner command>` | ratio |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(row);
