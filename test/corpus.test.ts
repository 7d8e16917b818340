/**
 * The corpus: small programs with known await graphs. Each program runs twice, plainly and under
 * `awaitwhat --once`; its stdout and stderr must be identical both ways. The snapshot awaitwhat
 * reports must be consistent (every edge listed from both sides, frames in seq order, roots,
 * counts), its graph — every field but times and ids, ids renamed canonically — must equal the
 * `.expected.json` file beside the program, and its text (without durations) the `.expected.txt`
 * file. Durations are checked from both sides, in milliseconds: the await that set off the report
 * was pending at least the threshold (less one clock tick), and none longer than the run lasted.
 * Programs that finish must also end with the same exit code and produce no report.
 * Set AWAITWHAT_UPDATE=1 to rewrite the expected files after a deliberate change: the run then
 * fails, so that an update can never pass unnoticed; run again without it.
 */

// Holders (on by default in --once reports, tested in heap-cli.test.ts) are off here: these tests are
// about the await graph, and a heap snapshot per run would only slow them.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderText, type FrameNode, type Snapshot } from '../dist/index.js';
import { canonicalGraph, formatCanonical } from '../dist/snapshot/canonical.js';
import { graphProblems } from '../dist/snapshot/invariants.js';
import { NODE_MAJOR, ROOT, run, runCli } from './support/run.ts';

interface Case {
  /** Program, relative to test/corpus. */
  program: string;
  /** 'hangs': reported by --once; 'finishes': runs to its end with identical output and no report. */
  expect: 'hangs' | 'finishes';
  /** Oldest Node.js major that can run the program. */
  minNode?: number;
  /** More options for the command. */
  options?: string[];
}

const CASES: Case[] = [
  { program: 'seed.mjs', expect: 'hangs' },
  { program: 'methods.mjs', expect: 'hangs' },
  { program: 'cjs-two-files/main.cjs', expect: 'hangs' },
  { program: 'esm-two-files/main.mjs', expect: 'hangs' },
  { program: 'typescript.ts', expect: 'hangs' },
  { program: 'combinators.mjs', expect: 'hangs' },
  { program: 'memoised.mjs', expect: 'hangs' },
  { program: 'generator.mjs', expect: 'hangs' },
  { program: 'await-using.mjs', expect: 'hangs', minNode: 24 },
  { program: 'thenable.mjs', expect: 'hangs' },
  { program: 'recursion.mjs', expect: 'hangs' },
  { program: 'events-once.mjs', expect: 'hangs' },
  { program: 'cycle.mjs', expect: 'hangs' },
  { program: 'via-library.mjs', expect: 'hangs' },
  { program: 'group.mjs', expect: 'hangs', options: ['--exclude', 'uninstrumented'] },
  { program: 'self-await.mjs', expect: 'hangs' },
  { program: 'new-promise.mjs', expect: 'hangs' },
  { program: 'finishes.mjs', expect: 'finishes' },
];

const CORPUS = join(ROOT, 'test', 'corpus');
const PLAIN_WAIT_MS = 1500;
const AFTER_MS = 250;
/** How far below the true time a pending time may read (the runtime's coarse clock ticks every 50 ms). */
const CLOCK_TICK_MS = 50;
const UPDATE = process.env.AWAITWHAT_UPDATE === '1';

describe('corpus', { concurrency: 2 }, () => {
  for (const c of CASES) {
    const skip = c.minNode !== undefined && NODE_MAJOR < c.minNode ? `needs Node.js ${c.minNode}+` : false;
    it(`${c.program}: ${c.expect === 'hangs' ? 'reports the expected graph' : 'runs unchanged'}, with identical output`, { skip }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-corpus-'));
      try {
        const out = join(dir, 'report.json');
        const program = join('test', 'corpus', c.program);
        let wallMs = 0;
        const [plain, instrumented] = await Promise.all([
          run([program], c.expect === 'hangs' ? { killAfterMs: PLAIN_WAIT_MS } : {}),
          (async () => {
            const started = performance.now();
            const result = await runCli(['--no-holders', '--once', '--after', `${AFTER_MS}ms`, '--format', 'json', '--out', out, ...(c.options ?? []), program]);
            wallMs = performance.now() - started;
            return result;
          })(),
        ]);
        assert.equal(instrumented.stdout, plain.stdout, 'stdout differs');
        assert.equal(instrumented.stderr, plain.stderr, 'stderr differs');
        if (c.expect === 'finishes') {
          assert.equal(plain.killed, false, 'the plain run did not finish');
          assert.equal(instrumented.code, plain.code, 'exit code differs');
          assert.equal(existsSync(out), false, 'a report was written for a program that does not hang');
          return;
        }
        assert.equal(instrumented.code, 124, `expected exit code 124 after the report, got ${instrumented.code}`);
        const snapshot = JSON.parse(readFileSync(out, 'utf8')) as Snapshot;
        assert.deepEqual(graphProblems(snapshot), [], 'the snapshot is inconsistent');
        assertDurations(snapshot, wallMs);
        const text = renderText(snapshot, { durations: false });
        const graph = formatCanonical(canonicalGraph(snapshot));
        const base = join(CORPUS, c.program.replace(/\.[cm]?[jt]s$/, ''));
        if (UPDATE) {
          writeFileSync(`${base}.expected.txt`, text);
          writeFileSync(`${base}.expected.json`, graph);
          assert.fail(`AWAITWHAT_UPDATE=1: wrote ${base}.expected.{txt,json}; check them and run again without it`);
        }
        assert.equal(graph, readFileSync(`${base}.expected.json`, 'utf8'), 'graph');
        assert.equal(text, readFileSync(`${base}.expected.txt`, 'utf8'), 'text');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

/**
 * The report was written once an await had been pending `AFTER_MS`: the longest pending time reads
 * at least that, less one clock tick (times are lower bounds), and no time exceeds the whole run.
 * A time in seconds or microseconds fails one side or the other.
 */
function assertDurations(snapshot: Snapshot, wallMs: number): void {
  const times = snapshot.nodes.filter((n): n is FrameNode => n.type === 'frame').map((f) => f.pendingMs ?? 0);
  const longest = Math.max(...times);
  assert.ok(longest >= AFTER_MS - CLOCK_TICK_MS, `the longest pending time, ${longest} ms, is below the ${AFTER_MS} ms threshold by more than a clock tick`);
  assert.ok(longest <= wallMs, `a pending time of ${longest} ms is longer than the whole run, ${Math.round(wallMs)} ms`);
}
