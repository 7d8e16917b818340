/**
 * Real third-party packages behave exactly the same with their own sources instrumented. The
 * packages (fastify, undici, p-queue, p-map and their dependencies) are installed in
 * test/packages/node_modules by `npm ci --prefix test/packages`; the workloads beside them run
 * twice, plainly and with awaitwhat's hooks instrumenting the packages, and must print the same
 * stdout and stderr and end with the same exit code. The instrumented run is probed
 * (test/packages/probe.mjs): which files awaitwhat transformed, which of their async functions ran,
 * and what was pending at chosen moments, so a run in which the packages were not instrumented
 * fails (the controls below show that it does). Last, some of the project's own test files run
 * under node:test with everything instrumented, and must report the same results.
 *
 * AWAITWHAT_PACKAGES_REQUESTS sets the number of HTTP requests of the fastify workload (default 2400).
 */

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { instrument } from '../dist/index.js';
import { stripTypes } from '../dist/transform/typescript.js';
import { NODE_MAJOR, ROOT, run, type RunResult } from './support/run.ts';

const PACKAGES_DIR = join(ROOT, 'test', 'packages');
const MODULES = join(PACKAGES_DIR, 'node_modules');
const HOOKS = join(ROOT, 'dist', 'hooks.js');
const PROBE = join(PACKAGES_DIR, 'probe.mjs');
const INSTALLED = ['fastify', 'undici', 'p-queue', 'p-map'].every((name) => existsSync(join(MODULES, name, 'package.json')));
const SKIP = INSTALLED ? false : 'install with: npm ci --prefix test/packages';
const REQUESTS = Number(process.env.AWAITWHAT_PACKAGES_REQUESTS || 2400);
/** Only a guard against a hang: a normal run takes a few seconds. */
const KILL_AFTER_MS = 60_000 + REQUESTS * 20;

/** What probe.mjs writes. */
interface ProbeReport {
  argv: string[];
  instrumented: boolean;
  hooks: { instrumented: number; skipped: number; failed: number } | null;
  /** Files awaitwhat's load hook transformed, in load order (`fastify/lib/hooks.js`, `queues.mjs`, `test/render.test.ts`). */
  transformed: string[];
  /** Files with sites in the runtime's table, with their number of sites. */
  files: Record<string, number>;
  /** Instrumented functions that ran: `file function`. */
  entered: string[];
  snapshots: Record<string, { frames: string[]; edges: string[] }>;
}

/** The environment of a child: this one's, without awaitwhat's settings or node:test's own. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('AWAITWHAT_') && key !== 'AWAITWHAT_PACKAGES_REQUESTS') continue;
    if (key === 'NODE_TEST_CONTEXT' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * Every package under test/packages/node_modules (scoped ones too) with a JavaScript file that
 * says `async` or `await` — a superset of those with async code, as awaitwhat's own prefilter.
 */
function packagesWithAsyncCode(): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(MODULES)) {
    if (entry.startsWith('.')) continue;
    const scoped = entry.startsWith('@') ? readdirSync(join(MODULES, entry)).map((name) => `${entry}/${name}`) : [entry];
    for (const name of scoped) if (mentionsAsync(join(MODULES, name))) names.push(name);
  }
  return names.sort();
}

function mentionsAsync(dir: string): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && mentionsAsync(path)) return true;
    } else if (/\.[cm]?js$/.test(entry.name) && statSync(path).isFile() && /\b(async|await)\b/.test(readFileSync(path, 'utf8'))) {
      return true;
    }
  }
  return false;
}

function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-packages-'));
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function readProbe(file: string): ProbeReport {
  assert.ok(existsSync(file), `the probed run wrote no report to ${file}`);
  return JSON.parse(readFileSync(file, 'utf8')) as ProbeReport;
}

