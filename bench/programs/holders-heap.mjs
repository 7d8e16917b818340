// One measurement of the holder analysis at a heap of about `argv[2]` MB: fills the heap with
// small objects (an app's records: an object, a string, an array each), leaves one promise held
// by a timer, then times the heap snapshot (V8 writing it), the streaming parse, and the analysis
// (targets, settlers, the walk, the description), and reads the process's peak RSS after each.
// Prints one JSON line. Run by bench/holders.mjs, one process per size.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { findHolders, findMarkedTargets } from '../../dist/heap/holders.js';
import { parseHeapSnapshotFile } from '../../dist/heap/take.js';

const targetBytes = Number(process.argv[2]) * 1024 * 1024;
const keep = [];
while (getHeapStatistics().used_heap_size < targetBytes) {
  const chunk = new Array(10_000);
  for (let i = 0; i < chunk.length; i++) chunk[i] = { id: i, name: `record ${keep.length}-${i}`, tags: [i, keep.length] };
  keep.push(chunk);
}
globalThis.keep = keep;
const waiting = new Promise((resolve) => setTimeout(resolve, 3600e3));

setTimeout(() => {
  const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
  const rssBefore = Math.round(process.memoryUsage().rss / 1048576);
  const heapUsed = getHeapStatistics().used_heap_size;
  const key = `bench-${Math.random().toString(36).slice(2)}`;
  globalThis.marker = { [key]: [waiting] };
  const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-bench-heap-'));
  try {
    let t = performance.now();
    const file = writeHeapSnapshot(join(dir, 'h.heapsnapshot'), { exposeNumericValues: true });
    const snapshotMs = performance.now() - t;
    const peakAfterSnapshot = peakMb();
    const fileMb = statSync(file).size / 1048576;
    t = performance.now();
    const graph = parseHeapSnapshotFile(file);
    const parseMs = performance.now() - t;
    t = performance.now();
    const marked = findMarkedTargets(graph, key);
    const [result] = findHolders(graph, marked.targets, { exclude: marked.markerNodes });
    const analysisMs = performance.now() - t;
    console.log(JSON.stringify({
      heapMb: Math.round(heapUsed / 1048576),
      objects: graph.nodeCount,
      edges: graph.edgeCount,
      fileMb: Math.round(fileMb),
      snapshotMs: Math.round(snapshotMs),
      parseMs: Math.round(parseMs),
      analysisMs: Math.round(analysisMs),
      rssBeforeMb: rssBefore,
      peakAfterSnapshotMb: peakAfterSnapshot,
      peakAfterAnalysisMb: peakMb(),
      holder: result.text,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}, 10);
