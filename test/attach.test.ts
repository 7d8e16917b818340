/**
 * `awaitwhat attach <pid>` on targets started with plain `node`: the report matches the
 * instrumented report of the same program (names, positions, edges); the target's output and exit
 * code do not change; its inspector is closed again; every refusal is one line with exit code 2.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { listeningSockets } from '../dist/attach/ports.js';
import { lockPath } from '../dist/attach/lock.js';
import type { Snapshot } from '../src/snapshot/schema.ts';
import { inspectorThreadRuns } from '../dist/attach/session.js';
import { attachTo, graphShape, instrumentedSnapshot, portsClosed, startTarget, stdoutHas, type Target } from './support/attach.ts';
import { NODE, ROOT } from './support/run.ts';

const DIR = 'test/fixtures/attach';

/** The target's listening sockets, by port: the same before and after an attach. */
function ports(pid: number): number[] {
  return listeningSockets(pid).map((s: { port: number }) => s.port).sort();
}

/** The target's ports once they are `expected` again, or after 15 s (attach waits 3 s for the inspector to close; a loaded machine may take longer). */
async function portsBackTo(pid: number, expected: readonly number[]): Promise<number[]> {
  const deadline = Date.now() + 15_000;
  let now = ports(pid);
  while (Date.now() < deadline && JSON.stringify(now) !== JSON.stringify(expected)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    now = ports(pid);
  }
  return now;
}

async function stop(target: Target): Promise<void> {
  target.child.kill('SIGKILL');
  await target.exited;
}

