// Makes awaitwhat and its tests load OpenTelemetry SDK 2.x: an @opentelemetry/* import from outside
// test/compat/sdk2 (awaitwhat's dist, a test, a fixture, an example) resolves from test/compat/sdk2,
// and only to a package that test/compat/sdk2/package.json declares — an undeclared one would be
// whatever version some SDK package happened to pull in, so it fails the import instead. The SDK's
// own imports between its packages resolve as npm installed them. scripts/test.mjs loads this into
// every process of the SDK 2.x run through NODE_OPTIONS; the tests check which versions loaded.
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const packageJson = new URL('./sdk2/package.json', import.meta.url);
const inside = new URL('./sdk2/', import.meta.url).href;
const declared = new Set(Object.keys(JSON.parse(readFileSync(packageJson, 'utf8')).dependencies));

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (!specifier.startsWith('@opentelemetry/') || context.parentURL?.startsWith(inside)) return nextResolve(specifier, context);
    const name = specifier.split('/').slice(0, 2).join('/');
    if (!declared.has(name)) {
      throw new Error(`${name} is not declared in test/compat/sdk2/package.json: the SDK 2.x tests would load an undeclared version`);
    }
    return nextResolve(specifier, { ...context, parentURL: packageJson.href });
  },
});
