/**
 * What the preload (`preload.ts`, the module `awaitwhat` gives to `--import`) starts, once Node's
 * compile cache is on: installs the load hooks, then watches for
 * awaits pending longer than the threshold. Everything here is unref'd and passive: without a hang
 * it prints nothing and changes nothing, and it calls nothing the program can replace (see
 * `builtins.ts`) — it loads before the program does.
 *
 * One timer per thread checks for a hang; on the main thread it also watches the command
 * (`parent-watch.ts`) and, with `--once`, the end of the tree (`once-tree.ts`). A `--once` or
 * Ctrl-C report shows every thread of the process (`threads.ts`).
 */

import { isMainThread, threadId } from 'node:worker_threads';
import { installHooks } from '../hooks/install.ts';
import { append, newList, publish, type List } from '../runtime/intrinsics.ts';
import { currentRuntime, type RuntimeInternals } from '../runtime/runtime.ts';
import type { Snapshot } from '../snapshot/schema.ts';
import { formatDuration } from '../util/duration.ts';
import { ReportSchedule } from '../util/report-schedule.ts';
import { EXIT_STUCK } from './args.ts';
import { exit, floor, kill, max, min, now, onProcess, processListenerCount, removeProcessListener, rmSync, setIntervalTimer, splice } from './builtins.ts';
import { decodeConfig, isPreloadUrl, type PreloadConfig } from './config.ts';
import { describeError, tell, tellOnce } from './faults.ts';
import { gatheredTitle, identify, reportPrefix, threadName, type Identity } from './identity.ts';
import { announceEnd, claimReport, endAnnounced, registerProcess } from './once-tree.ts';
import { ParentWatch } from './parent-watch.ts';
import { longestPending, renderReport, writeReport, type ReportSection } from './reporter.ts';
import { Threads } from './threads.ts';
import { installRunnerWatch } from '../runners/install.ts';
import type { RunnerSection } from '../runners/reporting.ts';
import { sectionsByTest } from '../runners/current.ts';

/** How long a `--once` or Ctrl-C report waits for the other threads' graphs; longer when each takes a heap snapshot for holders. */
const GATHER_TIMEOUT_MS = 2000;
const GATHER_WITH_HOLDERS_TIMEOUT_MS = 15_000;

class Preload {
  readonly #config: PreloadConfig;
  readonly #internals: RuntimeInternals;
  readonly #identity: Identity;
  readonly #schedule: ReportSchedule;
  readonly #threads: Threads;
  readonly #parent: ParentWatch | undefined;
  /** Set once a `--once` report was made here or elsewhere in the tree: nothing more to report. */
  #done = false;

  constructor(config: PreloadConfig, internals: RuntimeInternals) {
    this.#config = config;
    this.#internals = internals;
    this.#identity = identify(config.supervisorPid, config.labelEvery === true);
    this.#schedule = new ReportSchedule(config.afterMs);
    // Other threads are asked for their graph only by the reports that end or interrupt the process.
    this.#threads = new Threads(() => this.#snapshot(this.#holdersWhenEnding()), () => exit(EXIT_STUCK));
    this.#parent =
      isMainThread && this.#identity.first
        ? new ParentWatch(config.supervisorPid, () => {
            if (config.onceDir !== undefined) rmSync(config.onceDir, { recursive: true, force: true });
          })
        : undefined;
    if (isMainThread && config.onceDir !== undefined) {
      try {
        registerProcess(config.onceDir, process.pid);
      } catch (error) {
        tellOnce(`process ${process.pid} could not register for --once; the command will not wait for it`, error);
      }
    }
  }

  start(): void {
    const timer = setIntervalTimer(() => this.#tick(), min(1000, max(20, floor(this.#config.afterMs / 5))));
    timer.unref();
    if (!isMainThread) return;
    // Signals and the exit-13 check belong to the main thread.
    const onSigint = (): void => {
      this.#guard('the Ctrl-C report', () => this.#reportAllThreads('interrupted (SIGINT)', 0, this.#snapshot(this.#holdersWhenEnding())));
      // Alone, we re-raise so the process ends as it would have; beside the program's own
      // listeners we only report, and they decide.
      if (processListenerCount('SIGINT') === 1) {
        removeProcessListener('SIGINT', onSigint);
        kill(process.pid, 'SIGINT');
      }
    };
    onProcess('SIGINT', onSigint);
    // Once: the heap snapshot for holders collects garbage, and FinalizationRegistry callbacks
    // then queued bring the loop (and beforeExit) back once more.
    let exitReported = false;
    onProcess('beforeExit', () =>
      this.#guard('the exit-13 report', () => {
        if (exitReported || !this.#internals.moduleFramePending()) return;
        exitReported = true;
        this.#reportThisThread('the event loop is empty but a top-level await never settled; Node.js exits with code 13', 0, this.#holdersWhenEnding());
      }),
    );
  }

