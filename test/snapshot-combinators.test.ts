/**
 * Combinators of any size, from a real program: every member counted exactly, the first 1000
 * listed, the others counted by state, and every pending member linked to the combinator (none
 * is a tree of its own). The whole graph is compared, built here member by member.
 */

// Holders (on by default in --once reports, tested in heap-cli.test.ts) are off here: these tests are
// about the await graph, and a heap snapshot per run would only slow them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { renderText, type Snapshot } from '../dist/index.js';
import { canonicalGraph } from '../dist/snapshot/canonical.js';
import { graphProblems } from '../dist/snapshot/invariants.js';
import { runCli } from './support/run.ts';

const FIXTURE = 'test/fixtures/graph/many-members.mjs';
const MEMBERS = 1500;
const LISTED = 1000;
const settlesAtOnce = (i: number): boolean => i % 3 === 0;

async function reportOf(program: string): Promise<Snapshot> {
  const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-graph-'));
  try {
    const out = join(dir, 'report.json');
    const r = await runCli(['--no-holders', '--once', '--after', '250ms', '--format', 'json', '--out', out, program]);
    assert.equal(r.code, 124, r.stderr);
    return JSON.parse(readFileSync(out, 'utf8')) as Snapshot;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Promise.all over 1500 async calls', () => {
  let snapshot: Snapshot;
  before(async () => {
    snapshot = await reportOf(FIXTURE);
  });

  it('counts every member, lists the first 1000, and links every pending one to the combinator', () => {
    assert.deepEqual(graphProblems(snapshot), []);

    // Canonical names: main is f1, then the pending work frames in call order; each awaits its own leaf.
    const name = new Map<number, string>();
    for (let i = 0; i < MEMBERS; i++) if (!settlesAtOnce(i)) name.set(i, `f${name.size + 2}`);
    const pending = [...name.values()];
    const location = (line: number) => ({ file: FIXTURE, line, column: 1 });
    const work = [...name].map(([, id], k) => ({
      id,
      type: 'frame',
      function: 'work',
      kind: 'function',
      location: location(2),
      state: 'awaiting',
      suspendedAt: { file: FIXTURE, line: 4, column: 3, kind: 'await', text: 'await new Promise(() => {})' },
      seq: k + 2,
      awaits: [`l${k + 1}`],
      awaitedBy: ['c1'],
    }));
    const members = [];
    for (let i = 0; i < LISTED; i++) members.push({ index: i, text: '', state: settlesAtOnce(i) ? 'fulfilled' : 'pending', node: name.get(i) ?? null });
    const leaves = pending.map((id, k) => ({
      id: `l${k + 1}`,
      type: 'leaf',
      valueKind: 'promise',
      text: 'new Promise(() => {})',
      location: { file: FIXTURE, line: 4, column: 3 },
      createdAt: { file: FIXTURE, line: 4, column: 9 },
      awaits: [],
      awaitedBy: [id],
    }));
    assert.deepEqual(canonicalGraph(snapshot), {
      schema: 'awaitwhat.snapshot/1',
      threadId: 0,
      roots: ['f1'],
      cycles: [],
      stats: { frames: 1 + pending.length, collected: 0, evicted: 0, omitted: 0 },
      nodes: [
        {
          id: 'f1',
          type: 'frame',
          function: 'main',
          kind: 'function',
          location: location(7),
          state: 'awaiting',
          suspendedAt: { file: FIXTURE, line: 9, column: 3, kind: 'await', text: 'await Promise.all(ids.map((id) => work(id)))' },
          seq: 1,
          awaits: ['c1'],
          awaitedBy: [],
        },
        ...work,
        {
          id: 'c1',
          type: 'combinator',
          combinator: 'all',
          members,
          pending: 1000,
          total: MEMBERS,
          states: { pending: 1000, fulfilled: 500, rejected: 0, value: 0, unknown: 0 },
          membersKnown: true,
          awaits: pending,
          awaitedBy: ['f1'],
        },
        ...leaves,
      ],
    });
  });

  it('the text lists 100 members, counts the other 1400 by state, and shows no member as a tree of its own', () => {
    const lines = [
      'awaitwhat: 1001 pending async functions',
      '',
      'main  test/fixtures/graph/many-members.mjs:9:3  await Promise.all(ids.map((id) => work(id)))',
      '└─ Promise.all: 1000 of 1500 pending',
    ];
    for (let i = 0; i < 100; i++) {
      if (settlesAtOnce(i)) lines.push(`   ├─ [${i}] fulfilled`);
      else lines.push(`   ├─ [${i}] work  ${FIXTURE}:4:3  await new Promise(() => {})`, `   │  └─ new Promise(() => {})  — a new Promise at ${FIXTURE}:4`);
    }
    lines.push('   └─ … 1400 more members: 934 pending, 466 fulfilled', '');
    assert.equal(renderText(snapshot, { durations: false }), lines.join('\n'));
  });
});

