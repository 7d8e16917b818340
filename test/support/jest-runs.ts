/**
 * What the Jest tests (runners-jest, runners-jest-esm) share: the fixture projects, the
 * normalisation of Jest's output, the expected chains and report sections, and the comparison of a
 * run with awaitwhat against the same run without it (Jest's output exactly the same once the
 * reports are taken out).
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, withoutDurations, type RunResult } from './run.ts';

export const HERE = join(ROOT, 'test', 'runners-jest');
export const PROJECT = join(HERE, 'project');
export const PROJECT_TS = join(HERE, 'project-ts');
export const ENV: NodeJS.ProcessEnv = { ...process.env, CI: '1', FORCE_COLOR: '0' };
delete ENV.NODE_TEST_CONTEXT;
/** Reports appear well before; the threshold report must not. */
export const AFTER = ['--after', '60s'];
/** A safety net only: a loaded machine has taken over a minute for one Jest run with workers. */
export const KILL_AFTER_MS = 180_000;

/**
 * Durations (`(312 ms)`, `Time: 1.721 s`, `300ms`), pids and the checkout's path out; a test's
 * duration and Jest's estimate of the run's (from timings in its cache) out altogether, as Jest
 * prints them or not depending on how long things took.
 */
export function normalise(text: string): string {
  return withoutDurations(text)
    .replace(/\d+(\.\d+)? m?s\b/g, 'T')
    .replace(/^(\s*[✓✕] .*|(?:PASS|FAIL) .*) \(T\)$/gm, '$1')
    .replace(/^(Time: +T), estimated T$/gm, '$1')
    .replace(/process \d+/g, 'process P')
    .replace(/^\(node:\d+\) /gm, '(node:P) ')
    .replace(/, worker thread \d+:/g, ', worker thread W:')
    .replaceAll(ROOT, '<root>/');
}

export const CHAIN = (where: string): string[] => [
  `<anonymous>  ${where}  await fetchUser()  T`,
  '└─ fetchUser  chains.js:3:10  await queryUser()  T',
  '   └─ queryUser  chains.js:6:10  await connect()  T',
  '      └─ connect  chains.js:9:3  await new Promise(() => {})  T',
  '         └─ new Promise(() => {})  — a new Promise at chains.js:9',
];
/** The same chain in TypeScript (project-ts/chains.ts): lines and columns of the .ts files, the text of their lines. */
export const TS_CHAIN = [
  '<anonymous>  hung-promise.test.ts:7:5  await fetchUser(wanted.id)  T',
  '└─ fetchUser  chains.ts:12:20  await queryUser(id)  T',
  '   └─ queryUser  chains.ts:17:10  await connect(`SELECT name FROM users WHERE id = ${id}`)  T',
  '      └─ connect  chains.ts:21:10  await new Promise<Row>(() => {})  T',
  '         └─ new Promise<Row>(() => {})  — a new Promise at chains.ts:21',
];

/** A report of one section; `who` as the title names the reporting process (`process P`, or `process P, worker thread W` in a Jest worker thread). */
export function block(title: string, frames: number, tree: string[], who = 'process P'): string {
  return [`awaitwhat report: ${who}: ${title}`, `awaitwhat: ${frames} pending async function${frames === 1 ? '' : 's'}`, '', ...tree, ''].join('\n');
}

export const TIMED_OUT = (what: string, kind: 'test' | 'hook'): string => `${what} timed out (Exceeded timeout of T for a ${kind}); what it started is still pending`;

export interface Case {
  file: string;
  /** The reports expected, in order, on stderr (where Jest writes too). */
  reports: string[];
  /** `--once`: the run does not end by itself; it ends with 124 after the first report. */
  once?: boolean;
}

/** Takes each expected report out of `text`, in order; what is left. */
export function takeReports(text: string, reports: string[]): string {
  let rest = normalise(text);
  let at = 0;
  for (const report of reports) {
    const found = rest.indexOf(report, at);
    assert.ok(found !== -1, `report not found:\n${report}\n--- in ---\n${rest}`);
    rest = rest.slice(0, found) + rest.slice(found + report.length);
    at = found;
  }
  assert.ok(!rest.includes('awaitwhat'), `more from awaitwhat than expected:\n${rest}`);
  return rest;
}

/** A Jest cache directory for one test, removed after it. */
export async function withCache<T>(task: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-jest-cache-'));
  try {
    return await task(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function compare(aw: RunResult, plain: RunResult, reports: string[]): void {
  const stderr = takeReports(aw.stderr, reports);
  assert.deepEqual(
    { code: aw.code, signal: aw.signal, stdout: normalise(aw.stdout), stderr },
    { code: plain.code, signal: plain.signal, stdout: normalise(plain.stdout), stderr: normalise(plain.stderr) },
  );
}
