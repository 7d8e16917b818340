/**
 * Command mode: `awaitwhat [options] [--] <command> [args…]` runs a command (not a script) with
 * every Node.js process it starts instrumented through NODE_OPTIONS (the user's kept), each report
 * labelled with its pid, and the script mode's options. A bare word is a script when node would run
 * it from the working directory, else a command on PATH; a path to an executable file without a
 * Node.js extension is a command. Bad commands end as a shell would: 127 not found, 126 not
 * executable.
 */

import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NODE, ROOT, run, runCli, withoutDurations, type RunResult } from './support/run.ts';

const COMMAND = join(ROOT, 'test', 'fixtures', 'cli', 'command');
const HANG = join('test', 'fixtures', 'cli', 'command', 'hang-pid.mjs');
const EXIT_3 = join('test', 'fixtures', 'cli', 'command', 'exit-3.mjs');
const RESOLVE = join(ROOT, 'test', 'fixtures', 'cli', 'resolve');

/** An environment whose PATH starts with the fixtures' commands, and whose run-node.sh runs the Node.js under test. */
function commandEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${COMMAND}${delimiter}${process.env.PATH ?? ''}`, AWAITWHAT_TEST_NODE_BIN: NODE, ...extra };
}

function reportedPid(r: RunResult): number {
  const match = /^pid (\d+): instrumented true$/m.exec(r.stdout);
  assert.ok(match !== null, `no pid line in ${JSON.stringify(r)}`);
  return Number(match[1]);
}

function hangReport(pid: number): string {
  return [
    `awaitwhat report: process ${pid}: an await has been pending for T (threshold T)`,
    'awaitwhat: 2 pending async functions, 2 suspensions pending T or longer',
    // A --once report has holders by default: the promise nobody can resolve is proven so.
    'awaitwhat: 1 wait can never end: nothing can settle what it waits for (heap analysed in T)',
    '',
    'handle  test/fixtures/cli/command/hang-pid.mjs:6:3  await query()  T',
    '└─ query  test/fixtures/cli/command/hang-pid.mjs:3:3  await new Promise(() => {})  T',
    '   └─ new Promise(() => {})  — a new Promise at test/fixtures/cli/command/hang-pid.mjs:3; NEVER SETTLES: nothing can settle this promise: no one holds its resolve function',
    '',
  ].join('\n');
}

describe('command mode', { concurrency: 2 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'awaitwhat-command-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  const HUNG: [string, string[]][] = [
    ['a bare word on PATH (a shell script that runs node)', ['run-node.sh', HANG]],
    ['a bare word after --', ['--', 'run-node.sh', HANG]],
    ['an absolute path to the node binary', [NODE, HANG]],
  ];
  for (const [what, command] of HUNG) {
    it(`${what}: the Node.js process it starts reports under its pid, and --once ends the tree with 124`, async () => {
      const r = await runCli(['--once', '--after', '300ms', ...command], { env: commandEnv(), killAfterMs: 30_000 });
      const pid = reportedPid(r);
      assert.deepEqual({ ...r, stderr: withoutDurations(r.stderr) }, { code: 124, signal: null, stdout: `pid ${pid}: instrumented true\n`, stderr: hangReport(pid), killed: false });
    });
  }

  it('--out and --format json work as in script mode: one snapshot, from the command’s Node.js process', async () => {
    const out = join(scratch, 'report.json');
    const r = await runCli(['--once', '--after', '300ms', '--format', 'json', '--out', out, 'run-node.sh', HANG], { env: commandEnv(), killAfterMs: 30_000 });
    const pid = reportedPid(r);
    assert.deepEqual(r, { code: 124, signal: null, stdout: `pid ${pid}: instrumented true\n`, stderr: '', killed: false });
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 1);
    const snapshot = JSON.parse(lines[0]!) as { pid: number; nodes: { type: string; function?: string }[] };
    assert.equal(snapshot.pid, pid);
    assert.deepEqual(snapshot.nodes.filter((n) => n.type === 'frame').map((n) => n.function), ['handle', 'query']);
  });

  it('without a hang, the output and exit code are the command’s own, and the user’s NODE_OPTIONS stay in force', async () => {
    const env = commandEnv({ NODE_OPTIONS: "--import=data:text/javascript,console.log('user-import')" });
    const plain = await run([EXIT_3], { env });
    assert.deepEqual(plain, { code: 3, signal: null, stdout: 'user-import\ninstrumented false\n', stderr: '', killed: false });
    const r = await runCli(['run-node.sh', EXIT_3], { env });
    // The awaitwhat command is a Node.js process under the same NODE_OPTIONS: it prints the line too.
    assert.deepEqual(r, { ...plain, stdout: 'user-import\nuser-import\ninstrumented true\n' });
  });

  it('a command that dies of a signal makes awaitwhat die of it too', async () => {
    const r = await runCli(['sh', '-c', 'kill -TERM $$'], { env: commandEnv() });
    assert.deepEqual(r, { code: null, signal: 'SIGTERM', stdout: '', stderr: '', killed: false });
  });

  it('a bare word node would run from the working directory is a script, even when a command of that name is on PATH', async () => {
    writeFileSync(join(scratch, 'probed'), '#!/bin/sh\necho "the command ran"\n');
    chmodSync(join(scratch, 'probed'), 0o755);
    const r = await runCli(['probed'], { cwd: RESOLVE, env: commandEnv({ PATH: `${scratch}${delimiter}${process.env.PATH ?? ''}` }) });
    assert.deepEqual(r, { code: 0, signal: null, stdout: 'ran probed.js, instrumented true\n', stderr: '', killed: false });
  });

  it('a command not found is exit 127 with the shell’s message (and no usage)', async () => {
    const r = await runCli(['awaitwhat-no-such-command', 'x'], { env: commandEnv() });
    assert.deepEqual(r, { code: 127, signal: null, stdout: '', stderr: `awaitwhat: awaitwhat-no-such-command: command not found (not a script node would run from ${ROOT.replace(/\/$/, '')} either)\n`, killed: false });
  });

  it('a command on PATH that is not executable is exit 126', async () => {
    writeFileSync(join(scratch, 'not-executable'), '#!/bin/sh\n');
    chmodSync(join(scratch, 'not-executable'), 0o644);
    const r = await runCli(['not-executable'], { env: commandEnv({ PATH: scratch }) });
    assert.deepEqual(r, { code: 126, signal: null, stdout: '', stderr: 'awaitwhat: not-executable: Permission denied\n', killed: false });
  });

  it('a path with a script extension that does not exist is still a missing script (exit 2 with the usage)', async () => {
    const r = await runCli(['run-node.mjs'], { env: commandEnv() });
    assert.equal(r.code, 2);
    assert.ok(r.stderr.startsWith('awaitwhat: script not found: run-node.mjs\n\nUsage: awaitwhat'), r.stderr);
  });

  it('--no-children is refused for a command (exit 2 with the usage)', async () => {
    const r = await runCli(['--no-children', 'run-node.sh', HANG], { env: commandEnv() });
    assert.equal(r.code, 2);
    assert.ok(
      r.stderr.startsWith('awaitwhat: --no-children applies to scripts only; run-node.sh is a command, whose Node.js processes are all instrumented through NODE_OPTIONS\n\nUsage: awaitwhat'),
      r.stderr,
    );
  });
});
