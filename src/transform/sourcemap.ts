/**
 * Source maps for instrumented code. Insertions never cross lines, so mapping is a per-line column
 * shift: a segment at each token of the original text (Node and V8 map a position to the nearest
 * preceding segment without interpolating, so sparse maps would misplace columns), or, when the
 * input already had a map (tsx, a bundler), that map's segments moved by the same shift.
 */

import type { Insertion } from './edits.ts';
import type { LineIndex } from './lines.ts';

export interface RawSourceMap {
  version: 3;
  file?: string;
  sourceRoot?: string;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
}

type Segment = [number] | [number, number, number, number] | [number, number, number, number, number];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));

/** Base64 VLQ written into a byte buffer: maps hold a segment per token, so this is a hot loop at load time. */
class VlqWriter {
  #buf = new Uint8Array(4096);
  #len = 0;

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const grown = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    grown.set(this.#buf.subarray(0, this.#len));
    this.#buf = grown;
  }

  char(code: number): void {
    this.#room(1);
    this.#buf[this.#len++] = code;
  }

  vlq(value: number): void {
    this.#room(7);
    let v = value < 0 ? (-value << 1) | 1 : value << 1;
    do {
      let digit = v & 31;
      v >>>= 5;
      if (v > 0) digit |= 32;
      this.#buf[this.#len++] = B64_CODES[digit]!;
    } while (v > 0);
  }

  toString(): string {
    return Buffer.from(this.#buf.buffer, this.#buf.byteOffset, this.#len).toString('latin1');
  }
}

export function encodeMappings(lines: readonly (readonly Segment[])[]): string {
  const out = new VlqWriter();
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  let name = 0;
  for (let l = 0; l < lines.length; l++) {
    if (l > 0) out.char(59);
    let genCol = 0;
    const segs = lines[l]!;
    for (let s = 0; s < segs.length; s++) {
      const seg = segs[s]!;
      if (s > 0) out.char(44);
      out.vlq(seg[0] - genCol);
      genCol = seg[0];
      if (seg.length >= 4) {
        out.vlq(seg[1]! - src);
        src = seg[1]!;
        out.vlq(seg[2]! - srcLine);
        srcLine = seg[2]!;
        out.vlq(seg[3]! - srcCol);
        srcCol = seg[3]!;
        if (seg.length === 5) {
          out.vlq(seg[4]! - name);
          name = seg[4]!;
        }
      }
    }
  }
  return out.toString();
}

class SourceMapFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceMapFormatError';
  }
}

export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  let name = 0;
  let genCol = 0;
  let i = 0;
  const fields: number[] = [];
  while (i <= mappings.length) {
    const c = i < mappings.length ? mappings.charCodeAt(i) : 59;
    if (c === 59 || c === 44) {
      if (fields.length > 0) {
        genCol += fields[0]!;
        if (fields.length === 1) line.push([genCol]);
        else if (fields.length >= 4) {
          src += fields[1]!;
          srcLine += fields[2]!;
          srcCol += fields[3]!;
          if (fields.length >= 5) {
            name += fields[4]!;
            line.push([genCol, src, srcLine, srcCol, name]);
          } else line.push([genCol, src, srcLine, srcCol]);
        } else throw new SourceMapFormatError(`segment with ${fields.length} fields at offset ${i}`);
        fields.length = 0;
      }
      if (c === 59) {
        lines.push(line);
        line = [];
        genCol = 0;
      }
      i++;
      continue;
    }
    let value = 0;
    let shift = 0;
    for (;;) {
      const code = mappings.charCodeAt(i++);
      const digit = code < 128 ? B64_INDEX[code]! : -1;
      if (digit === -1) throw new SourceMapFormatError(`invalid base64 character ${JSON.stringify(mappings[i - 1])} at offset ${i - 1}`);
      value += (digit & 31) << shift;
      shift += 5;
      if ((digit & 32) === 0) break;
    }
    fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
  }
  return lines;
}

/** Per original line, the insertions on it as (column, length) pairs in output order. */
function insertionsByLine(sorted: readonly Insertion[], lines: LineIndex): Map<number, [number, number][]> {
  const byLine = new Map<number, [number, number][]>();
  for (const ins of sorted) {
    const line = lines.lineOf(ins.pos);
    let list = byLine.get(line);
    if (list === undefined) byLine.set(line, (list = []));
    list.push([ins.pos - lines.lineStart(line), ins.text.length]);
  }
  return byLine;
}

