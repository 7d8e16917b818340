/** `--out <file>`: checked before the script starts, replaced atomically, never through a planted symlink, nothing left behind. */

// These reports are about threads, processes and files: holders (on by default in --once and Ctrl-C
// reports, tested in heap-cli.test.ts) are turned off so that each test sees only what it is about.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { randomTempName, replaceFile } from '../dist/cli/out-file.js';
import { CLI, NODE, ROOT, runCli, withoutDurations, type RunResult } from './support/run.ts';

const HANG = join('test', 'fixtures', 'cli', 'hang.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'awaitwhat-out-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
function freshDir(): string {
  const dir = join(scratch, `d${++dirs}`);
  mkdirSync(dir);
  return dir;
}

/** The command run by `sh` with the given umask. */
function runWithUmask(umask: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `umask ${umask} && exec "$0" "$@"`, NODE, CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, killed: false }));
  });
}

describe('--out', { concurrency: 2 }, () => {
  it('writes the report with the mode the umask gives, and leaves nothing else in the directory', async () => {
    const dir = freshDir();
    const out = join(dir, 'report.txt');
    const r = await runWithUmask('027', ['--once', '--after', '200ms', '--out', out, HANG]);
    assert.equal(r.code, 124);
    assert.equal(r.stdout, 'ready\n');
    assert.equal(r.stderr, '');
    assert.match(readFileSync(out, 'utf8'), /^awaitwhat report: an await has been pending for \S+ \(threshold 200ms\)\n/);
    assert.equal(statSync(out).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(dir), ['report.txt']);
  });

  it('each report replaces the previous one whole', async () => {
    const dir = freshDir();
    const out = join(dir, 'report.txt');
    let poll: NodeJS.Timeout | undefined;
    const r = await runCli(['--no-holders', '--after', '100ms', '--out', out, HANG], {
      killAfterMs: 20_000,
      // Ctrl-C once a hang report is in the file: the Ctrl-C report must then replace it.
      onStdout: (_stdout, child) => {
        poll ??= setInterval(() => {
          if (!readdirSync(dir).includes('report.txt') || !readFileSync(out, 'utf8').includes('an await has been pending')) return;
          clearInterval(poll);
          child.kill('SIGINT');
        }, 20);
      },
    });
    clearInterval(poll);
    assert.equal(r.signal, 'SIGINT');
    assert.equal(r.stderr, '');
    assert.equal(
      withoutDurations(readFileSync(out, 'utf8')),
      [
        'awaitwhat report: interrupted (SIGINT)',
        'awaitwhat: 2 pending async functions',
        '',
        'outer  test/fixtures/cli/hang.mjs:6:3  await inner()  T',
        '└─ inner  test/fixtures/cli/hang.mjs:3:3  await new Promise(() => {})  T',
        '   └─ new Promise(() => {})  — a new Promise at test/fixtures/cli/hang.mjs:3',
        '',
      ].join('\n'),
    );
    assert.deepEqual(readdirSync(dir), ['report.txt']);
  });

  it('a report that cannot be written goes to stderr, with the reason, and leaves no temporary file', async () => {
    const dir = freshDir();
    const out = join(dir, 'report.txt');
    const r = await runCli(['--no-holders', '--once', '--after', '200ms', '--out', out, join('test', 'fixtures', 'cli', 'out-becomes-dir.mjs'), out]);
    assert.equal(r.code, 124);
    assert.equal(r.stdout, 'ready\n');
    const [first, ...report] = withoutDurations(r.stderr).split('\n');
    assert.match(first!, new RegExp(`^awaitwhat: could not write the report to ${out} \\(EISDIR: illegal operation on a directory, rename '${dir}/\\.report\\.txt\\.[0-9a-f]{16}\\.tmp' -> '${out}'\\); here it is instead$`));
    assert.equal(report.join('\n'), [
      'awaitwhat report: an await has been pending for T (threshold T)',
      'awaitwhat: 1 pending async function, 1 suspension pending T or longer',
      '',
      'stuck  test/fixtures/cli/out-becomes-dir.mjs:6:3  await new Promise(() => {})  T',
      '└─ new Promise(() => {})  — a new Promise at test/fixtures/cli/out-becomes-dir.mjs:6',
      '',
    ].join('\n'));
    assert.deepEqual(readdirSync(dir), ['report.txt']);
    assert.ok(statSync(out).isDirectory());
  });

  const readOnlyDir = (): string => {
    // Root writes anywhere a permission bit would forbid; /proc/self is refused even to root.
    if (process.getuid?.() === 0) return '/proc/self';
    const dir = freshDir();
    chmodSync(dir, 0o555);
    return dir;
  };
  const PROBLEMS: [string, () => [string, string]][] = [
    ['a missing directory', () => { const d = join(freshDir(), 'missing'); return [join(d, 'report.txt'), `the directory ${d} does not exist`]; }],
    ['a file as the directory', () => { const f = join(freshDir(), 'file'); writeFileSync(f, ''); return [join(f, 'report.txt'), `${f} is not a directory`]; }],
    ['a directory that is not writable', () => { const d = readOnlyDir(); return [join(d, 'report.txt'), `the directory ${d} is not writable`]; }],
    ['a directory as the file', () => { const d = freshDir(); return [d, `${d} is a directory`]; }],
  ];
  for (const [name, make] of PROBLEMS) {
    it(`refuses ${name} before the script starts, with exit code 2 and the usage`, async () => {
      const [out, reason] = make();
      const r = await runCli(['--no-holders', '--once', '--after', '200ms', '--out', out, HANG]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '', 'the script started');
      assert.ok(r.stderr.startsWith(`awaitwhat: --out ${out}: ${reason}\n\nUsage: awaitwhat`), r.stderr);
    });
  }
});

describe('replaceFile (the writer behind --out)', () => {
  it('never follows a symlink planted under the temporary name: it takes another name', () => {
    const dir = freshDir();
    const victim = join(freshDir(), 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const target = join(dir, 'report.txt');
    symlinkSync(victim, join(dir, '.planted.tmp'));
    const names = ['.planted.tmp', '.fresh.tmp'];
    replaceFile(target, 'the report\n', () => join(dir, names.shift()!));
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(readFileSync(target, 'utf8'), 'the report\n');
    assert.deepEqual(readdirSync(dir).sort(), ['.planted.tmp', 'report.txt']);
  });

  it('gives up, touching nothing, when every name it tries is taken', () => {
    const dir = freshDir();
    const victim = join(freshDir(), 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, '.planted.tmp'));
    assert.throws(() => replaceFile(join(dir, 'report.txt'), 'the report\n', () => join(dir, '.planted.tmp')), { code: 'EEXIST' });
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.deepEqual(readdirSync(dir), ['.planted.tmp']);
  });

  it('names temporary files unpredictably, beside the target', () => {
    const a = randomTempName('/some/dir/report.txt');
    const b = randomTempName('/some/dir/report.txt');
    assert.match(a, /^\/some\/dir\/\.report\.txt\.[0-9a-f]{16}\.tmp$/);
    assert.notEqual(a, b);
  });
});
