/**
 * renderText()'s line budgets where a report is cut, exactly (issue 15.5: each case kills a
 * mutant of src/render that the other render tests let live, see docs/MUTATION.md): a tree that
 * ends on the last line it may use, a collapsed run that crosses the limit as the tree's last
 * entry, the room kept for the trees after one, and the lines a deadlock needs.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderText, type FrameNode, type Snapshot } from '../dist/index.js';

interface FrameSpec {
  fn: string;
  line?: number;
  /** The suspension's line (the definition's by default). */
  at?: number;
  text?: string;
  awaits?: string[];
  awaitedBy?: string[];
}

function frame(seq: number, spec: FrameSpec): FrameNode {
  const line = spec.line ?? seq;
  return {
    id: `f${seq}`,
    type: 'frame',
    function: spec.fn,
    kind: 'function',
    location: { file: 'app.mjs', line, column: 1 },
    state: 'awaiting',
    suspendedAt: { file: 'app.mjs', line: spec.at ?? line, column: 3, kind: 'await', text: spec.text ?? `await x${seq}()` },
    pendingMs: 1500,
    seq,
    awaits: spec.awaits ?? [],
    awaitedBy: spec.awaitedBy ?? [],
  };
}

function snapshotOf(nodes: FrameNode[], roots: string[], cycles: string[][] = []): Snapshot {
  return { schema: 'awaitwhat.snapshot/1', capturedAt: 0, pid: 1, threadId: 0, nodes, roots, cycles, stats: { frames: nodes.length, collected: 0, evicted: 0, omitted: 0 } };
}

/** Frames f<first>… each awaiting the next. */
function chain(first: number, specs: FrameSpec[]): FrameNode[] {
  return specs.map((spec, k) => {
    const seq = first + k;
    return frame(seq, { ...spec, awaits: k + 1 < specs.length ? [`f${seq + 1}`] : [], awaitedBy: k === 0 ? [] : [`f${seq - 1}`] });
  });
}

/** `count` trees of two frames each: t<k>a awaiting t<k>b. */
function twoFrameTrees(count: number): Snapshot {
  const nodes: FrameNode[] = [];
  const roots: string[] = [];
  for (let t = 0; t < count; t++) {
    roots.push(`f${2 * t + 1}`);
    nodes.push(...chain(2 * t + 1, [{ fn: `t${t}a` }, { fn: `t${t}b` }]));
  }
  return snapshotOf(nodes, roots);
}

/** main awaiting a recursion of `depth` frames of rec, all at one await: one collapsed run. */
function recursion(depth: number): Snapshot {
  const rec: FrameSpec = { fn: 'rec', line: 50, at: 51, text: 'await rec()' };
  return snapshotOf(chain(1, [{ fn: 'main' }, ...Array.from({ length: depth }, () => rec)]), ['f1']);
}

/** Two frames awaiting each other. */
function deadlock(): Snapshot {
  return snapshotOf([frame(1, { fn: 'c0x', awaits: ['f2'], awaitedBy: ['f2'] }), frame(2, { fn: 'c0y', awaits: ['f1'], awaitedBy: ['f1'] })], [], [['f1', 'f2']]);
}

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

describe('renderText() where the report is cut, exactly', () => {
  it('a tree that ends on the last line it may use is whole: no notice of a cut', () => {
    // maxLines 6 leaves 4 lines for the report (2 for the notice): title, blank, two frames.
    assert.equal(renderText(twoFrameTrees(1), { durations: false, maxLines: 6 }), lines(
      'awaitwhat: 2 pending async functions',
      '',
      't0a  app.mjs:1:3  await x1()',
      '└─ t0b  app.mjs:2:3  await x2()',
    ));
  });

  it('a collapsed run that crosses the limit as the last entry is cut back to the limit, with the notice', () => {
    // The run prints its first frame, the count and its last frame in one step: the last is past line 5.
    assert.equal(renderText(recursion(5), { durations: false, maxLines: 7 }), lines(
      'awaitwhat: 6 pending async functions',
      '',
      'main  app.mjs:1:3  await x1()',
      '└─ rec  app.mjs:51:3  await rec()',
      '   └─ … 3 more rec at the same await',
      '',
      '… output cut at 7 lines',
    ));
  });

  it('the room kept for later trees shrinks as trees are shown: the last one fits in full', () => {
    // Before the second tree none come after it, so no line is kept for a one-line list.
    assert.equal(renderText(twoFrameTrees(2), { durations: false, maxLines: 10 }), lines(
      'awaitwhat: 4 pending async functions',
      '',
      't0a  app.mjs:1:3  await x1()',
      '└─ t0b  app.mjs:2:3  await x2()',
      '',
      't1a  app.mjs:3:3  await x3()',
      '└─ t1b  app.mjs:4:3  await x4()',
    ));
  });

  it('a deadlock is listed only when all its lines fit in half the report', () => {
    // Half of 8 is 4 lines; the deadlock needs a blank, a header, its 2 frames and the return: 6 with the title.
    assert.equal(renderText(deadlock(), { durations: false, maxLines: 8 }), lines(
      'awaitwhat: 2 pending async functions',
      '',
      '… 1 more deadlock not listed',
      '',
      'c0x  app.mjs:1:3  await x1()',
      '└─ c0y  app.mjs:2:3  await x2()',
      '',
      '… output cut at 8 lines',
    ));
  });
});
