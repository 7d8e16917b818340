const OTHER_BREAKS = /[\r\u2028\u2029]/;

/** Offset → 1-based line and column (UTF-16 code units, as V8 counts them in stack traces). */
export class LineIndex {
  readonly #starts: number[];

  constructor(source: string) {
    const starts = [0];
    // Most text breaks lines with \n alone: then a native search finds them.
    if (!OTHER_BREAKS.test(source)) {
      for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
      this.#starts = starts;
      return;
    }
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (source.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (c === 0x2028 || c === 0x2029) starts.push(i + 1);
    }
    this.#starts = starts;
  }

  /** 0-based line of an offset. */
  lineOf(offset: number): number {
    const starts = this.#starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** 1-based line and column. */
  position(offset: number): { line: number; column: number } {
    const line = this.lineOf(offset);
    return { line: line + 1, column: offset - this.#starts[line]! + 1 };
  }

  lineStart(line: number): number {
    return this.#starts[line]!;
  }

  get lineCount(): number {
    return this.#starts.length;
  }
}
