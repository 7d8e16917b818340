// CPU time of parsing one heap snapshot file with a checkout's built parser (dist/heap/take.js),
// for A/B runs of two checkouts on the same file, each in its own process. Prints one JSON line.
//   node --max-semi-space-size=16 bench/programs/heap-parse.mjs <checkout> <file.heapsnapshot>
// A file to parse: node -e "const a=[];for(let i=0;i<200000;i++)a.push({i,s:'x'+i,p:Promise.resolve(i)});globalThis.k=a;require('v8').writeHeapSnapshot('/tmp/h.heapsnapshot')"
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [checkout, file] = process.argv.slice(2);
const { parseHeapSnapshotFile } = await import(pathToFileURL(resolve(checkout, 'dist/heap/take.js')).href);
const t = process.cpuUsage();
const graph = parseHeapSnapshotFile(file);
const d = process.cpuUsage(t);
console.log(JSON.stringify({ nodes: graph.nodeCount, cpuMs: Math.round((d.user + d.system) / 1000) }));
