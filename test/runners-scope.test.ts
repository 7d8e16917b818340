/**
 * A test's part of the await graph: the frames created during it (a range of the frame counter)
 * and everything they await, as a valid snapshot of its own; and, for a run that did not exit,
 * every pending frame traced to the test or hook that started it.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderText } from '../src/render/text.ts';
import { subSnapshot } from '../src/runners/scope.ts';
import { describeRun, TestLog } from '../src/runners/tests.ts';
import { looksLikeTestFile } from '../src/runners/install.ts';
import { SNAPSHOT_SCHEMA, type FrameNode, type LeafNode, type Snapshot } from '../src/snapshot/schema.ts';
import { graphProblems } from '../src/snapshot/invariants.ts';

function frame(seq: number, name: string, awaits: string[], awaitedBy: string[], text: string): FrameNode {
  return {
    id: `f${seq}`,
    type: 'frame',
    function: name,
    kind: 'function',
    location: { file: 'app.mjs', line: seq, column: 1 },
    state: 'awaiting',
    suspendedAt: { file: 'app.mjs', line: seq, column: 3, kind: 'await', text },
    pendingMs: 0,
    seq,
    awaits,
    awaitedBy,
  };
}

function leaf(id: string, text: string, awaitedBy: string[]): LeafNode {
  return { id, type: 'leaf', valueKind: 'promise', text, location: { file: 'app.mjs', line: 1, column: 1 }, awaits: [], awaitedBy };
}

/** server (1) awaits handle (3) awaits query (4) awaits a socket read; poll (2) and later (5) wait for timers. */
function snapshot(): Snapshot {
  const nodes = [
    frame(1, 'server', ['f3'], [], 'await handle()'),
    frame(2, 'poll', ['l1'], [], 'await sleep(60_000)'),
    frame(3, 'handle', ['f4'], ['f1'], 'await query()'),
    frame(4, 'query', ['l2'], ['f3'], 'await socket.read()'),
    frame(5, 'later', ['l3'], [], 'await sleep(1)'),
    leaf('l1', 'sleep(60_000)', ['f2']),
    leaf('l2', 'socket.read()', ['f4']),
    leaf('l3', 'sleep(1)', ['f5']),
  ];
  return { schema: SNAPSHOT_SCHEMA, capturedAt: 0, pid: 1, threadId: 0, nodes, roots: ['f1', 'f2', 'f5'], cycles: [], stats: { frames: 5, collected: 0, evicted: 0, omitted: 0 } };
}

describe('a test’s part of a snapshot', () => {
  it('frames created during the test and what they await; their older awaiter is left out, and the result is a valid snapshot', () => {
    const part = subSnapshot(snapshot(), (seq) => seq > 2 && seq <= 4);
    assert.deepEqual(graphProblems(part), []);
    assert.deepEqual(part.roots, ['f3']);
    assert.equal(part.stats.frames, 2);
    assert.equal(
      renderText(part, { durations: false }),
      [
        'awaitwhat: 2 pending async functions',
        '',
        'handle  app.mjs:3:3  await query()',
        '└─ query  app.mjs:4:3  await socket.read()',
        '   └─ socket.read()  — a promise no instrumented code created',
        '',
      ].join('\n'),
    );
  });

  it('a frame created during the test that awaits an older one takes that one along', () => {
    const s = snapshot();
    const part = subSnapshot(s, (seq) => seq === 1);
    assert.deepEqual(graphProblems(part), []);
    assert.deepEqual(part.nodes.map((n) => n.id), ['f1', 'f3', 'f4', 'l2']);
  });
});

describe('TestLog: which test or hook started a frame', () => {
  it('ranges of the frame counter between start and end; frames between runs belong to none', () => {
    let counter = 0;
    const log = new TestLog(() => counter);
    const hook = log.start('"before all" hook in "db"', 'hook');
    counter = 1;
    log.end(hook);
    const a = log.start('db > connects', 'test');
    counter = 3;
    log.end(a);
    counter = 4;
    const b = log.start('db > queries', 'test');
    log.end(b);
    assert.deepEqual([1, 2, 3, 4, 5].map((seq) => describeRun(log.startedBy(seq))), [
      '"before all" hook in "db"',
      'test "db > connects"',
      'test "db > connects"',
      'outside any test or hook',
      'outside any test or hook',
    ]);
    assert.deepEqual(
      log.byRun(snapshot()).map(({ run, snapshot: part }) => [describeRun(run), part.nodes.map((n) => n.id)]),
      [
        ['"before all" hook in "db"', ['f1', 'f3', 'f4', 'l2']],
        ['test "db > connects"', ['f2', 'f3', 'f4', 'l1', 'l2']],
        // query (4) was created after "connects" ended: its own part too, besides the part of its awaiter's test.
        ['outside any test or hook', ['f4', 'f5', 'l2', 'l3']],
      ],
    );
  });
});

describe('which entry points node --test would take for test files', () => {
  it('its default name patterns, in every JavaScript and TypeScript extension, and anything under test/ (paths relative to the working directory)', () => {
    const yes = ['a.test.mjs', 'a-test.js', 'a_test.cjs', 'test-a.ts', 'test.js', 'test/helpers/db.mjs', 'src/user.test.mts', 'pkg/test/a.js'];
    const no = ['server.mjs', 'contest.js', 'latest.mjs', 'testing.js', 'node_modules/x/test/a.js', 'test.json', 'attest-a.js', '../test/a.mjs'];
    assert.deepEqual(yes.filter((f) => !looksLikeTestFile(f)), []);
    assert.deepEqual(no.filter((f) => looksLikeTestFile(f)), []);
  });
});
