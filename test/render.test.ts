/** Renderers on hand-made snapshots: exact output, shared nodes, cycles, and graphs of any size. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderDot, renderJson, renderText, type FrameNode, type LeafNode, type Snapshot, type SnapshotNode } from '../dist/index.js';

function frame(seq: number, fn: string, line: number, text: string, awaits: string[], awaitedBy: string[], pendingMs = 1500): FrameNode {
  return {
    id: `f${seq}`,
    type: 'frame',
    function: fn,
    kind: 'function',
    location: { file: 'app.mjs', line, column: 1 },
    state: 'awaiting',
    suspendedAt: { file: 'app.mjs', line, column: 3, kind: 'await', text },
    pendingMs,
    seq,
    awaits,
    awaitedBy,
  };
}

function leaf(id: string, text: string, awaitedBy: string[]): LeafNode {
  return { id, type: 'leaf', valueKind: 'promise', text, location: { file: 'app.mjs', line: 1, column: 1 }, awaits: [], awaitedBy };
}

function snapshotOf(nodes: SnapshotNode[], roots: string[], cycles: string[][] = []): Snapshot {
  const frames = nodes.filter((n) => n.type === 'frame').length;
  return { schema: 'awaitwhat.snapshot/1', capturedAt: 0, pid: 1, threadId: 0, nodes, roots, cycles, stats: { frames, collected: 0, evicted: 0, omitted: 0 } };
}

describe('renderText()', () => {
  it('prints a shared awaitee once and refers to it afterwards', () => {
    const s = snapshotOf(
      [frame(1, 'a', 10, 'await conn', ['f3'], []), frame(2, 'b', 20, 'await conn', ['f3'], []), frame(3, 'connect', 30, 'await socket', ['l1'], ['f1', 'f2']), leaf('l1', 'socket', ['f3'])],
      ['f1', 'f2'],
    );
    assert.equal(
      renderText(s),
      [
        'awaitwhat: 3 pending async functions',
        '',
        'a  app.mjs:10:3  await conn  1.5s',
        '└─ connect  app.mjs:30:3  await socket  1.5s',
        '   └─ socket  — a promise no instrumented code created',
        '',
        'b  app.mjs:20:3  await conn  1.5s',
        '└─ connect  app.mjs:30:3 (shown above)',
        '',
      ].join('\n'),
    );
  });

  it('shows only trees with a suspension over minPendingMs, and says how many it left out', () => {
    const s = snapshotOf([frame(1, 'slow', 1, 'await x', [], [], 9000), frame(2, 'fast', 2, 'await y', [], [], 10)], ['f1', 'f2']);
    assert.equal(
      renderText(s, { minPendingMs: 5000 }),
      ['awaitwhat: 2 pending async functions, 1 suspension pending 5.0s or longer', '', 'slow  app.mjs:1:3  await x  9.0s', '', '(1 other pending async function, each pending less than 5.0s, not shown)', ''].join('\n'),
    );
  });

  it('renders a 100k-deep chain and a 100k-long cycle without exhausting the stack', () => {
    const n = 100_000;
    const chain: SnapshotNode[] = [];
    for (let i = 1; i <= n; i++) chain.push(frame(i, i % 2 ? 'ping' : 'pong', i % 2 ? 1 : 2, 'await other()', i < n ? [`f${i + 1}`] : [`f1`], i > 1 ? [`f${i - 1}`] : [`f${n}`]));
    const cyclic = snapshotOf(chain, [], [chain.map((f) => f.id)]);
    const text = renderText(cyclic, { durations: false, maxLines: 100 });
    assert.match(text, /^awaitwhat: 100000 pending async functions\n\nDEADLOCK: 100000 frames await each other\n/);
    assert.match(text, /… output cut at 100 lines\n$/);
    const dot = renderDot(cyclic);
    assert.equal(dot.split('\n').filter((l) => l.includes('color=red')).length, n);
  });

  it('collapses long runs of the same function at the same await', () => {
    const nodes: SnapshotNode[] = [];
    for (let i = 1; i <= 50; i++) nodes.push(frame(i, 'descend', 4, 'await descend(n - 1)', i < 50 ? [`f${i + 1}`] : ['l1'], i > 1 ? [`f${i - 1}`] : []));
    nodes.push(leaf('l1', 'sleep(1000)', ['f50']));
    assert.equal(
      renderText(snapshotOf(nodes, ['f1']), { durations: false }),
      [
        'awaitwhat: 50 pending async functions',
        '',
        'descend  app.mjs:4:3  await descend(n - 1)',
        '└─ … 48 more descend at the same await',
        '   └─ descend  app.mjs:4:3  await descend(n - 1)',
        '      └─ sleep(1000)  — a promise no instrumented code created',
        '',
      ].join('\n'),
    );
  });
});

describe('renderJson() and renderDot()', () => {
  it('renderJson is one line that parses back to the snapshot', () => {
    const s = snapshotOf([frame(1, 'a', 1, 'await "quoted\\n"', [], [])], ['f1']);
    const json = renderJson(s);
    assert.equal(json.split('\n').length, 2);
    assert.deepEqual(JSON.parse(json), s);
  });

  it('renderDot escapes quotes and backslashes in labels', () => {
    const s = snapshotOf([frame(1, 'a', 1, 'await q("a\\\\b")', ['l1'], []), leaf('l1', 'q("a\\\\b")', ['f1'])], ['f1']);
    assert.equal(
      renderDot(s, { durations: false }),
      [
        'digraph awaitwhat {',
        '  rankdir=TB;',
        '  node [fontname="monospace", fontsize=10];',
        '  "f1" [shape=box, label="a\\napp.mjs:1:3\\nawait q(\\"a\\\\\\\\b\\")"];',
        '  "l1" [shape=ellipse, label="q(\\"a\\\\\\\\b\\")\\n(promise)"];',
        '  "f1" -> "l1";',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('renderers given something other than a snapshot', () => {
  const renderers = { renderText, renderDot, renderJson } as const;
  const bad: [unknown, string][] = [
    [42, 'got number 42: not an object'],
    [null, 'got null: not an object'],
    [{ schema: 'awaitwhat.snapshot/2', nodes: [] }, 'got an object: its schema is "awaitwhat.snapshot/2"'],
    [{ schema: 'awaitwhat.snapshot/1', nodes: {}, roots: [], cycles: [] }, 'got an object: its nodes is an object, not an array'],
  ];
  for (const [name, render] of Object.entries(renderers)) {
    for (const [value, reason] of bad) {
      it(`${name}(${JSON.stringify(value)}) says what it expected and what it got`, () => {
        assert.throws(() => (render as (s: unknown) => string)(value), {
          name: 'TypeError',
          message: `${name}: expected a snapshot (awaitwhat.snapshot/1, from snapshot()), got ${reason.replace(/^got /, '')}`,
        });
      });
    }
  }

  it('renderText passes over ids that name no node, in roots, awaits and cycles', () => {
    const s = snapshotOf([frame(1, 'a', 1, 'await x', ['gone'], [])], ['f1', 'missing'], [['nope']]);
    assert.equal(renderText(s, { durations: false }), 'awaitwhat: 1 pending async function\n\na  app.mjs:1:3  await x\n');
  });
});

describe('renderText() line limit', () => {
  it('stops at maxLines however many trees remain, and says so', () => {
    const nodes: SnapshotNode[] = [];
    const roots: string[] = [];
    for (let i = 1; i <= 10_000; i++) {
      nodes.push(frame(i, `job${i}`, i, 'await x', [], []));
      roots.push(`f${i}`);
    }
    const lines = renderText(snapshotOf(nodes, roots), { durations: false, maxLines: 7 }).split('\n');
    assert.deepEqual(lines, [
      'awaitwhat: 10000 pending async functions',
      '',
      'job1  app.mjs:1:3  await x',
      '',
      'job2  app.mjs:2:3  await x',
      '',
      'job3  app.mjs:3:3  await x',
      '',
      '… output cut at 7 lines',
      '',
    ]);
  });
});