/** Output column of original column `col` on a line with these insertions (text inserted at `col` comes before it). */
function shifted(col: number, list: readonly [number, number][] | undefined): number {
  if (list === undefined) return col;
  let out = col;
  for (const [at, len] of list) {
    if (at > col) break;
    out += len;
  }
  return out;
}

/**
 * A map from the instrumented text back to `source`, with a segment at the start of every token
 * (a run of word characters, or any other non-space character), encoded as it is scanned.
 */
export function buildMap(source: string, sorted: readonly Insertion[], lines: LineIndex, sourceName: string): RawSourceMap {
  const byLine = insertionsByLine(sorted, lines);
  const out = new VlqWriter();
  let prevSrcLine = 0;
  let prevSrcCol = 0;
  for (let l = 0; l < lines.lineCount; l++) {
    if (l > 0) out.char(59);
    const start = lines.lineStart(l);
    const end = l + 1 < lines.lineCount ? lines.lineStart(l + 1) : source.length;
    const list = byLine.get(l);
    let listIndex = 0;
    let inserted = 0;
    let prevGen = 0;
    let first = true;
    let lastGen = -1;
    const emit = (gen: number, col: number): void => {
      if (gen === lastGen) return;
      if (!first) out.char(44);
      first = false;
      out.vlq(gen - prevGen);
      out.vlq(0);
      out.vlq(l - prevSrcLine);
      out.vlq(col - prevSrcCol);
      prevGen = gen;
      lastGen = gen;
      prevSrcLine = l;
      prevSrcCol = col;
    };
    let inWord = false;
    for (let i = start; i < end; i++) {
      const c = source.charCodeAt(i);
      const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;
      const space = c === 32 || c === 9 || c === 10 || c === 13;
      if (space || (!word && !space) || !inWord) {
        const col = i - start;
        while (list !== undefined && listIndex < list.length && list[listIndex]![0] <= col) {
          const [at, len] = list[listIndex]!;
          emit(at + inserted, at);
          inserted += len;
          listIndex++;
        }
        if (!space) emit(col + inserted, col);
      }
      inWord = word;
    }
    while (list !== undefined && listIndex < list.length) {
      const [at, len] = list[listIndex]!;
      emit(at + inserted, at);
      inserted += len;
      listIndex++;
    }
  }
  return { version: 3, sources: [sourceName], sourcesContent: [source], names: [], mappings: out.toString() };
}

/** The input's own map, with every generated column moved past the text inserted before it. */
export function composeMap(input: RawSourceMap, sorted: readonly Insertion[], lines: LineIndex): RawSourceMap {
  const byLine = insertionsByLine(sorted, lines);
  const decoded = decodeMappings(input.mappings);
  const out = decoded.map((segs, l) => {
    const list = byLine.get(l);
    if (list === undefined) return segs;
    return segs.map((seg) => {
      const moved = seg.slice() as Segment;
      moved[0] = shifted(seg[0], list);
      return moved;
    });
  });
  const composed: RawSourceMap = { ...input, mappings: encodeMappings(out) };
  return composed;
}

/** Parses a map from JSON text, checking the fields this module relies on. */
export function parseMap(json: string, origin: string): RawSourceMap {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new SourceMapFormatError(`${origin}: not JSON (${(error as Error).message})`);
  }
  const map = value as Partial<RawSourceMap> | null;
  if (map === null || typeof map !== 'object') throw new SourceMapFormatError(`${origin}: expected an object, got ${typeof value}`);
  if (map.version !== 3) throw new SourceMapFormatError(`${origin}: expected version 3, got ${JSON.stringify(map.version)}`);
  if (!Array.isArray(map.sources)) throw new SourceMapFormatError(`${origin}: "sources" is not an array`);
  if (typeof map.mappings !== 'string') throw new SourceMapFormatError(`${origin}: "mappings" is not a string`);
  if ('sections' in map) throw new SourceMapFormatError(`${origin}: indexed source maps are not supported`);
  return { names: [], ...map } as RawSourceMap;
}
