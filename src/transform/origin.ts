/**
 * Where a position of code handed over by another tool (tsx, a bundler) really comes from,
 * read from that tool's source map, so that reports name the user's file, line and text rather
 * than the generated ones.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeMappings, type RawSourceMap } from './sourcemap.ts';

export interface Origin {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

type Segment = number[];

export class OriginMapper {
  readonly #lines: Segment[][];
  readonly #files: string[];
  readonly #contents: (string | null | undefined)[];

  /** `base`: the URL of the module the map belongs to, against which relative sources resolve. */
  constructor(map: RawSourceMap, base: string) {
    this.#lines = decodeMappings(map.mappings);
    this.#files = map.sources.map((s) => resolveSource(s, map.sourceRoot, base));
    this.#contents = map.sources.map((_, i) => map.sourcesContent?.[i] ?? undefined);
  }

  /** The original position of a 0-based generated line and column, if the map covers it. */
  locate(line: number, column: number): (Origin & { source: number }) | undefined {
    const segs = this.#lines[line];
    if (segs === undefined) return undefined;
    let found: Segment | undefined;
    for (const seg of segs) {
      if (seg[0]! > column) break;
      found = seg;
    }
    if (found === undefined || found.length < 4) return undefined;
    return { source: found[1]!, file: this.#files[found[1]!] ?? '<unknown>', line: found[2]! + 1, column: found[3]! + 1 };
  }

  /** Original text between two generated positions, when both map into the same readable source. */
  text(start: [number, number], end: [number, number]): string | undefined {
    const a = this.locate(start[0], start[1]);
    const b = this.locate(end[0], end[1]);
    if (a === undefined || b === undefined || a.source !== b.source) return undefined;
    const content = this.#content(a.source);
    if (content === undefined) return undefined;
    const lines = content.split('\n');
    const from = offsetOf(lines, a.line, a.column);
    const to = offsetOf(lines, b.line, b.column);
    if (from === undefined || to === undefined || to <= from) return undefined;
    return content.slice(from, to);
  }

  #content(source: number): string | undefined {
    let content = this.#contents[source];
    if (content === undefined || content === null) {
      try {
        const file = this.#files[source]!;
        content = readFileSync(file.startsWith('file:') ? fileURLToPath(file) : file, 'utf8');
      } catch {
        content = null;
      }
      this.#contents[source] = content;
    }
    return content ?? undefined;
  }
}

function offsetOf(lines: readonly string[], line: number, column: number): number | undefined {
  if (line < 1 || line > lines.length) return undefined;
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += lines[i]!.length + 1;
  return offset + column - 1;
}

function resolveSource(source: string, root: string | undefined, base: string): string {
  const joined = root !== undefined && root !== '' ? `${root.replace(/\/?$/, '/')}${source}` : source;
  try {
    const url = new URL(joined, base);
    return url.protocol === 'file:' ? fileURLToPath(url) : url.href;
  } catch {
    return joined;
  }
}
