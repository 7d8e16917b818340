#!/usr/bin/env node
// Mutation testing with StrykerJS (docs/MUTATION.md): `npm run mutate` does every folder below,
// `npm run mutate -- render snapshot` some of them, `npm run mutate -- src/render/text.ts` one
// file (its folder's tests). Incremental: the results are kept in test/mutation/<folder>.json
// (<folder>.<file>.json for one file; committed), so that a later run tests only the mutants in
// changed code or covered by changed tests; `--force` tests them all again.
//
// `--survivors` prints the last run's surviving and uncovered mutants of the targets instead
// (file:line:column, mutator, replacement, the line), from reports/mutation/<name>.json.
//
// Each folder has its own focused test files (unit level, no e2e, differential or SDK runs). The
// tap runner runs them one file per process (node:test prints TAP when not on a terminal), only
// the files that reach a mutant, stopping at the first failure; test/mutation/child-coverage.cjs
// counts what the programs the tests spawn reach as well. The machine is shared: low priority,
// two workers at most, a timeout per mutant.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stryker } from '@stryker-mutator/core';

// StrykerJS 10.0 stops on the ++/-- swap of a non-null assertion (`counts[i]!++`: "Property argument
// of UpdateExpression expected node to be of a type Identifier, MemberExpression but got
// TSNonNullExpression"). Its mutator, taught to swap the operator on the asserted expression
// itself (`counts[i]--`, the same once types are stripped), keeps those mutants.
const instrumenter = (file) => import(pathToFileURL(resolve('node_modules/@stryker-mutator/instrumenter/dist/src', file)).href);
const { updateOperatorMutator } = await instrumenter('mutators/update-operator-mutator.js');
const { deepCloneNode } = await instrumenter('util/index.js');
updateOperatorMutator.mutate = function* mutate(path) {
  if (!path.isUpdateExpression()) return;
  let argument = path.node.argument;
  while (argument.type === 'TSNonNullExpression') argument = argument.expression;
  yield { type: 'UpdateExpression', operator: path.node.operator === '++' ? '--' : '++', argument: deepCloneNode(argument), prefix: path.node.prefix };
};

/**
 * Per folder, the tests that cover it, cheapest and most telling first. SKIP: tests left out of
 * mutant runs: render's take seconds each (graphs of 100k frames, for the stack and linear time,
 * which a mutation score does not measure); otel's checks where the SDK packages load from, which
 * in Stryker's sandbox (node_modules linked in) is another path than the test expects; runtime's
 * todo of a known fault.
 */
