/**
 * `awaitwhat attach <pid> --full` on plain `node` targets: the fast-mode graph plus, from the
 * target's heap snapshot, who can settle each leaf promise and the waits that can never end; the
 * cost said first and refused past --max-pause; the target left as it was.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SNAPSHOT_MS_PER_MB } from '../src/attach/estimate.ts';
import type { Snapshot } from '../src/snapshot/schema.ts';
import { attachTo, portsClosed, startTarget, type Target } from './support/attach.ts';

const DIR = 'test/fixtures/attach';
const F = `${DIR}/holders.mjs`;

async function stop(target: Target): Promise<void> {
  target.child.kill('SIGKILL');
  await target.exited;
}

/** The line attach prints before it stops the target, numbers left open (they depend on the target's heap). */
const ESTIMATE = /^awaitwhat: process \d+ \(Node\.js v[\d.]+, heap [\d.]+ MB used\): the walk and the heap snapshot will pause it about [\d.]+m?s and may raise its memory by about [\d.]+ MB for a moment$/m;

describe('awaitwhat attach --full', { concurrency: 1 }, () => {
  it('names the timer that holds one leaf and says the other can never settle', async () => {
    const target = await startTarget(F);
    try {
      const r = await attachTo(target.pid, ['--full']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, ESTIMATE);
      assert.match(r.stderr, /^awaitwhat: heap snapshot taken and analysed in [\d.]+m?s$/m);
      // The time a timer has left is the one number that depends on when the attach ran: an hour less the seconds since the target started.
      const left = Number(/3600s, (\d+)s left/.exec(r.stdout)?.[1]);
      assert.ok(left <= 3600 && left >= 3000, r.stdout);
      assert.equal(
        r.stdout,
        [
          'awaitwhat: 4 pending async functions',
          `awaitwhat: attached to process ${target.pid} (full mode, through the inspector)`,
          'awaitwhat: not seen: how long anything has been pending (durations are unknown: the process was not instrumented)',
          'awaitwhat: not seen: async functions that already returned a still-pending promise (their awaiter is shown awaiting it directly)',
          'awaitwhat: not seen: separate calls of one function suspended at the same place under the same awaiters (shown once)',
          'awaitwhat: not seen: async generators suspended at a yield, and worker threads',
          'awaitwhat: not seen: async functions the garbage collector reclaimed while still pending (stats.collected is 0: only a process started with awaitwhat counts them)',
          'awaitwhat: 1 wait can never end: nothing can settle what it waits for',
          '',
          `<module>  ${F}:8:1  await main()`,
          `└─ main  ${F}:6:25  await Promise.all([waitAnHour(), waitForever()])`,
          '   └─ Promise.all: 2 of 2 pending',
          `      ├─ [0] waitAnHour  ${F}:4:31  await new Promise((resolve) => setTimeout(resolve, 3_600_000))`,
          `      │  └─ new Promise((resolve) => setTimeout(resolve, 3_600_000))  — a promise no instrumented code created; held by Timeout._onTimeout (timer 3600s, ${left}s left)`,
          `      └─ [1] waitForever  ${F}:5:32  await never`,
          '         └─ never  — a promise no instrumented code created; NEVER SETTLES: nothing can settle this promise: no one holds its resolve function',
          '',
        ].join('\n'),
      );
      assert.deepEqual(await portsClosed(target.pid), []);
      assert.equal(target.child.exitCode, null, 'the target still runs');
    } finally {
      await stop(target);
    }
  });

  it("shows the functions awaiting a shared promise, the promise once, and the holders of it and of the race's members", async () => {
    const target = await startTarget(`${DIR}/shared.mjs`);
    try {
      const r = await attachTo(target.pid, ['--full']);
      assert.equal(r.code, 0, r.stderr);
      const S = `${DIR}/shared.mjs`;
      // Every timer was set in the same tick: each has its delay less the same time already passed.
      const passed = 70 - Number(/timer 70s, (\d+)s left/.exec(r.stdout)?.[1]);
      assert.ok(passed >= 0 && passed < 600, r.stdout);
      const timer = (s: number): string => `held by Timeout._onTimeout (timer ${s}s, ${s - passed}s left)`;
      assert.equal(
        r.stdout,
        [
          'awaitwhat: 10 pending async functions',
          `awaitwhat: attached to process ${target.pid} (full mode, through the inspector)`,
          'awaitwhat: not seen: how long anything has been pending (durations are unknown: the process was not instrumented)',
          'awaitwhat: not seen: async functions that already returned a still-pending promise (their awaiter is shown awaiting it directly)',
          'awaitwhat: not seen: separate calls of one function suspended at the same place under the same awaiters (shown once)',
          'awaitwhat: not seen: async generators suspended at a yield, and worker threads',
          'awaitwhat: not seen: async functions the garbage collector reclaimed while still pending (stats.collected is 0: only a process started with awaitwhat counts them)',
          'awaitwhat: every awaited promise is held by something that can settle it',
          '',
          'DEADLOCK: 2 frames await each other',
          `   ping  ${S}:13:37  await b`,
          ` → pong  ${S}:14:25  await a`,
          ' → ping (again)',
          '',
          `<module>  ${S}:22:1  await main()`,
          `└─ main  ${S}:20:25  await Promise.all([first(), second(), passOn(), racer()])`,
          '   └─ Promise.all: 4 of 4 pending',
          `      ├─ [0] first  ${S}:7:26  await shared`,
          `      │  └─ shared  — a promise no instrumented code created; ${timer(70)}`,
          `      ├─ [1] second  ${S}:8:27  await shared`,
          '      │  └─ shared (shown above)',
          `      ├─ [2] inner  ${S}:9:26  await sleep(60_000)`,
          `      │  └─ sleep(60_000)  — a promise no instrumented code created; ${timer(60)}`,
          `      └─ [3] racer  ${S}:19:26  await Promise.race([slowA(), slowB()])`,
          '         └─ Promise.race: 2 of 2 pending',
          `            ├─ [0] slowA  ${S}:17:26  await sleep(50_000)`,
          `            │  └─ sleep(50_000)  — a promise no instrumented code created; ${timer(50)}`,
          `            └─ [1] slowB  ${S}:18:26  await sleep(50_000)`,
          `               └─ sleep(50_000)  — a promise no instrumented code created; ${timer(50)}`,
          '',
          `ping  ${S}:13:37  await b`,
          `└─ pong  ${S}:14:25  await a`,
          `   └─ ping  ${S}:13:37 (shown above)`,
          '',
        ].join('\n'),
      );
    } finally {
      await stop(target);
    }
  });

  it('finds a deadlock through a shared promise, and an awaiter of it that nothing awaits', async () => {
    const target = await startTarget(`${DIR}/shared-cycle.mjs`);
    try {
      const r = await attachTo(target.pid, ['--full']);
      assert.equal(r.code, 0, r.stderr);
      const S = `${DIR}/shared-cycle.mjs`;
      assert.equal(
        r.stdout,
        [
          'awaitwhat: 3 pending async functions',
          `awaitwhat: attached to process ${target.pid} (full mode, through the inspector)`,
          'awaitwhat: not seen: how long anything has been pending (durations are unknown: the process was not instrumented)',
          'awaitwhat: not seen: async functions that already returned a still-pending promise (their awaiter is shown awaiting it directly)',
          'awaitwhat: not seen: separate calls of one function suspended at the same place under the same awaiters (shown once)',
          'awaitwhat: not seen: async generators suspended at a yield, and worker threads',
          'awaitwhat: not seen: async functions the garbage collector reclaimed while still pending (stats.collected is 0: only a process started with awaitwhat counts them)',
          '',
          'DEADLOCK: 2 frames await each other',
          `   first  ${S}:4:38  await shared`,
          ` → pending  ${S}:5:47  await promise`,
          ' → first (again)',
          '',
          `other  ${S}:6:38  await shared`,
          `└─ pending  ${S}:5:47  await promise`,
          `   └─ first  ${S}:4:38  await shared`,
          `      └─ pending  ${S}:5:47 (shown above)`,
          '',
        ].join('\n'),
      );
      assert.deepEqual(await portsClosed(target.pid), []);
      assert.equal(target.child.exitCode, null, 'the target still runs');
    } finally {
      await stop(target);
    }
  });

  it('locates at most 50 awaiters of shared promises, also where no walk reached the promise, and counts the rest', async () => {
    const target = await startTarget(`${DIR}/shared-many.mjs`);
    try {
      const r = await attachTo(target.pid, ['--full', '--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const snapshot = JSON.parse(r.stdout) as Snapshot;
      const frames = snapshot.nodes.filter((n) => n.type === 'frame');
      const leaves = snapshot.nodes.filter((n) => n.type === 'leaf');
      assert.equal(frames.length, 50);
      assert.equal(snapshot.stats.frames, 50);
      assert.deepEqual(new Set(frames.map((f) => `${f.function} ${f.suspendedAt?.file}:${f.suspendedAt?.line}:${f.suspendedAt?.column} ${f.suspendedAt?.text}`)), new Set([`wait ${DIR}/shared-many.mjs:4:25 await shared`]));
      // One leaf, the shared promise, under all of them; every one a root.
      assert.deepEqual(leaves.map((l) => [l.text, l.awaitedBy.length, l.holder?.state]), [['shared', 50, 'never']]);
      assert.deepEqual(new Set(snapshot.roots), new Set(frames.map((f) => f.id)));
      assert.equal(snapshot.source?.limits.at(-1), '10 async functions awaiting promises that several functions await (only the first 50 are located)');
    } finally {
      await stop(target);
    }
  });

  it('gives the holders in JSON, source full', async () => {
    const target = await startTarget(F);
    try {
      const r = await attachTo(target.pid, ['--full', '--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const snapshot = JSON.parse(r.stdout) as Snapshot;
      assert.equal(snapshot.source?.mode, 'full');
      assert.equal(snapshot.holders?.state, 'done');
      assert.equal(snapshot.holders?.analysed, 2);
      assert.equal(snapshot.holders?.neverSettle, 1);
      const leaves = snapshot.nodes.flatMap((n) => (n.type === 'leaf' ? [[n.text, n.holder?.state, n.holder?.holder, n.holder?.facts['delayMs']]] : []));
      assert.deepEqual(leaves, [
        ['new Promise((resolve) => setTimeout(resolve, 3_600_000))', 'held', 'Timeout._onTimeout', 3_600_000],
        ['never', 'never', '', undefined],
      ]);
    } finally {
      await stop(target);
    }
  });

  it('adds the heap snapshot to the estimate and refuses past --max-pause without --yes', async () => {
    const target = await startTarget(F);
    try {
      // A --max-pause between the walk's estimate and the walk's plus the heap snapshot's (SNAPSHOT_MS_PER_MB per MB of the heap attach reports).
      const probe = await attachTo(target.pid, ['--format', 'json']);
      assert.equal(probe.code, 0, probe.stderr);
      const said = /heap ([\d.]+) MB used\): the walk will pause it about (\d+)ms /.exec(probe.stderr);
      assert.ok(said !== null, probe.stderr);
      const walkMs = Number(said[2]);
      const between = `${Math.round(walkMs + (Number(said[1]) * SNAPSHOT_MS_PER_MB) / 2)}ms`;
      const fast = await attachTo(target.pid, ['--max-pause', between, '--format', 'json']);
      assert.equal(fast.code, 0, fast.stderr);
      const r = await attachTo(target.pid, ['--full', '--max-pause', between]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, ESTIMATE);
      assert.ok(r.stderr.endsWith(`\nawaitwhat attach: the estimated pause (${/pause it about (\S+) /.exec(r.stderr)?.[1]}) is longer than --max-pause ${between}; pass --yes to attach anyway, or a larger --max-pause\n`), r.stderr);
      assert.doesNotMatch(r.stderr, /heap snapshot taken/);
      assert.deepEqual(await portsClosed(target.pid), []);
      const yes = await attachTo(target.pid, ['--full', '--max-pause', between, '--yes', '--format', 'json']);
      assert.equal(yes.code, 0, yes.stderr);
      assert.equal((JSON.parse(yes.stdout) as Snapshot).holders?.neverSettle, 1);
    } finally {
      await stop(target);
    }
  });

  it("asks an instrumented target for its own snapshot with its holders, the cost said first", async () => {
    const hooks = new URL('../dist/hooks.js', import.meta.url).href;
    const target = await startTarget(F, ['--inspect-port=127.0.0.1:0', `--import=${hooks}`]);
    try {
      const plain = await attachTo(target.pid, ['--format', 'json']);
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal((JSON.parse(plain.stdout) as Snapshot).holders, undefined, 'without --full the runtime takes no heap snapshot');
      const r = await attachTo(target.pid, ['--full', '--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^awaitwhat: process \d+ \(Node\.js v[\d.]+, heap [\d.]+ MB used\) runs awaitwhat: its heap snapshot will pause it about [\d.]+m?s and may raise its memory by about [\d.]+ MB for a moment$/m);
      const snapshot = JSON.parse(r.stdout) as Snapshot;
      assert.deepEqual(snapshot.source, { via: 'attach', mode: 'runtime', limits: [] });
      assert.deepEqual([snapshot.holders?.state, snapshot.holders?.analysed, snapshot.holders?.neverSettle], ['done', 2, 1]);
      const leaves = snapshot.nodes.filter((n) => n.type === 'leaf').map((n) => ({ text: n.text, holder: n.holder }));
      const leftMs = Number(leaves[0]?.holder?.facts.leftMs);
      assert.ok(leftMs > 3_000_000 && leftMs <= 3_600_000, JSON.stringify(leaves));
      assert.deepEqual(leaves, [
        {
          text: 'new Promise((resolve) => setTimeout(resolve, 3_600_000))',
          holder: {
            state: 'held',
            text: `Timeout._onTimeout (timer 3600s, ${Math.floor(leftMs / 1000)}s left)`,
            holder: 'Timeout._onTimeout',
            package: null,
            facts: { delayMs: 3_600_000, leftMs },
            alternatives: 0,
            path: leaves[0]!.holder!.path,
          },
        },
        {
          text: 'never',
          holder: { state: 'never', text: 'nothing can settle this promise: no one holds its resolve function', holder: '', package: null, facts: {}, alternatives: 0, path: [] },
        },
      ]);
      assert.equal(leaves[0]!.holder!.path.at(-2), '._idleNext → Timeout');
      // Refused past --max-pause like any other attach, nothing taken.
      const refused = await attachTo(target.pid, ['--full', '--max-pause', '1ms']);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /\nawaitwhat attach: the estimated pause \([\d.]+m?s\) is longer than --max-pause 1ms; pass --yes to attach anyway, or a larger --max-pause\n$/);
      assert.deepEqual(await portsClosed(target.pid), []);
    } finally {
      await stop(target);
    }
  });

  it("leaves the target's output and exit code as a run without an attach", async () => {
    const run = async (attach: boolean): Promise<{ stdout: string; stderr: string; code: number | null }> => {
      const target = await startTarget(`${DIR}/finish.mjs`, ['--inspect-port=127.0.0.1:0'], { stdin: true });
      if (attach) {
        const r = await attachTo(target.pid, ['--full']);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /waitForInput/);
      }
      target.child.stdin!.end('go\n');
      const { code } = await target.exited;
      return { stdout: target.stdout(), stderr: target.stderr(), code };
    };
    const plain = await run(false);
    const attached = await run(true);
    assert.deepEqual([attached.stdout, attached.code], [plain.stdout, plain.code], `attached run's stderr: ${attached.stderr}`);
    assert.equal(plain.stdout, 'ready\ndone GO\n');
    assert.equal(plain.code, 3);
    const inspectorLines = /^(Debugger listening on ws:\/\/.*|For help, see: https:\/\/nodejs\.org\/.*|Debugger attached\.|Debugger ending on ws:\/\/.*)$/;
    assert.equal(attached.stderr.split('\n').filter((l) => !inspectorLines.test(l)).join('\n'), plain.stderr);
  });
});
