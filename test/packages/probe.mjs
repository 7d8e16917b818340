/**
 * The instrumentation probe of the workloads in this directory. Inert unless AWAITWHAT_PROBE_OUT
 * names a file (`%p` in the name stands for the process id); then, when the process exits, it
 * writes there, as JSON, what awaitwhat did in this process: which files its load hook
 * transformed (the marker it appends), the sites in the runtime's table by file, which
 * instrumented async functions actually ran (it wraps the runtime's entry calls), and the pending
 * frames of every `snapshot()` the workload asked for with `probeSnapshot(label)`. It never
 * writes to stdout or stderr, so a probed run can be compared byte for byte with a plain one.
 *
 * Preload it right after awaitwhat's hooks (`--import dist/hooks.js --import probe.mjs`), so that
 * it sees every module load; the workloads import it too, for `probeSnapshot`.
 */

import { writeFileSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// `%p` in the name stands for the process id, for probing every process of a tree (a test runner's children).
const OUT = process.env.AWAITWHAT_PROBE_OUT?.replaceAll('%p', String(process.pid));
const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** How awaitwhat's load hook ends what it instrumented: its marker, then possibly a source map comment. */
const MARKED = /\/\*awaitwhat:\d+\*\/\s*(\/\/# sourceMappingURL=\S+\s*)?$/;

const runtime = OUT ? globalThis.__awaitwhat : undefined;
// The runtime global is frozen: the entry calls are counted by a stand-in of the same name length
// that the transformed source calls instead (columns and source maps stay as they were).
const PROBE_GLOBAL = '__awaitprob';
const ENTRY_CALL = /__awaitwhat\.([egm])\(/g;
const entered = new Set();
const transformed = [];
const snapshots = {};
let snapshotFn;
let runtimeInternals;

if (OUT && runtime !== undefined) {
  // `e` (async functions), `g` (async generators), `m` (modules with top-level await) are what
  // instrumented code calls on entry, with its function site id.
  const stand = {};
  for (const key of ['e', 'g', 'm']) {
    stand[key] = (id) => {
      entered.add(id);
      return runtime[key](id);
    };
  }
  Object.defineProperty(globalThis, PROBE_GLOBAL, { value: Object.freeze(stand), enumerable: false });
  // Registered after awaitwhat's hook, so it runs first and sees what awaitwhat's returns. Only
  // modules loaded after this one are seen: preload it (`--import`) to see every one.
  module.registerHooks({
    load(url, context, nextLoad) {
      const result = nextLoad(url, context);
      if (typeof result.source !== 'string' || !MARKED.test(result.source)) return result;
      transformed.push(shortFile(url));
      return { ...result, source: result.source.replace(ENTRY_CALL, `${PROBE_GLOBAL}.$1(`) };
    },
  });
  ({ snapshot: snapshotFn } = await import(new URL('../../dist/index.js', import.meta.url).href));
  ({ runtimeInternals } = await import(new URL('../../dist/runtime/internals.js', import.meta.url).href));
}

/** `fastify/lib/hooks.js` for a file of a package, `queues.mjs` for a file here, `test/render.test.ts` for another file of the project. */
function shortFile(file) {
  let path = String(file);
  if (path.startsWith('file:')) path = fileURLToPath(path);
  const at = path.lastIndexOf('node_modules/');
  if (at !== -1) return path.slice(at + 'node_modules/'.length);
  if (path.startsWith(HERE)) return path.slice(HERE.length);
  if (path.startsWith(ROOT)) return path.slice(ROOT.length);
  return path.replace(/^test\/packages\//, '');
}

/**
 * Records the pending frames as `file function state @ suspension text` and what each awaits as
 * `file function -> file function` (or `-> leaf`, `-> group`, …), sorted and deduplicated.
 */
export function probeSnapshot(label) {
  if (snapshotFn === undefined) return;
  const { nodes } = snapshotFn();
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const name = (node) => (node.type === 'frame' ? `${shortFile(node.location.file)} ${node.function}` : node.type);
  const frames = new Set();
  const edges = new Set();
  for (const node of nodes) {
    if (node.type !== 'frame') continue;
    frames.add(`${name(node)} ${node.state} @ ${node.suspendedAt?.text ?? ''}`);
    for (const id of node.awaits) edges.add(`${name(node)} -> ${name(byId.get(id))}`);
  }
  snapshots[label] = { frames: [...frames].sort(), edges: [...edges].sort() };
}

if (OUT) {
  process.on('exit', () => {
    const report = { argv: process.argv.slice(1).map(shortFile), instrumented: runtime !== undefined, hooks: null, transformed, files: {}, entered: [], snapshots };
    if (runtime !== undefined) {
      report.hooks = globalThis[Symbol.for('awaitwhat.hooks')]?.stats ?? null;
      const functions = new Map();
      for (let id = 0; ; id++) {
        const site = runtimeInternals().getSite(id);
        if (site === undefined) break;
        const file = shortFile(site.file);
        report.files[file] = (report.files[file] ?? 0) + 1;
        if (site.kind === 'function' || site.kind === 'generator' || site.kind === 'module') functions.set(id, `${file} ${site.name}`);
      }
      report.entered = [...new Set([...entered].map((id) => functions.get(id) ?? `?${id}`))].sort();
    }
    writeFileSync(OUT, JSON.stringify(report, null, 1));
  });
}
