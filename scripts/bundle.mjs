#!/usr/bin/env node
// After tsc (`npm run build`): makes awaitwhat's start path a few files in dist/, so that a process
// started with awaitwhat reads, resolves and compiles four of its files instead of some 60 (node
// --test starts a process per test file, and each paid for loading them all; resolving a module
// — its URL, its path's real path, its package scope — cost more than compiling it). The bundles
// load eagerly at start, as the modules did; nothing is loaded later than before.
//
// - The shared bundle, runtime/shared.js: runtime/ and runners/, the modules whose state others
//   read or that capture built-ins when they load (SHARED_STATE), and every module any of these
//   imports (the snapshot builder and the heap analysis among them). Their state is the thread's
//   (the runtime a program's own `import 'awaitwhat'` finds through currentRuntime(), the test
//   runners' current test, built-ins captured once at start): there must never be two copies. So
//   each of these modules is in this one file only, and its own file in dist/ becomes one line
//   re-exporting its exports from it: whatever imports it by its own path (a package export, the
//   transform on a cold start, a test) gets the one instance. The bundle exports each module's
//   names as <module>$<name>; the start bundles import them from it under those names.
// - The start bundles, one file per entry of the start path (BUNDLES): each copies in the modules
//   only it uses, none of the shared group, and imports the shared bundle. Modules copied into a
//   start bundle may also be loaded separately by another entry in the same process (cli/reporter
//   and the transform's pre-check by the Vitest and Jest integrations, the hooks by `import
//   'awaitwhat'`): they hold no state others read, so two copies only cost the second load.
// - The early entries (cli/preload.js, and hooks.js whose bundle is hooks/start.js) turn Node's
//   compile cache on before loading the rest: they import nothing but the small early file
//   (hooks/compile-cache.js, the directory of the cache turned on, kept its own file), and copy in
//   what they need of the shared group that holds no state (cli/config.js), so that the shared
//   bundle always compiles with the cache on.
// Every bundle lies at the depth of the modules it holds, so the paths their code computes from
// import.meta.url through dist/'s root ('../jest.js', dist/ as awaitwhat's own root) stay right: the
// checks below refuse a module from another depth that reads import.meta, or from another directory
// that computes a path beside itself ('./x').
//
// `node scripts/bundle.mjs` (esbuild's JS API). No source maps: awaitwhat's own files need none at
// run time, and tsc's maps of the replaced modules are removed rather than left wrong.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');

/**
 * The start path's entries made one file each (paths under dist/): each copies in every module it
 * imports except the shared group's. The hook modules they copy are also loaded separately when a
 * program imports `awaitwhat` or `awaitwhat/test` itself; that is safe: one installation per
 * thread (a global symbol), whose state is its own.
 */
const BUNDLES = [
  // early: loaded before Node's compile cache is on; copies in all it imports but the early file,
  // so that it never loads the shared bundle (which would then compile at every start); what it
  // copies holds no state (checked below), and the shared bundle's copy is the one the rest uses.
  { file: 'cli/preload.js', early: true },
  { file: 'cli/preload-run.js' },
  { file: 'hooks.js', early: true },
  { file: 'hooks/start.js' },
];
/** The one file holding every module of the shared group (see the header); each of them becomes a file re-exporting from it. */
const SHARED = 'runtime/shared.js';
const SHARED_ROOTS = /^(runtime|runners)\//;
const SHARED_STATE = [
  'snapshot/built-graph.js', // a WeakMap of each snapshot's graph, filled by the builder and read by the renderer
  'cli/builtins.js', // built-ins captured at load
  'cli/out-file.js', // `path` captured at load
  'cli/faults.js', // what was told once
];
/** Loaded by cli/preload.js before Node's compile cache is on, and by what starts after it: stays its own small file (the directory of the cache the early entry turned on, for installHooks()). */
const EARLY = 'hooks/compile-cache.js';
const fromDist = (path) => relative(DIST, path).split(sep).join('/');
const fromInput = (input) => fromDist(resolve(ROOT, input));
const depth = (path) => path.split('/').length;
const distFiles = () => readdirSync(DIST, { recursive: true }).map((file) => String(file).split(sep).join('/')).filter((file) => file.endsWith('.js'));

