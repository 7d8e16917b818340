#!/usr/bin/env node
// After tsc (`npm run build`): makes each module of awaitwhat's start path ONE file in dist/, in
// place of tsc's output of that module, so that a process started with awaitwhat reads and
// compiles a few files instead of some 60 (node --test starts a process per test file, and each
// paid for loading them all). The bundles load eagerly at start, as the modules did; nothing is
// loaded later than before.
//
// What stays a separate module, imported by the bundles as before (never copied into one):
// - runtime/ and runners/, and every module they import (at any depth) in the bundle's graph:
//   their state is the thread's (the runtime a program's own `import 'awaitwhat'` finds through
//   currentRuntime(), the test runners' current test); a copy in a bundle would be a second one;
// - modules whose state others read, or that capture built-ins when they load (SHARED_STATE):
//   a second copy loaded later by another entry (the Vitest or Jest integration) would capture
//   them after the program may have replaced them;
// - what any of these imports: loaded anyway, so a copy would only be loaded twice;
// - the bundles themselves: an entry loads the next bundle only after turning the compile cache on.
// Other modules copied into a bundle may also be loaded separately by another entry in the same
// process (cli/reporter and the transform's pre-check by the Vitest and Jest integrations, the
// hooks by `import 'awaitwhat'`): they hold no state others read, so two copies only cost the
// second load.
// Every bundle lies in the directory of the module it replaces, so the paths its code computes
// from import.meta.url (the transform beside the hooks, dist/ as awaitwhat's own root) stay right:
// the check below refuses a bundle with a module from another depth of dist/ that reads import.meta.
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
 * The start path's modules made one file each (paths under dist/), and what each may copy in:
 * - 'start': every module it imports except the separate ones (above). The hook modules it copies
 *   are also loaded separately when a program imports `awaitwhat` or `awaitwhat/test` itself;
 *   that is safe: one installation per thread (a global symbol), whose state is its own.
 * - 'private': only modules that nothing else in a program's process imports (everything a
 *   package export loads), so that no module of it is ever loaded twice there.
 */
const BUNDLES = [
  { file: 'cli/preload.js', copies: 'start' },
  { file: 'cli/preload-run.js', copies: 'start' },
  { file: 'hooks.js', copies: 'start' },
  { file: 'hooks/start.js', copies: 'start' },
  // Loaded by runtime/runtime.js: the snapshot builder and the heap analysis, ~20 modules.
  { file: 'snapshot/build.js', copies: 'private' },
];
const SHARED_ROOTS = /^(runtime|runners)\//;
const SHARED_STATE = [
  'hooks/compile-cache.js', // the directory of Node's compile cache the early entry turned on, for installHooks() after it
  'snapshot/built-graph.js', // a WeakMap of each snapshot's graph, filled by the builder and read by the renderer
  'cli/builtins.js', // built-ins captured at load
  'cli/out-file.js', // `path` captured at load
  'cli/faults.js', // what was told once
];
/** What a program's process can load: the package's exports (package.json) and what the entries load by a computed name. */
const PROGRAM_ENTRIES = ['index.js', 'hooks.js', 'test.js', 'register.js', 'vitest.js', 'jest.js', 'jest-environment.js', 'cli/preload.js', 'cli/preload-run.js', 'hooks/start.js'];

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

/** For a 'private' bundle: the modules it may copy in, those whose every importer in a program's process is copied in too. */
function privateModules(program, bundle, separate) {
  const own = closureOf(program, [bundle]);
  own.delete(bundle);
  for (const file of [...own]) if (separate.has(file)) own.delete(file);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [importer, imports] of program) {
      if (importer === bundle || own.has(importer)) continue;
      for (const file of imports) {
        if (own.delete(file)) changed = true;
      }
    }
  }
  return own;
}

/** Imports of what stays separate stay imports, rewritten relative to the bundle's own file. */
function keepSeparate(bundle, copies) {
  return {
    name: 'awaitwhat-keep-separate',
    setup(plugin) {
      plugin.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const target = fromDist(resolve(args.resolveDir, args.path));
        if (target === bundle || copies(target)) return undefined;
        let path = relative(dirname(join(DIST, bundle)), join(DIST, target)).split(sep).join('/');
        if (!path.startsWith('.')) path = `./${path}`;
        return { path, external: true };
      });
    },
  };
}

async function bundleOne(bundle, copies) {
  const result = await build({
    entryPoints: [join(DIST, bundle)],
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
    plugins: [keepSeparate(bundle, copies)],
  });
  const inputs = Object.keys(result.metafile.inputs).map(fromInput);
  const elsewhere = inputs.filter((input) => depth(input) !== depth(bundle) && readFileSync(join(DIST, input), 'utf8').includes('import.meta'));
  if (elsewhere.length > 0) throw new Error(`${bundle}: modules from another depth of dist/ would compute wrong paths from import.meta.url: ${elsewhere.join(', ')}`);
  const [output] = result.outputFiles.filter((file) => file.path.endsWith('.js'));
  return { bundle, contents: output.contents, modules: inputs.length };
}

const program = await importGraph(PROGRAM_ENTRIES);
const entries = new Set(BUNDLES.map(({ file }) => file));
const separate = new Set([...distFiles().filter((file) => SHARED_ROOTS.test(file)), ...SHARED_STATE, ...entries]);

/** For a 'start' bundle: what it may copy in, all it imports but the separate modules and what they import (loaded anyway). */
async function startModules(bundle) {
  const graph = await importGraph([bundle]);
  const shared = closureOf(graph, [...graph.keys()].filter((file) => file !== bundle && separate.has(file)));
  return new Set([...graph.keys()].filter((file) => file !== bundle && !shared.has(file) && !separate.has(file)));
}

// Every bundle is made from tsc's output before any is written.
const outputs = [];
for (const { file, copies } of BUNDLES) {
  const allowed = copies === 'private' ? privateModules(program, file, separate) : await startModules(file);
  outputs.push(await bundleOne(file, (target) => allowed.has(target)));
}
for (const { bundle, contents, modules } of outputs) {
  writeFileSync(join(DIST, bundle), contents);
  const map = join(DIST, `${bundle}.map`);
  if (existsSync(map)) rmSync(map);
  process.stdout.write(`bundle: dist/${bundle} (${modules} module${modules === 1 ? '' : 's'})\n`);
}
