/**
 * Worker threads in a `--once` or Ctrl-C report: the thread that reports gathers every other
 * thread's graph, each under its thread id, before the process ends (issue 8.3); a thread busy in
 * synchronous code is named as not answering rather than waited for.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, withoutDurations } from './support/run.ts';

const FIXTURES = join('test', 'fixtures', 'cli');

const MAIN_WAITS = [
  '<anonymous>  test/fixtures/cli/threads-main.mjs:14:57  await ask(worker, \'config\')  T',
  '└─ ask  test/fixtures/cli/threads-main.mjs:8:20  await once(worker, \'message\')  T',
  '   └─ once(worker, \'message\')  — a promise no instrumented code created',
];
const WORKER_HANGS = [
  'awaitwhat report: worker thread 1, at the same time',
  'awaitwhat: 2 pending async functions',
  '',
  'handle  test/fixtures/cli/threads-worker.mjs:10:26  await readStore(question)  T',
  '└─ readStore  test/fixtures/cli/threads-worker.mjs:5:3  await new Promise(() => {})  T',
  '   └─ new Promise(() => {})  — a promise no instrumented code created',
  '',
];

describe('threads in one report', { concurrency: 2 }, () => {
  it("--once: the main thread's report, crossing the threshold first, shows the worker whose handler hangs", async () => {
    const r = await runCli(['--once', '--after', '1s', join(FIXTURES, 'threads-main.mjs')], { killAfterMs: 30_000 });
    assert.deepEqual(
      { ...r, stderr: withoutDurations(r.stderr) },
      {
        code: 124,
        signal: null,
        stdout: 'worker: reading config\n',
        stderr: [
          'awaitwhat report: an await has been pending for T (threshold T)',
          'awaitwhat: 2 pending async functions, 2 suspensions pending T or longer',
          '',
          ...MAIN_WAITS,
          '',
          ...WORKER_HANGS,
        ].join('\n'),
        killed: false,
      },
    );
  });

  it('Ctrl-C: the report shows the worker too, then the process ends as SIGINT would end it', async () => {
    const r = await runCli([join(FIXTURES, 'threads-main.mjs')], { signal: 'SIGINT', signalWhenStdout: 'worker: reading config', killAfterMs: 30_000 });
    assert.deepEqual(
      { ...r, stderr: withoutDurations(r.stderr) },
      {
        code: null,
        signal: 'SIGINT',
        stdout: 'worker: reading config\n',
        stderr: ['awaitwhat report: interrupted (SIGINT)', 'awaitwhat: 2 pending async functions', '', ...MAIN_WAITS, '', ...WORKER_HANGS].join('\n'),
        killed: false,
      },
    );
  });

  it("nested workers: worker 1's own worker is found through worker 1's answer", async () => {
    const r = await runCli(['--once', '--after', '1s', join(FIXTURES, 'threads-nested.mjs')], { killAfterMs: 30_000 });
    assert.deepEqual(
      { ...r, stderr: withoutDurations(r.stderr) },
      {
        code: 124,
        signal: null,
        stdout: '',
        stderr: [
          'awaitwhat report: an await has been pending for T (threshold T)',
          'awaitwhat: 1 pending async function, 1 suspension pending T or longer',
          '',
          'relay  test/fixtures/cli/threads-nested.mjs:8:20  await once(worker, \'message\')  T',
          '└─ once(worker, \'message\')  — a promise no instrumented code created',
          '',
          'awaitwhat report: worker thread 1, at the same time',
          'awaitwhat: 2 pending async functions',
          '',
          '<anonymous>  test/fixtures/cli/threads-nested.mjs:21:84  await relay(inner)  T',
          '└─ relay  test/fixtures/cli/threads-nested.mjs:8:20  await once(worker, \'message\')  T',
          '   └─ once(worker, \'message\')  — a promise no instrumented code created',
          '',
          'awaitwhat report: worker thread 2, at the same time',
          'awaitwhat: 2 pending async functions',
          '',
          '<anonymous>  test/fixtures/cli/threads-nested.mjs:25:82  await hang()  T',
          '└─ hang  test/fixtures/cli/threads-nested.mjs:12:3  await new Promise(() => {})  T',
          '   └─ new Promise(() => {})  — a promise no instrumented code created',
          '',
        ].join('\n'),
        killed: false,
      },
    );
  });

  it('a worker busy in synchronous code is named as not answering, not waited for', async () => {
    const r = await runCli(['--once', '--after', '300ms', join(FIXTURES, 'threads-busy.mjs')], { killAfterMs: 30_000 });
    assert.deepEqual(
      { ...r, stderr: withoutDurations(r.stderr) },
      {
        code: 124,
        signal: null,
        stdout: '',
        stderr: [
          'awaitwhat report: an await has been pending for T (threshold T)',
          'awaitwhat: 1 pending async function, 1 suspension pending T or longer',
          '',
          'compute  test/fixtures/cli/threads-busy.mjs:8:3  await once(worker, \'message\')  T',
          '└─ once(worker, \'message\')  — a promise no instrumented code created',
          '',
          'awaitwhat: worker thread 1 did not answer within T (busy in synchronous code?); its graph is not shown',
          '',
        ].join('\n'),
        killed: false,
      },
    );
  });

  it('--format json: one snapshot per thread, the reporting thread first', async () => {
    const r = await runCli(['--once', '--after', '1s', '--format', 'json', join(FIXTURES, 'threads-main.mjs')], { killAfterMs: 30_000 });
    assert.equal(r.code, 124);
    const snapshots = r.stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as { pid: number; threadId: number; nodes: { type: string; function?: string }[] });
    assert.deepEqual(
      snapshots.map((s) => [s.threadId, s.nodes.filter((n) => n.type === 'frame').map((n) => n.function)]),
      [
        [0, ['<anonymous>', 'ask']],
        [1, ['handle', 'readStore']],
      ],
    );
    assert.equal(snapshots[0]!.pid, snapshots[1]!.pid);
  });
});
