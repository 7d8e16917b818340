/**
 * Where a position of code handed over by another tool (tsx, a bundler) really comes from,
 * read from that tool's source map, so that reports name the user's file, line and text rather
 * than the generated ones.
 *
 * A map has a segment where each generated token starts, not where it ends: the end of a range
 * is found from its last character's segment, by walking the generated text of that segment
 * against the original (they agree but for whitespace unless the tool renamed something).
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LineIndex } from './lines.ts';
import { decodeMappings, type RawSourceMap } from './sourcemap.ts';

interface Origin {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

type Segment = number[];

/** An original source, read once, with its line starts. */
interface OriginalText {
  text: string;
  lineStarts: number[];
}

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/u;
// Words a tool may map an identifier to (`let Svc = _Svc` maps `_Svc` to `class Svc`), never a name.
const RESERVED = new Set(
  'await break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof let new null return static super switch this throw true try typeof var void while with yield'.split(' '),
);

export class OriginMapper {
  readonly #lines: Segment[][];
  readonly #files: string[];
  readonly #names: readonly string[];
  readonly #contents: (string | null | undefined)[];
  readonly #texts: (OriginalText | null | undefined)[] = [];
  readonly #generated: string;
  readonly #generatedLines: LineIndex;

  /**
   * `base`: the URL of the module the map belongs to, against which relative sources resolve;
   * `generated`: the text the map describes, with its line index.
   */
  constructor(map: RawSourceMap, base: string, generated: string, generatedLines: LineIndex) {
    this.#lines = decodeMappings(map.mappings);
    this.#files = map.sources.map((s) => resolveSource(s, map.sourceRoot, base));
    this.#names = map.names ?? [];
    this.#contents = map.sources.map((_, i) => map.sourcesContent?.[i] ?? undefined);
    this.#generated = generated;
    this.#generatedLines = generatedLines;
  }

  /** The original position of a 0-based generated line and column, if the map covers it. */
  locate(line: number, column: number): (Origin & { source: number }) | undefined {
    const found = this.#segmentAt(line, column);
    if (found === undefined || found.length < 4) return undefined;
    return { source: found[1]!, file: this.#files[found[1]!] ?? '<unknown>', line: found[2]! + 1, column: found[3]! + 1 };
  }

  /** Original text of the generated range `[start, end)` (offsets), when both ends map into the same readable source. */
  text(start: number, end: number): string | undefined {
    if (end <= start) return undefined;
    const from = this.#originalOffset(start);
    const to = this.#originalEnd(end - 1);
    if (from === undefined || to === undefined || from.source !== to.source || to.offset <= from.offset) return undefined;
    return this.#text(from.source)!.text.slice(from.offset, to.offset);
  }

  /**
   * The name an identifier had in the original source, when the tool renamed it (esbuild turns a
   * decorated `class Svc` into `class _Svc`): the map's `names` entry for its segment, else the
   * identifier the segment points at. Undefined when the map says nothing reliable about it.
   */
  identifier(start: number): string | undefined {
    const { line, column } = this.#generatedLines.position(start);
    const seg = this.#segmentAt(line - 1, column - 1);
    if (seg === undefined || seg.length < 4 || seg[0] !== column - 1) return undefined;
    if (seg.length >= 5) {
      const name = this.#names[seg[4]!];
      if (name !== undefined && IDENTIFIER.exec(name)?.[0] === name) return name;
    }
    const original = this.#text(seg[1]!);
    const offset = original === undefined ? undefined : offsetOf(original, seg[2]!, seg[3]!);
    if (offset === undefined) return undefined;
    const word = IDENTIFIER.exec(original!.text.slice(offset, offset + 256))?.[0];
    return word === undefined || RESERVED.has(word) ? undefined : word;
  }

  /** The last segment at or before a 0-based generated position (segments are sorted by column). */
  #segmentAt(line: number, column: number): Segment | undefined {
    const segs = this.#lines[line];
    if (segs === undefined) return undefined;
    let lo = 0;
    let hi = segs.length - 1;
    let found: Segment | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segs[mid]![0]! <= column) {
        found = segs[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Original offset of a generated offset: its segment's start, plus the distance into the segment when the texts agree there. */
  #originalOffset(offset: number): { source: number; offset: number } | undefined {
    const found = this.#mappedSegment(offset);
    if (found === undefined) return undefined;
    const { seg, genStart, original, origStart } = found;
    const run = this.#generated.slice(genStart, offset);
    return { source: seg[1]!, offset: original.text.startsWith(run, origStart) ? origStart + run.length : origStart };
  }

  /** Original offset just past the generated character at `last`. */
  #originalEnd(last: number): { source: number; offset: number } | undefined {
    const found = this.#mappedSegment(last);
    if (found === undefined) return undefined;
    const { seg, genStart, original, origStart } = found;
    const end = walkAgreeing(this.#generated, genStart, last + 1, original.text, origStart) ?? tokenEnd(original.text, origStart);
    return { source: seg[1]!, offset: end };
  }

  #mappedSegment(offset: number): { seg: Segment; genStart: number; original: OriginalText; origStart: number } | undefined {
    const { line, column } = this.#generatedLines.position(offset);
    const seg = this.#segmentAt(line - 1, column - 1);
    if (seg === undefined || seg.length < 4) return undefined;
    const original = this.#text(seg[1]!);
    if (original === undefined) return undefined;
    const origStart = offsetOf(original, seg[2]!, seg[3]!);
    if (origStart === undefined) return undefined;
    return { seg, genStart: offset - (column - 1 - seg[0]!), original, origStart };
  }

