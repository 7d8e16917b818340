#!/usr/bin/env node
// Hot-path cost, A/B in one process: each variant (plain, and each build with hooks or traced
// frames) runs in a worker thread of its own, loaded once and warmed up; the main thread then asks
// them in turn, one at a time and in rotated order, to run a workload, and each reports the CPU
// time of its own thread. Less exposed to a noisy machine than separate processes (every variant
// sees the same neighbours within a round); the ratios are medians of per-round ratios.
//
//   node bench/hotpath-threads.mjs [--rounds=21] [--iterations=100000] [--workloads=chain,stored,fanout]
//                                  [--build=name:path/to/dist …]
import { Worker } from 'node:worker_threads';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const rounds = Number(arg('rounds', '21'));
const iterations = Number(arg('iterations', '100000'));
const workloads = arg('workloads', 'chain,stored,fanout').split(',');
const builds = process.argv.filter((a) => a.startsWith('--build=')).map((a) => {
  const [name, path] = a.slice(8).split(':');
  return { name, dist: resolve(path) };
});
if (builds.length === 0) builds.push({ name: 'this build', dist: join(HERE, '..', 'dist') });

const variants = [{ name: 'plain', data: {} }];
for (const [index, b] of builds.entries()) {
  variants.push({ name: `${b.name}, hooks`, data: { dist: b.dist }, kind: 'hooks', build: index });
  variants.push({ name: `${b.name}, traced frames`, data: { dist: b.dist, traced: true }, kind: 'traced', build: index });
}

const started = variants.map((v) => {
  const worker = new Worker(join(HERE, 'hotpath', 'thread.mjs'), { workerData: v.data, resourceLimits: { maxYoungGenerationSizeMb: 32 } });
  return new Promise((ok, fail) => {
    worker.once('message', () => ok(worker));
    worker.once('error', fail);
  });
});
const workers = await Promise.all(started);
const ask = (worker, workload, n) =>
  new Promise((ok) => {
    worker.once('message', ok);
    worker.postMessage({ workload, n });
  });

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const span = (xs, d) => `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}`;
const out = [`Node.js ${process.version}; one process, a worker thread per variant; ${rounds} rounds of ${iterations} iterations per variant, rotated order, thread CPU time; young generation 32 MB for every variant.`, ''];
const compare = builds.length > 1 ? ` | ratio to ${builds[0].name}, median (min–max)` : '';
out.push(`| workload | variant | µs/iteration, median (min–max) | ratio to plain, median (min–max)${compare} |`, `|---|---|---|---${compare === '' ? '' : '|---'}|`);
for (const workload of workloads) {
  for (const w of workers) await ask(w, workload, iterations >> 1);
  const us = variants.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (k + r) % variants.length;
      us[i].push((await ask(workers[i], workload, iterations)).us);
    }
  }
  for (let i = 0; i < variants.length; i++) {
    const ratios = us[i].map((x, r) => x / us[0][r]);
    let versus = '';
    if (compare !== '') {
      if (i === 0 || variants[i].build === 0) versus = ' | ';
      else {
        const base = variants.findIndex((v) => v.build === 0 && v.kind === variants[i].kind);
        const against = us[i].map((x, r) => x / us[base][r]);
        versus = ` | ${median(against).toFixed(3)}× (${span(against, 3)})`;
      }
    }
    out.push(`| ${workload} | ${variants[i].name} | ${median(us[i]).toFixed(3)} (${span(us[i], 3)}) | ${i === 0 ? '' : `${median(ratios).toFixed(2)}× (${span(ratios, 2)})`}${versus} |`);
  }
}
for (const w of workers) await w.terminate();
console.log(out.join('\n'));
