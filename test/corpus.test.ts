/**
 * The corpus: small programs with known await graphs. Each program runs twice, plainly and under
 * `awaitwhat --once`; its stdout and stderr must be identical both ways, and the graph awaitwhat
 * reports (rendered without durations) must equal the `.expected.txt` file beside the program,
 * edge for edge. Programs that finish must also end with the same exit code and produce no report.
 * Set AWAITWHAT_UPDATE=1 to rewrite the expected files after a deliberate change.
 */

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderText } from '../dist/index.js';
import type { Snapshot } from '../src/snapshot/schema.ts';
import { NODE_MAJOR, ROOT, run, runCli } from './support/run.ts';

interface Case {
  /** Program, relative to test/corpus. */
  program: string;
  /** 'hangs': reported by --once; 'finishes': runs to its end with identical output and no report. */
  expect: 'hangs' | 'finishes';
  /** Oldest Node.js major that can run the program. */
  minNode?: number;
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
  { program: 'finishes.mjs', expect: 'finishes' },
];

const CORPUS = join(ROOT, 'test', 'corpus');
const PLAIN_WAIT_MS = 1500;
const UPDATE = process.env.AWAITWHAT_UPDATE === '1';

describe('corpus', { concurrency: 2 }, () => {
  for (const c of CASES) {
    const skip = c.minNode !== undefined && NODE_MAJOR < c.minNode ? `needs Node.js ${c.minNode}+` : false;
    it(`${c.program}: ${c.expect === 'hangs' ? 'reports the expected graph' : 'runs unchanged'}, with identical output`, { skip }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-corpus-'));
      try {
        const out = join(dir, 'report.json');
        const program = join('test', 'corpus', c.program);
        const [plain, instrumented] = await Promise.all([
          run([program], c.expect === 'hangs' ? { killAfterMs: PLAIN_WAIT_MS } : {}),
          runCli(['--once', '--after', '250ms', '--format', 'json', '--out', out, program]),
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
        const graph = renderText(snapshot, { durations: false });
        const expectedFile = join(CORPUS, c.program.replace(/\.[cm]?[jt]s$/, '.expected.txt'));
        if (UPDATE) writeFileSync(expectedFile, graph);
        assert.equal(graph, readFileSync(expectedFile, 'utf8'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