const SKIP = {
  render: '\\d+k-(deep|long)',
  snapshot: '\\d+k-(deep|long)',
  otel: 'loads OpenTelemetry SDK',
  // Known faults kept as `todo`s (runtime-traced-frames): the tap runner counts a `not ok # TODO` as a failure.
  runtime: 'children end within their parents|waiting on a timer that expires while its caller runs on',
};
const FOLDERS = {
  render: ['test/render-exact.test.ts', 'test/render-cuts.test.ts', 'test/render-header.test.ts', 'test/render-kept-graph.test.ts', 'test/render-node-marks.test.ts', 'test/render-rebuilt-graph.test.ts', 'test/render.test.ts'],
  snapshot: [
    'test/snapshot-value-kind.test.ts',
    'test/snapshot-places.test.ts',
    'test/snapshot-frame-records.test.ts',
    'test/snapshot-find-cycles.test.ts',
    'test/snapshot-invariants.test.ts',
    'test/snapshot-options.test.ts',
    'test/snapshot-operand-text.test.ts',
    'test/snapshot-discover.test.ts',
    'test/snapshot-edges.test.ts',
    'test/snapshot-members.test.ts',
    'test/snapshot-canonical.test.ts',
    'test/snapshot-validate.test.ts',
    'test/snapshot-build-records.test.ts',
    'test/snapshot-build-gaps.test.ts',
    'test/snapshot-built-graph.test.ts',
    'test/snapshot-int-list.test.ts',
    // In-process programs (a fixture imported under installHooks, a second each): for await,
    // yield*, await using, figure-of-eight cycles, array slots.
    'test/snapshot-for-await-cases.test.ts',
    'test/snapshot-for-await.test.ts',
    'test/snapshot-using.test.ts',
    'test/snapshot-cycles.test.ts',
    'test/runtime-array-slot.test.ts',
    'test/snapshot-shapes.test.ts',
    'test/snapshot-checks.test.ts',
    'test/snapshot-node-index.test.ts',
    'test/snapshot-node-index-oracle.test.ts',
    // NodeIndex.edges as the rebuilt report graph uses it (a copy of a snapshot, or one read from JSON).
    'test/render-rebuilt-graph.test.ts',
    'test/seq-order.test.ts',
    'test/seq-order-edges.test.ts',
    'test/oracle-canonical.test.ts',
    'test/render-exact.test.ts',
    // What the renderers say of something that is not a snapshot (validate.ts).
    'test/render.test.ts',
    // The kept integer graph as the renderer reads it (built-graph.ts), and holders.ts in this
    // process (one heap snapshot of the test's own, 3 s). Not test/heap-holders.test.ts: its
    // programs' heap snapshots take seconds each, and under a loaded machine its cases ran past
    // the per-mutant timeout, counting surviving mutants as killed.
    'test/render-kept-graph.test.ts',
    'test/snapshot-holders.test.ts',
    // Not test/runtime-claims.test.ts nor test/snapshot-combinators.test.ts: they run programs
    // under the command (seconds each, and a mutant that breaks the report makes them wait for
    // their kill timer), which made a run of this folder take hours on the shared machine.
  ],
  // Not test/otel-times.test.ts: its checks of durations and of the sampler's threshold fail under
  // the load of the instrumented build for no fault of a mutant.
  // The in-process tests only (the sampler, the span bridge, the instrumentation and the SDK driven
  // in the test's own process, under a second each). Not test/otel.test.ts: its cases spawn programs
  // (10 s a run), which every surviving mutant of the sampler and the bridge paid for, making a run
  // of pending-sampler.ts alone take over an hour; nor test/otel-sampler-holders.test.ts (a heap
  // snapshot, 4 s, for one line of the sampler); nor test/otel-times.test.ts, whose checks of
  // durations and of the sampler's threshold fail under the load of the instrumented build.
  otel: [
    'test/otel-sampler.test.ts',
    'test/otel-span-bridge.test.ts',
    'test/otel-omit-text.test.ts',
    'test/otel-holders.test.ts',
    'test/otel-diag-logger.test.ts',
    'test/otel-metrics-unit.test.ts',
    'test/otel-instrumentation.test.ts',
    // Its timer, gauges, runtime faults and hook options (a hung call of its own); its refusals (no
    // registerHooks, another copy's runtime), each file its own process.
    'test/otel-instrumentation-lifecycle.test.ts',
    'test/otel-instrumentation-refusals.test.ts',
    'test/otel-sdk.test.ts',
    'test/otel-sdk-missing.test.ts',
    'test/otel-sdk-nested-core.test.ts',
    // The exporters register wires up, against a collector in the test's process (an HTTP server), and
    // the copies of core its error handler goes to.
    'test/otel-sdk-export.test.ts',
    'test/otel-sdk-cores.test.ts',
    'test/otel-extract-chains.test.ts',
    'test/otel-faults.test.ts',
    'test/settings.test.ts',
    'test/otel-version.test.ts',
  ],
  runtime: [
    'test/clock.test.ts',
    'test/runtime-clock-record.test.ts',
    'test/runtime-faults-describe.test.ts',
    'test/runtime-values.test.ts',
    'test/runtime-install.test.ts',
    'test/runtime-frame-edges.test.ts',
    'test/runtime-frame-claims.test.ts',
    'test/runtime-frame-open.test.ts',
    'test/runtime-site-table.test.ts',
    'test/runtime-registry.test.ts',
    'test/runtime-frame-records.test.ts',
    'test/runtime-ticker.test.ts',
    'test/runtime-links.test.ts',
    // The captured built-ins against a program that changes the originals (vm realms included).
    'test/runtime-intrinsics.test.ts',
    // The runtime in the test's own process: every frame, claim, combinator and iteration record.
    'test/snapshot-shapes.test.ts',
    // In-process programs (a second each): the loop, disposal and array-slot records of for await,
    // yield*, await using and `[g(), h()]`, and frames awaiting each other in cycles.
    'test/snapshot-for-await-cases.test.ts',
    'test/snapshot-for-await.test.ts',
    'test/snapshot-using.test.ts',
    'test/snapshot-cycles.test.ts',
    'test/runtime-array-slot.test.ts',
    'test/runtime-claims.test.ts',
    'test/runtime-faults.test.ts',
    // Traced frames (AwaitInstrumentation) in the test's own process: spans and hung-chain samples
    // of real instrumented chains, exported to memory.
    'test/otel-span-bridge.test.ts',
    'test/otel-sampler.test.ts',
    // Traced frames seen from their spans: leaf awaits, returns, kept calls, for await, generators,
    // event-loop turns under a positive minimum, observers that throw or are gone.
    'test/runtime-traced-frames.test.ts',
    // Modules defining their own sites (foreign ids) and promises of other realms.
    'test/runtime-foreign-sites.test.ts',
    'test/self-contained.test.ts',
    'test/runtime-realms.test.ts',
  ],
};

const args = process.argv.slice(2);
const force = args.includes('--force');
// --keep: leave the sandbox (.stryker-tmp/<folder>/sandbox-*) to reproduce a failing test run by hand.
const keep = args.includes('--keep');
const targets = args.filter((a) => !a.startsWith('--'));
const jobs = (targets.length > 0 ? targets : Object.keys(FOLDERS)).map((t) => {
  const m = /^(?:src\/)?([a-z]+)(?:\/(.+\.ts))?$/.exec(t);
  if (m === null || !(m[1] in FOLDERS)) {
    console.error(`mutate: ${t}: expected one of ${Object.keys(FOLDERS).join(', ')}, or a file in src/<one of them>/`);
    process.exit(2);
  }
  // A file's results are kept apart from its folder's (an incremental file holds only what its run mutated).
  const name = m[2] === undefined ? m[1] : `${m[1]}.${m[2].replace(/\.ts$/, '').replace(/\//g, '.')}`;
  return { folder: m[1], name, mutate: m[2] === undefined ? [`src/${m[1]}/**/*.ts`] : [`src/${m[1]}/${m[2]}`] };
});

