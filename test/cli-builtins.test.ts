/**
 * The command's code in the program's process (the preload's timer, the reporter, the thread
 * gathering, the renderer, the --out writer) calls none of the program's replacements of built-ins:
 * it uses what it captured before the program ran (issue 9.2, the CLI's part; the renderer's since s21). The fixture's replacements throw
 * when the command's code calls them, as a program's own patch might.
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
  'awaitwhat: 1 pending async function, 1 suspension pending T or longer',
  'awaitwhat: every awaited promise is held by something that can settle it (heap analysed in T)',
  '',
  "ask  test/fixtures/cli/patched-builtins.mjs:75:20  await once(worker, 'message')  T",
  "└─ once(worker, 'message')  — a promise no instrumented code created; held by Worker._events.message (1 listener, thread 1)",
  '',
].join('\n');
const STDOUT = "replaced built-ins awaitwhat's command called: []\n";

describe("a program that replaces built-ins after awaitwhat loaded", { concurrency: 2 }, () => {
  it('still gets its report on stderr, and none of its replacements is called', async () => {
    const r = await runCli(['--once', '--after', '1s', FIXTURE], { killAfterMs: 30_000 });
    assert.deepEqual({ ...r, stderr: withoutDurations(r.stderr) }, { code: 124, signal: null, stdout: STDOUT, stderr: REPORT, killed: false });
  });

  it('still gets its Graphviz report (--format dot), and none of its replacements is called', async () => {
    const r = await runCli(['--once', '--after', '1s', '--format', 'dot', FIXTURE], { killAfterMs: 30_000 });
    const dot = [
      'digraph awaitwhat {',
      '  rankdir=TB;',
      '  node [fontname="monospace", fontsize=10];',
      `  "f1" [shape=box, label="ask\\ntest/fixtures/cli/patched-builtins.mjs:75:20\\nawait once(worker, 'message')\\nT"];`,
      `  "l1" [shape=ellipse, label="once(worker, 'message')\\n(promise)\\nheld by Worker._events.message (1 listener, thread 1)"];`,
      '  "f1" -> "l1";',
      '}',
      '',
    ].join('\n');
    assert.deepEqual({ ...r, stderr: withoutDurations(r.stderr) }, { code: 124, signal: null, stdout: STDOUT, stderr: dot, killed: false });
  });

  it('still gets its report in the --out file, and none of its replacements is called', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-builtins-'));
    try {
      const out = join(dir, 'report.txt');
      const r = await runCli(['--once', '--after', '1s', '--out', out, FIXTURE], { killAfterMs: 30_000 });
      assert.deepEqual(r, { code: 124, signal: null, stdout: STDOUT, stderr: '', killed: false });
      assert.equal(withoutDurations(readFileSync(out, 'utf8')), REPORT);
      assert.deepEqual(readdirSync(dir), ['report.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