describe('Promise.all over calls whose frames are not consecutive (each waits through a call of its own)', () => {
  it('links every pending member to its own element', async () => {
    const fixture = 'test/fixtures/graph/members-with-inner-calls.mjs';
    const snapshot = await reportOf(fixture);
    assert.deepEqual(graphProblems(snapshot), []);
    const at = (line: number, column: number) => ({ file: fixture, line, column });
    // Pending members 1, 3, 5: work frames f2, f4, f6, each awaiting its inner frame f3, f5, f7, each awaiting leaf l1, l2, l3.
    const chains = [1, 2, 3].flatMap((k) => [
      {
        id: `f${2 * k}`,
        type: 'frame',
        function: 'work',
        kind: 'function',
        location: at(8, 1),
        state: 'awaiting',
        suspendedAt: { ...at(10, 3), kind: 'await', text: 'await inner()' },
        seq: 2 * k,
        awaits: [`f${2 * k + 1}`],
        awaitedBy: ['c1'],
      },
      {
        id: `f${2 * k + 1}`,
        type: 'frame',
        function: 'inner',
        kind: 'function',
        location: at(4, 1),
        state: 'awaiting',
        suspendedAt: { ...at(5, 3), kind: 'await', text: 'await new Promise(() => {})' },
        seq: 2 * k + 1,
        awaits: [`l${k}`],
        awaitedBy: [`f${2 * k}`],
      },
    ]);
    const leaves = [1, 2, 3].map((k) => ({
      id: `l${k}`,
      type: 'leaf',
      valueKind: 'promise',
      text: 'new Promise(() => {})',
      location: at(5, 3),
      awaits: [],
      awaitedBy: [`f${2 * k + 1}`],
      createdAt: at(5, 9),
    }));
    const members = [0, 1, 2, 3, 4, 5].map((i) => ({ index: i, text: '', state: i % 2 === 0 ? 'fulfilled' : 'pending', node: i % 2 === 0 ? null : `f${i + 1}` }));
    assert.deepEqual(canonicalGraph(snapshot), {
      schema: 'awaitwhat.snapshot/1',
      threadId: 0,
      roots: ['f1'],
      cycles: [],
      stats: { frames: 7, collected: 0, evicted: 0, omitted: 0 },
      nodes: [
        {
          id: 'f1',
          type: 'frame',
          function: 'main',
          kind: 'function',
          location: at(13, 1),
          state: 'awaiting',
          suspendedAt: { ...at(14, 3), kind: 'await', text: 'await Promise.all([0, 1, 2, 3, 4, 5].map((id) => work(id)))' },
          seq: 1,
          awaits: ['c1'],
          awaitedBy: [],
        },
        ...chains,
        {
          id: 'c1',
          type: 'combinator',
          combinator: 'all',
          members,
          pending: 3,
          total: 6,
          states: { pending: 3, fulfilled: 3, rejected: 0, value: 0, unknown: 0 },
          membersKnown: true,
          awaits: ['f2', 'f4', 'f6'],
          awaitedBy: ['f1'],
        },
        ...leaves,
      ],
    });
  });
});
