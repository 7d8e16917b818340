/**
 * The built start path (scripts/bundle.mjs): each bundle holds the modules only it uses and imports
 * the shared ones — runtime/, runners/, the modules whose state others read or that capture
 * built-ins at load, and all they import — from one shared bundle, runtime/shared.js, whose every
 * module's own file only re-exports from it, so that a program's own `import 'awaitwhat'` finds the
 * same runtime and nothing is loaded twice. Read from the files in dist/: esbuild marks each module
 * it copied in with a `// dist/<path>` line.
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT } from './support/run.ts';

const DIST = join(ROOT, 'dist');
const SHARED = 'runtime/shared.js';
const BUNDLES = ['cli/preload.js', 'cli/preload-run.js', 'hooks.js', 'hooks/start.js'];
const NEVER_COPIED = /^(runtime|runners)\/|^(snapshot\/built-graph|cli\/builtins|cli\/out-file|cli\/faults|hooks\/compile-cache)\.js$/;

const text = (bundle: string): string => readFileSync(join(DIST, bundle), 'utf8');
/** The modules esbuild copied into a bundle, as paths under dist/. */
const copied = (bundle: string): string[] => [...new Set([...text(bundle).matchAll(/^\/\/ dist\/(\S+\.js)$/gm)].map((m) => m[1]!))].sort();
/** The files of awaitwhat a bundle imports statically, as paths under dist/. */
const imported = (bundle: string): string[] =>
  [...new Set([...text(bundle).matchAll(/^(?:import|export) [^'"]*["'](\.{1,2}\/[^'"]+)["'];$/gm)].map((m) => relative(DIST, resolve(dirname(join(DIST, bundle)), m[1]!)).replaceAll('\\', '/')))].sort();

describe('the bundled start path (scripts/bundle.mjs)', () => {
  for (const bundle of BUNDLES) {
    it(`${bundle}: copies in no shared module, imports files that exist, and none of the modules it copied`, () => {
      const own = copied(bundle);
      // hooks/start.js only re-exports, so esbuild marks no code of its own there: the modules it copied say it is a bundle.
      assert.equal(own.filter((file) => file !== bundle).length > 0, true, `${bundle} is not a bundle (no // dist/… markers)`);
      assert.deepEqual(own.filter((file) => NEVER_COPIED.test(file)), []);
      const files = imported(bundle);
      assert.deepEqual(files.filter((file) => !existsSync(join(DIST, file))), []);
      assert.deepEqual(files.filter((file) => own.includes(file)), []);
    });
  }

  it('the hooks, the heap analysis, the command-mode watch and the renderer are in their bundles; the runtime is imported', () => {
    for (const [bundle, module] of [
      ['hooks/start.js', 'hooks/install.js'],
      ['cli/preload-run.js', 'hooks/install.js'],
      ['cli/preload-run.js', 'cli/threads.js'],
      // The renderer calls only built-ins it captured (test/cli-builtins.test.ts), so it can be copied into the start path.
      ['cli/preload-run.js', 'render/text.js'],
      ['cli/preload-run.js', 'snapshot/validate.js'],
      [SHARED, 'heap/take.js'],
      [SHARED, 'snapshot/frame-records.js'],
    ] as const) {
      assert.equal(copied(bundle).includes(module), true, `${module} not in ${bundle}`);
    }
    // The runtime and the runners are imported from the shared bundle, never from their own files.
    assert.deepEqual(
      BUNDLES.map((bundle) => [bundle, imported(bundle).filter((file) => !/^node:/.test(file))]),
      [
        // Loaded before Node's compile cache is on (the command's preload, awaitwhat/hooks): import only the early file.
        ['cli/preload.js', ['hooks/compile-cache.js']],
        ['cli/preload-run.js', ['hooks/compile-cache.js', SHARED]],
        ['hooks.js', ['hooks/compile-cache.js']],
        ['hooks/start.js', ['hooks/compile-cache.js', SHARED]],
      ],
    );
  });
});

describe('the shared bundle (runtime/shared.js)', () => {
  const shared = copied(SHARED);

  it("holds runtime/, runners/, the modules with state, the snapshot builder and the heap analysis, and imports no other file of awaitwhat's", () => {
    for (const module of ['runtime/runtime.js', 'runtime/intrinsics.js', 'runtime/frame.js', 'runners/install.js', 'runners/node-test.js', 'runners/mocha.js', 'snapshot/build.js', 'snapshot/built-graph.js', 'heap/take.js', 'cli/builtins.js', 'cli/out-file.js', 'cli/faults.js']) {
      assert.equal(shared.includes(module), true, `${module} not in ${SHARED}`);
    }
    assert.deepEqual(imported(SHARED), []);
  });

  it('every module it holds is, in its own file, one line re-exporting all its exports from it', () => {
    const wrong = shared.filter((module) => {
      const own = text(module);
      return !/^(?:export \{ [^}]* \} from|import) "(?:\.{1,2}\/)+(?:runtime\/)?shared\.js";\n$/.test(own) || imported(module).join() !== SHARED || existsSync(join(DIST, `${module}.map`));
    });
    assert.deepEqual(wrong, []);
  });

  it('no other bundle copies a module it holds, but the preload entry its stateless configuration decoder', () => {
    assert.deepEqual(
      BUNDLES.map((bundle) => [bundle, copied(bundle).filter((module) => shared.includes(module))]),
      [
        ['cli/preload.js', ['cli/config.js']],
        ['cli/preload-run.js', []],
        ['hooks.js', []],
        ['hooks/start.js', []],
      ],
    );
  });

  it('one runtime: its own file, the shared bundle and a package entry give the same functions', async () => {
    const own = await import(pathToFileURL(join(DIST, 'runtime', 'runtime.js')).href);
    const bundled = await import(pathToFileURL(join(DIST, SHARED)).href);
    assert.equal(own.currentRuntime, bundled.runtime_runtime$currentRuntime);
    const clock = await import(pathToFileURL(join(DIST, 'runtime', 'clock.js')).href);
    assert.equal(clock.currentTick, bundled.runtime_clock$currentTick);
  });
});
