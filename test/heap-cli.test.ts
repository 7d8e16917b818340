/** The command's holders: --holders, --no-holders, --holders-max-heap, and their defaults. */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseArgs, DEFAULT_HOLDERS_MAX_HEAP } from '../dist/cli/args.js';
import { runCli } from './support/run.ts';

const HANG = join('test', 'fixtures', 'cli', 'hang.mjs');
const T = (text: string) => text.replace(/\d+(\.\d+)?(ms|s)\b/g, 'T');
const NEVER_LEAF = '   └─ new Promise(() => {})  — a new Promise at test/fixtures/cli/hang.mjs:3; NEVER SETTLES: nothing can settle this promise: no one holds its resolve function';

describe('holders options', () => {
  it('parse: default in ending reports, --holders everywhere, --no-holders nowhere, sizes with binary units', () => {
    const options = (args: string[]) => {
      const parsed = parseArgs([...args, 'app.mjs']);
      assert.equal(parsed.kind, 'run');
      return parsed.kind === 'run' ? [parsed.options.holders, parsed.options.holdersMaxHeapBytes] : [];
    };
    assert.deepEqual(options([]), ['default', DEFAULT_HOLDERS_MAX_HEAP]);
    assert.equal(DEFAULT_HOLDERS_MAX_HEAP, 256 * 1024 * 1024);
    assert.deepEqual(options(['--holders']), ['on', DEFAULT_HOLDERS_MAX_HEAP]);
    assert.deepEqual(options(['--holders', '--no-holders']), ['off', DEFAULT_HOLDERS_MAX_HEAP]);
    assert.deepEqual(options(['--holders-max-heap', '1GB']), ['default', 1024 ** 3]);
    assert.deepEqual(options(['--holders-max-heap=1.5g']), ['default', 1.5 * 1024 ** 3]);
    assert.deepEqual(options(['--holders-max-heap', '800k']), ['default', 800 * 1024]);
    assert.deepEqual(options(['--holders-max-heap', '4096']), ['default', 4096]);
    for (const [args, message] of [
      [['--holders-max-heap', 'lots'], '--holders-max-heap: expected a size such as 256MB or 1GB, got "lots"'],
      [['--holders-max-heap', '0'], '--holders-max-heap: expected a size above 0, got "0"'],
      [['--holders-max-heap', '12TB'], '--holders-max-heap: expected a size such as 256MB or 1GB, got "12TB"'],
      [['--holders=yes'], '--holders takes no value, got "yes"'],
    ] as const) {
      assert.throws(() => parseArgs([...args, 'app.mjs']), { name: 'UsageError', message }, args.join(' '));
    }
  });

  it('--no-holders: the --once report takes no heap snapshot', async () => {
    const r = await runCli(['--once', '--no-holders', '--after', '200ms', HANG]);
    assert.equal(r.code, 124);
    assert.equal(
      T(r.stderr),
      [
        'awaitwhat report: an await has been pending for T (threshold T)',
        'awaitwhat: 2 pending async functions, 2 suspensions pending T or longer',
        '',
        'outer  test/fixtures/cli/hang.mjs:6:3  await inner()  T',
        '└─ inner  test/fixtures/cli/hang.mjs:3:3  await new Promise(() => {})  T',
        '   └─ new Promise(() => {})  — a new Promise at test/fixtures/cli/hang.mjs:3',
        '',
      ].join('\n'),
    );
  });

  it('--holders-max-heap below the heap in use: skipped, and the report says why and what it would have cost', async () => {
    const r = await runCli(['--once', '--holders-max-heap', '1k', '--after', '200ms', HANG]);
    assert.equal(r.code, 124);
    assert.equal(
      r.stderr.replace(/\d+(\.\d+)? (MB|GB|ms|s)\b/g, 'X').replace(/\d+(\.\d+)?(ms|s)\b/g, 'T'),
      [
        'awaitwhat report: an await has been pending for T (threshold T)',
        'awaitwhat: 2 pending async functions, 2 suspensions pending T or longer',
        'awaitwhat: holders not analysed: the heap in use (X) is above the limit (X); a heap snapshot would stop the program for about X and need about X of memory',
        '',
        'outer  test/fixtures/cli/hang.mjs:6:3  await inner()  T',
        '└─ inner  test/fixtures/cli/hang.mjs:3:3  await new Promise(() => {})  T',
        '   └─ new Promise(() => {})  — a new Promise at test/fixtures/cli/hang.mjs:3',
        '',
      ].join('\n'),
    );
  });

  it('--holders: the reports before the end have holders too', async () => {
    const r = await runCli(['--holders', '--after', '200ms', HANG], { killAfterMs: 6000 });
    const first = r.stderr.split('awaitwhat report: ')[1]!;
    assert.equal(
      T(first),
      [
        'an await has been pending for T (threshold T)',
        'awaitwhat: 2 pending async functions, 2 suspensions pending T or longer',
        'awaitwhat: 1 wait can never end: nothing can settle what it waits for (heap analysed in T)',
        '',
        'outer  test/fixtures/cli/hang.mjs:6:3  await inner()  T',
        '└─ inner  test/fixtures/cli/hang.mjs:3:3  await new Promise(() => {})  T',
        NEVER_LEAF,
        '',
      ].join('\n'),
    );
  });

  it('without --holders, the reports before the end have none', async () => {
    const r = await runCli(['--after', '200ms', HANG], { killAfterMs: 3000 });
    const first = r.stderr.split('awaitwhat report: ')[1]!;
    assert.equal(T(first).split('\n')[2], '');
    assert.ok(!r.stderr.includes('NEVER SETTLES'), r.stderr);
  });

  it('--format json: the snapshot carries the summary and the leaf its holder', async () => {
    const r = await runCli(['--once', '--format', 'json', '--after', '200ms', HANG]);
    assert.equal(r.code, 124);
    const snapshot = JSON.parse(r.stderr.trimEnd()) as { holders: Record<string, unknown>; nodes: { type: string; holder?: unknown }[] };
    assert.deepEqual({ ...snapshot.holders, heapUsedBytes: 0, estimatedPauseMs: 0, estimatedPeakBytes: 0, tookMs: 0 }, {
      state: 'done',
      reason: '',
      heapUsedBytes: 0,
      estimatedPauseMs: 0,
      estimatedPeakBytes: 0,
      analysed: 1,
      neverSettle: 1,
      tookMs: 0,
    });
    assert.deepEqual(snapshot.nodes.find((n) => n.type === 'leaf')!.holder, {
      state: 'never',
      text: 'nothing can settle this promise: no one holds its resolve function',
      holder: '',
      package: null,
      facts: {},
      alternatives: 0,
      path: [],
    });
  });

  it('worker threads: each thread of a --once report has its own holders', async () => {
    const r = await runCli(['--once', '--after', '1s', join('test', 'fixtures', 'cli', 'threads-main.mjs')], { killAfterMs: 60_000 });
    assert.equal(r.code, 124);
    // Either thread may be the one that reports; each section is checked for its own thread.
    const sections = r.stderr.split(/^awaitwhat report: /m).filter((s) => s !== '');
    const worker = sections.find((s) => s.includes('threads-worker.mjs'))!;
    const main = sections.find((s) => s.includes('threads-main.mjs'))!;
    assert.match(worker, /^awaitwhat: 1 wait can never end: nothing can settle what it waits for \(heap analysed in [\d.]+m?s\)$/m);
    assert.ok(worker.includes('   └─ new Promise(() => {})  — a new Promise at test/fixtures/cli/threads-worker.mjs:5; NEVER SETTLES: nothing can settle this promise: no one holds its resolve function\n'), worker);
    assert.match(main, /^awaitwhat: every awaited promise is held by something that can settle it \(heap analysed in [\d.]+m?s\)$/m);
    assert.ok(main.includes("   └─ once(worker, 'message')  — a promise no instrumented code created; held by Worker._events.message (1 listener, thread 1)\n"), main);
  });
});