function describeRun(r: RunResult): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}${r.killed ? ', killed after the time limit' : ''}; stderr: ${r.stderr.slice(0, 2000) || '(empty)'}`;
}

/** The same stdout, stderr and exit code; and a clean, finished run. */
function assertSameRun(plain: RunResult, instrumented: RunResult): void {
  assert.equal(plain.killed, false, `the plain run did not finish: ${describeRun(plain)}`);
  assert.equal(plain.code, 0, `the plain run failed: ${describeRun(plain)}`);
  assert.equal(plain.stderr, '', 'the plain run wrote to stderr');
  assert.equal(instrumented.killed, false, `the instrumented run did not finish: ${describeRun(instrumented)}`);
  assert.equal(instrumented.stderr, plain.stderr, 'stderr differs');
  assert.equal(instrumented.stdout, plain.stdout, 'stdout differs');
  assert.equal(instrumented.code, plain.code, 'exit code differs');
}

/** Frames as `file function state @ first 40 characters of the suspension text`. */
const cut = (frame: string) => frame.replace(/ @ (.{0,40}).*$/s, ' @ $1').trimEnd();
const inPackages = (line: string, packages: readonly string[]) => packages.some((p) => line.includes(`${p}/`));

function assertProbedWithAwaitwhat(report: ProbeReport): void {
  assert.equal(report.instrumented, true, 'awaitwhat was not active in the instrumented run');
  assert.ok(report.hooks !== null, 'awaitwhat/hooks was not installed');
  assert.equal(report.hooks.failed, 0, 'a file failed to transform');
}

function assertIncludes(actual: readonly string[], expected: readonly string[], what: string): void {
  const missing = expected.filter((e) => !actual.includes(e));
  assert.deepEqual(missing, [], `${what}: missing ${JSON.stringify(missing)}; got ${JSON.stringify(actual, null, 1)}`);
}

/**
 * fastify's request path is callbacks (its hook runner, `hookRunnerGenerator`, and the handler
 * wrapper, `wrapThenable`, are plain functions that call `.then`), so the one async function of
 * fastify/lib is `wrap` in lib/hooks.js, which runs every async `onListen` hook. undici's client
 * is callbacks too, but writing a request body from an async iterable (`writeIterable`) is async,
 * and `fetch()` is a chain of async functions down to the dispatch.
 */
function checkFastifyUndici(report: ProbeReport): void {
  assertProbedWithAwaitwhat(report);
  assertIncludes(report.transformed, ['fastify-undici.mjs', 'fastify/lib/hooks.js', 'undici/lib/dispatcher/client-h1.js', 'undici/lib/web/fetch/index.js'], 'transformed files');
  assertIncludes(
    report.entered,
    [
      'fastify/lib/hooks.js wrap',
      'undici/lib/dispatcher/client-h1.js writeIterable',
      'undici/lib/web/fetch/index.js mainFetch',
      'undici/lib/web/fetch/index.js httpFetch',
      'undici/lib/web/fetch/index.js httpNetworkOrCacheFetch',
      'undici/lib/web/fetch/index.js httpNetworkFetch',
      'fastify-undici.mjs itemsPlugin',
      'fastify-undici.mjs errorHandler',
    ],
    'instrumented functions that ran',
  );
  const held = report.snapshots.held;
  assert.ok(held !== undefined, 'no snapshot was taken while requests were held');
  // Two fetch()es held before their response headers, an upload held inside its body, and the
  // route handlers fastify called, held at their own await.
  assert.deepEqual(
    held.frames.filter((f) => inPackages(f, ['fastify', 'undici'])).map(cut),
    [
      'undici/lib/dispatcher/client-h1.js writeIterable awaiting @ for await (const chunk of body)',
      'undici/lib/web/fetch/index.js httpFetch awaiting @ await httpNetworkOrCacheFetch(fetchParam',
      'undici/lib/web/fetch/index.js httpNetworkFetch awaiting @ await dispatch({ body: requestBody })',
      'undici/lib/web/fetch/index.js httpNetworkOrCacheFetch awaiting @ await httpNetworkFetch( httpFetchParams,',
      'undici/lib/web/fetch/index.js mainFetch awaiting @ await schemeFetch(fetchParams)',
    ],
  );
  assertIncludes(held.frames, ['fastify-undici.mjs <anonymous> awaiting @ await gate', 'fastify-undici.mjs heldUpload awaiting @ await gate'], 'frames while held');
  assert.deepEqual(
    held.edges.filter((e) => inPackages(e, ['fastify', 'undici'])),
    [
      'undici/lib/dispatcher/client-h1.js writeIterable -> fastify-undici.mjs heldUpload',
      'undici/lib/web/fetch/index.js httpFetch -> undici/lib/web/fetch/index.js httpNetworkOrCacheFetch',
      'undici/lib/web/fetch/index.js httpNetworkFetch -> leaf',
      'undici/lib/web/fetch/index.js httpNetworkOrCacheFetch -> undici/lib/web/fetch/index.js httpNetworkFetch',
      'undici/lib/web/fetch/index.js mainFetch -> undici/lib/web/fetch/index.js httpFetch',
    ],
  );
}

function checkQueues(report: ProbeReport): void {
  assertProbedWithAwaitwhat(report);
  assertIncludes(report.transformed, ['queues.mjs', 'p-queue/dist/index.js', 'p-map/index.js'], 'transformed files');
  assertIncludes(
    report.entered,
    [
      'p-queue/dist/index.js PQueue.#add',
      'p-queue/dist/index.js PQueue.#onEvent',
      'p-queue/dist/index.js PQueue.addAll',
      'p-queue/dist/index.js PQueue.onEmpty',
      'p-queue/dist/index.js PQueue.onIdle',
      'p-queue/dist/index.js PQueue.onSizeLessThan',
      'p-map/index.js mapConcurrently',
      'p-map/index.js next',
      'p-map/index.js closeIterator',
    ],
    'instrumented functions that ran',
  );
  const queue = report.snapshots['p-queue'];
  assert.ok(queue !== undefined, 'no snapshot was taken in the p-queue workload');
  // Taken as task p7 starts: three tasks run (one of them p7, not suspended yet), the others wait.
  assert.deepEqual(queue.frames.filter((f) => inPackages(f, ['p-queue'])).map(cut), [
    'p-queue/dist/index.js <anonymous> awaiting @ await operation',
    'p-queue/dist/index.js <anonymous> returning @ return this.add(function_, options)',
    'p-queue/dist/index.js PQueue.#add returning @ return new Promise((resolve, reject) =>',
    'p-queue/dist/index.js PQueue.#onEvent returning @ return new Promise(resolve => { const co',
    'p-queue/dist/index.js PQueue.addAll returning @ return Promise.all(functions.map(async (',
    "p-queue/dist/index.js PQueue.onEmpty awaiting @ await this.#onEvent(['empty', 'active'],",
    "p-queue/dist/index.js PQueue.onIdle awaiting @ await this.#onEvent('idle')",
    "p-queue/dist/index.js PQueue.onSizeLessThan awaiting @ await this.#onEvent(['next', 'active'],",
  ]);
  assertIncludes(
    queue.edges,
    [
      'queues.mjs queueWithPriorities -> p-queue/dist/index.js PQueue.onIdle',
      'p-queue/dist/index.js PQueue.onIdle -> p-queue/dist/index.js PQueue.#onEvent',
      'p-queue/dist/index.js <anonymous> -> queues.mjs run',
      'p-queue/dist/index.js PQueue.addAll -> combinator',
    ],
    'p-queue edges',
  );
  const map = report.snapshots['p-map'];
  assert.ok(map !== undefined, 'no snapshot was taken in the p-map workload');
  assert.deepEqual(map.frames.filter((f) => inPackages(f, ['p-map'])).map(cut), [
    'p-map/index.js <anonymous> awaiting @ await mapper(element, index)',
    'p-map/index.js <anonymous> awaiting @ await next()',
    'p-map/index.js <anonymous> awaiting @ await nextItem.value',
    'p-map/index.js mapConcurrently returning @ return new Promise((resolve_, reject_) =',
  ]);
  assertIncludes(map.edges, ['queues.mjs mapWithConcurrency -> p-map/index.js mapConcurrently', 'p-map/index.js <anonymous> -> queues.mjs <anonymous>'], 'p-map edges');
}

/** Runs a workload plainly and instrumented (probed) at once; returns both runs and the probe's report. */
async function compare(program: string, instrumentEnv: Record<string, string>, dir: string): Promise<{ plain: RunResult; instrumented: RunResult; report: ProbeReport }> {
  const out = join(dir, 'probe.json');
  const options = { cwd: PACKAGES_DIR, killAfterMs: KILL_AFTER_MS };
  const [plain, instrumented] = await Promise.all([
    run([program], { ...options, env: childEnv() }),
    run(['--import', HOOKS, '--import', PROBE, program], { ...options, env: childEnv({ ...instrumentEnv, AWAITWHAT_PROBE_OUT: out }) }),
  ]);
  assertSameRun(plain, instrumented);
  return { plain, instrumented, report: readProbe(out) };
}

describe('real packages, with their own sources instrumented', { concurrency: 2 }, () => {
  it('fastify + undici: the same output, and fastify and undici ran instrumented', { skip: SKIP }, () =>
    withTempDir(async (dir) => {
      const packages = packagesWithAsyncCode();
      assertIncludes(packages, ['fastify', 'undici', 'avvio', 'light-my-request'], 'packages with async code');
      const { plain, report } = await compare('fastify-undici.mjs', { AWAITWHAT_PACKAGES: packages.join(',') }, dir);
      assert.match(plain.stdout, new RegExp(`^requests: ${REQUESTS}\n`));
      assert.match(plain.stdout, /^error handler: \d+ calls; boom 0 x/m);
      checkFastifyUndici(report);
    }),
  );

  it('p-queue + p-map: the same order of events, and both ran instrumented', { skip: SKIP }, () =>
    withTempDir(async (dir) => {
      const { plain, report } = await compare('queues.mjs', { AWAITWHAT_INCLUDE: '**' }, dir);
      assert.match(plain.stdout, /\n== done\n$/);
      checkQueues(report);
    }),
  );

  it('the checks fail for runs where the packages were not instrumented', { skip: SKIP }, () =>
    withTempDir(async (dir) => {
      const small = { AWAITWHAT_PACKAGES_REQUESTS: '48' };
      const probed = (name: string, hooks: boolean, program: string, env: Record<string, string> = {}) =>
        run([...(hooks ? ['--import', HOOKS] : []), '--import', PROBE, program], {
          cwd: PACKAGES_DIR,
          killAfterMs: KILL_AFTER_MS,
          env: childEnv({ ...env, AWAITWHAT_PROBE_OUT: join(dir, `${name}.json`) }),
        });
      // With the hooks but the default scope, only the workloads themselves are instrumented.
      const runs = await Promise.all([probed('fastify-app-only', true, 'fastify-undici.mjs', small), probed('queues-app-only', true, 'queues.mjs'), probed('queues-plain', false, 'queues.mjs')]);
      for (const r of runs) assert.equal(r.code, 0, describeRun(r));
      const fastifyAppOnly = readProbe(join(dir, 'fastify-app-only.json'));
      assert.equal(fastifyAppOnly.instrumented, true);
      assert.throws(() => checkFastifyUndici(fastifyAppOnly), /transformed files: missing \["fastify\/lib\/hooks\.js","undici/);
      assert.throws(() => checkQueues(readProbe(join(dir, 'queues-app-only.json'))), /transformed files: missing \["p-queue\/dist\/index\.js","p-map\/index\.js"\]/);
      assert.throws(() => checkQueues(readProbe(join(dir, 'queues-plain.json'))), /awaitwhat was not active/);
    }),
  );

  // undici's package.json has no "type"; for a `.js` file that `require()` loads from such a
  // package, Node's default load step returns `format: undefined` (fastify says "commonjs", so
  // its files get "commonjs"), and the load hook instruments only the formats it knows.
  it('undici, a package without "type", is instrumented when loaded with require()', { skip: SKIP }, () =>
    withTempDir(async (dir) => {
      const out = join(dir, 'probe.json');
      const r = await run(['--import', HOOKS, '--import', PROBE, '-e', "require('undici').fetch"], {
        cwd: PACKAGES_DIR,
        env: childEnv({ AWAITWHAT_PACKAGES: 'undici', AWAITWHAT_PROBE_OUT: out }),
      });
      assert.equal(r.code, 0, describeRun(r));
      assert.equal(r.stderr, '');
      const report = readProbe(out);
      assertProbedWithAwaitwhat(report);
      assertIncludes(report.transformed, ['undici/lib/dispatcher/client-h1.js', 'undici/lib/web/fetch/index.js'], 'transformed files');
    }),
  );
});

/**
 * Results of a TAP stream: one line per test (`suite > test: ok`), sorted, as test files run in
 * parallel finish in any order, and the totals. Durations and failure details are left out.
 */
function tapResults(tap: string): { tests: string[]; totals: string[] } {
  const stack: string[] = [];
  const tests: string[] = [];
  const totals: string[] = [];
  for (const line of tap.split('\n')) {
    const subtest = /^( *)# Subtest: (.*)$/.exec(line);
    if (subtest !== null) {
      stack.length = subtest[1]!.length / 4;
      stack.push(subtest[2]!);
      continue;
    }
    const result = /^( *)(ok|not ok) \d+ - (.*)$/.exec(line);
    if (result !== null) {
      const depth = result[1]!.length / 4;
      tests.push(`${[...stack.slice(0, depth), result[3]].join(' > ')}: ${result[2]}`);
      continue;
    }
    if (/^# (tests|suites|pass|fail|cancelled|skipped|todo) \d+$/.test(line)) totals.push(line);
  }
  return { tests: tests.sort(), totals };
}

/** Whether awaitwhat's transform inserts anything into this TypeScript file (stripped as the load hook strips it). */
function hasAsyncCode(file: string): boolean {
  const source = stripTypes(readFileSync(join(ROOT, file), 'utf8'));
  return instrument(source, { filename: file, format: 'module', sites: { addSite: () => 0 } }) !== null;
}

interface SelfCase {
  name: string;
  files: string[];
  isolation: 'process' | 'none';
  /** How everything gets instrumented: AWAITWHAT_INCLUDE='**' with awaitwhat/hooks, or installHooks() options (instrument-all.mjs). */
  via: 'environment' | 'options';
  /** Instrumented functions of the test files that must have run. */
  entered: string[];
}

/**
 * The project's own test files, run by node:test plainly and with everything instrumented — the
 * test files, test/support, the packages they load from node_modules — except awaitwhat's own
 * dist/, which the hooks never instrument. node:test itself is built into Node.js and loads
 * without module hooks, so it is never instrumented: it calls the instrumented test functions
 * and awaits them as uninstrumented code. The in-process test files get the settings from the
 * environment; the file whose tests start processes gets them as installHooks() options, so that
 * none leaks into those processes (an AWAITWHAT_INCLUDE would change what their runs instrument).
 */
describe("the project's own tests, run with everything instrumented", { concurrency: 2 }, () => {
  const existing = (files: string[]) => files.filter((f) => existsSync(join(ROOT, f)));
  const inProcess = existing(['test/render.test.ts', 'test/names.test.ts', 'test/sourcemap.test.ts', 'test/transform.test.ts']);
  const cases: SelfCase[] = [
    { name: 'in-process test files, each in its own process', files: inProcess, isolation: 'process', via: 'environment', entered: [] },
    { name: 'in-process test files, all in the runner\'s process', files: inProcess, isolation: 'none', via: 'environment', entered: [] },
    { name: 'async tests that start processes', files: existing(['test/stacks.test.ts']), isolation: 'process', via: 'options', entered: ['test/stacks.test.ts <anonymous>'] },
  ];
  const isolationFlag = NODE_MAJOR >= 23 ? '--test-isolation=none' : '--experimental-test-isolation=none';
  for (const c of cases) {
    const flags = ['--test', '--test-reporter=tap', ...(c.isolation === 'none' ? [isolationFlag] : [])];
    it(`${c.name}: the same results, with the test files instrumented`, { skip: c.files.length === 0 ? 'none of the test files exists' : false }, () =>
      withTempDir(async (dir) => {
        const options = { cwd: ROOT, killAfterMs: 120_000 };
        const probeOut = { AWAITWHAT_PROBE_OUT: join(dir, '%p.json') };
        const [plain, instrumented] = await Promise.all([
          run([...flags, ...c.files], { ...options, env: childEnv() }),
          c.via === 'environment'
            ? run(['--import', HOOKS, '--import', PROBE, ...flags, ...c.files], { ...options, env: childEnv({ AWAITWHAT_INCLUDE: '**', ...probeOut }) })
            : run(['--import', join(PACKAGES_DIR, 'instrument-all.mjs'), '--import', PROBE, ...flags, ...c.files], { ...options, env: childEnv(probeOut) }),
        ]);
        assert.equal(plain.killed || instrumented.killed, false, 'a run did not finish');
        const expected = tapResults(plain.stdout);
        assert.ok(expected.tests.length > c.files.length, `the plain run reported too few tests: ${describeRun(plain)}`);
        assert.deepEqual(tapResults(instrumented.stdout), expected);
        assert.equal(instrumented.stderr, plain.stderr, 'stderr differs');
        assert.equal(instrumented.code, plain.code, 'exit code differs');

        // With process isolation, the preloads run in each test file's process (not in the
        // runner's); without it, in the one process that runs them all.
        const reports = readdirSync(dir).map((name) => readProbe(join(dir, name)));
        assert.deepEqual(
          reports.map((r) => r.argv.join(' ')).sort(),
          c.isolation === 'process' ? [...c.files].sort() : [c.files.join(' ')],
          'the processes that were probed',
        );
        const transformed = new Set<string>();
        const entered = new Set<string>();
        for (const report of reports) {
          assertProbedWithAwaitwhat(report);
          for (const file of report.transformed) transformed.add(file);
          for (const fn of report.entered) entered.add(fn);
        }
        // Exactly the test files the transform has something to do in (most of these only
        // mention async code in strings, and load untouched).
        assert.deepEqual([...transformed].filter((f) => c.files.includes(f)).sort(), c.files.filter(hasAsyncCode).sort(), 'transformed test files');
        assertIncludes([...entered], c.entered, 'instrumented test functions that ran');
        assert.deepEqual(
          [...transformed].filter((f) => f.startsWith('dist/')),
          [],
          "awaitwhat's own dist/ must never be instrumented",
        );
      }),
    );
  }
});
