/** Renderers on hand-made snapshots: exact output, shared nodes, cycles, and graphs of any size. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderDot, renderJson, renderText, type CombinatorMember, type CombinatorNode, type FrameNode, type GroupNode, type LeafNode, type Snapshot, type SnapshotNode } from '../dist/index.js';

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

function leaf(id: string, text: string, awaitedBy: string[], valueKind: LeafNode['valueKind'] = 'promise'): LeafNode {
  return { id, type: 'leaf', valueKind, text, location: { file: 'app.mjs', line: 1, column: 1 }, awaits: [], awaitedBy };
}

/** A combinator whose counts are those of its members (plus `unlisted`, counted but not listed). */
function combinator(id: string, members: CombinatorMember[], awaitedBy: string[], unlisted: Partial<CombinatorNode['states']> = {}): CombinatorNode {
  const states = { pending: 0, fulfilled: 0, rejected: 0, value: 0, unknown: 0, ...unlisted };
  for (const m of members) states[m.state]++;
  const total = Object.values(states).reduce((a, b) => a + b, 0);
  const awaits = members.flatMap((m) => (m.node === null ? [] : [m.node]));
  return { id, type: 'combinator', combinator: 'all', members, pending: states.pending, total, states, membersKnown: true, awaits, awaitedBy };
}

