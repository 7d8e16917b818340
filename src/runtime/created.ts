/**
 * Where instrumented code created a promise (`new Promise(…)`), for a report to name it when it is
 * awaited somewhere else (`const p = new Promise(…); … await p`): the `promise` site id, stamped on
 * the promise itself as a private field of awaitwhat's. A private field is invisible to the program
 * (no reflection lists it, no proxy trap sees it being added, `util.inspect` does not show it) and
 * costs an added property: bench/new-promise.mjs measured +0.1 to +0.4 µs per `new Promise` (whose
 * own cost was 0.05 to 0.2 µs) on a 2-core machine under a load of 20, BENCHMARKS.md. A WeakMap
 * entry per promise, the obvious alternative, measured +4 to +8 µs there (a table of short-lived
 * keys that every garbage collection walks), 20 times that.
 */

/** A base whose constructor returns its argument: `super(o)` in a subclass then adds fields to `o`. */
class Target {
  constructor(target: object) {
    return target;
  }
}

class Stamp extends Target {
  #site: number;

  constructor(target: object, site: number) {
    super(target);
    this.#site = site;
  }

  static siteOf(v: object): number | undefined {
    return #site in v ? (v as Stamp).#site : undefined;
  }

}

/** Records that instrumented code created `v` at `promise` site `site`; returns `v`, whatever it is. Never throws. */
export function notePromise(site: number, v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  try {
    new Stamp(v, site);
  } catch {
    // Harmless: only for an object that has the field already (the program's own `Promise`
    // returning one object twice: the first site stays) or cannot take one (a frozen object, under
    // a V8 that forbids private fields on non-extensible objects); the report then names the
    // first site, or none.
  }
  return v;
}

/** The `promise` site where instrumented code created `v`, if it did. Runs no code of the program's (a private-field check sees no proxy trap). */
export function promiseSiteOf(v: object): number | undefined {
  return Stamp.siteOf(v);
}
