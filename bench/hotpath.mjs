#!/usr/bin/env node
// Hot-path cost, A/B: every variant in its own process, in rotated order, for several rounds; CPU
// time per iteration; the young generation pinned for every variant (a tiny plain process would
// otherwise run far more minor GCs than one that loaded more code). Prints Markdown: per workload
// and variant the median µs per iteration with min–max, and the median of per-round ratios to
// plain with min–max.
//
//   node bench/hotpath.mjs [--rounds=7] [--iterations=200000] [--workloads=chain,stored,fanout]
//                          [--build=name:path/to/dist …]   (default: this checkout's dist, "hooks")
//
// Comparing two builds: copy a dist/ aside (its directory needs node_modules beside it for acorn),
// then pass both with --build.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const NODE = process.env.AWAITWHAT_BENCH_NODE || process.execPath;
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const rounds = Number(arg('rounds', '7'));
const iterations = arg('iterations', '200000');
const workloads = arg('workloads', 'chain,stored,fanout').split(',');
const builds = process.argv.filter((a) => a.startsWith('--build=')).map((a) => {
  const [name, path] = a.slice(8).split(':');
  return { name, dist: resolve(path) };
});
if (builds.length === 0) builds.push({ name: 'this build', dist: join(ROOT, 'dist') });

const SEMI_SPACE = '--max-semi-space-size=16';
const variants = [{ name: 'plain', args: [SEMI_SPACE], env: {} }];
for (const [index, b] of builds.entries()) {
  const preload = ['--import', join(HERE, 'hotpath', 'preload.mjs')];
  variants.push({ name: `${b.name}, hooks`, args: [SEMI_SPACE, ...preload], env: { AWAITWHAT_DIST: b.dist }, kind: 'hooks', build: index });
  variants.push({ name: `${b.name}, traced frames`, args: [SEMI_SPACE, ...preload], env: { AWAITWHAT_DIST: b.dist, TRACED: '1' }, kind: 'traced', build: index });
}

function measure(variant, workload) {
  const r = spawnSync(NODE, [...variant.args, join(HERE, 'hotpath', 'run-one.mjs'), workload, iterations], {
    encoding: 'utf8',
    env: { ...process.env, ...variant.env },
  });
  if (r.status !== 0) throw new Error(`${variant.name} ${workload} exited ${r.status}: ${r.stderr}`);
  const result = JSON.parse(r.stdout.trim().split('\n').pop());
  if (result.instrumented !== (variant.name !== 'plain')) throw new Error(`${variant.name}: instrumented is ${result.instrumented}`);
  return result.us;
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const span = (xs, digits) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
const out = [`Node.js ${process.version}; ${rounds} rounds of ${variants.length} processes per workload, rotated; ${iterations} iterations each after a quarter as many to warm up; ${SEMI_SPACE}.`, ''];
const compare = builds.length > 1 ? ` | ratio to ${builds[0].name}, median of rounds (min–max)` : '';
out.push(`| workload | variant | µs/iteration, median (min–max) | ratio to plain, median of rounds (min–max)${compare} |`, `|---|---|---|---${compare === '' ? '' : '|---'}|`);
for (const workload of workloads) {
  const us = variants.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (k + r) % variants.length;
      us[i].push(measure(variants[i], workload));
    }
  }
  for (let i = 0; i < variants.length; i++) {
    const ratios = us[i].map((x, r) => x / us[0][r]);
    const ratio = i === 0 ? '' : `${median(ratios).toFixed(2)}× (${span(ratios, 2)})`;
    let versus = '';
    if (compare !== '') {
      const base = variants.findIndex((v) => v.build === 0 && v.kind === variants[i].kind);
      if (i === 0 || variants[i].build === 0) versus = ' | ';
      else {
        const againstBase = us[i].map((x, r) => x / us[base][r]);
        versus = ` | ${median(againstBase).toFixed(3)}× (${span(againstBase, 3)})`;
      }
    }
    out.push(`| ${workload} | ${variants[i].name} | ${median(us[i]).toFixed(3)} (${span(us[i], 3)}) | ${ratio}${versus} |`);
  }
}
console.log(out.join('\n'));
