/**
 * Worker threads in a `--once` or Ctrl-C report: the thread that reports gathers every other
 * thread's graph, each under its thread id, before the process ends (issue 8.3); a thread busy in
 * synchronous code is named as not answering rather than waited for.
 *
 * In the hung programs here every thread's wait crosses the threshold at about the same time, and
 * which thread's timer sees it first is up to the scheduler: each test accepts the report from any
 * of them, exactly — the reporting thread's section first, then the others' by thread id.
 */

// These reports are about threads, processes and files: holders (on by default in --once and Ctrl-C
// reports, tested in heap-cli.test.ts) are turned off so that each test sees only what it is about.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, withoutDurations, type RunResult } from './support/run.ts';

const FIXTURES = join('test', 'fixtures', 'cli');

/** One thread's pending functions, as a text report draws them (durations as T). */
interface ThreadChain {
  threadId: number;
  frames: number;
  lines: string[];
}

function threadName(id: number): string {
  return id === 0 ? 'main thread' : `worker thread ${id}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The text report when `reporter` crosses the threshold first and gathers the other threads. */
function reportFrom(reporter: ThreadChain, others: ThreadChain[]): string {
  const where = reporter.threadId === 0 ? '' : `${threadName(reporter.threadId)}: `;
  const sections = [
    [
      `awaitwhat report: ${where}an await has been pending for T (threshold T)`,
      `awaitwhat: ${plural(reporter.frames, 'pending async function')}, ${plural(reporter.frames, 'suspension')} pending T or longer`,
      '',
      ...reporter.lines,
      '',
    ],
    ...others.map((t) => [`awaitwhat report: ${threadName(t.threadId)}, at the same time`, `awaitwhat: ${plural(t.frames, 'pending async function')}`, '', ...t.lines, '']),
  ];
  return sections.map((lines) => lines.join('\n')).join('\n');
}

/** Asserts that `r` is the report from one of `threads` (any), with every other thread gathered. */
function assertReportFromAnyThread(r: RunResult, threads: ThreadChain[], stdout: string): void {
  const stderr = withoutDurations(r.stderr);
  const candidates = threads.map((reporter) => reportFrom(reporter, threads.filter((t) => t !== reporter)));
  const match = candidates.find((candidate) => candidate === stderr);
  assert.deepEqual({ ...r, stderr: match ?? stderr }, { code: 124, signal: null, stdout, stderr: match ?? candidates[0], killed: false });
}

const MAIN_ASKS: ThreadChain = {
  threadId: 0,
  frames: 2,
  lines: [
    "<anonymous>  test/fixtures/cli/threads-main.mjs:14:57  await ask(worker, 'config')  T",
    "└─ ask  test/fixtures/cli/threads-main.mjs:8:20  await once(worker, 'message')  T",
    "   └─ once(worker, 'message')  — a promise no instrumented code created",
  ],
};
const WORKER_HANGS: ThreadChain = {
  threadId: 1,
  frames: 2,
  lines: [
    'handle  test/fixtures/cli/threads-worker.mjs:10:26  await readStore(question)  T',
    '└─ readStore  test/fixtures/cli/threads-worker.mjs:5:3  await new Promise(() => {})  T',
    '   └─ new Promise(() => {})  — a new Promise at test/fixtures/cli/threads-worker.mjs:5',
  ],
};

describe('threads in one report', { concurrency: 2 }, () => {
  it('--once: the report shows both the main thread waiting for its worker and the worker whose handler hangs', async () => {
    const r = await runCli(['--no-holders', '--once', '--after', '1s', join(FIXTURES, 'threads-main.mjs')], { killAfterMs: 30_000 });
    assertReportFromAnyThread(r, [MAIN_ASKS, WORKER_HANGS], 'worker: reading config\n');
  });

  it('Ctrl-C: the main thread reports the worker too, then the process ends as SIGINT would end it', async () => {
    const r = await runCli(['--no-holders', join(FIXTURES, 'threads-main.mjs')], { signal: 'SIGINT', signalWhenStdout: 'worker: reading config', killAfterMs: 30_000 });
    assert.deepEqual(
      { ...r, stderr: withoutDurations(r.stderr) },
      {
        code: null,
        signal: 'SIGINT',
        stdout: 'worker: reading config\n',
        stderr: [
          'awaitwhat report: interrupted (SIGINT)',
          'awaitwhat: 2 pending async functions',
          '',
          ...MAIN_ASKS.lines,
          '',
          'awaitwhat report: worker thread 1, at the same time',
          'awaitwhat: 2 pending async functions',
          '',
          ...WORKER_HANGS.lines,
          '',
        ].join('\n'),
        killed: false,
      },
    );
  });

  it("nested workers: worker 1's own worker is found through worker 1's answer (and worker 1 through the main thread's)", async () => {
    const r = await runCli(['--no-holders', '--once', '--after', '1s', join(FIXTURES, 'threads-nested.mjs')], { killAfterMs: 30_000 });
    assertReportFromAnyThread(
      r,
      [
        {
          threadId: 0,
          frames: 1,
          lines: ["relay  test/fixtures/cli/threads-nested.mjs:7:20  await once(worker, 'message')  T", "└─ once(worker, 'message')  — a promise no instrumented code created"],
        },
        {
          threadId: 1,
          frames: 2,
          lines: [
            '<anonymous>  test/fixtures/cli/threads-nested.mjs:20:67  await relay(inner)  T',
            "└─ relay  test/fixtures/cli/threads-nested.mjs:7:20  await once(worker, 'message')  T",
            "   └─ once(worker, 'message')  — a promise no instrumented code created",
          ],
        },
        {
          threadId: 2,
          frames: 2,
          lines: [
            '<anonymous>  test/fixtures/cli/threads-nested.mjs:24:65  await hang()  T',
            '└─ hang  test/fixtures/cli/threads-nested.mjs:11:3  await new Promise(() => {})  T',
            '   └─ new Promise(() => {})  — a new Promise at test/fixtures/cli/threads-nested.mjs:11',
          ],
        },
      ],
      '',
    );
  });

  it('a worker busy in synchronous code is named as not answering, not waited for', async () => {
    const r = await runCli(['--no-holders', '--once', '--after', '300ms', join(FIXTURES, 'threads-busy.mjs')], { killAfterMs: 30_000 });
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
          "compute  test/fixtures/cli/threads-busy.mjs:8:3  await once(worker, 'message')  T",
          "└─ once(worker, 'message')  — a promise no instrumented code created",
          '',
          'awaitwhat: worker thread 1 did not answer within T (busy in synchronous code?); its graph is not shown',
          '',
        ].join('\n'),
        killed: false,
      },
    );
  });

  it('--format json: one snapshot per thread, the reporting thread first', async () => {
    const r = await runCli(['--no-holders', '--once', '--after', '1s', '--format', 'json', join(FIXTURES, 'threads-main.mjs')], { killAfterMs: 30_000 });
    assert.equal(r.code, 124);
    const snapshots = r.stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as { pid: number; threadId: number; nodes: { type: string; function?: string }[] });
    const frames = (s: (typeof snapshots)[number]) => [s.threadId, s.nodes.filter((n) => n.type === 'frame').map((n) => n.function)];
    const main = [0, ['<anonymous>', 'ask']];
    const worker = [1, ['handle', 'readStore']];
    assert.ok(
      [JSON.stringify([main, worker]), JSON.stringify([worker, main])].includes(JSON.stringify(snapshots.map(frames))),
      JSON.stringify(snapshots.map(frames)),
    );
    assert.equal(snapshots[0]!.pid, snapshots[1]!.pid);
  });
});
