/**
 * Finding what a Jest project names by package (its transformer, its environment) as Jest would:
 * from the project's rootDir, then from where Jest itself is installed (babel-jest and
 * jest-environment-node are Jest's own dependencies, not always the project's: with pnpm they are
 * not visible from the project).
 */

import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Jest's own packages, where loaded: resolving from them finds what Jest depends on. */
const JEST_PACKAGE = /[\\/]node_modules[\\/](?:jest-runner|jest-config|jest-runtime|@jest[\\/]core|@jest[\\/]transform)[\\/]/;

/** The path `name` resolves to from the project or from Jest, or an error saying where it was looked for. */
export function resolveForJest(name: string, rootDir: string, what: string): string {
  const from = [join(rootDir, 'package.json'), join(process.cwd(), 'package.json')];
  const cache = createRequire(import.meta.url).cache;
  for (const path of Object.keys(cache)) {
    if (JEST_PACKAGE.test(path)) {
      from.push(path);
      break;
    }
  }
  for (const base of from) {
    try {
      return createRequire(base).resolve(name);
    } catch {
      // Tried from the next place; none found is reported below.
    }
  }
  throw new Error(`cannot find ${what} ${JSON.stringify(name)} from ${rootDir} nor from Jest's own packages (install it, or name it by path)`);
}

/** A module loaded as Jest loads transformers and environments: its default export when it is an ES module compiled to CommonJS (`__esModule`), else the module. */
export function requireDefault(path: string): unknown {
  const loaded = createRequire(path)(path) as { __esModule?: boolean; default?: unknown } | undefined;
  return loaded?.__esModule === true ? loaded.default : loaded;
}
