/**
 * renderText on a snapshot() result uses the integer graph the builder made (kept beside the
 * snapshot, src/snapshot/built-graph.ts) instead of rebuilding it from ids. Its output must be
 * byte-identical to the rebuilt path's, which `structuredClone` forces (a copy has no kept graph):
 * compared over a grid of options on real snapshots of every shape. Edits in place that the
 * report reads, and replaced arrays, make it rebuild; the kept graph is what the report uses
 * otherwise (an edit to a node the report does not read is not seen).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installHooks, renderText, snapshot, type FrameNode, type Snapshot, type SnapshotNode, type TextOptions } from '../dist/index.js';
import { builtGraphOf } from '../dist/snapshot/built-graph.js';

installHooks({ exclude: ['**/plain-*.mjs'], cache: false });
await import(new URL('./fixtures/snapshot/shapes.mjs', import.meta.url).href);
await import(new URL('./fixtures/render/kept.mjs', import.meta.url).href);
await new Promise((resolve) => setImmediate(resolve));

const nodeOf = (s: Snapshot, id: string): SnapshotNode => s.nodes.find((n) => n.id === id)!;

function grid(): TextOptions[] {
  const all: TextOptions[] = [];
  for (const maxLines of [1, 2, 3, 4, 6, 9, 14, 25, 40, 70, 120, 300, 5000])
    for (const minPendingMs of [0, 30, 1e9])
      for (const [collapseAfter, maxMembers] of [[3, 100], [2, 1], [5, 7]] as const) all.push({ maxLines, minPendingMs, collapseAfter, maxMembers, durations: false });
  return all;
}

/** The rebuilt path's report: a copy carries no kept graph. */
function rebuilt(s: Snapshot, options: TextOptions): string {
  return renderText(structuredClone(s), options);
}

