/**
 * The built start path (scripts/bundle.mjs): each bundle holds the modules only it uses and imports
 * the shared ones — runtime/, runners/, and the modules whose state others read or
 * that capture built-ins at load — from their own files, so that a program's own `import
 * 'awaitwhat'` finds the same runtime and nothing is loaded twice. Read from the files in dist/:
 * esbuild marks each module it copied in with a `// dist/<path>` line.
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './support/run.ts';

const DIST = join(ROOT, 'dist');
const BUNDLES = ['cli/preload.js', 'cli/preload-run.js', 'hooks.js', 'hooks/start.js', 'snapshot/build.js'];
const NEVER_COPIED = /^(runtime|runners)\/|^(snapshot\/built-graph|cli\/builtins|cli\/out-file|cli\/faults|hooks\/compile-cache)\.js$/;

const text = (bundle: string): string => readFileSync(join(DIST, bundle), 'utf8');
/** The modules esbuild copied into a bundle, as paths under dist/. */
const copied = (bundle: string): string[] => [...new Set([...text(bundle).matchAll(/^\/\/ dist\/(\S+\.js)$/gm)].map((m) => m[1]!))].sort();
/** The files of awaitwhat a bundle imports statically, as paths under dist/. */
const imported = (bundle: string): string[] =>
  [...new Set([...text(bundle).matchAll(/^import [^'"]*["'](\.{1,2}\/[^'"]+)["'];$/gm)].map((m) => relative(DIST, resolve(dirname(join(DIST, bundle)), m[1]!)).replaceAll('\\', '/')))].sort();

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
      ['snapshot/build.js', 'heap/take.js'],
      ['snapshot/build.js', 'snapshot/frame-records.js'],
    ] as const) {
      assert.equal(copied(bundle).includes(module), true, `${module} not in ${bundle}`);
    }
    assert.deepEqual(
      [imported('hooks/start.js').includes('runtime/runtime.js'), imported('cli/preload-run.js').includes('runtime/runtime.js'), imported('snapshot/build.js').includes('runtime/frame.js')],
      [true, true, true],
    );
  });
});
