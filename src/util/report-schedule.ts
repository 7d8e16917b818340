/**
 * When to report a hang: as soon as an await has been pending for the threshold, then again at
 * doubling intervals while anything stays over it (so a long hang is not silent, and not noisy),
 * starting over once nothing is.
 */

export const MAX_REPORT_INTERVAL_MS = 10 * 60_000;

export class ReportSchedule {
  readonly #threshold: number;
  #interval: number;
  #nextAt = 0;

  constructor(thresholdMs: number) {
    this.#threshold = thresholdMs;
    this.#interval = thresholdMs;
  }

  /** Whether to report now, given the longest current suspension. */
  due(now: number, longestMs: number): boolean {
    if (longestMs < this.#threshold) {
      this.#interval = this.#threshold;
      this.#nextAt = 0;
      return false;
    }
    if (now < this.#nextAt) return false;
    this.#nextAt = now + this.#interval;
    this.#interval = Math.min(this.#interval * 2, MAX_REPORT_INTERVAL_MS);
    return true;
  }
}
