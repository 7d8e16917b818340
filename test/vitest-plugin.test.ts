/**
 * The Vite plugin of `awaitwhat/vitest` on its own (the real Vitest runs in runners-vitest.test.ts):
 * which files it instruments, what it returns Vite, and what it adds to Vitest's config.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import awaitwhat from '../dist/vitest.js';
import { ROOT } from './support/run.ts';

const F = 1 << 23;
const SOURCE = 'export async function f() { await g(); }\n';
const context = { getCombinedSourcemap: () => undefined };

describe('awaitwhat/vitest: the plugin', () => {
  it('adds its setup file, and has Vitest load awaitwhat itself through Node.js', () => {
    const config = awaitwhat().config();
    assert.deepEqual(config.test.setupFiles, [join(ROOT, 'dist', 'runners', 'vitest', 'setup.js')]);
    const [external] = config.test.server.deps.external;
    assert.ok(external!.test(join(ROOT, 'dist', 'runtime', 'runtime.js')));
    assert.ok(!external!.test(join(ROOT, 'test', 'a.test.ts')));
  });

  it('instruments a file as a self-contained module, with a map to what Vite gave it', () => {
    const out = awaitwhat().transform.call(context, SOURCE, '/app/src/a.ts?v=1');
    assert.ok(out !== null);
    assert.ok(out.code.startsWith(`typeof __awaitwhat==="object"&&typeof __awaitwhat.d==="function"&&__awaitwhat.d([${F},{"kind":"function","file":"/app/src/a.ts",`), out.code);
    assert.deepEqual(out.map.sources, ['/app/src/a.ts']);
    assert.equal(out.code.split('\n').length, SOURCE.split('\n').length);
  });

  it('numbers sites on across files, and gives a file transformed again unchanged the same ids', () => {
    const plugin = awaitwhat();
    const first = plugin.transform.call(context, SOURCE, '/app/src/a.ts');
    assert.equal(plugin.transform.call(context, SOURCE, '/app/src/a.ts'), first);
    const second = plugin.transform.call(context, SOURCE, '/app/src/b.ts');
    assert.match(second!.code, new RegExp(`__awaitwhat\\.d\\(\\[${F + 2},`));
    const changed = plugin.transform.call(context, SOURCE.replace('g()', 'h()'), '/app/src/a.ts');
    assert.match(changed!.code, new RegExp(`__awaitwhat\\.d\\(\\[${F + 4},`));
  });

  it('leaves alone node_modules, virtual modules, awaitwhat itself, non-scripts, excluded files and files without async code', () => {
    const plugin = awaitwhat({ exclude: (file) => file.endsWith('.skip.ts') });
    for (const id of [
      '/app/node_modules/dep/index.js',
      '\0virtual:thing.js',
      join(ROOT, 'dist', 'runtime', 'runtime.js'),
      '/app/src/styles.css',
      '/app/src/a.skip.ts',
    ]) {
      assert.equal(plugin.transform.call(context, SOURCE, id), null, id);
    }
    assert.equal(plugin.transform.call(context, 'export const x = 1;\n', '/app/src/c.ts'), null);
  });
});
