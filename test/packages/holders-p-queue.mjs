// A real package's queue: p-queue with concurrency 1 whose first job never settles; the second
// job waits in the queue, and onIdle() waits for the queue. Prints who holds each. Run by
// test/heap-holders.test.ts.
import PQueue from 'p-queue';
import { takeOwnHeapSnapshot } from '../../dist/heap/take.js';
import { findHolders, findMarkedTargets } from '../../dist/heap/holders.js';

export const queue = new PQueue({ concurrency: 1 });
queue.add(() => new Promise(() => {}));
const second = queue.add(async () => 'never runs');
const idle = queue.onIdle();
setTimeout(() => {
  const key = `k${Math.random().toString(36).slice(2)}`;
  globalThis.__heapTargets = { [key]: [second, idle] };
  const graph = takeOwnHeapSnapshot();
  delete globalThis.__heapTargets;
  const marked = findMarkedTargets(graph, key);
  for (const r of findHolders(graph, marked.targets, { exclude: marked.markerNodes })) process.stdout.write(`${r.state} | ${r.text}\n`);
  process.exit(0);
}, 50);
