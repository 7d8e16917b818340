/** The `awaitwhat` command: arguments, report formats and destinations, signals, exit codes. */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Snapshot } from '../src/snapshot/schema.ts';
import { ReportSchedule } from '../dist/util/report-schedule.js';
import { CLI, NODE, ROOT, runCli } from './support/run.ts';

const FIXTURES = join('test', 'fixtures', 'cli');
const HANG = join(FIXTURES, 'hang.mjs');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('awaitwhat command line', { concurrency: 2 }, () => {
  it('--help prints the usage on stdout and exits 0', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: awaitwhat \[options\] <script> \[script arguments…\]\n/);
    assert.match(r.stdout, /\n  --once +print the first report \(from any process of the script\), then stop the\n +script and every process it started, with exit code 124\n/);
    assert.equal(r.stderr, '');
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    assert.equal(r.stdout, `${PKG.version}\n`);
    assert.equal(r.code, 0);
  });

  const BAD: [string[], string][] = [
    [['--after', '5 parsecs', HANG], '--after: invalid duration "5 parsecs": expected a number with a unit, such as 300ms, 5s, 2m or 1h'],
    [['--after', '0s', HANG], '--after: expected a duration above 0, got "0s"'],
    [['--format', 'xml', HANG], '--format: expected text, json or dot, got "xml"'],
    [['--frobnicate', HANG], 'unknown option "--frobnicate"'],
    [['--once=yes', HANG], '--once takes no value, got "yes"'],
    [['--out'], '--out needs a value'],
    [[], 'missing the script or command to run'],
    [['nope/missing.mjs'], 'script not found: nope/missing.mjs'],
  ];
  for (const [args, message] of BAD) {
    it(`rejects ${JSON.stringify(args)} with exit code 2 and the usage`, async () => {
      const r = await runCli(args);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.startsWith(`awaitwhat: ${message}\n\nUsage: awaitwhat`), r.stderr);
    });
  }


  it('--once prints the text report on stderr and exits 124; the script keeps its own stdout', async () => {
    const r = await runCli(['--once', '--after', '200ms', HANG]);
    assert.equal(r.code, 124);
    assert.equal(r.stdout, 'ready\n');
    const report = r.stderr.replace(/\d+(\.\d+)?(ms|s)\b/g, 'T');
    assert.equal(
      report,
      [
        'awaitwhat report: an await has been pending for T (threshold T)',
        'awaitwhat: 2 pending async functions, 2 suspensions pending T or longer',
        'awaitwhat: 1 wait can never end: nothing can settle what it waits for (heap analysed in T)',
        '',
        'outer  test/fixtures/cli/hang.mjs:6:3  await inner()  T',
        '└─ inner  test/fixtures/cli/hang.mjs:3:3  await new Promise(() => {})  T',
        '   └─ new Promise(() => {})  — a new Promise at test/fixtures/cli/hang.mjs:3; NEVER SETTLES: nothing can settle this promise: no one holds its resolve function',
        '',
      ].join('\n'),
    );
  });

  it("the header's duration is the longest one in the lines below it, and at least the threshold (issue 8.1)", async () => {
    const r = await runCli(['--once', '--after', '300ms', HANG]);
    assert.equal(r.code, 124);
    const header = /^awaitwhat report: an await has been pending for (\S+) \(threshold 300ms\)\n/.exec(r.stderr);
    assert.ok(header !== null, r.stderr);
    const ms = (text: string) => (text.endsWith('ms') ? Number(text.slice(0, -2)) : Number(text.slice(0, -1)) * 1000);
    const shown = [...r.stderr.matchAll(/ {2}(\d+ms|\d+\.\d+s)$/gm)].map((m) => m[1]!);
    assert.equal(shown.length, 2);
    const longest = shown.reduce((a, b) => (ms(b) > ms(a) ? b : a));
    assert.equal(header[1], longest);
    assert.ok(ms(header[1]!) >= 300, header[1]);
  });

  it('--format json writes one snapshot per line', async () => {
    const r = await runCli(['--once', '--after', '200ms', '--format', 'json', HANG]);
    assert.equal(r.code, 124);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1);
    const snapshot = JSON.parse(lines[0]!) as Snapshot;
    assert.equal(snapshot.schema, 'awaitwhat.snapshot/1');
    assert.deepEqual(
      snapshot.nodes.map((n) => [n.type, n.type === 'frame' ? n.function : n.type === 'leaf' ? n.text : '', n.awaits.length]),
      [
        ['frame', 'outer', 1],
        ['frame', 'inner', 1],
        ['leaf', 'new Promise(() => {})', 0],
      ],
    );
  });

  it('--format dot writes a Graphviz digraph', async () => {
    const r = await runCli(['--once', '--after', '200ms', '--format', 'dot', HANG]);
    assert.match(r.stderr, /^digraph awaitwhat \{\n/);
    assert.match(r.stderr, /"f\d+" -> "f\d+";\n/);
  });

  it('--out replaces the file with each report, created with the umask, and leaves stderr alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-cli-'));
    try {
      const out = join(dir, 'report.txt');
      const r = await runCli(['--once', '--after', '200ms', '--out', out, HANG]);
      assert.equal(r.code, 124);
      assert.equal(r.stderr, '');
      assert.match(readFileSync(out, 'utf8'), /^awaitwhat report: an await has been pending/);
      assert.equal(statSync(out).mode & 0o002, 0, 'report file is world-writable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is invisible in the program's active resources and execArgv, in every mode", async () => {
    // stderr goes to a file: when it is a pipe, the runtime's ESM import of node:util makes Node.js
    // open process.stderr at load, an extra PipeWrap that is not the command's doing.
    const program = join(FIXTURES, 'resources.mjs');
    const scratch = mkdtempSync(join(tmpdir(), 'awaitwhat-cli-'));
    const seen = (args: string[]) => {
      const stderr = openSync(join(scratch, 'stderr.txt'), 'w');
      try {
        return spawnSync(NODE, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', stderr] });
      } finally {
        closeSync(stderr);
      }
    };
    try {
      const plain = seen([program]);
      assert.equal(plain.stdout, '["Timeout"] []\n');
      for (const options of [[], ['--once'], ['--no-children'], ['--once', '--no-children']]) {
        const r = seen([CLI, ...options, '--after', '100ms', program]);
        assert.deepEqual([r.status, r.stdout, readFileSync(join(scratch, 'stderr.txt'), 'utf8')], [0, plain.stdout, ''], options.join(' '));
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('prints nothing for awaits shorter than the threshold', async () => {
    const r = await runCli(['--after', '2s', join(FIXTURES, 'quick.mjs')]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'done\n');
    assert.equal(r.stderr, '');
  });

  it('Ctrl-C prints the current report, then ends the script as SIGINT would', async () => {
    const r = await runCli([HANG], { signal: 'SIGINT', signalWhenStdout: 'ready', killAfterMs: 10_000 });
    assert.equal(r.signal, 'SIGINT');
    assert.equal(r.stdout, 'ready\n');
    assert.match(r.stderr, /^awaitwhat report: interrupted \(SIGINT\)\nawaitwhat: 2 pending async functions\nawaitwhat: 1 wait can never end: nothing can settle what it waits for \(heap analysed in [\d.]+m?s\)\n\nouter {2}test\/fixtures\/cli\/hang\.mjs:6:3 {2}await inner\(\)/);
  });

  it("Ctrl-C beside the program's own SIGINT handler: report, then the program decides", async () => {
    const r = await runCli([join(FIXTURES, 'own-sigint.mjs')], { signal: 'SIGINT', signalWhenStdout: 'ready', killAfterMs: 10_000 });
    assert.equal(r.code, 7);
    assert.equal(r.stdout, 'ready\nprogram handled SIGINT\n');
    assert.match(r.stderr, /^awaitwhat report: interrupted \(SIGINT\)\n/);
  });

  it('reports before Node.js exits with code 13 for a top-level await that never settles', async () => {
    const r = await runCli([join(FIXTURES, 'tla.mjs')]);
    assert.equal(r.code, 13);
    assert.equal(r.stdout, 'waiting\n');
    const [report, warning] = r.stderr.split('Warning: Detected unsettled top-level await');
    assert.equal(
      report!.replace(/\d+(\.\d+)?(ms|s)\b/g, 'T'),
      [
        'awaitwhat report: the event loop is empty but a top-level await never settled; Node.js exits with code 13',
        'awaitwhat: 1 pending async function',
        'awaitwhat: 1 wait can never end: nothing can settle what it waits for (heap analysed in T)',
        '',
        '<module>  test/fixtures/cli/tla.mjs:3:1  await new Promise(() => {})  T',
        '└─ new Promise(() => {})  — a new Promise at test/fixtures/cli/tla.mjs:3; NEVER SETTLES: nothing can settle this promise: no one holds its resolve function',
        '',
      ].join('\n'),
    );
    assert.match(warning!, /tla\.mjs:3\nawait new Promise\(\(\) => \{\}\);\n\^/);
  });
});

describe('ReportSchedule', () => {
  it('reports at the threshold, then after doubling intervals, and starts over when the hang ends', () => {
    const s = new ReportSchedule(100);
    const due = (now: number, longest: number) => s.due(now, longest);
    assert.deepEqual(
      [due(0, 50), due(50, 100), due(100, 150), due(149, 199), due(150, 200), due(300, 350), due(349, 399), due(350, 400), due(500, 0), due(600, 100)],
      [false, true, false, false, true, false, false, true, false, true],
    );
  });
});
