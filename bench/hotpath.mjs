#!/usr/bin/env node
// Hot-path cost: every variant in its own process, in rotated order, for several rounds; CPU time
// per iteration; the young generation pinned for every variant (a tiny plain process would
// otherwise run far more minor GCs than one that loaded the SDK, and look slower than it). Prints
// Markdown: per workload and variant the median µs per iteration with min–max, the median of
// per-round ratios to plain with min–max, and the clock reads (performance.now) and spans per
// iteration, counted in one extra run of each variant that is not timed (its wrapper's cost would
// distort the figure).
//
//   node bench/hotpath.mjs [--quick] [--rounds=5] [--iterations=200000]
//                          [--workloads=chain,stored,fanout,asyncgen,tryfinally,methods]
//                          [--variants=plain,hooks,sdk,sdk-await] [--build=name:path/to/dist …]
//                          (also: traced, sdk-await-free-clock)
//
// Variants (bench/hotpath/preload.mjs): plain; hooks (awaitwhat/hooks); traced (the hooks with an
// observer that does nothing); sdk (NodeSDK alone, the workload under an active span); sdk-await
// (the same with AwaitInstrumentation at default settings); sdk-await-free-clock (an ablation: the
// same with performance.now() returning a constant, to tell the clock reads from the rest). Comparing builds: copy a dist/ aside
// (its directory needs node_modules beside it), then pass each with --build; the instrumented
// variants run once per build, plus a column of ratios to the first build.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const NODE = process.env.AWAITWHAT_BENCH_NODE || process.execPath;
const quick = process.argv.includes('--quick');
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const rounds = Number(arg('rounds', quick ? '3' : '5'));
const iterations = Number(arg('iterations', quick ? '50000' : '200000'));
const workloads = arg('workloads', 'chain,stored,fanout,asyncgen,tryfinally,methods').split(',');
const kinds = arg('variants', 'plain,hooks,sdk,sdk-await').split(',');
const builds = process.argv.filter((a) => a.startsWith('--build=')).map((a) => {
  const [name, path] = a.slice(8).split(':');
  return { name, dist: resolve(path) };
});
const compareBuilds = builds.length > 0;
if (!compareBuilds) builds.push({ name: '', dist: join(ROOT, 'dist') });

const SEMI_SPACE = ['--min-semi-space-size=16', '--max-semi-space-size=16'];
const LABELS = {
  plain: 'plain',
  hooks: 'awaitwhat/hooks',
  traced: 'traced frames, no observer work',
  sdk: 'SDK alone',
  'sdk-await': 'SDK + AwaitInstrumentation',
  'sdk-await-free-clock': 'ablation: SDK + AwaitInstrumentation, performance.now() a constant',
};
const variants = [];
for (const kind of kinds) {
  const instrumented = kind === 'hooks' || kind === 'traced' || kind.startsWith('sdk-await');
  for (const [index, b] of (instrumented ? builds : [builds[0]]).entries()) {
    variants.push({
      name: compareBuilds && instrumented ? `${b.name}, ${LABELS[kind]}` : LABELS[kind],
      env: kind === 'sdk-await-free-clock' ? { VARIANT: 'sdk-await', FREE_CLOCK: '1', AWAITWHAT_DIST: b.dist } : { VARIANT: kind, AWAITWHAT_DIST: b.dist },
      kind,
      build: instrumented ? index : undefined,
      instrumented,
    });
  }
}
const plainIndex = variants.findIndex((v) => v.kind === 'plain');

function measure(variant, workload, n, count) {
  const args = [...SEMI_SPACE, '--import', join(HERE, 'hotpath', 'preload.mjs'), join(HERE, 'hotpath', 'run-one.mjs'), workload, String(n)];
  const r = spawnSync(NODE, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...variant.env, COUNT_CLOCK: count ? '1' : '0' } });
  if (r.status !== 0) throw new Error(`${variant.name} ${workload} exited ${r.status}: ${r.stderr}`);
  const result = JSON.parse(r.stdout.trim().split('\n').pop());
  if (result.instrumented !== variant.instrumented) throw new Error(`${variant.name}: instrumented is ${result.instrumented}`);
  return result;
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const range = (xs, digits) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
const out = [
  `Node.js ${process.version}; per workload ${rounds} rounds of ${variants.length} processes, rotated; CPU time (process.cpuUsage) of N iterations after N/4 to warm up; ${SEMI_SPACE.join(' ')} for every process (the young generation at its full size from the start). Clock reads and spans counted in one more run per variant, not timed ("spans": spans ended in the whole measured run, the request span and the workload loop's own span included).`,
  '',
];
const compare = compareBuilds ? ` ratio to ${builds[0].name} |` : "";
out.push(`| workload (iterations) | variant | µs/iteration, median (min–max) | ratio to plain, median of rounds (min–max) | clock reads/iteration | spans |${compare}`);
out.push(`|---|---|---|---|---|---|${compareBuilds ? '---|' : ''}`);
for (const workload of workloads) {
  const n = Math.round(iterations * ((await import('./hotpath/workloads.mjs')).ITERATIONS[workload] ?? 1));
  const us = variants.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (k + r) % variants.length;
      us[i].push(measure(variants[i], workload, n, false).us);
    }
  }
  const counted = variants.map((v) => measure(v, workload, Math.max(1000, n >> 4), true));
  for (let i = 0; i < variants.length; i++) {
    const ratios = us[i].map((x, r) => x / us[plainIndex][r]);
    const ratio = i === plainIndex ? '' : `${median(ratios).toFixed(2)}× (${range(ratios, 2)})`;
    let versus = '';
    if (compareBuilds) {
      const base = variants.findIndex((v) => v.build === 0 && v.kind === variants[i].kind);
      if (variants[i].build === undefined || variants[i].build === 0) versus = ' |';
      else {
        const againstBase = us[i].map((x, r) => x / us[base][r]);
        versus = ` ${median(againstBase).toFixed(3)}× (${range(againstBase, 3)}) |`;
      }
    }
    const c = counted[i];
    const spans = variants[i].kind.startsWith('sdk') ? String(c.spans) : '';
    out.push(`| ${workload} (${n}) | ${variants[i].name} | ${median(us[i]).toFixed(3)} (${range(us[i], 3)}) | ${ratio} | ${c.clockReads.toFixed(2)} | ${spans} |${versus}`);
  }
}
console.log(out.join('\n'));
