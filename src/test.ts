/**
 * `node --import awaitwhat/test --test`, `mocha --require awaitwhat/test`: instruments the program
 * as `awaitwhat/hooks` does (configured by the same AWAITWHAT_* variables) and sets up the test
 * runner integrations (src/runners): a test that times out with chains of its own pending, a hook
 * that does, and a process still there a second after its last test each get a text report on
 * stderr, under the test's name. For use without the command, permanently, in a project's test
 * script or runner configuration; the command (`npx awaitwhat node --test`) does the same by itself.
 */

import { hookOptionsFromEnv } from './hooks/env.ts';
import { installHooks } from './hooks/install.ts';
import { describeError, tellOnce } from './cli/faults.ts';
import { currentRuntime } from './runtime/runtime.ts';
import { installRunnerWatch, watchLoadedMocha } from './runners/install.ts';
import { stderrReports } from './runners/stderr-reports.ts';

const options = hookOptionsFromEnv(process.env);
installHooks(options);
const runtime = currentRuntime();
if (runtime !== undefined) {
  const cwd = options.cwd ?? process.cwd();
  const reports = stderrReports(runtime.internals, cwd);
  const onFault = (error: unknown): void => tellOnce(`the test runner integration failed (${describeError(error)})`);
  installRunnerWatch(reports, onFault);
  watchLoadedMocha(reports, onFault);
}
