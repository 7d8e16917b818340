/**
 * Which copies of `@opentelemetry/core` register sets its error handler on (src/otel/sdk-cores.ts):
 * the file `import()` loads for a package manifest (its `exports` as Node.js reads them for
 * import, else `main`, else index.js), and the distinct copies the SDK's packages import.
 */

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import * as core from '@opentelemetry/core';
import { coresOf, esmEntry } from '../dist/otel/sdk-cores.js';

describe('esmEntry()', () => {
  for (const [name, manifest, expected] of [
    ['core 3.x: require and default builds', { exports: { '.': { require: { types: './dist/index.d.cts', default: './dist/index.cjs' }, default: { types: './dist/index.d.mts', default: './dist/index.mjs' } } }, main: './dist/index.cjs' }, './dist/index.mjs'],
    ['core 2.x: no exports, main (its `module` field is a bundlers\' one)', { main: 'build/src/index.js', module: 'build/esm/index.js' }, 'build/src/index.js'],
    ['neither exports nor main', {}, 'index.js'],
    ['exports as one path', { exports: './x.js' }, './x.js'],
    ['conditions in the package\'s order: import before node', { exports: { import: './i.mjs', node: './n.js' } }, './i.mjs'],
    ['conditions in the package\'s order: node before import', { exports: { node: './n.js', import: './i.mjs' } }, './n.js'],
    ['module-sync', { exports: { 'module-sync': './s.mjs', default: './d.js' } }, './s.mjs'],
    ['a condition whose target has none of ours falls to the next', { exports: { node: { require: './r.cjs' }, default: './d.js' } }, './d.js'],
    ['only conditions Node.js does not match for import', { exports: { require: './r.cjs', browser: './b.js' } }, undefined],
    ['a subpath map without "."', { exports: { './sub': './s.js' } }, undefined],
    ['a "." key read only at the top', { exports: { import: { '.': './nested.js' } } }, undefined],
    ['a "." key inside the "." entry is no condition', { exports: { '.': { '.': './nested.js' } } }, undefined],
    ['fallback arrays and null: not followed', { exports: { '.': ['./a.js'] } }, undefined],
    ['null', { exports: { '.': null } }, undefined],
  ] as const) {
    it(name, () => assert.equal(esmEntry(manifest as never), expected));
  }
});

describe('coresOf()', () => {
  it('the copy awaitwhat loaded first; a package sharing it or not installed adds none', async () => {
    assert.deepEqual(await coresOf(core, ['@opentelemetry/sdk-trace', '@opentelemetry/not-installed']), [core]);
  });

  it('a copy of core npm nested under a package: found once, another module with its own handler', async () => {
    // The layout decides: SDK 3.x here nests core 3.1.0 under sdk-metrics 3.1.0 beside a hoisted 3.1.1; SDK 2.x nests none.
    const metricsManifest = module.findPackageJSON(import.meta.resolve('@opentelemetry/sdk-metrics'))!;
    const nested = existsSync(join(dirname(metricsManifest), 'node_modules', '@opentelemetry', 'core', 'package.json'));
    const cores = (await coresOf(core, ['@opentelemetry/sdk-metrics', '@opentelemetry/sdk-metrics'])) as (typeof core)[];
    assert.equal(cores[0], core);
    assert.equal(cores.length, nested ? 2 : 1);
    if (!nested) return;
    const got: unknown[] = [];
    cores[1]!.setGlobalErrorHandler((e) => void got.push(e));
    const error = new Error('through the nested copy');
    cores[1]!.globalErrorHandler(error);
    cores[1]!.setGlobalErrorHandler(cores[1]!.loggingErrorHandler());
    assert.deepEqual(got, [error]);
  });
});
