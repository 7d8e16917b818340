/**
 * The processes the script starts: forked children, cluster workers, and `node` spawned directly or
 * through a shell are instrumented too (through NODE_OPTIONS, keeping the user's), their reports are
 * labelled with their pid (and cluster worker id), and `--once` ends the whole tree with exit code
 * 124 after the first report. `--no-children` keeps it to the script's own process.
 */

// These reports are about threads, processes and files: holders (on by default in --once and Ctrl-C
// reports, tested in heap-cli.test.ts) are turned off so that each test sees only what it is about.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run, runCli, withoutDurations, type RunResult } from './support/run.ts';

const CHILDREN = join('test', 'fixtures', 'cli', 'children');

/** The report a hung child prints, under its label. */
function childReport(label: string): string {
  return [
    `awaitwhat report: ${label}: an await has been pending for T (threshold T)`,
    'awaitwhat: 2 pending async functions, 2 suspensions pending T or longer',
    '',
    'handle  test/fixtures/cli/children/hung-child.mjs:6:3  await query()  T',
    '└─ query  test/fixtures/cli/children/hung-child.mjs:3:3  await new Promise(() => {})  T',
    '   └─ new Promise(() => {})  — a new Promise at test/fixtures/cli/children/hung-child.mjs:3',
    '',
  ].join('\n');
}

function childPid(run: RunResult): number {
  const match = /^child (\d+): /m.exec(run.stdout);
  assert.ok(match !== null, `no child line in ${JSON.stringify(run)}`);
  return Number(match[1]);
}

describe('processes the script starts', { concurrency: 2 }, () => {
  const TREES: [string, string, (pid: number) => string][] = [
    ['fork.mjs', 'parent', (pid) => `process ${pid}`],
    ['cluster.mjs', 'primary', (pid) => `process ${pid} (cluster worker 1)`],
    ['spawn-node.mjs', 'parent', (pid) => `process ${pid}`],
    ['spawn-shell.mjs', 'parent', (pid) => `process ${pid}`],
  ];
  for (const [fixture, parent, label] of TREES) {
    it(`${fixture}: the child's hang is reported under its pid, then --once ends the whole tree with 124`, async () => {
      // The run ends only when every process holding its stdout has ended: the whole tree.
      const r = await runCli(['--no-holders', '--once', '--after', '300ms', join(CHILDREN, fixture)], { killAfterMs: 30_000 });
      const pid = childPid(r);
      assert.deepEqual(
        { ...r, stderr: withoutDurations(r.stderr) },
        { code: 124, signal: null, stdout: `${parent}: instrumented true\nchild ${pid}: instrumented true\n`, stderr: childReport(label(pid)), killed: false },
      );
    });
  }

  it('hung-parent.mjs: the script reports, and --once also ends the idle child it forked (which would outlive it)', async () => {
    const r = await runCli(['--no-holders', '--once', '--after', '300ms', join(CHILDREN, 'hung-parent.mjs')], { killAfterMs: 30_000 });
    const pid = childPid(r);
    assert.deepEqual(
      { ...r, stderr: withoutDurations(r.stderr) },
      {
        code: 124,
        signal: null,
        stdout: `parent: instrumented true\nchild ${pid}: instrumented true\n`,
        stderr: [
          'awaitwhat report: an await has been pending for T (threshold T)',
          'awaitwhat: 1 pending async function, 1 suspension pending T or longer',
          '',
          'serve  test/fixtures/cli/children/hung-parent.mjs:5:3  await new Promise(() => {})  T',
          '└─ new Promise(() => {})  — a new Promise at test/fixtures/cli/children/hung-parent.mjs:5',
          '',
        ].join('\n'),
        killed: false,
      },
    );
  });

  it('fork.mjs with --no-children: the child is not instrumented, and nothing is reported', async () => {
    const r = await runCli(['--no-children', '--once', '--after', '300ms', join(CHILDREN, 'fork.mjs')], { signal: 'SIGTERM', signalWhenStdout: 'child', killAfterMs: 30_000 });
    const pid = childPid(r);
    assert.deepEqual(r, { code: null, signal: 'SIGTERM', stdout: `parent: instrumented true\nchild ${pid}: instrumented false\n`, stderr: '', killed: false });
  });

  it('spawn-node.mjs with --no-children: the spawned node is not instrumented, and nothing is reported', async () => {
    let stopping = false;
    const r = await runCli(['--no-children', '--once', '--after', '300ms', join(CHILDREN, 'spawn-node.mjs')], {
      killAfterMs: 30_000,
      onStdout: (stdout, awaitwhat) => {
        if (stopping || !/^child \d+: .*\n/m.test(stdout)) return;
        stopping = true;
        // The script dies of the SIGTERM before its child could exit and let it end by itself;
        // then the child, not a forked one, which would outlive its parent (with or without
        // awaitwhat) and keep the output open.
        const child = childPid({ code: null, signal: null, stdout, stderr: '', killed: false });
        awaitwhat.once('exit', () => {
          try {
            process.kill(child, 'SIGTERM');
          } catch {
            // Gone already.
          }
        });
        awaitwhat.kill('SIGTERM');
      },
    });
    const pid = childPid(r);
    assert.deepEqual(r, { code: null, signal: 'SIGTERM', stdout: `parent: instrumented true\nchild ${pid}: instrumented false\n`, stderr: '', killed: false });
  });

  const OLD_NODE = process.env.AWAITWHAT_OLD_NODE;
  it('a child running a Node.js too old for awaitwhat runs uninstrumented, with one line saying so', { skip: OLD_NODE === undefined ? 'set AWAITWHAT_OLD_NODE to a Node.js < 22.15 binary' : false }, async () => {
    const r = await runCli([join(CHILDREN, 'spawn-old-node.mjs'), OLD_NODE!]);
    const pid = /^old child (\d+): ran$/m.exec(r.stdout)?.[1];
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `old child ${pid}: ran\nparent: old child exited 0\n`);
    assert.match(r.stderr, new RegExp(`^awaitwhat: process ${pid} runs uninstrumented: awaitwhat needs Node\\.js >= 22\\.15\\.0 \\(for module\\.registerHooks\\), but this is Node\\.js \\d+\\.\\d+\\.\\d+\\. [^\\n]*\\n$`));
  });

  it("keeps the user's NODE_OPTIONS in force in the script and its children, and execArgv as without awaitwhat", async () => {
    const env = { ...process.env, NODE_OPTIONS: '--title=awaitwhat-user-title' };
    const plain = await run([join(CHILDREN, 'title.mjs')], { env });
    const line = (role: string, instrumented: boolean) => `${role}: title awaitwhat-user-title, instrumented ${instrumented}, execArgv []`;
    assert.deepEqual(plain, { code: 0, signal: null, stdout: `${line('parent', false)}\n${line('child', false)}\n`, stderr: '', killed: false });
    assert.deepEqual(await runCli([join(CHILDREN, 'title.mjs')], { env }), { ...plain, stdout: `${line('parent', true)}\n${line('child', true)}\n` });
    assert.deepEqual(await runCli(['--no-children', join(CHILDREN, 'title.mjs')], { env }), { ...plain, stdout: `${line('parent', true)}\n${line('child', false)}\n` });
  });
});
