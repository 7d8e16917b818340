/**
 * Where a word occurs in a text, for the planner's test of whether a synchronous scope can hold
 * anything to instrument (an async function, a `new Promise(…)`): the word's text anywhere in the
 * scope's span, comments and strings included. The same test decides, while oxc's tree is built,
 * which function bodies are not built at all (parse-oxc.ts): one definition, so the two cannot differ.
 */

/** The words the test looks for. */
export type ScopeWord = 'async' | 'Promise';

export class WordOffsets {
  readonly #source: string;
  readonly #offsets = new Map<ScopeWord, number[]>();

  constructor(source: string) {
    this.#source = source;
  }

  /** Whether `word` starts at an offset in [start, end): binary search over its offsets, found once per text. */
  within(word: ScopeWord, start: number, end: number): boolean {
    let at = this.#offsets.get(word);
    if (at === undefined) {
      at = [];
      this.#offsets.set(word, at);
      const source = this.#source;
      for (let i = source.indexOf(word); i !== -1; i = source.indexOf(word, i + word.length)) at.push(i);
    }
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < at.length && at[lo]! < end;
  }

  /**
   * Whether a synchronous function (or class field, static block) spanning [start, end) may hold
   * something to instrument; where not, the planner does not walk it.
   */
  worthWalking(start: number, end: number): boolean {
    return this.within('async', start, end) || this.within('Promise', start, end);
  }
}