  #tick(): void {
    this.#guard('the hang check', () => {
      this.#parent?.check();
      if (this.#config.once && isMainThread && this.#config.onceDir !== undefined && endAnnounced(this.#config.onceDir)) exit(EXIT_STUCK);
      if (this.#done) return;
      const at = now();
      if (!this.#schedule.ready(at, this.#internals.longestSuspension(at))) return;
      // The header states the longest suspension of the snapshot it is printed over, and there is
      // a report only when that snapshot itself shows the threshold crossed.
      let snapshot = this.#snapshot(false);
      let longest = longestPending(snapshot);
      if (longest < this.#config.afterMs) return;
      this.#schedule.reported(at);
      // Holders cost a heap snapshot: taken only now that there is a report to make, in a second
      // snapshot whose own longest suspension the header then states.
      const holders = this.#config.once ? this.#holdersWhenEnding() : this.#config.holders === 'on';
      if (holders) {
        snapshot = this.#snapshot(true);
        longest = max(longest, longestPending(snapshot));
      }
      const reason = `an await has been pending for ${formatDuration(longest)} (threshold ${formatDuration(this.#config.afterMs)})`;
      if (this.#config.once) this.#reportOnce(reason, snapshot);
      else this.#write(this.#ownSections(reason, snapshot, this.#config.afterMs), newList());
    });
  }

  /**
   * A test runner's report (a test timed out with chains of its own still pending, a run that did
   * not exit): the sections as given, every chain in full; with `--once`, the report of the tree.
   */
  reportRunner(sections: RunnerSection[]): void {
    if (this.#done) return;
    const own = newList<ReportSection>();
    for (let i = 0; i < sections.length; i++) {
      append(own, { title: `${reportPrefix(this.#identity)}${sections[i]!.title}`, snapshot: sections[i]!.snapshot, minPendingMs: 0 });
    }
    if (!this.#config.once) {
      this.#write(own, newList());
      return;
    }
    this.#done = true;
    const dir = this.#config.onceDir!;
    const claim = claimReport(dir, process.pid);
    if (claim.kind === 'taken') return;
    if (claim.kind === 'alone') tellOnce(`${reportPrefix(this.#identity)}reporting on its own`, claim.reason);
    this.#guard('the --once report', () => this.#write(own, newList()));
    if (claim.kind === 'mine') announceEnd(dir);
    if (isMainThread) exit(EXIT_STUCK);
    this.#threads.stopProcess();
  }

  snapshotNow(): Snapshot {
    return this.#snapshot(false);
  }

  /** The first report of the whole tree, with every thread's graph, then the end of the tree. */
  #reportOnce(reason: string, snapshot: Snapshot): void {
    this.#done = true;
    const dir = this.#config.onceDir!;
    const claim = claimReport(dir, process.pid);
    if (claim.kind === 'taken') return;
    if (claim.kind === 'alone') tellOnce(`${reportPrefix(this.#identity)}reporting on its own`, claim.reason);
    // Even when the report fails, the tree ends: the report was claimed, nobody else will make one.
    this.#guard('the --once report', () => this.#reportAllThreads(reason, this.#config.afterMs, snapshot));
    if (claim.kind === 'mine') announceEnd(dir);
    if (isMainThread) exit(EXIT_STUCK);
    this.#threads.stopProcess();
  }

  #reportAllThreads(reason: string, minPendingMs: number, snapshot: Snapshot = this.#snapshot(this.#holdersWhenEnding())): void {
    const sections = this.#ownSections(reason, snapshot, minPendingMs);
    const timeout = this.#holdersWhenEnding() ? GATHER_WITH_HOLDERS_TIMEOUT_MS : GATHER_TIMEOUT_MS;
    const gathered = this.#threads.gather(timeout);
    const notes = newList<string>();
    for (let i = 0; i < gathered.graphs.length; i++) {
      const graph = gathered.graphs[i]!;
      append(sections, { title: gatheredTitle(this.#identity, graph.threadId), snapshot: graph.snapshot, minPendingMs: 0 });
    }
    for (let i = 0; i < gathered.failed.length; i++) {
      const { threadId: id, error } = gathered.failed[i]!;
      append(notes, `${threadName(id)} could not take its snapshot (${error})`);
    }
    for (let i = 0; i < gathered.silent.length; i++) {
      append(notes, `${threadName(gathered.silent[i]!)} did not answer within ${formatDuration(timeout)} (busy in synchronous code?); its graph is not shown`);
    }
    this.#write(sections, notes);
  }

  #reportThisThread(reason: string, minPendingMs: number, holders: boolean): void {
    this.#write(this.#ownSections(reason, this.#snapshot(holders), minPendingMs), newList());
  }

  /**
   * This thread's part of a report: one section; or, in a process running tests (a runner
   * integration has recorded tests), one per test or hook that started pending chains, each named
   * (a test hung without a timeout, as node:test's tests are by default, is named this way). A
   * `List`, as every list of the report that grows: storing past the end of an ordinary array would
   * run a setter the program put on `Array.prototype`'s indices.
   */
  #ownSections(reason: string, snapshot: Snapshot, minPendingMs: number): List<ReportSection> {
    const min = this.#config.all ? 0 : minPendingMs;
    const title = `${reportPrefix(this.#identity)}${reason}`;
    const parts = isMainThread ? sectionsByTest(snapshot) : undefined;
    const sections = newList<ReportSection>();
    if (parts === undefined || parts.length === 0) append(sections, { title, snapshot, minPendingMs: min });
    else for (let i = 0; i < parts.length; i++) append(sections, { title: `${title}; ${parts[i]!.startedBy}`, snapshot: parts[i]!.snapshot, minPendingMs: min });
    return sections;
  }

  #snapshot(holders: boolean): Snapshot {
    return this.#internals.snapshot({ cwd: this.#config.cwd, holders: holders ? { maxHeapBytes: this.#config.holdersMaxHeapBytes, omitText: this.#config.omitText } : false });
  }

  /** Holders in the reports that end or interrupt the process (--once, Ctrl-C, exit 13): unless --no-holders. */
  #holdersWhenEnding(): boolean {
    return this.#config.holders !== 'off';
  }

