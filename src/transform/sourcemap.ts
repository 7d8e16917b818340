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

function encodeVlq(value: number, out: string[]): void {
  let v = value < 0 ? (-value << 1) | 1 : value << 1;
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v > 0) digit |= 32;
    out.push(B64[digit]!);
  } while (v > 0);
}

export function encodeMappings(lines: readonly (readonly Segment[])[]): string {
  const out: string[] = [];
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  let name = 0;
  for (let l = 0; l < lines.length; l++) {
    if (l > 0) out.push(';');
    let genCol = 0;
    const segs = lines[l]!;
    for (let s = 0; s < segs.length; s++) {
      const seg = segs[s]!;
      if (s > 0) out.push(',');
      encodeVlq(seg[0] - genCol, out);
      genCol = seg[0];
      if (seg.length >= 4) {
        encodeVlq(seg[1]! - src, out);
        src = seg[1]!;
        encodeVlq(seg[2]! - srcLine, out);
        srcLine = seg[2]!;
        encodeVlq(seg[3]! - srcCol, out);
        srcCol = seg[3]!;
        if (seg.length === 5) {
          encodeVlq(seg[4]! - name, out);
          name = seg[4]!;
        }
      }
    }
  }
  return out.join('');
}

export class SourceMapFormatError extends Error {
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

const TOKEN = /[\w$]+|\S/g;

/** A map from the instrumented text back to `source`, one segment per token. */
export function buildMap(source: string, sorted: readonly Insertion[], lines: LineIndex, sourceName: string): RawSourceMap {
  const byLine = insertionsByLine(sorted, lines);
  const out: Segment[][] = [];
  for (let l = 0; l < lines.lineCount; l++) {
    const start = lines.lineStart(l);
    const end = l + 1 < lines.lineCount ? lines.lineStart(l + 1) : source.length;
    const text = source.slice(start, end);
    const list = byLine.get(l);
    const segs: Segment[] = [];
    let inserted = 0;
    let listIndex = 0;
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
      const col = m.index;
      // Inserted code before this token maps to where it was inserted.
      while (list !== undefined && listIndex < list.length && list[listIndex]![0] <= col) {
        const [at, len] = list[listIndex]!;
        segs.push([at + inserted, 0, l, at]);
        inserted += len;
        listIndex++;
      }
      segs.push([col + inserted, 0, l, col]);
    }
    while (list !== undefined && listIndex < list.length) {
      const [at, len] = list[listIndex]!;
      segs.push([at + inserted, 0, l, at]);
      inserted += len;
      listIndex++;
    }
    out.push(dedupe(segs));
  }
  return { version: 3, sources: [sourceName], sourcesContent: [source], names: [], mappings: encodeMappings(out) };
}

function dedupe(segs: Segment[]): Segment[] {
  const result: Segment[] = [];
  for (const s of segs) {
    const prev = result[result.length - 1];
    if (prev !== undefined && prev[0] === s[0]) result[result.length - 1] = s;
    else result.push(s);
  }
  return result;
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

export function toDataUrlComment(map: RawSourceMap): string {
  return `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
}
