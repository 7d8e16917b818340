// Where a fastify service server spent its CPU under load: a .cpuprofile written by
// `node bench/fastify.mjs --cpu-prof=DIR` summarised as shares of the busy samples, by where the
// code comes from (awaitwhat's runtime, the OpenTelemetry packages, fastify, the service's own
// functions — into which the calls awaitwhat injects are inlined —, Node.js, GC), and awaitwhat's
// own functions one by one. Only samples from the first one inside the route handler on count, so
// start-up (module loading, the transform) is left out. Shares, not times: a loaded machine slows
// everything in a process alike, which moves times between runs but not shares.
//
//   node bench/programs/cpu-profile-summary.mjs DIR/sdk DIR/sdkAwait …
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HANDLER = 'orderSummary';

function category({ url, functionName }) {
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return '(program)';
  if (/node_modules\/(@opentelemetry|require-in-the-middle|import-in-the-middle)\//.test(url)) return 'OpenTelemetry';
  if (url.includes(`${ROOT}/dist/`)) return /\/dist\/(transform|hooks|cli)\//.test(url) ? 'awaitwhat transform' : 'awaitwhat runtime';
  if (url.includes('/bench/service/node_modules/')) return 'fastify';
  if (url.includes('/bench/programs/')) return 'service';
  if (url.startsWith('node:')) return 'Node.js';
  return 'native, other';
}

function summarise(dir) {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inHandler = (id) => {
    for (let x = id; x !== undefined; x = parent.get(x)) if (nodes.get(x).callFrame.functionName === HANDLER) return true;
    return false;
  };
  const self = new Map();
  let started = false;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    started ||= inHandler(id);
    if (started && nodes.get(id).callFrame.functionName !== '(idle)') self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const busy = [...self.values()].reduce((a, b) => a + b, 0);
  const categories = new Map();
  const functions = new Map();
  for (const [id, us] of self) {
    const frame = nodes.get(id).callFrame;
    const c = category(frame);
    categories.set(c, (categories.get(c) ?? 0) + us);
    if (c === 'awaitwhat runtime') {
      const name = `${frame.functionName || '(anonymous)'} (${frame.url.slice(frame.url.indexOf('/dist/') + 6)}:${frame.lineNumber + 1})`;
      functions.set(name, (functions.get(name) ?? 0) + us);
    }
  }
  return { busy, categories, functions };
}

const runs = process.argv.slice(2).map((dir) => ({ name: basename(dir), ...summarise(dir) }));
const share = (us, busy) => `${((us / busy) * 100).toFixed(1)} %`;
const names = [...new Set(runs.flatMap((r) => [...r.categories.keys()]))].sort((a, b) => (runs.at(-1).categories.get(b) ?? 0) - (runs.at(-1).categories.get(a) ?? 0));
const out = [`| share of busy samples | ${runs.map((r) => r.name).join(' | ')} |`, `|---|${runs.map(() => '---|').join('')}`];
for (const c of names) out.push(`| ${c} | ${runs.map((r) => share(r.categories.get(c) ?? 0, r.busy)).join(' | ')} |`);
out.push(`| (busy samples, s) | ${runs.map((r) => (r.busy / 1e6).toFixed(1)).join(' | ')} |`);
for (const r of runs.filter((x) => x.functions.size > 0)) {
  const top = [...r.functions].sort((a, b) => b[1] - a[1]).slice(0, 10);
  out.push('', `awaitwhat's runtime in ${r.name}, its ten largest: ${top.map(([name, us]) => `${name} ${share(us, r.busy)}`).join(', ')}.`);
}
console.log(out.join('\n'));
