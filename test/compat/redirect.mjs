// Makes @opentelemetry/* resolve to the SDK 2.x packages of test/compat/sdk2, wherever imported
// from (awaitwhat's dist included), so one checkout tests both SDK generations.
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

const base = pathToFileURL(new URL('./sdk2/package.json', import.meta.url).pathname).href;
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith('@opentelemetry/')) return nextResolve(specifier, { ...context, parentURL: base });
    return nextResolve(specifier, context);
  },
});
