#!/usr/bin/env node
// What awaitwhat's own start-up costs, in parts: CPU time of a process that loads an empty module,
// plain and after importing each part of awaitwhat (with Node's compile cache warm for all, as a
// warm start has it). Each variant its own process, rotated; medians (min–max) of CPU ms.
// `npm run build && node bench/load/startup.mjs [--rounds=N]`. Prints Markdown rows. With
// AWAITWHAT_BENCH_COMPARE=<dist>[,<dist>…], also `--import <dist>/hooks.js` of another build.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = join(ROOT, 'dist');
const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 12);
const NODE = process.env.AWAITWHAT_BENCH_NODE || process.execPath;
const WORK = mkdtempSync(join(tmpdir(), 'awaitwhat-bench-startup-'));
const write = (name, text) => {
  writeFileSync(join(WORK, name), text);
  return join(WORK, name);
};
const CPU = write('cpu.mjs', "import{writeFileSync}from'node:fs';process.on('exit',()=>{const u=process.cpuUsage();writeFileSync(process.env.BENCH_CPU_FILE,String((u.user+u.system)/1000))});\n");
const MAIN = write('main.mjs', '');
const importing = (name, specifier) => write(name, `import ${JSON.stringify(specifier)};\n`);
const url = (path) => pathToFileURL(join(DIST, path)).href;

const VARIANTS = [
  ['plain node', []],
  ['node:zlib', ['--import', importing('zlib.mjs', 'node:zlib')]],
  ['node:crypto', ['--import', importing('crypto.mjs', 'node:crypto')]],
  ["awaitwhat's snapshot modules (snapshot/build.js and what it imports)", ['--import', importing('snapshot.mjs', url('snapshot/build.js'))]],
  ["awaitwhat's runtime modules (runtime/runtime.js, with the snapshot's)", ['--import', importing('runtime.mjs', url('runtime/runtime.js'))]],
  ["awaitwhat's hook modules (hooks/install.js, with the runtime's)", ['--import', importing('install.mjs', url('hooks/install.js'))]],
  ['`--import awaitwhat/hooks` (modules, runtime and hooks installed)', ['--import', join(DIST, 'hooks.js')]],
  ...(process.env.AWAITWHAT_BENCH_COMPARE ?? '').split(',').filter(Boolean).map((other) => [`\`--import awaitwhat/hooks\` of ${other}`, ['--import', join(other, 'hooks.js')]]),
];

const cpuFile = join(WORK, 'cpu.txt');
const run = (args) => {
  const env = { ...process.env, BENCH_CPU_FILE: cpuFile, NODE_COMPILE_CACHE: join(WORK, 'compile-cache'), AWAITWHAT_CACHE_DIR: join(WORK, 'cache') };
  const r = spawnSync(NODE, ['--import', CPU, ...args, MAIN], { cwd: WORK, env, encoding: 'utf8' });
  if (r.status !== 0 || r.stderr !== '') throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return Number(readFileSync(cpuFile, 'utf8'));
};
for (const [, args] of VARIANTS) run(args); // fills the compile caches
const results = VARIANTS.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < VARIANTS.length; k++) {
    const i = (round + k) % VARIANTS.length;
    results[i].push(run(VARIANTS[i][1]));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const plain = median(results[0]);
const out = [
  `\`node bench/load/startup.mjs --rounds=${ROUNDS}\`; Node.js ${spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()}; an empty module, Node's compile cache warm for every variant; medians (min–max) of ${ROUNDS} rounds.`,
  '',
  '| process loads | CPU ms | added to plain |',
  '|---|---|---|',
];
VARIANTS.forEach(([name], i) => {
  const m = median(results[i]);
  out.push(`| ${name} | ${m.toFixed(1)} (${Math.min(...results[i]).toFixed(0)}–${Math.max(...results[i]).toFixed(0)}) | ${i === 0 ? '' : `${(m - plain).toFixed(1)}`} |`);
});
rmSync(WORK, { recursive: true, force: true });
console.log(out.join('\n'));