/** The import graph of `entries` (paths under dist/): module -> the modules it imports. */
async function importGraph(entries) {
  const result = await build({
    entryPoints: entries.map((file) => join(DIST, file)),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    outdir: join(DIST, '.bundle-scan'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const graph = new Map();
  for (const [input, { imports }] of Object.entries(result.metafile.inputs)) {
    graph.set(fromInput(input), imports.filter((i) => !i.external && i.path.startsWith('dist/')).map((i) => fromInput(i.path)));
  }
  return graph;
}

function closureOf(graph, roots) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of graph.get(file) ?? []) visit(next);
  };
  for (const root of roots) visit(root);
  return seen;
}

/** The name the shared bundle exports `name` of `module` under (an identifier, one per module and name). */
const sharedName = (module, name) => `${module.replace(/\.js$/, '').replace(/[^A-Za-z0-9]/g, '_')}$${name}`;
/** `export { <shared name> as <name>, … } from '<specifier>';` for every export of `module` (an `import` of it if it exports nothing); `inShared` the other way round, the shared bundle's own entry. */
const reexport = (module, names, specifier, inShared = false) =>
  names.length === 0
    ? `import ${JSON.stringify(specifier)};\n`
    : `export { ${names.map((name) => (inShared ? `${name} as ${sharedName(module, name)}` : `${sharedName(module, name)} as ${name}`)).join(', ')} } from ${JSON.stringify(specifier)};\n`;
const specifierFrom = (from, target) => {
  const path = relative(dirname(join(DIST, from)), join(DIST, target)).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
};

/** What each module of `modules` exports (tsc's output, read by esbuild without bundling anything into it). */
async function exportsOf(modules) {
  const result = await build({
    entryPoints: modules.map((file) => join(DIST, file)),
    bundle: true,
    format: 'esm',
    platform: 'node',
    outdir: join(DIST, '.bundle-scan'),
    outbase: DIST,
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [{ name: 'awaitwhat-exports', setup: (plugin) => plugin.onResolve({ filter: /.*/ }, (args) => (args.kind === 'entry-point' ? undefined : { path: args.path, external: true })) }],
  });
  const names = new Map();
  for (const output of Object.values(result.metafile.outputs)) {
    if (output.entryPoint !== undefined) names.set(fromInput(output.entryPoint), output.exports.slice().sort());
  }
  return names;
}

/**
 * Imports of what stays separate stay imports, rewritten relative to the bundle's own file; imports
 * of a module of the shared group become imports of the shared bundle, under its names for them.
 */
function keepSeparate(bundle, copies, group) {
  return {
    name: 'awaitwhat-keep-separate',
    setup(plugin) {
      plugin.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind === 'entry-point' || args.namespace === 'awaitwhat-shared') return undefined;
        const target = fromDist(resolve(args.resolveDir, args.path));
        if (target === bundle || copies(target)) return undefined;
        if (group !== undefined && group.has(target)) return { path: target, namespace: 'awaitwhat-shared' };
        return { path: specifierFrom(bundle, target), external: true };
      });
      plugin.onResolve({ filter: /.*/, namespace: 'awaitwhat-shared' }, (args) => ({ path: args.path, external: true }));
      plugin.onLoad({ filter: /.*/, namespace: 'awaitwhat-shared' }, (args) => ({ contents: reexport(args.path, group.get(args.path), specifierFrom(bundle, SHARED)), loader: 'js' }));
    },
  };
}

