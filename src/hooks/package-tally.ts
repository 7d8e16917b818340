/**
 * Packages opted in by name (`--package`, `AWAITWHAT_PACKAGES`, the `packages` option) are
 * instrumented where they have native async functions. A package whose async code is compiled to
 * generators or callbacks (TypeScript's `__awaiter`, Babel's `asyncToGenerator`: async-mutex ships
 * such code) has none, and without a word the user would only see that nothing of it shows. So the
 * files of each package are tallied as they load, and a package that has compiled async code and
 * nothing to instrument is named, once. A package with no async code at all (a synchronous
 * utility) hides nothing and is not named.
 *
 * When: on the first turn of the event loop after the package's first file loaded. Node.js loads a
 * whole `require` or `import` graph before it runs the next task, so by then every file the
 * package loads up front has been seen; a file it loads lazily later does not revise the verdict.
 * The check is an unref'd immediate, taken from `node:timers` (a program's fake timers replace the
 * globals): it never keeps the process alive, so a process that ends in its first turn hears
 * nothing (and shows nothing it could have explained).
 */

import { setImmediate } from 'node:timers';

/** Helpers that compilers emit for async functions and generators they lower. */
const COMPILED_ASYNC = /\b(?:__awaiter|__async|_?asyncToGenerator|_async_to_generator|regeneratorRuntime)\b/;

/** Whether a file holds async code compiled to generators or callbacks. */
export function hasCompiledAsync(text: string): boolean {
  return COMPILED_ASYNC.test(text);
}

interface Tally {
  files: number;
  /** Some file had something to instrument, or could not be read and might have. */
  found: boolean;
  /** Some file had compiled async code. */
  compiled: boolean;
}

/** What a loaded file of an opted-in package had. */
export type FileContents = 'instrumented' | 'unknown' | 'compiled-async' | 'nothing';

export class PackageTally {
  readonly #tallies = new Map<string, Tally>();
  readonly #warn: (message: string) => void;

  constructor(warn: (message: string) => void) {
    this.#warn = warn;
  }

  fileLoaded(pkg: string, contents: FileContents): void {
    let tally = this.#tallies.get(pkg);
    if (tally === undefined) {
      const created: Tally = { files: 0, found: false, compiled: false };
      this.#tallies.set(pkg, (tally = created));
      setImmediate(() => this.#check(pkg, created)).unref();
    }
    tally.files++;
    if (contents === 'instrumented' || contents === 'unknown') tally.found = true;
    else if (contents === 'compiled-async') tally.compiled = true;
  }

  #check(pkg: string, tally: Tally): void {
    if (tally.found || !tally.compiled) return;
    const which = tally.files === 1 ? 'the one file it has loaded has no' : `none of the ${tally.files} files it has loaded has a`;
    this.#warn(
      `package "${pkg}" has nothing to instrument: its async code is compiled to generators or callbacks ` +
        `(__awaiter, asyncToGenerator and the like), and ${which} native async function or top-level await so far`,
    );
  }
}
