#!/usr/bin/env node
// What the one pause fast-mode attach leaves costs, and whether a narrower query would cut it:
// against a bench/attach-target.mjs target of HEAP_MB (50) MB, the target's CPU time (/proc, all
// its threads) and the wall time of, in turn: HeapProfiler.collectGarbage (one full GC),
// Runtime.queryObjects on Promise.prototype (what attach asks), and Runtime.queryObjects on a
// fresh object nothing inherits from (the narrowest possible prototype: an empty answer), ROUNDS
// (3) times each, rotated. Run: node bench/attach-query.mjs (AWAITWHAT_TEST_NODE: another Node.js).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const node = process.env.AWAITWHAT_TEST_NODE || process.execPath;
const rounds = Number(process.env.ROUNDS ?? 3);
const target = spawn(node, ['--inspect=127.0.0.1:0', fileURLToPath(new URL('./attach-target.mjs', import.meta.url))], { env: { ...process.env, HEAP_MB: process.env.HEAP_MB ?? '50' }, stdio: ['pipe', 'pipe', 'pipe'] });
let err = '';
let out = '';
target.stderr.setEncoding('utf8').on('data', (d) => (err += d));
target.stdout.setEncoding('utf8').on('data', (d) => (out += d));
while (!out.includes('ready') || !/ws:\/\/\S+/.test(err)) await new Promise((r) => setTimeout(r, 50));
const ws = new WebSocket(/ws:\/\/\S+/.exec(err)[0]);
await new Promise((r) => ws.addEventListener('open', r));
let id = 0;
const waiting = new Map();
ws.addEventListener('message', (e) => {
  const m = JSON.parse(e.data);
  if (m.id) waiting.get(m.id)?.(m.result);
});
const call = (method, params = {}) => new Promise((r) => {
  waiting.set(++id, r);
  ws.send(JSON.stringify({ id, method, params }));
});
const cpuMs = () => {
  const f = readFileSync(`/proc/${target.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, in 10 ms ticks
};
const promiseProto = (await call('Runtime.evaluate', { expression: '(async () => {})().constructor.prototype', objectGroup: 'bench' })).result.objectId;
const freshProto = (await call('Runtime.evaluate', { expression: '({})', objectGroup: 'bench' })).result.objectId;
const steps = {
  collectGarbage: () => call('HeapProfiler.collectGarbage'),
  'queryObjects(Promise.prototype)': () => call('Runtime.queryObjects', { prototypeObjectId: promiseProto, objectGroup: 'bench' }),
  'queryObjects(fresh {})': () => call('Runtime.queryObjects', { prototypeObjectId: freshProto, objectGroup: 'bench' }),
};
const results = Object.fromEntries(Object.keys(steps).map((k) => [k, { wall: [], cpu: [] }]));
const names = Object.keys(steps);
for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(k + round) % names.length];
    const cpu = cpuMs();
    const start = performance.now();
    await steps[name]();
    results[name].wall.push(Math.round(performance.now() - start));
    results[name].cpu.push(cpuMs() - cpu);
  }
}
await call('Runtime.releaseObjectGroup', { objectGroup: 'bench' });
ws.close();
target.kill();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const version = (await new Promise((r) => { const v = spawn(node, ['--version']); let s = ''; v.stdout.on('data', (d) => (s += d)); v.on('close', () => r(s.trim())); }));
for (const name of names) {
  const { wall, cpu } = results[name];
  console.log(JSON.stringify({ node: version, heapMB: Number(process.env.HEAP_MB ?? 50), step: name, cpuMedianMs: median(cpu), cpuMinMax: [Math.min(...cpu), Math.max(...cpu)], wallMedianMs: median(wall), wallMinMax: [Math.min(...wall), Math.max(...wall)] }));
}