  #text(source: number): OriginalText | undefined {
    let cached = this.#texts[source];
    if (cached === undefined) {
      const content = this.#content(source);
      cached = content === undefined ? null : { text: content, lineStarts: lineStarts(content) };
      this.#texts[source] = cached;
    }
    return cached ?? undefined;
  }

  #content(source: number): string | undefined {
    let content = this.#contents[source];
    if (content === undefined) {
      try {
        const file = this.#files[source]!;
        content = readFileSync(file.startsWith('file:') ? fileURLToPath(file) : file, 'utf8');
        // Node.js drops a byte-order mark before compiling, and so do positions in maps.
        if (content.charCodeAt(0) === 0xfeff) content = content.slice(1);
      } catch {
        // Harmless: an original source that cannot be read gives no texts or names, which then come
        // from the code as loaded (as without a map); null keeps it from being read again.
        content = null;
      }
      this.#contents[source] = content;
    }
    return content ?? undefined;
  }
}

/**
 * Walks `generated[from, to)` against `original` from `at`, skipping whitespace on both sides;
 * the original offset past the last character when every other character agrees, else undefined.
 */
function walkAgreeing(generated: string, from: number, to: number, original: string, at: number): number | undefined {
  let j = at;
  for (let i = from; i < to; i++) {
    const c = generated.charCodeAt(i);
    if (isSpace(c)) continue;
    while (j < original.length && isSpace(original.charCodeAt(j))) j++;
    if (original.charCodeAt(j) !== c) return undefined;
    j++;
  }
  return j;
}

/** End of the token starting at `at`: an identifier or number, a quoted string, or one character. */
function tokenEnd(text: string, at: number): number {
  const word = IDENTIFIER.exec(text.slice(at, at + 256))?.[0] ?? /^[0-9][\w.]*/.exec(text.slice(at, at + 256))?.[0];
  if (word !== undefined) return at + word.length;
  const quote = text[at];
  if (quote === '"' || quote === "'" || quote === '`') {
    for (let i = at + 1; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === quote) return i + 1;
    }
  }
  return at + 1;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function offsetOf(original: OriginalText, line: number, column: number): number | undefined {
  const start = original.lineStarts[line];
  return start === undefined ? undefined : start + column;
}

function resolveSource(source: string, root: string | undefined, base: string): string {
  const joined = root !== undefined && root !== '' ? `${root.replace(/\/?$/, '/')}${source}` : source;
  try {
    const url = new URL(joined, base);
    return url.protocol === 'file:' ? fileURLToPath(url) : url.href;
  } catch {
    // Harmless: a source that is no URL stays the name the map gives (shown as is, not readable).
    return joined;
  }
}
