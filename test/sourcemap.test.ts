/**
 * Source maps, checked with Node's own consumer (`module.SourceMap`): every token of the original
 * text, found in the instrumented text, maps back to exactly its original line and column.
 */

import assert from 'node:assert/strict';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { describe, it } from 'node:test';
import { instrument } from '../dist/index.js';

const SOURCE = [
  'import { once } from "node:events";',
  'async function load(id) {',
  '  const row = await db.query(`select ${id}`), extra = await other(id);',
  '  if (!row) throw new Error("missing " + id);',
  '  return transform(row, await once(emitter, "ready"));',
  '}',
  'export const run = async () => load(await next());',
].join('\n');

function tokens(text: string): { token: string; line: number; column: number }[] {
  const out: { token: string; line: number; column: number }[] = [];
  text.split('\n').forEach((lineText, line) => {
    for (const m of lineText.matchAll(/[\w$]+|\S/g)) out.push({ token: m[0], line, column: m.index });
  });
  return out;
}

const sink = { addSite: () => 0 };

describe('source maps', () => {
  it('map every original token back to its own position', () => {
    const result = instrument(SOURCE, { filename: '/app/load.mjs', format: 'module', sites: sink, sourceMap: true });
    assert.ok(result?.map);
    const map = new SourceMap(result.map as unknown as SourceMapPayload);
    const outLines = result.code.split('\n');
    // Walk the original tokens and find each, in order, in the instrumented line.
    let checked = 0;
    let cursorLine = -1;
    let cursor = 0;
    for (const t of tokens(SOURCE)) {
      if (t.line !== cursorLine) {
        cursorLine = t.line;
        cursor = 0;
      }
      const at = outLines[t.line]!.indexOf(t.token, cursor);
      assert.notEqual(at, -1, `token ${t.token} of line ${t.line + 1} missing`);
      cursor = at + t.token.length;
      const entry = map.findEntry(t.line, at) as { originalLine: number; originalColumn: number; originalSource: string };
      assert.deepEqual([entry.originalSource, entry.originalLine, entry.originalColumn], ['/app/load.mjs', t.line, t.column], `token ${t.token}`);
      checked++;
    }
    assert.ok(checked > 60);
  });

  it('compose with the input map: positions still reach the original source', () => {
    // A previous tool's map: every column of the (already transformed) input comes from `orig.ts`, line+10.
    const mappings = SOURCE.split('\n')
      .map((line, i) => [...line.matchAll(/[\w$]+|\S/g)].map((m) => ({ col: m.index, line: i })))
      .map((segs) => segs);
    const encode = (n: number) => {
      const B = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      let v = n < 0 ? (-n << 1) | 1 : n << 1;
      let s = '';
      do {
        let d = v & 31;
        v >>>= 5;
        if (v > 0) d |= 32;
        s += B[d];
      } while (v > 0);
      return s;
    };
    let prevLine = 0;
    let prevCol = 0;
    const text = mappings
      .map((segs, i) => {
        let genCol = 0;
        return segs
          .map((s) => {
            const out = encode(s.col - genCol) + encode(0) + encode(i + 10 - prevLine) + encode(s.col - prevCol);
            genCol = s.col;
            prevLine = i + 10;
            prevCol = s.col;
            return out;
          })
          .join(',');
      })
      .join(';');
    const inputMap = { version: 3 as const, sources: ['orig.ts'], names: [], mappings: text };
    const result = instrument(SOURCE, { filename: '/app/load.mjs', format: 'module', sites: sink, inputMap, sourceMap: true });
    assert.ok(result?.map);
    assert.equal(instrument(SOURCE, { filename: '/app/load.mjs', format: 'module', sites: sink, inputMap })?.map, undefined, 'a map without sourceMap: true');
    const map = new SourceMap({ ...result.map, sources: ["file:///app/orig.ts"] } as unknown as SourceMapPayload);
    const line = 2;
    const original = SOURCE.split('\n')[line]!;
    const instrumented = result.code.split('\n')[line]!;
    for (const token of ['row', 'db', 'query', 'extra', 'other']) {
      const entry = map.findEntry(line, instrumented.indexOf(token)) as { originalLine: number; originalColumn: number };
      assert.deepEqual([entry.originalLine, entry.originalColumn], [line + 10, original.indexOf(token)], token);
    }
  });
});
