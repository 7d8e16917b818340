/**
 * Signals: every signal a process can catch that awaitwhat receives reaches the program, exit codes
 * and deaths by signal pass through, and the program never outlives awaitwhat, even when awaitwhat
 * is killed with SIGKILL.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FORWARDED_SIGNALS } from '../dist/cli/signals.js';
import { runCli } from './support/run.ts';

const FIXTURES = join('test', 'fixtures', 'cli');

/** The process has ended: no such pid, or (once its parent, awaitwhat, was killed) a zombie nobody has reaped yet. */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')')).startsWith(') Z ');
  } catch {
    // Reaped between the two reads.
    return true;
  }
}

describe('signals sent to awaitwhat', { concurrency: 2 }, () => {
  it('forwards every catchable signal except job control and faults', () => {
    assert.deepEqual(
      [...FORWARDED_SIGNALS].sort(),
      ['SIGABRT', 'SIGALRM', 'SIGCONT', 'SIGHUP', 'SIGINT', 'SIGIO', 'SIGPIPE', 'SIGPWR', 'SIGQUIT', 'SIGSTKFLT', 'SIGTERM', 'SIGURG', 'SIGUSR1', 'SIGUSR2', 'SIGVTALRM', 'SIGWINCH', 'SIGXCPU', 'SIGXFSZ'],
    );
  });

  it('reach the program, one by one, each exactly once', async () => {
    // SIGTERM last: the program exits 3 on it.
    const signals: NodeJS.Signals[] = [...FORWARDED_SIGNALS.filter((s) => s !== 'SIGTERM'), 'SIGTERM'];
    let sent = 0;
    const r = await runCli([join(FIXTURES, 'signals-echo.mjs'), signals.join(',')], {
      killAfterMs: 30_000,
      onStdout: (stdout, child) => {
        // Send the next signal once the program has echoed the previous one.
        const echoed = stdout.split('\n').filter((line) => line.startsWith('got ')).length;
        if (stdout.startsWith('ready\n') && echoed === sent && sent < signals.length) child.kill(signals[sent++]);
      },
    });
    assert.equal(r.stdout, ['ready', ...signals.map((s) => `got ${s}`), ''].join('\n'));
    assert.equal(r.code, 3);
    // Beside the program's own SIGINT listener, awaitwhat reports and lets the program decide.
    assert.match(r.stderr, /^awaitwhat report: interrupted \(SIGINT\)\n/);
  });

  for (const signal of ['SIGUSR2', 'SIGQUIT', 'SIGTERM', 'SIGHUP', 'SIGALRM'] as const) {
    it(`${signal}: a program without a handler dies of it, and so does awaitwhat`, async () => {
      const r = await runCli([join(FIXTURES, 'signals-default.mjs')], { signal, signalWhenStdout: 'ready', killAfterMs: 30_000 });
      assert.equal(r.signal, signal);
      assert.match(r.stdout, /^ready \d+\n$/);
      assert.ok(gone(Number(r.stdout.split(' ')[1])));
    });
  }

  it("SIGUSR2 with nodemon's protocol: the program cleans up and dies of SIGUSR2, and so does awaitwhat", async () => {
    const r = await runCli([join(FIXTURES, 'signals-nodemon.mjs')], { signal: 'SIGUSR2', signalWhenStdout: 'ready', killAfterMs: 30_000 });
    assert.deepEqual(r, { code: null, signal: 'SIGUSR2', stdout: 'ready\ncleaning up\n', stderr: '', killed: false });
  });

  it('SIGKILL of awaitwhat: the program is sent SIGTERM and shuts down as it would', async () => {
    // The run ends when every process holding its stdout has ended: the program too.
    const r = await runCli([join(FIXTURES, 'signals-sigterm.mjs')], { signal: 'SIGKILL', signalWhenStdout: 'ready' });
    assert.equal(r.signal, 'SIGKILL');
    assert.match(r.stdout, /^ready \d+\nprogram: SIGTERM, shutting down\n$/);
    assert.equal(r.stderr, '');
  });

  it('SIGKILL of awaitwhat: a program without a SIGTERM handler dies of it', async () => {
    const r = await runCli([join(FIXTURES, 'signals-default.mjs')], { signal: 'SIGKILL', signalWhenStdout: 'ready' });
    assert.equal(r.signal, 'SIGKILL');
    assert.match(r.stdout, /^ready \d+\n$/);
    assert.equal(r.stderr, '');
    assert.ok(gone(Number(r.stdout.split(' ')[1])));
  });
});
