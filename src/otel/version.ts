import { readFileSync } from 'node:fs';

export const PACKAGE_NAME = 'awaitwhat';

/** Read once from package.json, so that the version has a single source. */
export const PACKAGE_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    // Harmless: the version only labels the instrumentation scope, and the file is the package's own.
    return '0.0.0';
  }
})();
