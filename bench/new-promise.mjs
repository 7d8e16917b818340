#!/usr/bin/env node
// What tagging `new Promise(…)` with its creation site costs (the transform turns it into
// `F.np(S,new Promise(…))` in async functions and into a guarded call through the runtime global
// elsewhere; src/runtime/created.ts stamps the site on the promise as a private field). Each
// variant runs in its own process (a WeakMap's garbage would slow whatever ran after it), rotated,
// for several rounds: plain `new Promise(executor)`, the tag through a frame, the guarded tag of
// synchronous functions, and a WeakMap entry per promise (the alternative not taken), creating
// promises that are dropped at once (`dropped`) or held in batches of 10,000 (`held`). Prints ns
// per `new Promise`: the median of the rounds (min–max), and the median extra cost over plain.
//
//   node bench/new-promise.mjs [--rounds=7] [--count=500000]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const VARIANTS = ['plain', 'tag through the frame', 'guarded tag (sync functions)', 'WeakMap entry (not used)'];

if (process.argv[2] === '--one') {
  const [, , , variant, mode, count] = process.argv;
  const { installRuntime } = await import('../dist/runtime/runtime.js');
  const { enterFunction } = await import('../dist/runtime/frame.js');
  installRuntime();
  const site = 0;
  const executor = (resolve) => resolve;
  const F = enterFunction(0);
  const table = new WeakMap();
  const make = {
    plain: () => new Promise(executor),
    'tag through the frame': () => F.np(site, new Promise(executor)),
    'guarded tag (sync functions)': () => (typeof __awaitwhat === 'object' ? __awaitwhat.np : (s, v) => v)(site, new Promise(executor)),
    'WeakMap entry (not used)': () => {
      const p = new Promise(executor);
      table.set(p, site);
      return p;
    },
  }[variant];
  const N = Number(count);
  const held = mode === 'held';
  const batch = new Array(10_000);
  let sink;
  for (let i = 0; i < 100_000; i++) sink = make(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const p = make();
    if (held) batch[i % 10_000] = p;
    else sink = p;
  }
  process.stdout.write(String(Number(process.hrtime.bigint() - start) / N));
  void sink;
} else {
  const rounds = Number(arg('rounds', '7'));
  const count = arg('count', '500000');
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  for (const mode of ['dropped', 'held']) {
    const times = Object.fromEntries(VARIANTS.map((v) => [v, []]));
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < VARIANTS.length; k++) {
        const v = VARIANTS[(r + k) % VARIANTS.length];
        const out = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', v, mode, count], { encoding: 'utf8' });
        if (out.status !== 0) throw new Error(out.stderr);
        times[v].push(Number(out.stdout));
      }
    }
    const base = median(times.plain);
    console.log(`${mode}: ns per new Promise, median of ${rounds} rounds of ${count} (min–max)`);
    for (const v of VARIANTS) {
      const m = median(times[v]);
      const range = `(${Math.min(...times[v]).toFixed(0)}–${Math.max(...times[v]).toFixed(0)})`;
      console.log(`  ${v.padEnd(30)} ${m.toFixed(0).padStart(6)} ${range.padEnd(12)}${v === 'plain' ? '' : ` +${(m - base).toFixed(0)}`}`);
    }
  }
}
