// A worker of bench/hotpath-threads.mjs: installs the hooks of one build (or none), optionally
// with traced frames, loads the workloads through them, then runs what it is asked to and reports
// the CPU time its own thread spent.
import { parentPort, workerData } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const { dist, traced } = workerData;
if (dist !== undefined) {
  const { installHooks } = await import(pathToFileURL(join(dist, 'index.js')).href);
  installHooks();
  if (traced) {
    const observer = { minDurationMs: () => 10, context: () => undefined, exited() {}, leafAwaitEnded() {} };
    const internalsFile = join(dist, 'runtime', 'internals.js');
    const internals = existsSync(internalsFile) ? (await import(pathToFileURL(internalsFile).href)).runtimeInternals() : globalThis.__awaitwhat.internals;
    internals.setTracing(observer);
  }
}
const workloads = await import('./workloads.mjs');
parentPort.postMessage('ready');
parentPort.on('message', async ({ workload, n }) => {
  const start = process.threadCpuUsage();
  await workloads[workload](n);
  const used = process.threadCpuUsage(start);
  parentPort.postMessage({ us: (used.user + used.system) / n });
});