async function bundleOne(bundle, copies, { group, entry } = {}) {
  const result = await build({
    ...(entry === undefined ? { entryPoints: [join(DIST, bundle)] } : { stdin: { contents: entry, resolveDir: dirname(join(DIST, bundle)), sourcefile: 'awaitwhat-shared-entry.js', loader: 'js' } }),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22.15',
    write: false,
    metafile: true,
    outfile: join(DIST, bundle),
    allowOverwrite: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [keepSeparate(bundle, copies, group)],
  });
  const inputs = Object.keys(result.metafile.inputs).filter((input) => input.startsWith('dist/') && !input.endsWith('awaitwhat-shared-entry.js')).map(fromInput);
  const readsMeta = (input) => readFileSync(join(DIST, input), 'utf8').includes('import.meta');
  const elsewhere = inputs.filter((input) => depth(input) !== depth(bundle) && readsMeta(input));
  if (elsewhere.length > 0) throw new Error(`${bundle}: modules from another depth of dist/ would compute wrong paths from import.meta.url: ${elsewhere.join(', ')}`);
  // From another directory of the same depth, only paths through dist/'s root ('../x') stay right.
  const sameDir = inputs.filter((input) => dirname(input) !== dirname(bundle) && readsMeta(input) && /\bURL\(\s*['"`]\.\//.test(readFileSync(join(DIST, input), 'utf8')));
  if (sameDir.length > 0) throw new Error(`${bundle}: modules from another directory compute a path beside them from import.meta.url ('./'): ${sameDir.join(', ')}`);
  const [output] = result.outputFiles.filter((file) => file.path.endsWith('.js'));
  return { bundle, contents: output.contents, modules: inputs.length };
}

const entries = new Set(BUNDLES.map(({ file }) => file));
const separate = new Set([...distFiles().filter((file) => SHARED_ROOTS.test(file)), ...SHARED_STATE, ...entries, EARLY]);

// The shared group: the separate modules the start path loads, and all they import (but the entries
// and the early file), in the order they were evaluated as modules of their own (imports first, in
// the order each module lists them), which is the order the shared bundle runs them in.
const startGraph = await importGraph([...entries]);
const isRoot = (file) => separate.has(file) && !entries.has(file) && file !== EARLY;
const members = closureOf(startGraph, [...startGraph.keys()].filter(isRoot));
const groupFiles = [];
{
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of startGraph.get(file) ?? []) visit(next);
    if (members.has(file) && !entries.has(file) && file !== EARLY) groupFiles.push(file);
  };
  for (const entry of ['cli/preload-run.js', 'hooks/start.js', 'hooks.js', 'cli/preload.js']) visit(entry);
  for (const file of members) visit(file);
}
for (const file of groupFiles) {
  const back = (startGraph.get(file) ?? []).filter((next) => entries.has(next));
  if (back.length > 0) throw new Error(`${file} (shared) imports a bundle of the start path: ${back.join(', ')}`);
}
/** Module (path under dist/) -> the names it exports, for every module of the shared group. */
const group = await exportsOf(groupFiles);
const inGroup = (file) => group.has(file);

/** For a start bundle: what it may copy in, all it imports but the separate modules and what they import (loaded anyway). */
async function startModules(bundle, early) {
  const graph = await importGraph([bundle]);
  if (early) {
    const copies = [...graph.keys()].filter((file) => file !== bundle && file !== EARLY);
    const stateful = copies.filter((file) => separate.has(file));
    if (stateful.length > 0) throw new Error(`${bundle} is loaded before the compile cache is on and would copy in modules whose state others share: ${stateful.join(', ')}`);
    return new Set(copies);
  }
  const shared = closureOf(graph, [...graph.keys()].filter((file) => file !== bundle && (separate.has(file) || inGroup(file))));
  return new Set([...graph.keys()].filter((file) => file !== bundle && !shared.has(file) && !separate.has(file)));
}

// Every bundle is made from tsc's output before any is written.
const outputs = [];
const sharedEntry = [...group].map(([file, names]) => reexport(file, names, specifierFrom(SHARED, file), true)).join('');
outputs.push(await bundleOne(SHARED, inGroup, { entry: sharedEntry }));
for (const { file, early = false } of BUNDLES) {
  const allowed = await startModules(file, early);
  outputs.push(await bundleOne(file, (target) => allowed.has(target), { group }));
}
for (const { bundle, contents, modules } of outputs) {
  writeFileSync(join(DIST, bundle), contents);
  const map = join(DIST, `${bundle}.map`);
  if (existsSync(map)) rmSync(map);
  process.stdout.write(`bundle: dist/${bundle} (${modules} module${modules === 1 ? '' : 's'})\n`);
}
// Each module of the shared group: its exports, from the shared bundle (what imports it by its own
// path, a package export or a test, finds the one instance).
// tsc's own output of the module stays beside it as <module>.instance.js, which nothing of
// awaitwhat imports (nor the package ships, package.json's files): for tests that need a fresh
// instance of one module whose imports are the shared ones (`import('…/frame.instance.js?n=1')`).
for (const [file, names] of group) {
  const instance = join(DIST, file.replace(/\.js$/, '.instance.js'));
  writeFileSync(instance, readFileSync(join(DIST, file), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
  writeFileSync(join(DIST, file), reexport(file, names, specifierFrom(file, SHARED)));
  const map = join(DIST, `${file}.map`);
  if (existsSync(map)) rmSync(map);
}
process.stdout.write(`bundle: ${group.size} modules re-export from dist/${SHARED}\n`);
