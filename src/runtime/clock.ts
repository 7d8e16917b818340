/**
 * The coarse clock, and how long a suspension has lasted.
 *
 * Stamps. Reading `performance.now()` costs 25–40 ns on a typical host and 130–200 ns on some
 * virtual machines, more than the rest of an await's bookkeeping, so the hot path never reads it:
 * a frame's `since` is a plain store of the *current tick*, the `performance.now()` reading taken
 * by the last tick of the runtime's timer (ticker.ts, every `TICK_MS`). That timer cannot fire
 * while the program runs synchronously: after 1.5 s of synchronous start-up, an await stamps the
 * tick taken before it. So a stamp does not say when the suspension began, only that it began
 * somewhere in its tick's interval: at or after that tick, and before the next one ran.
 *
 * Lower bounds. Every duration read from a stamp (`stampElapsed`) is measured from the *end* of
 * that interval, so it can only be understated, never overstated, whatever the program did
 * synchronously: a report never calls an await pending for longer than it truly was, and the
 * command's `--after` never fires early. It is understated by less than the length of that one
 * interval: about `TICK_MS` normally; as long as the event loop was blocked when the loop was
 * blocked (the await then began somewhere in the blocked stretch, and no earlier than its start).
 * A stamp of the current interval (no tick since) reads 0.
 *
 * The interval record. To find where a stamp's interval ended, the clock keeps the last `RECENT`
 * intervals exactly (a ring), and, of the intervals older than that, those longer than
 * `REGULAR_MS` ("late" ticks: the loop was blocked). Every other old interval was at most
 * `REGULAR_MS` long, so a stamp found in neither ended within `REGULAR_MS` of its start. When the
 * late record is full, the two neighbouring entries spanning the least time are merged into one
 * that covers both and the regular intervals between them: stamps in there are then measured from
 * its end, which over-estimates their interval's end, so the bound stays a lower bound. Lookups
 * are binary searches; memory is fixed (about 12 kB).
 *
 * Precise stamps. Traced frames (the OpenTelemetry bridge) store a `performance.now()` reading
 * for awaits that may become spans, as `preciseStamp(t)`: negative, so that no reader can take one
 * for a tick. Its duration is exact.
 *
 * For cheaper traced frames (a later change): a frame can keep the coarse stamp it got for free and
 * read the precise clock only once it has outlived its tick (`stamp !== currentTick()`), since an
 * await that ended within its tick's interval lasted less than that interval; `intervalEnd(stamp)`
 * and `currentTick()` give the bounds of the interval a coarse stamp lies in.
 */

/** The runtime's timer refreshes the current tick this often. */
export const TICK_MS = 50;
/** An interval longer than this is a late tick, kept in the late record once it leaves the ring. */
export const REGULAR_MS = 2 * TICK_MS;
const RECENT = 512;
const LATE = 256;

/** The ticks of one clock: the thread's runtime has one (below); tests make their own. */
export class TickRecord {
  /** Start of the current (open) interval: the stamp the hot path stores. */
  #current = 0;
  /** The ring of the last closed intervals: `#recentStart[i]` to `#recentEnd[i]`, oldest at `#recentHead`. */
  readonly #recentStart = new Float64Array(RECENT);
  readonly #recentEnd = new Float64Array(RECENT);
  #recentHead = 0;
  #recentCount = 0;
  /** Late intervals that left the ring, oldest first, merged when full. */
  readonly #lateStart = new Float64Array(LATE);
  readonly #lateEnd = new Float64Array(LATE);
  #lateCount = 0;

  /** The stamp a suspension beginning now gets: the current tick. */
  currentTick(): number {
    return this.#current;
  }