describe('renderText on the graph snapshot() kept', () => {
  const taken = snapshot();

  it('is kept for a snapshot() result and for it only, and not for a copy', () => {
    assert.notEqual(builtGraphOf(taken), undefined);
    assert.equal(builtGraphOf(structuredClone(taken)), undefined);
    assert.equal(builtGraphOf({ ...taken }), undefined);
    assert.ok(taken.cycles.length >= 3, 'the fixtures hold deadlocks');
  });

  it('prints exactly what the rebuilt graph prints, for every option in the grid', () => {
    for (const options of grid()) assert.equal(renderText(taken, options), rebuilt(taken, options), JSON.stringify(options));
  });

  it('prints exactly what the rebuilt graph prints with durations on (the same snapshot: the same times)', () => {
    for (const minPendingMs of [0, 30]) assert.equal(renderText(taken, { minPendingMs }), rebuilt(taken, { minPendingMs }));
  });

  it('is not used once nodes, roots or cycles are replaced or resized: the report follows the ids', () => {
    const edits: [string, (s: Snapshot) => void][] = [
      ['a node dropped', (s) => s.nodes.pop()],
      ['nodes replaced', (s) => (s.nodes = s.nodes.slice(1))],
      ['a root dropped', (s) => s.roots.shift()],
      ['roots replaced', (s) => (s.roots = [...s.roots].reverse())],
      ['cycles emptied', (s) => (s.cycles.length = 0)],
      ['cycles replaced', (s) => (s.cycles = s.cycles.slice(1))],
    ];
    for (const [what, edit] of edits) {
      const s = snapshot();
      edit(s);
      assert.equal(builtGraphOf(s), undefined, what);
      assert.equal(renderText(s, { durations: false }), rebuilt(s, { durations: false }), what);
    }
  });

  it('rebuilds when a node it reads was edited in place: its awaits, its kind, a root id, a cycle id, a member', () => {
    const firstRoot = (s: Snapshot) => s.nodes.find((n) => n.id === s.roots[0])!;
    const firstCombinator = (s: Snapshot) => s.nodes.find((n) => n.type === 'combinator' && n.members.some((m) => m.node !== null))!;
    const edits: [string, (s: Snapshot) => void][] = [
      ['awaits cleared', (s) => (firstRoot(s).awaits = [])],
      ['awaits pushed', (s) => firstRoot(s).awaits.push(s.roots[1]!)],
      ['awaits naming no node', (s) => (firstRoot(s).awaits = ['nowhere'])],
      ['kind changed', (s) => ((firstRoot(s) as { type: string }).type = 'leaf')],
      ['root id changed', (s) => (s.roots[0] = s.roots[1]!)],
      ['cycle id changed', (s) => (s.cycles[0]![0] = s.roots[0]!)],
      ['cycle shortened', (s) => s.cycles[0]!.pop()],
      ['cycle lengthened', (s) => s.cycles[0]!.push(s.roots[0]!)],
      ['a cycle frame\'s kind changed', (s) => ((nodeOf(s, s.cycles[0]![0]!) as { type: string }).type = 'leaf')],
      ['member node changed', (s) => {
        const c = firstCombinator(s);
        if (c.type === 'combinator') c.members.find((m) => m.node !== null)!.node = s.roots[0]!;
      }],
    ];
    for (const [what, edit] of edits) {
      const s = snapshot();
      edit(s);
      assert.notEqual(builtGraphOf(s), undefined, `${what}: the arrays are the same`);
      for (const options of [{ durations: false }, { durations: false, minPendingMs: 30 }, { durations: false, maxLines: 12 }, { durations: false, maxLines: 25 }]) assert.equal(renderText(s, options), rebuilt(s, options), what);
    }
  });

  it('rebuilds when a node only a run\'s walk or a brief line\'s path reads was edited in place (whole reports: a cut one does not read it)', () => {
    const edits: [string, (s: Snapshot) => void, TextOptions][] = [
      ['the awaits of a frame inside a collapsed run cleared', (s) => {
        let f = nodeOf(s, s.roots.find((r) => (nodeOf(s, r) as FrameNode).function === 'descend')!);
        for (let k = 0; k < 20; k++) f = nodeOf(s, f.awaits[0]!);
        f.awaits = [];
      }, { durations: false }],
      ['the awaits of a frame on a brief line\'s path cleared (the last tree is young)', (s) => (nodeOf(s, nodeOf(s, s.roots.at(-1)!).awaits[0]!).awaits = []), { durations: false, minPendingMs: 30 }],
    ];
    for (const [what, edit, options] of edits) {
      const s = snapshot();
      const before = renderText(s, options);
      edit(s);
      assert.notEqual(builtGraphOf(s), undefined, `${what}: the arrays are the same`);
      assert.notEqual(rebuilt(s, options), before, `${what}: the edit shows`);
      assert.equal(renderText(s, options), rebuilt(s, options), what);
    }
  });

  it('is what the report uses: a node it does not read, edited in place, is not seen (the rebuilt graph sees it)', () => {
    const s = snapshot();
    // The last frame: in the last tree, far past a 3-line report.
    const last = s.nodes.findLast((n): n is FrameNode => n.type === 'frame')!;
    (last as { type: string }).type = 'leaf';
    const options = { durations: false, maxLines: 3 };
    const frames = s.stats!.frames;
    assert.equal(renderText(s, options).split('\n')[0], `awaitwhat: ${frames} pending async functions`);
    assert.equal(rebuilt(s, options).split('\n')[0], `awaitwhat: ${frames - 1} pending async functions`);
  });

  it('is what a whole report uses: a member past the listed ones, edited in place, is not seen (every node it prints checked, none rebuilt)', () => {
    for (const maxMembers of [1, 99]) {
      const s = snapshot();
      const options = { durations: false, maxMembers };
      const before = renderText(s, options);
      // Promise.all over 150 calls (kept.mjs's `wide`), 100 of them pending frames: its last member frame, never listed.
      const wide = s.nodes.find((n) => n.type === 'combinator' && n.members.length === 150)!;
      const last = wide.type === 'combinator' ? wide.members.findLast((m) => m.node !== null)!.node! : '';
      (nodeOf(s, last) as { type: string }).type = 'leaf';
      assert.equal(renderText(s, options), before, `maxMembers ${maxMembers}`);
      assert.notEqual(rebuilt(s, options), before, `maxMembers ${maxMembers}: the rebuilt graph sees it`);
    }
  });

  it('with a threshold: a leaf made a frame in place is not seen (only frames are scanned), a frame made a leaf is', () => {
    const options = { durations: false, minPendingMs: 30, maxLines: 3 };
    const s = snapshot();
    const before = renderText(s, options);
    (s.nodes.findLast((n) => n.type === 'leaf') as { type: string }).type = 'frame';
    assert.equal(renderText(s, options), before);
    assert.notEqual(rebuilt(s, options), before);
    const t = snapshot();
    (t.nodes.findLast((n) => n.type === 'frame') as { type: string }).type = 'leaf';
    assert.equal(renderText(t, options), rebuilt(t, options));
    assert.notEqual(renderText(t, options), before);
  });

  it('a frame pending exactly the threshold counts, as on the rebuilt graph', () => {
    const s = snapshot();
    const frames = s.nodes.filter((n): n is FrameNode => n.type === 'frame');
    for (const f of frames) f.pendingMs = 5;
    frames[frames.length - 1]!.pendingMs = 30;
    const options = { durations: false, minPendingMs: 30 };
    const report = renderText(s, options);
    assert.equal(report.split('\n')[0], `awaitwhat: ${frames.length} pending async functions, 1 suspension pending 30ms or longer`);
    assert.equal(report, rebuilt(s, options));
  });
});
