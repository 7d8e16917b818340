/**
 * The setup file `awaitwhat/vitest` adds: it runs in each Vitest worker before each test file.
 * It installs the thread's runtime (the instrumented modules define their sites in it), and its
 * first `beforeAll` wraps the file's tests and hooks (watch.ts), so that a test or hook Vitest times
 * out gets a text report on stderr of the chains it started that are still pending.
 *
 * A run that does not end: Vitest itself ends its workers when their files are done (and says so
 * when one does not go), so nothing is reported after the last test here.
 */

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderReport, writeReport } from '../../cli/reporter.ts';
import { describeError, tellOnce } from '../../cli/faults.ts';
import { installRuntime, runtimeGlobal, type Runtime } from '../../runtime/runtime.ts';
import { setCurrentLog } from '../current.ts';
import type { RunnerReports } from '../reporting.ts';
import { TestLog } from '../tests.ts';
import type { SuiteApi, Task } from './tasks.ts';

interface Collector {
  on(name: 'beforeAll', fn: (file: Task) => void): void;
}

/**
 * `@vitest/runner` as Vitest's runner in this worker uses it (what `vitest/suite` re-exports, without
 * the deprecation notice Vitest 4.1 prints for that entry): resolved from Vitest, which is looked up
 * from the script the worker runs (Vitest's worker entry in a child process, Vitest's command in a
 * thread), then from the project (the working directory), then from awaitwhat (installed side by side).
 */
function runnerModuleUrl(): string {
  const script = process.argv[1];
  for (const from of [...(script === undefined ? [] : [script]), join(process.cwd(), 'package.json'), import.meta.filename]) {
    try {
      const vitest = createRequire(from).resolve('vitest/package.json');
      return pathToFileURL(createRequire(vitest).resolve('@vitest/runner')).href;
    } catch {
      // Not from there.
    }
  }
  throw new Error(`Vitest's @vitest/runner could not be found from ${script ?? 'the worker'}, from ${process.cwd()} nor from awaitwhat`);
}

const suiteApi = (await import(runnerModuleUrl())) as SuiteApi & { getCurrentSuite(): Collector };
import { watchFile, type Watch } from './watch.ts';

let runtime: Runtime | undefined;
try {
  runtime = installRuntime();
} catch {
  // Another copy of awaitwhat installed it (the command's, in each process it starts): its global serves the snapshots.
}
const cwd = process.cwd();
const reports: RunnerReports = {
  snapshot: () => runtime?.internals.snapshot({ cwd }) ?? runtimeGlobal()!.snapshot({ cwd }),
  report(sections) {
    const text = renderReport({
      format: 'text',
      sections: sections.map((s) => ({ title: s.title, snapshot: s.snapshot, minPendingMs: 0 })),
      notes: [],
    });
    writeReport(text, undefined);
  },
  note: (line) => tellOnce(line),
};

const log = new TestLog();
setCurrentLog(log);
const watch: Watch = {
  log,
  reports,
  suites: suiteApi,
  onFault: (error) => tellOnce(`the Vitest integration failed (${describeError(error)})`),
};

const start = (file: Task): void => {
  try {
    watchFile(file, watch, start);
  } catch (error) {
    watch.onFault(error);
  }
};
// As a `beforeAll` of the file's (the first: setup files run before the file registers its own).
suiteApi.getCurrentSuite().on('beforeAll', start);
