/**
 * `awaitwhat/vitest` against the real Vitest 3.2 and 4.1 (test/runners-vitest/v3, v4; installed by
 * .ci/run), each with `pool: 'forks'` and `'threads'`, on the fixture project in
 * test/runners-vitest/project (300ms test and hook timeouts). A test or hook Vitest times out gets a
 * report on stderr, exact, of what it started that is still pending, under its full name; a passing
 * file, and one whose test leaves a chain behind (Vitest ends its workers, so there is no "did not
 * exit"), print exactly what they print without the plugin.
 */

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, run, withoutDurations, type RunResult } from './support/run.ts';

const PROJECT = join(ROOT, 'test', 'runners-vitest', 'project');
const VERSIONS = ['v3', 'v4'] as const;
const POOLS = ['forks', 'threads'] as const;

function vitestBin(version: (typeof VERSIONS)[number]): string {
  return join(ROOT, 'test', 'runners-vitest', version, 'node_modules', 'vitest', 'vitest.mjs');
}

function runVitest(version: (typeof VERSIONS)[number], pool: string, file: string, withAwaitwhat = true, args: string[] = []): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', POOL: pool, TEST_FILES: file, WITHOUT_AWAITWHAT: withAwaitwhat ? '0' : '1' };
  delete env.NODE_OPTIONS;
  delete env.FORCE_COLOR;
  return run([vitestBin(version), 'run', ...args], { cwd: PROJECT, env });
}

/** Vitest's output with what changes from run to run (durations, the start time) replaced. */
function stable(text: string): string {
  return withoutDurations(text).replace(/\d\d:\d\d:\d\d/g, 'HH:MM:SS');
}

/**
 * The reports at the start of stderr (durations replaced), checking that the rest — Vitest 4 prints
 * its failures there — has nothing of awaitwhat's.
 */
function ourPart(stderr: string): string {
  const text = withoutDurations(stderr);
  const vitestPart = text.search(/^(?:\n)?⎯⎯/m);
  const ours = vitestPart === -1 ? text : text.slice(0, vitestPart);
  assert.doesNotMatch(text.slice(ours.length), /awaitwhat/);
  return ours;
}

const HUNG_REPORTS = [
  'awaitwhat report: test "test/hung.spec.ts > users > finds a user" timed out (Test timed out in T); what it started is still pending',
  'awaitwhat: 4 pending async functions',
  '',
  '<anonymous>  test/hung.spec.ts:11:12  await findUser(1)  T',
  '└─ findUser  test/hung.spec.ts:5:3  await connect(`db://${id}`)  T',
  '   └─ connect  src/db.ts:2:3  await handshake(url)  T',
  '      └─ handshake  src/db.ts:6:3  await new Promise<void>(() => { void url; })  T',
  '         └─ new Promise<void>(() => { void url; })  — a new Promise at src/db.ts:6',
  'awaitwhat report: test "test/hung.spec.ts > users > waits for a timer" timed out (Test timed out in T); what it started is still pending',
  'awaitwhat: 2 pending async functions',
  '',
  '<anonymous>  test/hung.spec.ts:15:5  await sleep(60_000)  T',
  '└─ sleep  src/db.ts:12:3  await new Promise((resolve) => setTimeout(resolve, ms))  T',
  '   └─ new Promise((resolve) => setTimeout(resolve, ms))  — a new Promise at src/db.ts:12',
  '',
].join('\n');

const HOOK_REPORT = [
  'awaitwhat report: beforeAll hook in "test/hook.spec.ts > with a database" timed out (Hook timed out in T); what it started is still pending',
  'awaitwhat: 3 pending async functions',
  '',
  "<anonymous>  test/hook.spec.ts:6:5  await connect('db://setup')  T",
  '└─ connect  src/db.ts:2:3  await handshake(url)  T',
  '   └─ handshake  src/db.ts:6:3  await new Promise<void>(() => { void url; })  T',
  '      └─ new Promise<void>(() => { void url; })  — a new Promise at src/db.ts:6',
  '',
].join('\n');

for (const version of VERSIONS) {
  const skip = existsSync(vitestBin(version)) ? false : `Vitest ${version} is not installed (npm ci --prefix test/runners-vitest/${version})`;
  for (const pool of POOLS) {
    // One run at a time per project: Vitest keeps its results cache in the project.
    describe(`Vitest ${version.slice(1)}, pool: '${pool}'`, { skip }, () => {
      it('a test hung three calls deep on a never-resolved promise, and one on a timer longer than the timeout: each reported under its full name', async () => {
        const r = await runVitest(version, pool, 'test/hung.spec.ts');
        assert.equal(ourPart(r.stderr), HUNG_REPORTS);
        assert.equal(r.code, 1);
        assert.match(stable(r.stdout), /Tests {2}2 failed \| 1 passed \(3\)/);
        assert.match(r.stdout, /× (users > )?finds a user/);
        assert.match(r.stdout, /× (users > )?waits for a timer/);
      });

      it('a beforeAll hook that times out: reported as the hook of its suite', async () => {
        const r = await runVitest(version, pool, 'test/hook.spec.ts');
        assert.equal(ourPart(r.stderr), HOOK_REPORT);
        assert.equal(r.code, 1);
        assert.match(r.stdout + r.stderr, /Error: Hook timed out in 300ms\./);
      });

      it('isolate: false, one file after the other in one worker: each file is watched', async () => {
        const r = await runVitest(version, pool, 'test/{hung,hook}.spec.ts', true, ['--no-isolate', '--no-file-parallelism']);
        const ours = ourPart(r.stderr);
        assert.ok(ours === HUNG_REPORTS + HOOK_REPORT || ours === HOOK_REPORT + HUNG_REPORTS, ours);
        assert.equal(r.code, 1);
      });

      const SAME_AS_WITHOUT: Record<string, string> = {
        'test/pass.spec.ts': 'a passing file',
        'test/leaves.spec.ts': 'a test that leaves a chain and a timer behind (Vitest ends the worker)',
        // Vitest's code frame and location of the failed expect: the source maps compose.
        'test/failing.spec.ts': 'a test failing in an instrumented function, with nothing left pending',
      };
      for (const [file, what] of Object.entries(SAME_AS_WITHOUT)) {
        it(`${what}: exactly what Vitest prints without the plugin`, async () => {
          const [withPlugin, without] = [await runVitest(version, pool, file), await runVitest(version, pool, file, false)];
          assert.deepEqual(
            { code: withPlugin.code, stdout: stable(withPlugin.stdout), stderr: withPlugin.stderr },
            { code: without.code, stdout: stable(without.stdout), stderr: without.stderr },
          );
          if (file === 'test/failing.spec.ts') {
            assert.equal(without.code, 1);
            assert.match(without.stdout + without.stderr, /AssertionError: expected 3 to be 4[^]* ❯ test\/failing\.spec\.ts:11:15/);
          } else {
            assert.equal(without.code, 0);
            assert.match(without.stdout, /Tests {2}1 passed \(1\)/);
          }
        });
      }
    });
  }
}
