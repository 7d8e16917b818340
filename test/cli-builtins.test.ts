/**
 * The command's code in the program's process (the preload's timer, the reporter, the thread
 * gathering, the snapshot builder, the heap analysis of holders, the renderer, the --out writer)
 * calls none of the program's replacements of built-ins: it uses what it captured before the
 * program ran (issue 9.2, the CLI's part; the renderer's since s21; the snapshot's and the heap
 * analysis's since s22, issue 15). The fixture's replacements throw when awaitwhat's code calls
 * them, as a program's own patch might.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, withoutDurations } from './support/run.ts';

const FIXTURE = join('test', 'fixtures', 'cli', 'patched-builtins.mjs');
const REPORT = [
  'awaitwhat report: an await has been pending for T (threshold T)',
  'awaitwhat: 3 pending async functions, 3 suspensions pending T or longer',
  'awaitwhat: 1 wait can never end: nothing can settle what it waits for (heap analysed in T)',
  '',
  "ask  test/fixtures/cli/patched-builtins.mjs:122:20  await once(worker, 'message')  T",
  "└─ once(worker, 'message')  — a promise no instrumented code created; held by Worker._events.message (1 listener, thread 1)",
  '',
  'nap  test/fixtures/cli/patched-builtins.mjs:128:3  await new Promise((resolve) => setTimeout(resolve, 600_000))  T',
  '└─ new Promise((resolve) => setTimeout(resolve, 600_000))  — a new Promise at test/fixtures/cli/patched-builtins.mjs:128; held by Timeout._onTimeout (timer T, T left)',
  '',
  'stuck  test/fixtures/cli/patched-builtins.mjs:131:3  await new Promise(() => {})  T',
  '└─ new Promise(() => {})  — a new Promise at test/fixtures/cli/patched-builtins.mjs:131; NEVER SETTLES: nothing can settle this promise: no one holds its resolve function',
  '',
].join('\n');
const STDOUT = "replaced built-ins awaitwhat's command called: []\n";

describe("a program that replaces built-ins after awaitwhat loaded", { concurrency: 2 }, () => {
  it('still gets its report on stderr, and none of its replacements is called', async () => {
    const r = await runCli(['--once', '--after', '1s', FIXTURE], { killAfterMs: 60_000 });
    assert.deepEqual({ ...r, stderr: withoutDurations(r.stderr) }, { code: 124, signal: null, stdout: STDOUT, stderr: REPORT, killed: false });
  });

  it('still gets its Graphviz report (--format dot), and none of its replacements is called', async () => {
    const r = await runCli(['--once', '--after', '1s', '--format', 'dot', FIXTURE], { killAfterMs: 60_000 });
    const dot = [
      'digraph awaitwhat {',
      '  rankdir=TB;',
      '  node [fontname="monospace", fontsize=10];',
      `  "f1" [shape=box, label="ask\\ntest/fixtures/cli/patched-builtins.mjs:122:20\\nawait once(worker, 'message')\\nT"];`,
      `  "f2" [shape=box, label="nap\\ntest/fixtures/cli/patched-builtins.mjs:128:3\\nawait new Promise((resolve) => setTimeout(resolve, 600_000))\\nT"];`,
      `  "f3" [shape=box, label="stuck\\ntest/fixtures/cli/patched-builtins.mjs:131:3\\nawait new Promise(() => {})\\nT"];`,
      `  "l1" [shape=ellipse, label="once(worker, 'message')\\n(promise)\\nheld by Worker._events.message (1 listener, thread 1)"];`,
      `  "l2" [shape=ellipse, label="new Promise((resolve) => setTimeout(resolve, 600_000))\\n(promise)\\nheld by Timeout._onTimeout (timer T, T left)"];`,
      `  "l3" [shape=ellipse, color=red, fontcolor=red, label="new Promise(() => {})\\n(promise)\\nNEVER SETTLES: nothing can settle this promise: no one holds its resolve function"];`,
      '  "f1" -> "l1";',
      '  "f2" -> "l2";',
      '  "f3" -> "l3";',
      '}',
      '',
    ].join('\n');
    assert.deepEqual({ ...r, stderr: withoutDurations(r.stderr) }, { code: 124, signal: null, stdout: STDOUT, stderr: dot, killed: false });
  });

  it('still gets its snapshot (--format json) with every holder, and none of its replacements is called', async () => {
    const r = await runCli(['--once', '--after', '1s', '--format', 'json', FIXTURE], { killAfterMs: 60_000 });
    assert.deepEqual({ ...r, stderr: '' }, { code: 124, signal: null, stdout: STDOUT, stderr: '', killed: false });
    const snapshot = JSON.parse(r.stderr) as Record<string, unknown> & { nodes: Record<string, unknown>[]; holders: Record<string, unknown> };
    const file = 'test/fixtures/cli/patched-builtins.mjs';
    const at = (line: number, column: number) => ({ file, line, column });
    const frame = (seq: number, fn: string, line: number, site: [number, number], text: string) => ({
      id: `f${seq}`,
      type: 'frame',
      function: fn,
      kind: 'function',
      location: at(line, 1),
      state: 'awaiting',
      suspendedAt: { ...at(site[0], site[1]), kind: 'await', text },
      pendingMs: 'T',
      seq,
      awaits: [`l${seq}`],
      awaitedBy: [],
    });
    // Measured figures (times, sizes, the process) as T; each holder's path as its last step (the
    // steps before it run through Node.js's own objects, which differ between versions).
    const nodes = snapshot.nodes.map((node) => {
      const copy: Record<string, unknown> = { ...node };
      if (typeof copy['pendingMs'] === 'number') copy['pendingMs'] = 'T';
      const holder = copy['holder'] as { facts: Record<string, unknown>; path: string[] } | undefined;
      if (holder !== undefined) {
        const facts = { ...holder.facts };
        if (typeof facts['leftMs'] === 'number' && facts['leftMs'] > 0 && facts['leftMs'] <= 600_000) facts['leftMs'] = 'T';
        copy['holder'] = { ...holder, text: withoutDurations((holder as unknown as { text: string }).text), facts, path: holder.path.slice(-1) };
      }
      return copy;
    });
    const holder = (state: string, text: string, holderText: string, facts: Record<string, unknown>, path: string[]) => ({ state, text, holder: holderText, package: null, facts, alternatives: 0, path });
    assert.deepEqual(nodes, [
      frame(1, 'ask', 120, [122, 20], "await once(worker, 'message')"),
      frame(2, 'nap', 127, [128, 3], 'await new Promise((resolve) => setTimeout(resolve, 600_000))'),
      frame(3, 'stuck', 130, [131, 3], 'await new Promise(() => {})'),
      {
        id: 'l1',
        type: 'leaf',
        valueKind: 'promise',
        text: "once(worker, 'message')",
        location: at(122, 20),
        awaits: [],
        awaitedBy: ['f1'],
        holder: holder('held', 'Worker._events.message (1 listener, thread 1)', 'Worker._events.message', { event: 'message', listeners: 1, threadId: 1 }, ['variable resolve → closure (anonymous)']),
      },
      {
        id: 'l2',
        type: 'leaf',
        valueKind: 'promise',
        text: 'new Promise((resolve) => setTimeout(resolve, 600_000))',
        location: at(128, 3),
        awaits: [],
        awaitedBy: ['f2'],
        createdAt: at(128, 9),
        holder: holder('held', 'Timeout._onTimeout (timer T, T left)', 'Timeout._onTimeout', { delayMs: 600_000, leftMs: 'T' }, ['._onTimeout → closure (anonymous)']),
      },
      {
        id: 'l3',
        type: 'leaf',
        valueKind: 'promise',
        text: 'new Promise(() => {})',
        location: at(131, 3),
        awaits: [],
        awaitedBy: ['f3'],
        createdAt: at(131, 9),
        holder: holder('never', 'nothing can settle this promise: no one holds its resolve function', '', {}, []),
      },
    ]);
    const { heapUsedBytes, estimatedPauseMs, estimatedPeakBytes, tookMs, ...summary } = snapshot.holders;
    assert.deepEqual(
      [typeof heapUsedBytes, typeof estimatedPauseMs, typeof estimatedPeakBytes, typeof tookMs, summary],
      ['number', 'number', 'number', 'number', { state: 'done', reason: '', analysed: 3, neverSettle: 1 }],
    );
    const { capturedAt, pid, nodes: _nodes, holders: _holders, ...rest } = snapshot;
    assert.deepEqual([typeof capturedAt, typeof pid, rest], [
      'number',
      'number',
      { schema: 'awaitwhat.snapshot/1', threadId: 0, roots: ['f1', 'f2', 'f3'], cycles: [], stats: { frames: 3, collected: 0, evicted: 0, omitted: 0 } },
    ]);
  });

  it('still gets its report in the --out file, and none of its replacements is called', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-builtins-'));
    try {
      const out = join(dir, 'report.txt');
      const r = await runCli(['--once', '--after', '1s', '--out', out, FIXTURE], { killAfterMs: 60_000 });
      assert.deepEqual(r, { code: 124, signal: null, stdout: STDOUT, stderr: '', killed: false });
      assert.equal(withoutDurations(readFileSync(out, 'utf8')), REPORT);
      assert.deepEqual(readdirSync(dir), ['report.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
