/**
 * Insertions into the original text. Code is only ever inserted, never moved or removed, and
 * inserted text never contains a line break, so every original line keeps its number.
 */

export interface Insertion {
  /** Offset in the original text. */
  pos: number;
  text: string;
  /** True for the closing half of a wrap (or a point insertion that must follow closes at `pos`). */
  close: boolean;
  /**
   * Extent of the wrapped region: at one offset, closes of shorter regions come first and opens of
   * longer regions come first, so wraps nest properly.
   */
  span: number;
  /** Order of creation, the tie-breaker for equal spans (children are planned before parents). */
  order: number;
}

export class EditList {
  readonly insertions: Insertion[] = [];
  #order = 0;

  /** Surrounds `[start, end)` with `open` and `close`. */
  wrap(start: number, end: number, open: string, close: string): void {
    // An empty region (`async () => {}`) has nothing for its halves to surround: one insertion keeps them in order.
    if (start === end) {
      this.insert(start, open + close);
      return;
    }
    const order = this.#order++;
    const span = end - start;
    this.insertions.push({ pos: start, text: open, close: false, span, order });
    this.insertions.push({ pos: end, text: close, close: true, span, order });
  }

  /** Inserts `text` at `pos`, inside every region that encloses `pos` and outside every region starting or ending there. */
  insert(pos: number, text: string, span = Number.MAX_SAFE_INTEGER): void {
    this.insertions.push({ pos, text, close: false, span, order: this.#order++ });
  }

  /**
   * Inserts `text` at `pos` inside every region ending there that spans at most `within` (so
   * before their closing halves), and outside the larger ones.
   */
  insertBeforeCloses(pos: number, text: string, within: number): void {
    this.insertions.push({ pos, text, close: true, span: within, order: this.#order++ });
  }

  get isEmpty(): boolean {
    return this.insertions.length === 0;
  }

  /** The insertions in output order. */
  sorted(): Insertion[] {
    return this.insertions.slice().sort(compareInsertions);
  }
}

function compareInsertions(a: Insertion, b: Insertion): number {
  if (a.pos !== b.pos) return a.pos - b.pos;
  if (a.close !== b.close) return a.close ? -1 : 1;
  if (a.close) return a.span !== b.span ? a.span - b.span : a.order - b.order;
  return a.span !== b.span ? b.span - a.span : b.order - a.order;
}

/**
 * Applies sorted insertions to `source`. Site placeholders in their text (see visitor.ts's siteRef)
 * become the ids registered for them, in the insertions too (source maps count the final text);
 * each id's offset in the output and its site index are appended to `slots`, in pairs.
 */
export function applyInsertions(source: string, sorted: Insertion[], ids: readonly number[] = [], slots: number[] = []): string {
  const parts: string[] = [];
  let last = 0;
  let length = 0;
  for (const ins of sorted) {
    if (ins.pos > last) {
      parts.push(source.slice(last, ins.pos));
      length += ins.pos - last;
    }
    if (ins.text.includes('\0')) ins.text = resolveIds(ins.text, ids, length, slots);
    parts.push(ins.text);
    length += ins.text.length;
    last = Math.max(last, ins.pos);
  }
  parts.push(source.slice(last));
  return parts.join('');
}

function resolveIds(text: string, ids: readonly number[], offset: number, slots: number[]): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf('\0'); at !== -1; at = text.indexOf('\0', from)) {
    const end = text.indexOf('\0', at + 1);
    const index = Number(text.slice(at + 1, end));
    out += text.slice(from, at);
    slots.push(offset + out.length, index);
    out += String(ids[index]);
    from = end + 1;
  }
  return out + text.slice(from);
}