  /**
   * Closes the current interval at `now` (a `performance.now()` reading) and opens the next;
   * returns the new current tick. Readings that do not move forward are ignored.
   */
  tick(now: number): number {
    if (!(now > this.#current)) return this.#current;
    if (this.#current > 0) this.#close(this.#current, now);
    this.#current = now;
    return now;
  }

  #close(start: number, end: number): void {
    if (this.#recentCount === RECENT) {
      const head = this.#recentHead;
      const oldStart = this.#recentStart[head]!;
      const oldEnd = this.#recentEnd[head]!;
      if (oldEnd - oldStart > REGULAR_MS) this.#keepLate(oldStart, oldEnd);
      this.#recentStart[head] = start;
      this.#recentEnd[head] = end;
      this.#recentHead = (head + 1) % RECENT;
      return;
    }
    const at = (this.#recentHead + this.#recentCount) % RECENT;
    this.#recentStart[at] = start;
    this.#recentEnd[at] = end;
    this.#recentCount++;
  }

  #keepLate(start: number, end: number): void {
    if (this.#lateCount === LATE) this.#mergeClosestLate();
    this.#lateStart[this.#lateCount] = start;
    this.#lateEnd[this.#lateCount] = end;
    this.#lateCount++;
  }

  /** Merges the two neighbouring late entries whose union is shortest: the least over-estimation. */
  #mergeClosestLate(): void {
    const starts = this.#lateStart;
    const ends = this.#lateEnd;
    const count = this.#lateCount;
    let best = 0;
    let bestSpan = Infinity;
    for (let i = 0; i + 1 < count; i++) {
      const span = ends[i + 1]! - starts[i]!;
      if (span < bestSpan) {
        bestSpan = span;
        best = i;
      }
    }
    ends[best] = ends[best + 1]!;
    for (let i = best + 1; i + 1 < count; i++) {
      starts[i] = starts[i + 1]!;
      ends[i] = ends[i + 1]!;
    }
    this.#lateCount = count - 1;
  }

  /**
   * The end of the interval that coarse stamp `stamp` lies in, or an over-estimate of it;
   * Infinity for the current interval, which has not ended.
   */
  intervalEnd(stamp: number): number {
    if (stamp >= this.#current) return Infinity;
    const head = this.#recentHead;
    const count = this.#recentCount;
    if (count > 0 && stamp >= this.#recentStart[head]!) {
      // The first interval of the ring ending after the stamp contains it.
      let lo = 0;
      let hi = count - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.#recentEnd[(head + mid) % RECENT]! > stamp) hi = mid;
        else lo = mid + 1;
      }
      return this.#recentEnd[(head + lo) % RECENT]!;
    }
    // Older than the ring: a late interval holding it, else a regular one, which ended within
    // REGULAR_MS and no later than the next tick known to have followed it.
    const late = this.#lateCount;
    let lo = 0;
    let hi = late;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#lateEnd[mid]! > stamp) hi = mid;
      else lo = mid + 1;
    }
    if (lo < late && this.#lateStart[lo]! <= stamp) return this.#lateEnd[lo]!;
    const nextKnown = lo < late ? this.#lateStart[lo]! : count > 0 ? this.#recentStart[head]! : this.#current;
    const regularEnd = stamp + REGULAR_MS;
    return regularEnd < nextKnown ? regularEnd : nextKnown;
  }

  /**
   * How long (whole ms, rounded down) a suspension stamped `stamp` has certainly lasted at `now`
   * (a `performance.now()` reading): a lower bound of the truth, within one tick interval of it.
   */
  elapsed(stamp: number, now: number): number {
    const from = stamp < 0 ? -stamp : this.intervalEnd(stamp);
    if (!(now > from)) return 0;
    const d = now - from;
    return d - (d % 1);
  }
}
Object.freeze(TickRecord.prototype);

/** A `performance.now()` reading `t` as a stamp (traced frames' leaf awaits). */
export function preciseStamp(t: number): number {
  return -t;
}

/** Whether `stamp` is a precise reading rather than a tick. */
export function isPrecise(stamp: number): boolean {
  return stamp < 0;
}

/**
 * The earliest moment the suspension stamped `stamp` can have begun: the reading itself for a
 * precise stamp, the tick for a coarse one (the start of a span that must not start late).
 */
export function stampStart(stamp: number): number {
  return stamp < 0 ? -stamp : stamp;
}

/** The thread's clock, ticked by the runtime's timer (ticker.ts). */
const clock = new TickRecord();

export function currentTick(): number {
  return clock.currentTick();
}

export function tick(now: number): number {
  return clock.tick(now);
}

export function intervalEnd(stamp: number): number {
  return clock.intervalEnd(stamp);
}

/** See `TickRecord.elapsed`: the thread's clock. */
export function stampElapsed(stamp: number, now: number): number {
  return clock.elapsed(stamp, now);
}
