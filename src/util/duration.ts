/** Durations as people write them (`300ms`, `5s`, `2m`, `1h`, `1.5s`) and as reports print them. */

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export class DurationSyntaxError extends TypeError {
  constructor(text: unknown) {
    super(`invalid duration ${JSON.stringify(text)}: expected a number with a unit, such as 300ms, 5s, 2m or 1h`);
    this.name = 'DurationSyntaxError';
  }
}

/** Milliseconds in `text`; a bare number is milliseconds. Throws `DurationSyntaxError`. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(String(text));
  if (match === null) throw new DurationSyntaxError(text);
  const ms = Number(match[1]) * UNITS[match[2] ?? 'ms']!;
  if (!Number.isFinite(ms)) throw new DurationSyntaxError(text);
  return Math.round(ms);
}

// Captured when this module loads: reports are formatted beside a program that may replace them.
const { round, floor } = Math;
const apply = Reflect.apply;
const toFixed = Number.prototype.toFixed;

/** Two digits, zero-padded (`n` is a whole number below 100). */
function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${round(ms)}ms`;
  if (ms < 60_000) return `${apply(toFixed, ms / 1000, [1]) as string}s`;
  const minutes = floor(ms / 60_000);
  const seconds = floor((ms % 60_000) / 1000);
  if (minutes < 60) return `${minutes}m${twoDigits(seconds)}s`;
  return `${floor(minutes / 60)}h${twoDigits(minutes % 60)}m`;
}