if (args.includes('--survivors')) {
  for (const { name } of jobs) {
    const file = `reports/mutation/${name}.json`;
    if (!existsSync(file)) {
      console.error(`mutate: ${file}: no report; run \`npm run mutate -- ${name}\` first`);
      continue;
    }
    const report = JSON.parse(readFileSync(file, 'utf8'));
    for (const [path, f] of Object.entries(report.files)) {
      const lines = f.source.split('\n');
      const alive = f.mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage');
      alive.sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
      for (const m of alive) {
        const { line, column } = m.location.start;
        console.log(`${path.replace(`${process.cwd()}/`, '')}:${line}:${column} ${m.status === 'NoCoverage' ? '(no coverage) ' : ''}${m.mutatorName} → ${String(m.replacement).replace(/\s+/g, ' ').slice(0, 100)}`);
        console.log(`    ${lines[line - 1].trim().slice(0, 150)}`);
      }
    }
  }
  process.exit(0);
}

// The tap runner starts `node` from PATH: the pinned Node.js (type stripping), not the machine's.
process.env.PATH = `${resolve('node_modules/.bin')}${delimiter}${process.env.PATH}`;
// Every process of the run (Stryker's workers, the tests and their programs) at low priority.
try {
  execFileSync('renice', ['-n', '10', '-p', String(process.pid)], { stdio: 'ignore' });
} catch {
  // no renice on this machine: the run goes on at normal priority
}
mkdirSync('test/mutation', { recursive: true });

let failed = false;
for (const { folder, name, mutate } of jobs) {
  const incrementalFile = `test/mutation/${name}.json`;
  console.log(`# mutate ${mutate.join(' ')} against ${FOLDERS[folder].join(' ')}`);
  const stryker = new Stryker({
    plugins: ['@stryker-mutator/tap-runner'],
    testRunner: 'tap',
    tap: {
      testFiles: FOLDERS[folder],
      nodeArgs: ['-r', resolve('test/mutation/child-coverage.cjs'), '-r', '{{hookFile}}', '--test-reporter=tap', ...(SKIP[folder] ? [`--test-skip-pattern=${SKIP[folder]}`] : []), '{{testFile}}'],
      forceBail: true,
    },
    mutate,
    ignorePatterns: ['/bench', '/examples', '/dist', '/reports', '/coverage', '/.cache', 'test/packages/node_modules', 'test/compat/sdk2/node_modules', '/.stryker-tmp*'],
    // Only the sources get `// @ts-nocheck` (the default also puts it atop test fixtures, moving
    // every line the tests expect in reports by one).
    disableTypeChecks: 'src/**/*.ts',
    buildCommand: 'tsc -p tsconfig.build.json',
    coverageAnalysis: 'perTest',
    incremental: true,
    incrementalFile,
    force,
    concurrency: 2,
    timeoutMS: 5000,
    timeoutFactor: 1.5,
    reporters: ['clear-text', 'progress-append-only', 'json'],
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
    clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
    thresholds: { high: 90, low: 85, break: null },
    tempDirName: `.stryker-tmp/${name}`,
    cleanTempDir: keep ? false : 'always',
  });
  try {
    const results = await stryker.runMutationTest();
    summarize(name, results);
  } catch (err) {
    failed = true;
    console.error(`mutate: ${folder}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
process.exit(failed ? 1 : 0);

/** Score per file: killed (and timed out) over all but the ignored, as Stryker counts it. */
function summarize(folder, results) {
  const byFile = new Map();
  for (const r of results) {
    const f = byFile.get(r.fileName) ?? { killed: 0, survived: 0, noCoverage: 0, other: 0 };
    if (r.status === 'Killed' || r.status === 'Timeout') f.killed++;
    else if (r.status === 'Survived') f.survived++;
    else if (r.status === 'NoCoverage') f.noCoverage++;
    else f.other++;
    byFile.set(r.fileName, f);
  }
  let k = 0;
  let all = 0;
  console.log(`\n# ${folder}: killed / (killed + survived + no coverage)`);
  for (const [file, f] of [...byFile].sort()) {
    const n = f.killed + f.survived + f.noCoverage;
    k += f.killed;
    all += n;
    console.log(`#   ${file.replace(`${process.cwd()}/`, '')}: ${f.killed}/${n} ${n === 0 ? '-' : ((100 * f.killed) / n).toFixed(1) + '%'}${f.other ? ` (${f.other} errors/ignored)` : ''}`);
  }
  console.log(`#   ${folder}: ${k}/${all} ${all === 0 ? '-' : ((100 * k) / all).toFixed(1) + '%'}`);
}
