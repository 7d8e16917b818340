/**
 * Which files are instrumented. By default: the application's own files — everything under
 * `file:` URLs outside `node_modules` — minus awaitwhat itself. Packages in `node_modules` are
 * opted in by name; include/exclude globs narrow or widen the rest.
 */

import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGlob, matchesAny } from './glob.ts';
import { validPackageName } from './env.ts';

export interface ScopeOptions {
  /** Globs a file must match to be instrumented (relative to `cwd`). @default all files */
  include?: readonly string[];
  /** Globs that exclude a file. @default none */
  exclude?: readonly string[];
  /** Package names under `node_modules` to instrument too (`fastify`, `@scope/name`). @default none */
  packages?: readonly string[];
}

export class Scope {
  readonly #include: RegExp[];
  readonly #exclude: RegExp[];
  readonly #packages: Set<string>;
  readonly #cwd: string;
  readonly #ownRoot: string;

  constructor(options: ScopeOptions, cwd: string, ownRoot: string) {
    this.#include = (options.include ?? []).map(compileGlob);
    this.#exclude = (options.exclude ?? []).map(compileGlob);
    this.#packages = new Set(options.packages ?? []);
    for (const name of this.#packages) {
      if (typeof name !== 'string' || !validPackageName(name)) {
        throw new TypeError(`invalid package name ${JSON.stringify(name)}: expected a name such as "fastify" or "@scope/name"`);
      }
    }
    this.#cwd = cwd;
    this.#ownRoot = ownRoot.endsWith(sep) ? ownRoot : ownRoot + sep;
  }

  /** The file path to instrument for this URL, or undefined when it is out of scope. */
  fileFor(url: string): string | undefined {
    if (!url.startsWith('file:')) return undefined;
    let path: string;
    try {
      path = fileURLToPath(url);
    } catch {
      // Harmless: a file: URL naming another host is no file of this machine, so none to instrument.
      return undefined;
    }
    if (path.startsWith(this.#ownRoot)) return undefined;
    const rel = relative(this.#cwd, path).split(sep).join('/');
    const inside = !rel.startsWith('../') && rel !== '..';
    const shown = inside ? rel : path.split(sep).join('/');
    const pkg = packageOf(path);
    if (pkg !== undefined && isParserPackage(pkg)) return undefined;
    if (pkg !== undefined && !this.#packages.has(pkg) && !(this.#include.length > 0 && matchesAny(shown, this.#include))) return undefined;
    if (this.#include.length > 0 && pkg === undefined && !matchesAny(shown, this.#include)) return undefined;
    if (matchesAny(shown, this.#exclude)) return undefined;
    return path;
  }

  /** The package a file belongs to when it is one of those opted in by name. */
  optedInPackage(path: string): string | undefined {
    const pkg = packageOf(path);
    return pkg !== undefined && this.#packages.has(pkg) ? pkg : undefined;
  }
}

/**
 * The parser's own packages are never instrumented, whatever opts them in: they load while a file
 * is being transformed (the parser is loaded on the first cache miss), and instrumenting them would
 * run the parser inside its own loading. They have no async code of the program's to show.
 */
function isParserPackage(pkg: string): boolean {
  return pkg === 'oxc-parser' || pkg.startsWith('@oxc-parser/') || pkg === 'acorn';
}

/** The package a file belongs to when it lies under a `node_modules` directory. */
function packageOf(path: string): string | undefined {
  const marker = `${sep}node_modules${sep}`;
  const at = path.lastIndexOf(marker);
  if (at === -1) return undefined;
  const parts = path.slice(at + marker.length).split(sep);
  if (parts[0]?.startsWith('@')) return parts.length > 1 ? `${parts[0]}/${parts[1]}` : undefined;
  return parts[0];
}