describe('awaitwhat attach', { concurrency: 1 }, () => {
  for (const file of ['graph.mjs', 'graph.cjs', 'graph.ts']) {
    it(`reports ${file} as the instrumented run does, frame for frame, and closes the inspector again`, async () => {
      const expected = instrumentedSnapshot(`${DIR}/${file}`);
      const target = await startTarget(`${DIR}/${file}`);
      try {
        const before = ports(target.pid);
        const r = await attachTo(target.pid, ['--format', 'json']);
        assert.equal(r.code, 0, r.stderr);
        const snapshot = JSON.parse(r.stdout) as Snapshot;
        assert.deepEqual(snapshot.source?.via, 'attach');
        assert.deepEqual(snapshot.source?.mode, 'fast');
        assert.equal(snapshot.pid, target.pid);
        assert.ok(snapshot.nodes.every((n) => n.type !== 'frame' || n.pendingMs === null));
        assert.deepEqual(graphShape(snapshot), graphShape(expected));
        assert.deepEqual(await portsBackTo(target.pid, before), before, `the inspector port is closed again (target exit ${target.child.exitCode} ${target.child.signalCode}: ${target.stderr()})`);
        assert.equal(target.child.exitCode, null, 'the target still runs');
      } finally {
        await stop(target);
      }
    });
  }

  it('says exactly what fast mode sees of a shared promise, a function that returned a pending promise, a race and a deadlock', async () => {
    const target = await startTarget(`${DIR}/shared.mjs`);
    try {
      const r = await attachTo(target.pid);
      assert.equal(r.code, 0, r.stderr);
      const F = `${DIR}/shared.mjs`;
      assert.equal(
        r.stdout,
        [
          'awaitwhat: 8 pending async functions',
          `awaitwhat: attached to process ${target.pid} (fast mode, through the inspector)`,
          'awaitwhat: not seen: how long anything has been pending (durations are unknown: the process was not instrumented)',
          'awaitwhat: not seen: the async functions awaiting a promise that several functions await (the chains above them are shown; use --full)',
          'awaitwhat: not seen: async functions that already returned a still-pending promise (their awaiter is shown awaiting it directly)',
          'awaitwhat: not seen: separate calls of one function suspended at the same place under the same awaiters (shown once)',
          'awaitwhat: not seen: async generators suspended at a yield, and worker threads',
          'awaitwhat: not seen: async functions the garbage collector reclaimed while still pending (stats.collected is 0: only a process started with awaitwhat counts them)',
          '',
          'DEADLOCK: 2 frames await each other',
          `   ping  ${F}:13:37  await b`,
          ` → pong  ${F}:14:25  await a`,
          ' → ping (again)',
          '',
          `<module>  ${F}:22:1  await main()`,
          `└─ main  ${F}:20:25  await Promise.all([first(), second(), passOn(), racer()])`,
          '   └─ Promise.all: 4 of 4 pending',
          '      ├─ [0] first()  — a promise no instrumented code created',
          '      ├─ [1] second()  — a promise no instrumented code created',
          `      ├─ [2] inner  ${F}:9:26  await sleep(60_000)`,
          '      │  └─ sleep(60_000)  — a promise no instrumented code created',
          `      └─ [3] racer  ${F}:19:26  await Promise.race([slowA(), slowB()])`,
          '         └─ Promise.race: 2 of 2 pending',
          `            ├─ [0] slowA  ${F}:17:26  await sleep(50_000)`,
          '            │  └─ sleep(50_000)  — a promise no instrumented code created',
          `            └─ [1] slowB  ${F}:18:26  await sleep(50_000)`,
          '               └─ sleep(50_000)  — a promise no instrumented code created',
          '',
          `ping  ${F}:13:37  await b`,
          `└─ pong  ${F}:14:25  await a`,
          `   └─ ping  ${F}:13:37 (shown above)`,
          '',
        ].join('\n'),
      );
    } finally {
      await stop(target);
    }
  });

  it('walks thousands of promises in chunks and batches and reports every chain, identical ones once', async () => {
    const target = await startTarget(`${DIR}/many.mjs`);
    try {
      const r = await attachTo(target.pid);
      assert.equal(r.code, 0, r.stderr);
      const walked = Number(/walked (\d+) promises/.exec(r.stderr)?.[1]);
      assert.ok(walked > 600 * 7, r.stderr); // More than 16 chunks of 256.
      const F = `${DIR}/many.mjs`;
      assert.equal(
        r.stdout,
        [
          'awaitwhat: 7 pending async functions',
          `awaitwhat: attached to process ${target.pid} (fast mode, through the inspector)`,
          'awaitwhat: not seen: how long anything has been pending (durations are unknown: the process was not instrumented)',
          'awaitwhat: not seen: the async functions awaiting a promise that several functions await (the chains above them are shown; use --full)',
          'awaitwhat: not seen: async functions that already returned a still-pending promise (their awaiter is shown awaiting it directly)',
          'awaitwhat: not seen: separate calls of one function suspended at the same place under the same awaiters (shown once)',
          'awaitwhat: not seen: async generators suspended at a yield, and worker threads',
          'awaitwhat: not seen: async functions the garbage collector reclaimed while still pending (stats.collected is 0: only a process started with awaitwhat counts them)',
          '',
          `level  ${F}:5:59  await level(n - 1)`,
          '└─ … 2 more level at the same await',
          `   └─ level  ${F}:5:59  await level(n - 1)`,
          `      └─ level  ${F}:5:40  await leaf()`,
          `         └─ leaf  ${F}:4:25  await new Promise((resolve) => waiting.push(resolve))`,
          '            └─ new Promise((resolve) => waiting.push(resolve))  — a promise no instrumented code created',
          '',
          `last  ${F}:7:25  await new Promise((resolve) => waiting.push(resolve))`,
          '└─ new Promise((resolve) => waiting.push(resolve))  — a promise no instrumented code created',
          '',
        ].join('\n'),
      );
      assert.deepEqual(await portsClosed(target.pid), []);
    } finally {
      await stop(target);
    }
  });

  it('shows the innermost 2000 calls of a chain 3000 deep, in bounded time, and says so', async () => {
    const target = await startTarget(`${DIR}/deep.mjs`);
    try {
      // A generous budget: on a slow machine the first pass (3000 walks of 64 steps) must not be cut short.
      const r = await attachTo(target.pid, ['--max-pause', '60s']);
      assert.equal(r.code, 0, r.stderr);
      const F = `${DIR}/deep.mjs`;
      const lines = r.stdout.split('\n');
      assert.deepEqual(lines.filter((l) => !l.startsWith('awaitwhat: not seen: ') || l.includes('deeper')), [
        'awaitwhat: 2000 pending async functions',
        `awaitwhat: attached to process ${target.pid} (fast mode, through the inspector)`,
        'awaitwhat: not seen: the outer part of chains deeper than 2000 async calls (their innermost 2000 calls are shown)',
        '',
        `rec  ${F}:5:8  await rec(n - 1)`,
        '└─ … 1997 more rec at the same await',
        `   └─ rec  ${F}:5:8  await rec(n - 1)`,
        `      └─ rec  ${F}:4:16  await new Promise((resolve) => waiting.push(resolve))`,
        '         └─ new Promise((resolve) => waiting.push(resolve))  — a promise no instrumented code created',
        '',
      ]);
    } finally {
      await stop(target);
    }
  });

  it("leaves the target's output and exit code as a run without an attach", async () => {
    const plain = await finishRun(false);
    const attached = await finishRun(true);
    assert.deepEqual([attached.stdout, attached.code], [plain.stdout, plain.code], `attached run's stderr: ${attached.stderr}`);
    assert.equal(plain.stdout, 'ready\ndone GO\n');
    assert.equal(plain.code, 3);
    // Node.js itself announces its inspector on stderr; nothing else may differ.
    const inspectorLines = /^(Debugger listening on ws:\/\/.*|For help, see: https:\/\/nodejs\.org\/.*|Debugger attached\.|Debugger ending on ws:\/\/.*)$/;
    assert.equal(attached.stderr.split('\n').filter((l) => !inspectorLines.test(l)).join('\n'), plain.stderr);
    assert.equal(plain.stderr, 'a line on stderr\n');
  });

  it('asks an instrumented target for its own snapshot, durations included', async () => {
    const hooks = new URL('../dist/hooks.js', import.meta.url).href;
    const target = await startTarget(`${DIR}/graph.cjs`, ['--inspect-port=127.0.0.1:0', `--import=${hooks}`]);
    try {
      const r = await attachTo(target.pid, ['--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const snapshot = JSON.parse(r.stdout) as Snapshot;
      assert.deepEqual(snapshot.source, { via: 'attach', mode: 'runtime', limits: [] });
      assert.ok(snapshot.nodes.every((n) => n.type !== 'frame' || (typeof n.pendingMs === 'number' && n.pendingMs >= 0)));
      assert.deepEqual(graphShape(snapshot), graphShape(instrumentedSnapshot(`${DIR}/graph.cjs`)));
    } finally {
      await stop(target);
    }
  });

  it('writes DOT to --out, durations left out', async () => {
    const target = await startTarget(`${DIR}/graph.ts`);
    const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-attach-'));
    try {
      const r = await attachTo(target.pid, ['--format', 'dot', '--out', join(dir, 'graph.dot')]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      const F = `${DIR}/graph.ts`;
      assert.equal(
        readFileSync(join(dir, 'graph.dot'), 'utf8'),
        [
          'digraph awaitwhat {',
          '  rankdir=TB;',
          '  node [fontname="monospace", fontsize=10];',
          `  "f1" [shape=box, label="<module>\\n${F}:17:1\\nawait fetchRow(new Store(), 1)"];`,
          `  "f2" [shape=box, label="fetchRow\\n${F}:13:32\\nawait store.load(id)"];`,
          `  "f3" [shape=box, label="Store.load\\n${F}:8:5\\nawait sleep(60_000)"];`,
          '  "l1" [shape=ellipse, label="sleep(60_000)\\n(promise)"];',
          '  "f1" -> "f2";',
          '  "f2" -> "f3";',
          '  "f3" -> "l1";',
          '}',
          '',
        ].join('\n'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await stop(target);
    }
  });

  it('uses an inspector that was already open, and leaves it open', async () => {
    const target = await startTarget(`${DIR}/graph.cjs`, ['--inspect=127.0.0.1:0']);
    try {
      const [port] = ports(target.pid);
      const r = await attachTo(target.pid, ['--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stderr.startsWith(`awaitwhat: process ${target.pid} already has its inspector open on port ${port}; using it and leaving it open\n`), r.stderr);
      assert.equal((JSON.parse(r.stdout) as Snapshot).stats.frames, 4);
      assert.deepEqual(ports(target.pid), [port]);
      assert.notEqual(inspectorThreadRuns(target.pid), false, 'the inspector thread still runs (Node.js 24+; 22 does not name it)');
    } finally {
      await stop(target);
    }
  });

  it('uses an inspector the program opened itself (inspector.open), and leaves it open', async () => {
    const target = await startTarget(`${DIR}/opened.mjs`, []);
    try {
      const [port] = ports(target.pid);
      const r = await attachTo(target.pid, ['--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`^(awaitwhat: opening the inspector of process ${target.pid} \\(SIGUSR1\\)\\n)?awaitwhat: process ${target.pid} already has its inspector open on port ${port}; using it and leaving it open\\n`));
      assert.equal((JSON.parse(r.stdout) as Snapshot).stats.frames, 2);
      assert.deepEqual(ports(target.pid), [port]);
    } finally {
      await stop(target);
    }
  });

  it('gives up on a process busy in synchronous code, which closes the inspector once idle', async () => {
    const target = await startTarget(`${DIR}/busy.mjs`, ['--inspect-port=127.0.0.1:0'], { stdin: true, env: { BUSY_MS: '5000' } });
    try {
      const r = await attachTo(target.pid);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.endsWith(`\nawaitwhat attach: process ${target.pid} is busy in synchronous code (its event loop did not turn within 2.0s), so nothing can be walked; attach again when it is idle\n`), r.stderr);
      await stdoutHas(target, 'idle\n');
      assert.deepEqual(await portsClosed(target.pid), []);
      target.child.stdin!.end();
      assert.deepEqual(await target.exited, { code: 0, signal: null });
    } finally {
      await stop(target);
    }
  });

  it('Ctrl-C during an attach still closes the inspector', async () => {
    const target = await startTarget(`${DIR}/busy.mjs`, ['--inspect-port=127.0.0.1:0'], { stdin: true, env: { BUSY_MS: '5000' } });
    try {
      let sent = false;
      const r = await attachTo(target.pid, [], [], (stderr, child) => {
        if (!sent && stderr.includes('opening the inspector')) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      assert.equal(r.code, 130, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /\nawaitwhat: interrupted; detaching from the process\n/);
      await stdoutHas(target, 'idle\n');
      assert.deepEqual(await portsClosed(target.pid), []);
      target.child.stdin!.end();
      assert.deepEqual(await target.exited, { code: 0, signal: null });
    } finally {
      await stop(target);
    }
  });

  it('refuses past --max-pause without --yes, and leaves the inspector closed', async () => {
    const target = await startTarget(`${DIR}/graph.cjs`);
    try {
      const r = await attachTo(target.pid, ['--max-pause', '1ms']);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /\nawaitwhat attach: the estimated pause \(\d+ms\) is longer than --max-pause 1ms; pass --yes to attach anyway, or a larger --max-pause\n$/);
      assert.deepEqual(await portsClosed(target.pid), []);
      const yes = await attachTo(target.pid, ['--max-pause', '1ms', '--yes', '--format', 'json']);
      assert.equal(yes.code, 0, yes.stderr);
    } finally {
      await stop(target);
    }
  });

  describe('refusals: one line, exit code 2', () => {
    const refused = async (pid: number, message: string | RegExp, args: string[] = [], wrap: string[] = []): Promise<void> => {
      const r = await attachTo(pid, args, wrap);
      assert.equal(r.stdout, '');
      if (typeof message === 'string') assert.equal(r.stderr, `awaitwhat${message.startsWith('opening') ? '' : ' attach'}: ${message}\n`);
      else assert.match(r.stderr, message);
      assert.equal(r.code, 2);
    };

    it('a load factor that is not a number of at least 1', async () => {
      await refused(process.pid, 'AWAITWHAT_ATTACH_LOAD="0.5": expected a number of at least 1 (the factor the estimated pause is multiplied by)', [], ['env', 'AWAITWHAT_ATTACH_LOAD=0.5']);
    });

    it('no such pid', async () => {
      const gone = spawn(NODE, ['-e', '0']);
      await new Promise((resolve) => gone.on('exit', resolve));
      await refused(gone.pid!, `no process with pid ${gone.pid}`);
    });

    it('not a Node.js process', async () => {
      const sleeper = spawn('sleep', ['30']);
      try {
        await refused(sleeper.pid!, `process ${sleeper.pid} is not a Node.js process (sleep)`);
      } finally {
        sleeper.kill('SIGKILL');
      }
    });

    it('Node.js too old', { skip: process.env.AWAITWHAT_OLD_NODE === undefined && 'needs AWAITWHAT_OLD_NODE (a Node.js older than 22; .ci/run sets it)' }, async () => {
      const old = process.env.AWAITWHAT_OLD_NODE!;
      const target = await startTarget(`${DIR}/graph.cjs`, [], { node: old });
      try {
        await refused(target.pid, new RegExp(`^awaitwhat attach: process ${target.pid} runs Node\\.js v(1\\d|2[01])\\.[\\d.]+; attach needs Node\\.js 22 or newer\\n$`));
      } finally {
        await stop(target);
      }
    });

    it('--disable-sigusr1 (and the target lives on)', async () => {
      const target = await startTarget(`${DIR}/graph.cjs`, ['--disable-sigusr1']);
      try {
        await refused(target.pid, `process ${target.pid} was started with --disable-sigusr1: its inspector cannot be opened from outside`);
        assert.equal(target.child.exitCode, null);
      } finally {
        await stop(target);
      }
    });

    it('SIGUSR1 handled by the program (which gets the signal: said in the README)', async () => {
      const target = await startTarget(`${DIR}/usr1.mjs`);
      try {
        // Known only once the signal was sent: the progress line saying so comes first.
        await refused(
          target.pid,
          `opening the inspector of process ${target.pid} (SIGUSR1)\nawaitwhat attach: process ${target.pid} did not open its inspector on SIGUSR1: the program handles SIGUSR1 itself (process.on('SIGUSR1'), which got the signal instead), or it is blocked outside JavaScript`,
        );
        await stdoutHas(target, 'the program got SIGUSR1\n');
        assert.deepEqual(ports(target.pid), []);
      } finally {
        await stop(target);
      }
    });

    it('the inspector port in use', async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      const target = await startTarget(`${DIR}/graph.cjs`, [`--inspect-port=127.0.0.1:${port}`]);
      try {
        await refused(target.pid, `port ${port} is in use by another process: process ${target.pid}'s inspector could not open there (free the port, or start the target with --inspect-port=0)`);
      } finally {
        server.close();
        await stop(target);
      }
    });

    it('another attach in progress', async () => {
      const target = await startTarget(`${DIR}/graph.cjs`);
      writeFileSync(lockPath(target.pid), String(process.pid));
      try {
        await refused(target.pid, `another attach to process ${target.pid} is in progress (awaitwhat pid ${process.pid}); wait for it to finish`);
      } finally {
        unlinkSync(lockPath(target.pid));
        await stop(target);
      }
    });

    it('another network namespace', { skip: process.getuid?.() !== 0 && 'needs root (unshare -n)' }, async () => {
      const target = await startTarget(`${DIR}/graph.cjs`, ['--inspect-port=127.0.0.1:0'], { wrap: ['unshare', '-n'] });
      try {
        await refused(target.pid, `process ${target.pid} is in another network namespace (a container?): its inspector would listen on its own loopback; run attach inside it, e.g. nsenter -n -t ${target.pid} npx awaitwhat attach ${target.pid}`);
      } finally {
        await stop(target);
      }
    });

    it('permission denied', { skip: process.getuid?.() !== 0 && 'needs root (to attach as another user)' }, async () => {
      const target = await startTarget(`${DIR}/graph.cjs`);
      // The attacher runs as nobody, from a copy of awaitwhat that nobody can read: the checkout may
      // be in a directory only its owner can enter (a CI clone in a fresh mktemp -d).
      const copy = mkdtempSync(join(tmpdir(), 'awaitwhat-attach-nobody-'));
      try {
        cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
        cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
        cpSync(join(ROOT, 'node_modules', 'acorn'), join(copy, 'node_modules', 'acorn'), { recursive: true });
        execFileSync('chmod', ['-R', 'a+rX', copy]);
        const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', NODE, join(copy, 'dist', 'cli', 'main.js'), 'attach', String(target.pid)], { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
          child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
          child.on('close', (code) => resolve({ code, stdout, stderr }));
        });
        assert.deepEqual(r, {
          code: 2,
          stdout: '',
          stderr: `awaitwhat attach: permission denied: process ${target.pid} belongs to another user (attach needs the rights to send it a signal: the same user, or root)\n`,
        });
      } finally {
        rmSync(copy, { recursive: true, force: true });
        await stop(target);
      }
    });

    it('bad arguments, with the usage', async () => {
      const r = await attachTo(0);
      assert.equal(r.code, 2);
      assert.ok(r.stderr.startsWith('awaitwhat attach: expected a process id, got "0"\n\nUsage: awaitwhat attach <pid> [options]\n'), r.stderr);
    });
  });
});

/** finish.mjs plainly, or attached to once it is ready; then its stdin is closed and it ends. */
async function finishRun(attach: boolean): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const target = await startTarget(`${DIR}/finish.mjs`, ['--inspect-port=127.0.0.1:0'], { stdin: true });
  if (attach) {
    const r = await attachTo(target.pid);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /waitForInput/);
  }
  target.child.stdin!.end('go\n');
  const { code } = await target.exited;
  return { stdout: target.stdout(), stderr: target.stderr(), code };
}

void ROOT;
