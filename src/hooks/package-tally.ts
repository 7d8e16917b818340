/**
 * Packages opted in by name (`--package`, `AWAITWHAT_PACKAGES`, the `packages` option) are
 * instrumented where they have native async functions. Code compiled to generators or callbacks
 * (TypeScript's `__awaiter`, Babel's `asyncToGenerator`) has none, and without a word the user
 * would only see that nothing of the package shows. So the files of each package are tallied as
 * they load, and a package none of whose files had anything to instrument is named, once.
 *
 * When: on the first turn of the event loop after the package's first file loaded. Node.js loads a
 * whole `require` or `import` graph before it runs the next task, so by then every file the
 * package loads up front has been seen; a file it loads lazily later does not revise the verdict.
 * The check is an unref'd immediate, taken from `node:timers` (a program's fake timers replace the
 * globals): it never keeps the process alive, so a process that ends in its first turn hears
 * nothing (and shows nothing it could have explained).
 */

import { setImmediate } from 'node:timers';

interface Tally {
  files: number;
  /** Some file had something to instrument, or could not be read and might have. */
  found: boolean;
}

export class PackageTally {
  readonly #tallies = new Map<string, Tally>();
  readonly #warn: (message: string) => void;

  constructor(warn: (message: string) => void) {
    this.#warn = warn;
  }

  /** A file of `pkg` loaded; `found`: it had an async function or top-level await instrumented, or could not be read. */
  fileLoaded(pkg: string, found: boolean): void {
    let tally = this.#tallies.get(pkg);
    if (tally === undefined) {
      const created: Tally = { files: 0, found: false };
      this.#tallies.set(pkg, (tally = created));
      setImmediate(() => this.#check(pkg, created)).unref();
    }
    tally.files++;
    if (found) tally.found = true;
  }

  #check(pkg: string, tally: Tally): void {
    if (tally.found) return;
    const which = tally.files === 1 ? 'the one file it loaded has no' : `none of the ${tally.files} files it loaded has an`;
    this.#warn(
      `package "${pkg}" has had nothing to instrument so far: ${which} async function or top-level await ` +
        "(code compiled to generators or callbacks, such as TypeScript's __awaiter, is not instrumented)",
    );
  }
}
