/**
 * Loaded into the script's process by `awaitwhat` (`node --import <this>?config=… script`):
 * installs the load hooks, then watches for awaits pending longer than the threshold. Everything
 * here is unref'd and passive: without a hang it prints nothing and changes nothing.
 */

import { isMainThread, threadId } from 'node:worker_threads';
import { installHooks } from '../hooks/install.ts';
import { currentRuntime } from '../runtime/runtime.ts';
import { formatDuration } from '../util/duration.ts';
import { EXIT_STUCK } from './args.ts';
import { decodeConfig, type PreloadConfig } from './config.ts';
import { renderReport, writeReport } from './reporter.ts';
import { ReportSchedule } from '../util/report-schedule.ts';

/** Worker threads run this preload too (they inherit `--import`); one that reports with `--once` asks the main thread to stop the process. */
const STOP_CHANNEL = 'awaitwhat:stop';

function start(config: PreloadConfig): void {
  // Instrumented lines would otherwise show in error excerpts and shift stack columns; with source
  // maps on, Node.js prints the user's own text and positions.
  if (config.sourceMaps) process.setSourceMapsEnabled(true);
  installHooks({
    include: config.include,
    exclude: config.exclude,
    packages: config.packages,
    omitText: config.omitText,
    cwd: config.cwd,
  });
  const runtime = currentRuntime();
  if (runtime === undefined) return;
  const internals = runtime.internals;

  const report = (reason: string, minPendingMs: number): void => {
    try {
      const snapshot = internals.snapshot({ cwd: config.cwd });
      const where = isMainThread ? reason : `worker thread ${threadId}: ${reason}`;
      writeReport(renderReport(snapshot, config.format, where, config.all ? 0 : minPendingMs), config);
    } catch (error) {
      try {
        process.stderr.write(`awaitwhat: could not write the report (${(error as Error).message})\n`);
      } catch {
        // Nothing left to tell it through.
      }
    }
  };

  const schedule = new ReportSchedule(config.afterMs);
  const check = (): void => {
    const now = performance.now();
    const longest = internals.longestSuspension(now);
    if (!schedule.due(now, longest)) return;
    report(`an await has been pending for ${formatDuration(longest)} (threshold ${formatDuration(config.afterMs)})`, config.afterMs);
    if (config.once) stopStuck();
  };
  const timer = setInterval(check, Math.min(1000, Math.max(20, Math.floor(config.afterMs / 5))));
  timer.unref();

  if (!isMainThread) return;
  // Signals and the exit-13 check belong to the main thread; it also ends the process for a worker's --once.
  if (config.once) {
    const channel = new BroadcastChannel(STOP_CHANNEL);
    channel.onmessage = stopStuck;
    (channel as unknown as { unref(): void }).unref();
  }

  const onSigint = (): void => {
    report('interrupted (SIGINT)', 0);
    // Alone, we re-raise so the process ends as it would have; beside the program's own
    // listeners we only report, and they decide.
    if (process.listenerCount('SIGINT') === 1) {
      process.removeListener('SIGINT', onSigint);
      process.kill(process.pid, 'SIGINT');
    }
  };
  process.on('SIGINT', onSigint);

  process.on('beforeExit', () => {
    if (internals.moduleFramePending()) report('the event loop is empty but a top-level await never settled; Node.js exits with code 13', 0);
  });
}

function stopStuck(): void {
  if (isMainThread) {
    process.exitCode = EXIT_STUCK;
    process.exit(EXIT_STUCK);
  }
  const channel = new BroadcastChannel(STOP_CHANNEL);
  channel.postMessage('stuck');
  channel.close();
}

start(decodeConfig(import.meta.url));
