/**
 * Instrumented code made in another process, moved to this process's site ids. Ids are written in
 * the code as numbers (a function serialised with toString() must run anywhere, so they cannot be
 * an offset from a per-file variable), and a file's sites get other ids when files load in
 * another order or a file before it changed. Where an id's digits change, the columns after it on
 * its line move, and so must its map's segments.
 */

import { LineIndex } from './lines.ts';
import { decodeMappings, encodeMappings, type RawSourceMap } from './sourcemap.ts';

/**
 * The code with each id written at `slots` (offset, site index, in pairs, by offset) replaced by
 * the site's new id, and its map's JSON moved along; unchanged when every id is the same.
 */
export function relocateIds(code: string, map: string | undefined, slots: readonly number[], oldIds: readonly number[], newIds: readonly number[]): { code: string; map?: string } {
  if (oldIds.length === newIds.length && oldIds.every((id, i) => id === newIds[i])) return map === undefined ? { code } : { code, map };
  const parts: string[] = [];
  // Per line of the old code: [column after which columns move, by how much], in order.
  const shifts = new Map<number, [number, number][]>();
  const lines = map === undefined ? undefined : new LineIndex(code);
  let from = 0;
  for (let i = 0; i < slots.length; i += 2) {
    const at = slots[i]!;
    const index = slots[i + 1]!;
    const oldText = String(oldIds[index]);
    const newText = String(newIds[index]);
    parts.push(code.slice(from, at), newText);
    from = at + oldText.length;
    if (lines !== undefined && newText.length !== oldText.length) {
      const line = lines.lineOf(at);
      let list = shifts.get(line);
      if (list === undefined) shifts.set(line, (list = []));
      list.push([at - lines.lineStart(line), newText.length - oldText.length]);
    }
  }
  parts.push(code.slice(from));
  const moved = parts.join('');
  if (map === undefined) return { code: moved };
  if (shifts.size === 0) return { code: moved, map };
  const parsed = JSON.parse(map) as RawSourceMap;
  const segments = decodeMappings(parsed.mappings);
  for (const [line, list] of shifts) {
    const segs = segments[line];
    if (segs === undefined) continue;
    for (const seg of segs) {
      let delta = 0;
      for (const [column, by] of list) if (seg[0] > column) delta += by;
      seg[0] += delta;
    }
  }
  return { code: moved, map: JSON.stringify({ ...parsed, mappings: encodeMappings(segments) }) };
}
