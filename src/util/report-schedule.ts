/**
 * When to report a hang: as soon as an await has been pending for the threshold, then again at
 * doubling intervals while anything stays over it (so a long hang is not silent, and not noisy),
 * starting over once nothing is.
 */

const MAX_REPORT_INTERVAL_MS = 10 * 60_000;

// Captured when this module loads: the CLI's timer runs this beside a program that may replace them.
const min = Math.min;

export class ReportSchedule {
  readonly #threshold: number;
  #interval: number;
  #nextAt = 0;

  constructor(thresholdMs: number) {
    this.#threshold = thresholdMs;
    this.#interval = thresholdMs;
  }

  /** Whether to report now, given the longest current suspension; a `true` counts as reported. */
  due(now: number, longestMs: number): boolean {
    if (!this.ready(now, longestMs)) return false;
    this.reported(now);
    return true;
  }

  /**
   * Whether a report is due, without counting one: for a caller that confirms the hang first (from
   * the snapshot it is about to print) and calls `reported` only if it does report.
   */
  ready(now: number, longestMs: number): boolean {
    if (longestMs < this.#threshold) {
      this.#interval = this.#threshold;
      this.#nextAt = 0;
      return false;
    }
    return now >= this.#nextAt;
  }

  /** Counts a report made at `now`: the next is due after the current interval, which then doubles. */
  reported(now: number): void {
    this.#nextAt = now + this.#interval;
    this.#interval = min(this.#interval * 2, MAX_REPORT_INTERVAL_MS);
  }
}
