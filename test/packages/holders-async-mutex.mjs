// A real package's mutex: async-mutex, held by one caller that never releases it; a second
// caller waits in the semaphore's queue. Prints who holds the second caller's promise. Run by
// test/heap-holders.test.ts.
import { Mutex } from 'async-mutex';
import { takeOwnHeapSnapshot } from '../../dist/heap/take.js';
import { findHolders, findMarkedTargets } from '../../dist/heap/holders.js';

export const mutex = new Mutex();
await mutex.acquire(); // never released
const second = mutex.acquire();
setTimeout(() => {
  const key = `k${Math.random().toString(36).slice(2)}`;
  globalThis.__heapTargets = { [key]: [second] };
  const graph = takeOwnHeapSnapshot();
  delete globalThis.__heapTargets;
  const marked = findMarkedTargets(graph, key);
  for (const r of findHolders(graph, marked.targets, { exclude: marked.markerNodes })) process.stdout.write(`${r.state} | ${r.text}${process.env.STEPS ? `\n   ${r.steps.map((s) => `${s.kind}:${s.name}->${s.to}`).join('\n   ')}` : ''}\n`);
  process.exit(0);
}, 50);
