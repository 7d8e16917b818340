#!/usr/bin/env node
// Runs the test suite with node:test. The Node.js that runs the tests (and every program they
// spawn) is AWAITWHAT_TEST_NODE when set (CI sets it to 22, 24 and 26 in turn), else this one.
//
// Without arguments, three runs, each whatever the others' results: every test file; the
// OpenTelemetry tests again against SDK 2.x (test/compat/sdk2, loaded into every process through
// NODE_OPTIONS by test/compat/redirect.mjs); the instrumentation tests again with acorn, the parser
// used where oxc-parser's binary is missing. A summary reports both, with every skipped test and its reason;
// the script fails when either run fails. With file arguments, one run of those files (against
// SDK 2.x when AWAITWHAT_OTEL_SDK=2).
//
// With AWAITWHAT_CI=1 (.ci/run), a test skipped for anything but the Node.js version fails the
// script, and so does a missing SDK 2.x install: CI provides everything the tests can ask for
// (Jaeger, a Node.js older than 22.15, SDK 2.x, the third-party packages), so such a skip means a
// test that should have run did not.
import { spawnSync } from 'node:child_process';
import { existsSync, globSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const node = process.env.AWAITWHAT_TEST_NODE || process.execPath;
const ci = process.env.AWAITWHAT_CI === '1';
const explicit = process.argv.slice(2);
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();

// Not the tests of packages installed for the tests (test/packages/node_modules), nor the test
// files of the projects Jest and Vitest run in test/runners-jest and test/runners-vitest (theirs,
// run by those runners inside runners-jest.test.ts and runners-vitest.test.ts).
const RUNNER_PROJECTS = new Set(['runners-jest', 'runners-vitest']);
const allFiles = globSync('test/**/*.test.ts')
  .filter((f) => {
    const parts = f.split(/[\\/]/);
    return !parts.includes('node_modules') && !RUNNER_PROJECTS.has(parts[1]);
  })
  .sort();
/** The OpenTelemetry tests: every file whose tests load the OpenTelemetry SDK or spans made with it. */
const OTEL_FILE = /^test\/(otel[^/]*|register|privacy|settings[^/]*)\.test\.ts$|^test\/e2e\/[^/]+\.test\.ts$/;
const otelFiles = allFiles.filter((f) => OTEL_FILE.test(f.split(/[\\/]/).join('/')));
const SDK2_INSTALLED = existsSync('test/compat/sdk2/node_modules');
/** Everything a process needs to load SDK 2.x: the redirect, and the variable the tests read their expectations from. */
const SDK2_ENV = {
  AWAITWHAT_OTEL_SDK: '2',
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL('test/compat/redirect.mjs').href}`.trim(),
};
/**
 * The tests that load instrumented programs, run again with the pure-JavaScript parser that stands
 * in where oxc-parser's native binary is missing; the transform cache off, so that every file is
 * parsed (the cache's entries do not depend on the parser, whose outputs are the same).
 */
const ACORN_FILE = /^test\/(transform[^/]*|corpus|corners|names|stacks|sourcemap|hooks|runtime-poison)\.test\.ts$/;
const acornFiles = allFiles.filter((f) => ACORN_FILE.test(f.split(/[\\/]/).join('/')));
const ACORN_ENV = { AWAITWHAT_PARSER: 'acorn', AWAITWHAT_CACHE: '0' };
/** Skips that depend only on the Node.js version running the tests (syntax it does not parse): expected in CI. */
const NODE_VERSION_SKIP = [/^needs Node\.js \d+\+$/, /^this Node\.js does not parse /];

const scratch = mkdtempSync(join(tmpdir(), 'awaitwhat-test-'));
const runs = [];
try {
  if (explicit.length > 0) {
    runs.push(process.env.AWAITWHAT_OTEL_SDK === '2' ? suite('OpenTelemetry SDK 2.x', explicit, SDK2_ENV) : suite('tests', explicit));
  } else {
    runs.push(suite('all tests', allFiles));
    if (SDK2_INSTALLED) runs.push(suite('OpenTelemetry tests on SDK 2.x', otelFiles, SDK2_ENV));
    runs.push(suite('instrumentation tests with acorn (the fallback parser)', acornFiles, ACORN_ENV));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(summarize());

/** One node:test run: the spec reporter on the terminal, TAP into a file for the summary. */
function suite(label, files, env = {}) {
  console.log(`# ${label}: node ${version} (${node})`);
  const tap = join(scratch, `${runs.length}.tap`);
  const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`];
  const result = spawnSync(node, ['--test', ...reporters, ...files], { stdio: 'inherit', env: { ...process.env, AWAITWHAT_TEST_NODE: node, ...env } });
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  return { label, status: result.status ?? 1, counts: counts(text), skipped: skips(text), todo: todos(text) };
}

/** The final `# pass N` lines of a TAP report. */
function counts(tap) {
  const found = {};
  for (const [, key, n] of tap.matchAll(/^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) found[key] = Number(n);
  return found;
}

/** Every test (or suite) reported as skipped, with its reason. */
function skips(tap) {
  return [...tap.matchAll(/^\s*ok \d+ - (.*?) # SKIP(?: (.*))?$/gm)].map(([, name, reason = '']) => ({ name: name.replace(/\\#/g, '#'), reason }));
}

/** Every test reported as todo (a known bug or gap kept as a case; it counts neither as passed nor as failed), with its reason. */
function todos(tap) {
  return [...tap.matchAll(/^\s*(?:not )?ok \d+ - (.*?) # TODO(?: (.*))?$/gm)].map(([, name, reason = '']) => ({ name: name.replace(/\\#/g, '#'), reason }));
}

/** Prints what each run did, and returns the exit status of the whole. */
function summarize() {
  let status = 0;
  console.log(`\n# summary, node ${version}`);
  for (const r of runs) {
    const c = r.counts;
    const ok = r.status === 0 && c.tests !== undefined;
    if (!ok) status = 1;
    console.log(`#   ${r.label}: ${c.pass ?? '?'} passed, ${c.fail ?? '?'} failed, ${c.skipped ?? '?'} skipped, ${c.cancelled ?? '?'} cancelled, ${c.todo ?? '?'} todo${ok ? '' : ' — FAILED'}`);
    for (const t of r.todo) console.log(`#     todo (known, not counted as passed): ${t.name} (${t.reason})`);
    for (const s of r.skipped) {
      const allowed = NODE_VERSION_SKIP.some((re) => re.test(s.reason));
      if (ci && !allowed) status = 1;
      console.log(`#     skipped: ${s.name} (${s.reason || 'no reason given'})${ci && !allowed ? ' — not allowed in CI' : ''}`);
    }
  }
  if (explicit.length === 0 && !SDK2_INSTALLED) {
    console.log(`#   OpenTelemetry tests on SDK 2.x: not run — install them with \`npm ci --prefix test/compat/sdk2\` (.ci/run does)${ci ? ' — required in CI' : ''}`);
    if (ci) status = 1;
  }
  return status;
}