function group(id: string, text: string, calls: number, awaits: string[], awaitedBy: string[]): GroupNode {
  return { id, type: 'group', text, calls, awaits, awaitedBy };
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

  it('with minPendingMs, shows stuck trees in full and every other tree in one line, from its first frame to what its innermost frame awaits', () => {
    // The knex case: a transaction stuck on a thenable, and the younger chain it waits for behind the library.
    const s = snapshotOf(
      [
        frame(1, 'handler', 10, 'await db.transaction(work)', ['l1'], [], 1200),
        frame(2, 'work', 20, 'await nextInvoiceNumber(trx)', ['f3'], [], 958),
        frame(3, 'nextInvoiceNumber', 30, "await db.raw('select …')", ['l2'], ['f2'], 957),
        frame(4, 'audit', 40, 'await log()', ['l3'], [], 10),
        leaf('l1', 'db.transaction(work)', ['f1'], 'thenable'),
        leaf('l2', "db.raw('select …')", ['f3']),
        leaf('l3', 'log()', ['f4']),
      ],
      ['f1', 'f2', 'f4'],
    );
    assert.equal(
      renderText(s, { minPendingMs: 1000 }),
      [
        'awaitwhat: 4 pending async functions, 1 suspension pending 1.0s or longer',
        '',
        'handler  app.mjs:10:3  await db.transaction(work)  1.2s',
        '└─ db.transaction(work)  — a thenable (its state cannot be read)',
        '',
        '2 other pending trees, each pending less than 1.0s, one line each (first frame → innermost await → what it waits for):',
        "work  app.mjs:20:3 → nextInvoiceNumber  app.mjs:30:3  await db.raw('select …')  957ms → db.raw('select …')  — a promise no instrumented code created",
        'audit  app.mjs:40:3  await log()  10ms → log()  — a promise no instrumented code created',
        '',
      ].join('\n'),
    );
  });

  it('one-line trees name how many frames lie between the first and the innermost, and an await cycle where the path meets one', () => {
    const s = snapshotOf(
      [
        frame(1, 'top', 1, 'await a()', ['f2'], [], 5),
        frame(2, 'a', 2, 'await b()', ['f3'], ['f1'], 5),
        frame(3, 'b', 3, 'await c()', ['f4'], ['f2'], 5),
        frame(4, 'c', 4, 'await sleep(5)', ['l1'], ['f3'], 5),
        frame(5, 'x', 5, 'await y', ['f6'], ['f6'], 5),
        frame(6, 'y', 6, 'await x', ['f5'], ['f5'], 5),
        leaf('l1', 'sleep(5)', ['f4']),
      ],
      ['f1'],
      [['f5', 'f6']],
    );
    assert.equal(
      renderText(s, { minPendingMs: 1000, durations: false }),
      [
        'awaitwhat: 6 pending async functions, 0 suspensions pending 1.0s or longer',
        '',
        'DEADLOCK: 2 frames await each other',
        '   x  app.mjs:5:3  await y',
        ' → y  app.mjs:6:3  await x',
        ' → x (again)',
        '',
        '2 other pending trees, each pending less than 1.0s, one line each (first frame → innermost await → what it waits for):',
        'top  app.mjs:1:3 → … 2 more → c  app.mjs:4:3  await sleep(5) → sleep(5)  — a promise no instrumented code created',
        'x  app.mjs:5:3 → y  app.mjs:6:3  await x → x  app.mjs:5:3 (again: an await cycle)',
        '',
      ].join('\n'),
    );
  });

  it('renders a 100k-deep chain and a 100k-long cycle without exhausting the stack, the repeating pair collapsed', () => {
    const n = 100_000;
    const chain: SnapshotNode[] = [];
    for (let i = 1; i <= n; i++) chain.push(frame(i, i % 2 ? 'ping' : 'pong', i % 2 ? 1 : 2, 'await other()', i < n ? [`f${i + 1}`] : [`f1`], i > 1 ? [`f${i - 1}`] : [`f${n}`]));
    const cyclic = snapshotOf(chain, [], [chain.map((f) => f.id)]);
    const cycleLines: string[] = [];
    for (let i = 0; i < 19; i++) cycleLines.push(`${i === 0 ? '   ' : ' → '}${i % 2 ? 'pong  app.mjs:2:3' : 'ping  app.mjs:1:3'}  await other()`);
    assert.equal(
      renderText(cyclic, { durations: false, maxLines: 100 }),
      [
        'awaitwhat: 100000 pending async functions',
        '',
        'DEADLOCK: 100000 frames await each other',
        ...cycleLines,
        ' → … 99981 more',
        ' → ping (again)',
        '',
        'ping  app.mjs:1:3  await other()',
        '└─ pong  app.mjs:2:3  await other()',
        '   └─ … 49998 more repetitions of ping → pong (99996 frames)',
        '      └─ ping  app.mjs:1:3  await other()',
        '         └─ pong  app.mjs:2:3  await other()',
        '            └─ ping  app.mjs:1:3 (shown above)',
        '',
      ].join('\n'),
    );
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

describe('renderText() on deep graphs: output linear in the frames shown', () => {
  it('collapses a 200k-deep alternating recursion a → b → c, whatever its period', () => {
    const n = 200_002;
    const nodes: SnapshotNode[] = [];
    for (let i = 1; i <= n; i++) nodes.push(frame(i, 'abc'[(i - 1) % 3]!, ((i - 1) % 3) + 1, 'await next(n - 1)', i < n ? [`f${i + 1}`] : ['l1'], i > 1 ? [`f${i - 1}`] : []));
    nodes.push(leaf('l1', 'sleep(1000)', [`f${n}`]));
    assert.equal(
      renderText(snapshotOf(nodes, ['f1']), { durations: false }),
      [
        'awaitwhat: 200002 pending async functions',
        '',
        'a  app.mjs:1:3  await next(n - 1)',
        '└─ b  app.mjs:2:3  await next(n - 1)',
        '   └─ c  app.mjs:3:3  await next(n - 1)',
        '      └─ … 66665 more repetitions of a → b → c (199995 frames)',
        '         └─ a  app.mjs:1:3  await next(n - 1)',
        '            └─ b  app.mjs:2:3  await next(n - 1)',
        '               └─ c  app.mjs:3:3  await next(n - 1)',
        // The last frame is one past the last whole repetition: shown on its own.
        '                  └─ a  app.mjs:1:3  await next(n - 1)',
        '                     └─ sleep(1000)  — a promise no instrumented code created',
        '',
      ].join('\n'),
    );
  });

  it('does not collapse a pattern repeated collapseAfter times or fewer', () => {
    const nodes: SnapshotNode[] = [];
    for (let i = 1; i <= 6; i++) nodes.push(frame(i, 'ab'[(i - 1) % 2]!, ((i - 1) % 2) + 1, 'await next()', i < 6 ? [`f${i + 1}`] : [], i > 1 ? [`f${i - 1}`] : []));
    const text = renderText(snapshotOf(nodes, ['f1']), { durations: false, collapseAfter: 3 });
    assert.equal(text.split('\n').length, 9, text);
    assert.doesNotMatch(text, /more repetitions/);
  });

  it('caps indentation: a 200k-deep chain of distinct frames continues at the left margin every 24 levels, lines never longer', () => {
    const n = 200_000;
    const nodes: SnapshotNode[] = [];
    for (let i = 1; i <= n; i++) nodes.push(frame(i, `fn${i}`, i, 'await next()', i < n ? [`f${i + 1}`] : [], i > 1 ? [`f${i - 1}`] : []));
    const text = renderText(snapshotOf(nodes, ['f1']), { durations: false });
    const lines = text.split('\n');
    assert.equal(lines.length, 5001);
    assert.deepEqual(lines.slice(4998), ['', '… output cut at 5000 lines', '']);
    const deepestIndent = Math.max(...lines.map((l) => l.length - l.trimStart().length));
    assert.equal(deepestIndent, 24 * 3);
    assert.deepEqual(lines.slice(26, 30), [
      `${' '.repeat(69)}└─ fn25  app.mjs:25:3  await next()`,
      `${' '.repeat(72)}↓ depth 25 and below continue at the left margin`,
      '└─ fn26  app.mjs:26:3  await next()',
      '   └─ fn27  app.mjs:27:3  await next()',
    ]);
  });
});

describe('renderText() on combinators and groups', () => {
  it('lists maxMembers members and counts the others by state', () => {
    const nodes: SnapshotNode[] = [frame(1, 'main', 1, 'await Promise.all(jobs)', ['c1'], [])];
    const members: CombinatorMember[] = [];
    for (let i = 0; i < 6; i++) {
      if (i % 3 === 2) members.push({ index: i, text: '', state: 'fulfilled', node: null });
      else {
        nodes.push(frame(i + 2, 'job', 5, 'await sleep(1000)', [], ['c1']));
        members.push({ index: i, text: '', state: 'pending', node: `f${i + 2}` });
      }
    }
    nodes.push(combinator('c1', members, ['f1'], { pending: 1400, rejected: 3, value: 1, unknown: 2 }));
    assert.equal(
      renderText(snapshotOf(nodes, ['f1']), { durations: false, maxMembers: 4 }),
      [
        'awaitwhat: 5 pending async functions',
        '',
        'main  app.mjs:1:3  await Promise.all(jobs)',
        '└─ Promise.all: 1404 of 1412 pending, 2 of unknown state',
        '   ├─ [0] job  app.mjs:5:3  await sleep(1000)',
        '   ├─ [1] job  app.mjs:5:3  await sleep(1000)',
        '   ├─ [2] fulfilled',
        '   ├─ [3] job  app.mjs:5:3  await sleep(1000)',
        '   └─ … 1408 more members: 1401 pending, 1 fulfilled, 3 rejected, 1 not a promise, 2 of unknown state',
        '',
      ].join('\n'),
    );
  });

  it('says what is known of never-settling thenables in Promise.all: their state cannot be read', () => {
    const s = snapshotOf(
      [
        frame(1, 'main', 1, 'await Promise.all([a, b])', ['c1'], []),
        combinator('c1', [{ index: 0, text: 'a', state: 'unknown', node: 'l1' }, { index: 1, text: 'b', state: 'unknown', node: 'l2' }], ['f1']),
        leaf('l1', 'a', ['c1'], 'thenable'),
        leaf('l2', 'b', ['c1'], 'thenable'),
      ],
      ['f1'],
    );
    assert.equal(
      renderText(s, { durations: false }),
      [
        'awaitwhat: 1 pending async function',
        '',
        'main  app.mjs:1:3  await Promise.all([a, b])',
        '└─ Promise.all: 0 of 2 pending, 2 of unknown state',
        '   ├─ [0] a  — a thenable (its state cannot be read)',
        '   └─ [1] b  — a thenable (its state cannot be read)',
        '',
      ].join('\n'),
    );
  });

  it('prints a group under its awaiter, with the calls still pending out of those started', () => {
    const s = snapshotOf(
      [
        frame(1, 'main', 1, 'await pMap(ids, load)', ['g1'], []),
        frame(2, 'load', 5, 'await fetch(id)', ['l1'], ['g1']),
        frame(3, 'load', 5, 'await fetch(id)', ['l2'], ['g1']),
        group('g1', 'pMap(ids, load)', 3, ['f2', 'f3'], ['f1']),
        leaf('l1', 'fetch(id)', ['f2']),
        leaf('l2', 'fetch(id)', ['f3']),
      ],
      ['f1'],
    );
    assert.equal(
      renderText(s, { durations: false }),
      [
        'awaitwhat: 3 pending async functions',
        '',
        'main  app.mjs:1:3  await pMap(ids, load)',
        '└─ pMap(ids, load): 2 of 3 calls into instrumented code still pending',
        '   ├─ load  app.mjs:5:3  await fetch(id)',
        '   │  └─ fetch(id)  — a promise no instrumented code created',
        '   └─ load  app.mjs:5:3  await fetch(id)',
        '      └─ fetch(id)  — a promise no instrumented code created',
        '',
      ].join('\n'),
    );
  });

  it('with source text omitted, every label still says something: shared leaves and groups included', () => {
    const s = snapshotOf(
      [frame(1, 'a', 1, '', ['l1'], []), frame(2, 'b', 2, '', ['l1'], []), frame(3, 'c', 3, '', ['g1'], []), group('g1', '', 1, [], ['f3']), leaf('l1', '', ['f1', 'f2'])],
      ['f1', 'f2', 'f3'],
    );
    assert.equal(
      renderText(s, { durations: false }),
      [
        'awaitwhat: 3 pending async functions',
        '',
        'a  app.mjs:1:3',
        '└─ <text omitted>  — a promise no instrumented code created',
        '',
        'b  app.mjs:2:3',
        '└─ <text omitted> (shown above)',
        '',
        'c  app.mjs:3:3',
        '└─ <text omitted>: 0 of 1 call into instrumented code still pending',
        '',
      ].join('\n'),
    );
    assert.equal(
      renderDot(s, { durations: false }),
      [
        'digraph awaitwhat {',
        '  rankdir=TB;',
        '  node [fontname="monospace", fontsize=10];',
        '  "f1" [shape=box, label="a\\napp.mjs:1:3"];',
        '  "f2" [shape=box, label="b\\napp.mjs:2:3"];',
        '  "f3" [shape=box, label="c\\napp.mjs:3:3"];',
        '  "g1" [shape=box, style=dashed, label="<text omitted>\\n0 of 1 call into instrumented code still pending"];',
        '  "l1" [shape=ellipse, label="<text omitted>\\n(promise)"];',
        '  "f1" -> "l1";',
        '  "f2" -> "l1";',
        '  "f3" -> "g1";',
        '}',
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
  it('stops at maxLines however many trees remain, keeps room for a line each for some, and counts the rest', () => {
    const nodes: SnapshotNode[] = [];
    const roots: string[] = [];
    for (let i = 1; i <= 10_000; i++) {
      nodes.push(frame(i, `job${i}`, i, 'await x', [], []));
      roots.push(`f${i}`);
    }
    const lines = renderText(snapshotOf(nodes, roots), { durations: false, maxLines: 12 }).split('\n');
    assert.deepEqual(lines, [
      'awaitwhat: 10000 pending async functions',
      '',
      'job1  app.mjs:1:3  await x',
      '',
      'job2  app.mjs:2:3  await x',
      '',
      '9998 more trees, one line each (no room to show them in full):',
      'job3  app.mjs:3:3  await x',
      'job4  app.mjs:4:3  await x',
      'job5  app.mjs:5:3  await x',
      '',
      '… output cut at 12 lines; 9995 more trees not shown',
      '',
    ]);
  });

  it('a stuck tree too large to show leaves room for a line for each tree under the threshold', () => {
    const nodes: SnapshotNode[] = [];
    for (let i = 1; i <= 100; i++) nodes.push(frame(i, `deep${i}`, i, 'await next()', i < 100 ? [`f${i + 1}`] : [], i > 1 ? [`f${i - 1}`] : [], 5000));
    nodes.push(frame(101, 'young', 101, 'await y', [], [], 10), frame(102, 'younger', 102, 'await z', [], [], 5));
    const lines = renderText(snapshotOf(nodes, ['f1', 'f101', 'f102']), { durations: false, minPendingMs: 1000, maxLines: 16 }).split('\n');
    assert.deepEqual(lines, [
      'awaitwhat: 102 pending async functions, 100 suspensions pending 1.0s or longer',
      '',
      'deep1  app.mjs:1:3  await next()',
      '└─ deep2  app.mjs:2:3  await next()',
      '   └─ deep3  app.mjs:3:3  await next()',
      '      └─ deep4  app.mjs:4:3  await next()',
      '         └─ deep5  app.mjs:5:3  await next()',
      '            └─ deep6  app.mjs:6:3  await next()',
      '               └─ deep7  app.mjs:7:3  await next()',
      '                  └─ deep8  app.mjs:8:3  await next()',
      '',
      '2 other pending trees, each pending less than 1.0s, one line each (first frame → innermost await → what it waits for):',
      'young  app.mjs:101:3  await y',
      'younger  app.mjs:102:3  await z',
      '',
      '… output cut at 16 lines',
      '',
    ]);
  });

  it('a frame awaiting its own promise is a deadlock of one frame', () => {
    const s = snapshotOf([frame(1, 'selfish', 3, 'await self', ['f1'], ['f1'])], [], [['f1']]);
    assert.equal(
      renderText(s, { durations: false }),
      [
        'awaitwhat: 1 pending async function',
        '',
        'DEADLOCK: 1 frame awaits itself',
        '   selfish  app.mjs:3:3  await self',
        ' → selfish (again)',
        '',
        'selfish  app.mjs:3:3  await self',
        '└─ selfish  app.mjs:3:3 (shown above)',
        '',
      ].join('\n'),
    );
  });
});
