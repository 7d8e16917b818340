/**
 * The command's process while the script runs: it starts the script's process with the preload,
 * forwards signals to it, and ends as it ended (its exit code, or death by the same signal) — or,
 * after `--once` reported from any process of the tree, makes sure the tree is gone and exits 124.
 *
 * The script's process watches this one: when the command is gone for any reason (SIGKILL
 * included), the script is sent SIGTERM, as if it had been stopped itself (see `parent-watch.ts`).
 */

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import { EXIT_STUCK, type CliOptions } from './args.ts';
import { preloadUrl, type PreloadConfig } from './config.ts';
import { instrumentedEnvironment, uninstrumentedEnvironment } from './node-options.ts';
import { claimed, createOnceDir, endAnnounced, registeredPids, removeOnceDir } from './once-tree.ts';
import { dieBy, forwardSignals } from './signals.ts';

/** How often the command looks for the end of a `--once` tree. */
const END_POLL_MS = 100;
/** How long the processes of a `--once` tree get to end by themselves (each looks at least once a second). */
const END_GRACE_MS = 3000;
/** How long no process of an ending tree must have been running before the command exits. */
const QUIET_MS = 300;
/** How long the command waits for a report another process has claimed but not finished. */
const REPORT_GRACE_MS = 10_000;

/** A command found on PATH (`file`), run under the name the user gave it (`name`). */
export interface CommandTarget {
  name: string;
  file: string;
}

/**
 * Runs the script (as the user wrote it: Node.js resolves it again, to the file the command
 * checked) — or, given `command`, that command with the script arguments, every Node.js process
 * it starts instrumented through NODE_OPTIONS — with `options`, whose `out` is absolute; `cwd` is
 * where relative paths start.
 */
export function supervise(options: CliOptions, cwd: string, fail: (message: string, code: number) => never, command?: CommandTarget): void {
  const onceDir = options.once ? createOnceDir() : undefined;
  const { script, scriptArgs, children, ...settings } = options;
  const config: PreloadConfig = { ...settings, cwd, supervisorPid: process.pid, onceDir, ...(command === undefined ? {} : { labelEvery: true }) };
  const preload = preloadUrl(config);
  // `--` so that a script named like an option (`-weird.mjs`) is a script to node too.
  const nodeArgs = ['--', script, ...scriptArgs];
  const child =
    command !== undefined
      ? spawn(command.file, scriptArgs, { argv0: command.name, stdio: 'inherit', env: instrumentedEnvironment(process.env, preload) })
      : children
        ? spawn(process.execPath, nodeArgs, { stdio: 'inherit', env: instrumentedEnvironment(process.env, preload) })
        : spawn(process.execPath, ['--import', preload, ...nodeArgs], { stdio: 'inherit', env: uninstrumentedEnvironment(process.env) });
  // isatty(0), not process.stdin.isTTY, which would open a stream on the terminal the script reads.
  const stopForwarding = forwardSignals(child, isatty(0));

  let endSeenAt: number | undefined;
  const endWatch =
    onceDir === undefined
      ? undefined
      : setInterval(() => {
          if (endSeenAt === undefined && endAnnounced(onceDir)) endSeenAt = Date.now();
          // A process of the tree reported; its own process and the script's end themselves at
          // their next tick, unless busy in synchronous code for longer than this.
          if (endSeenAt !== undefined && Date.now() - endSeenAt > END_GRACE_MS) child.kill('SIGKILL');
        }, END_POLL_MS);

  child.on('error', (error) => {
    if (onceDir !== undefined) removeOnceDir(onceDir);
    fail(`could not start ${command?.file ?? process.execPath}: ${error.message}`, command === undefined ? 1 : 126);
  });
  child.on('exit', (code, signal) => {
    stopForwarding();
    if (endWatch !== undefined) clearInterval(endWatch);
    if (onceDir === undefined || !claimed(onceDir)) {
      if (onceDir !== undefined) removeOnceDir(onceDir);
      if (signal !== null) dieBy(signal);
      process.exit(code ?? 1);
    }
    endTree(onceDir);
  });
}

/** After a `--once` report: waits for it to be written and for the tree's processes to end (each for a while), then exits 124. */
function endTree(onceDir: string): void {
  const started = Date.now();
  let quietSince: number | undefined;
  const poll = setInterval(() => {
    const now = Date.now();
    const waited = now - started;
    const reportDone = endAnnounced(onceDir) || waited > REPORT_GRACE_MS;
    // Quiet for a while: a process that was just starting when the tree ended registers late.
    if (registeredPids(onceDir).some(isRunning)) quietSince = undefined;
    else quietSince ??= now;
    const treeGone = (quietSince !== undefined && now - quietSince >= QUIET_MS) || waited > REPORT_GRACE_MS + END_GRACE_MS;
    if (!reportDone || !treeGone) return;
    clearInterval(poll);
    removeOnceDir(onceDir);
    process.exit(EXIT_STUCK);
  }, END_POLL_MS);
}

/**
 * Whether `pid` is a running process. A process of the tree whose parent has ended is adopted by
 * init, which may take a while to reap it: a zombie has ended. (`kill(pid, 0)` succeeds on zombies.)
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone; EPERM: the pid was reused by another user's process.
    return false;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // Reaped since (gone), or no /proc at all (not Linux: kill(pid, 0) is all there is to go by).
    return !existsSync('/proc/self/stat');
  }
  return !stat.slice(stat.lastIndexOf(')')).startsWith(') Z ');
}