  /** Publishes the lists (made ordinary arrays, for the renderer), so that nothing is appended to them after. */
  #write(sections: List<ReportSection>, notes: List<string>): void {
    writeReport(renderReport({ format: this.#config.format, sections: publish(sections), notes: publish(notes) }), this.#config.out);
  }

  /** Runs `task`; a failure is told once per kind on stderr and never reaches the program. */
  #guard(what: string, task: () => void): void {
    try {
      task();
    } catch (error) {
      tellOnce(`${what} failed`, error);
    }
  }
}

/** Takes our own `--import` out of `process.execArgv`, so that `fork()` and cluster workers do not inherit it (`--no-children`). */
function forgetOwnImport(): void {
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--import' && isPreloadUrl(args[i + 1] ?? '')) splice(args, i--, 2);
    else if (args[i]!.startsWith('--import=') && isPreloadUrl(args[i]!.slice('--import='.length))) splice(args, i--, 1);
  }
}

function start(preloadUrl: string): void {
  const config = decodeConfig(preloadUrl);
  if (isMainThread) forgetOwnImport();
  // Instrumented lines would otherwise show in error excerpts and shift stack columns; with source
  // maps on, Node.js prints the user's own text and positions.
  if (config.sourceMaps) process.setSourceMapsEnabled(true);
  installHooks({ include: config.include, exclude: config.exclude, packages: config.packages, omitText: config.omitText, cwd: config.cwd });
  const runtime = currentRuntime();
  if (runtime === undefined) {
    tell(`${threadName(threadId)} of process ${process.pid}: the awaitwhat runtime is missing after installing the hooks; not watched`);
    return;
  }
  const preload = new Preload(config, runtime.internals);
  preload.start();
  const prefix = reportPrefix(identify(config.supervisorPid, config.labelEvery === true));
  const note = (line: string): void => tellOnce(`${prefix}${line}`);
  installRunnerWatch({ snapshot: () => preload.snapshotNow(), report: (sections) => preload.reportRunner(sections), note }, (error) =>
    tellOnce(`${threadName(threadId)} of process ${process.pid}: the test runner integration failed`, error),
  );
}

/** Starts awaitwhat in this thread with the configuration in the preload's URL; never throws. */
export function startPreload(preloadUrl: string): void {
  try {
    start(preloadUrl);
  } catch (error) {
    // A process the script starts may run another Node.js (older than 22.15, say): it then runs
    // uninstrumented, with one line saying so, rather than failing to start.
    tell(`process ${process.pid} runs uninstrumented: ${describeError(error)}`);
  }
}
