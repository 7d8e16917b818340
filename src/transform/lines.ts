/** Offset → 1-based line and column (UTF-16 code units, as V8 counts them in stack traces). */
export class LineIndex {
  readonly #starts: number[];

  constructor(source: string) {
    const starts = [0];
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
