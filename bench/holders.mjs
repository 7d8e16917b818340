#!/usr/bin/env node
// The holder analysis's cost at heaps of about 50, 200 and 500 MB (or the sizes given:
// `node bench/holders.mjs 50 200`): one process per size (bench/programs/holders-heap.mjs),
// printed as a Markdown table. A size whose estimated peak (14× the heap, V8's snapshot generator)
// is above the free memory is skipped and said so. Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { freemem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.env.AWAITWHAT_BENCH_NODE || process.execPath;
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const rows = [];
for (const mb of sizes.length > 0 ? sizes : [50, 200, 500]) {
  const needMb = mb * 14;
  const freeMb = Math.round(freemem() / 1048576);
  if (needMb > freeMb) {
    rows.push(`| ~${mb} MB | skipped: needs about ${needMb} MB, ${freeMb} MB free | | | | | | |`);
    continue;
  }
  const r = spawnSync(NODE, [`--max-old-space-size=${Math.max(4096, mb * 4)}`, 'bench/programs/holders-heap.mjs', String(mb)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    rows.push(`| ~${mb} MB | failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop()} | | | | | | |`);
    continue;
  }
  const m = JSON.parse(r.stdout.trim().split('\n').pop());
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  rows.push(
    `| ${m.heapMb} MB, ${(m.objects / 1e6).toFixed(1)} M objects, ${(m.edges / 1e6).toFixed(1)} M edges | ${s(m.snapshotMs)} (${m.fileMb} MB of JSON) | ${s(m.parseMs)} | ${s(m.analysisMs)} | ${s(m.snapshotMs + m.parseMs + m.analysisMs)} | ${m.rssBeforeMb} MB | ${m.peakAfterSnapshotMb} MB | ${m.peakAfterAnalysisMb} MB |`,
  );
  console.error(`${mb} MB: ${JSON.stringify(m)}`);
}
console.log(`Node.js ${spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()}, ${new Date().toISOString().slice(0, 10)}.\n`);
console.log('| heap in use | V8 writes the snapshot | parse (streaming) | analysis | pause in all | RSS before | peak RSS after the snapshot | peak RSS after the analysis |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
