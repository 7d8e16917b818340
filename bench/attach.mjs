#!/usr/bin/env node
// `awaitwhat attach` costs: for targets with heaps of about 5, 50 and 200 MB (HEAP_SIZES to
// change), the target's pause (longest gap of its 5 ms interval), the estimate attach printed,
// the walk's own time, the attacher's peak memory (/usr/bin/time) and the target's RSS high-water
// mark, and the target's CPU time while attached. Run: npm run build && node bench/attach.mjs
// (FULL=1: `attach --full`, with the heap snapshot's time; CHAINS=n: n hung chains instead of 200;
// AWAITWHAT_CLI: another build's dist/cli/main.js, to compare).
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const node = process.env.AWAITWHAT_TEST_NODE || process.execPath;
const cli = process.env.AWAITWHAT_CLI || fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const targetFile = fileURLToPath(new URL('./attach-target.mjs', import.meta.url));
const sizes = (process.env.HEAP_SIZES ?? '5,50,200').split(',').map(Number);
const full = process.env.FULL === '1';

for (const mb of sizes) {
  const target = spawn(node, ['--inspect-port=127.0.0.1:0', '--max-old-space-size=4096', targetFile], { env: { ...process.env, HEAP_MB: String(mb) }, stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => target.on('exit', resolve));
  let out = '';
  target.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  while (!out.includes('ready')) await new Promise((r) => setTimeout(r, 50));
  const heapUsed = Number(/ready (\d+)/.exec(out)[1]);
  const r = spawnSync('/usr/bin/time', ['-f', 'maxrss %M', node, cli, 'attach', String(target.pid), '--yes', '--format', 'json', ...(full ? ['--full'] : [])], { encoding: 'utf8' });
  const estimate = /pause it about (\S+)/.exec(r.stderr)?.[1];
  const walk = /walked (\d+) promises in (\S+)/.exec(r.stderr);
  const heapStep = /heap snapshot taken and analysed in (\S+)/.exec(r.stderr)?.[1];
  const attacherMB = Math.round(Number(/maxrss (\d+)/.exec(r.stderr)?.[1]) / 1024);
  const frames = r.status === 0 ? JSON.parse(r.stdout).stats.frames : `exit ${r.status}`;
  out = '';
  target.stdin.write('report\n');
  while (!out.includes('\n')) await new Promise((resolve) => setTimeout(resolve, 50));
  const t = JSON.parse(out);
  console.log(JSON.stringify({ node: spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim(), heapUsedMB: Math.round(heapUsed / 1048576), objects: t.objects, estimate, walkPromises: Number(walk?.[1]), walkTime: walk?.[2], ...(full ? { mode: 'full', heapSnapshotAndAnalysis: heapStep } : {}), targetPauseMs: t.longestGapMs, targetCpuMs: t.cpuMs, targetRssHighWaterMB: t.rssHighWaterMB, attacherMaxRssMB: attacherMB, frames }));
  await exited;
}
