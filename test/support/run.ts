/** Spawning programs plainly and under the awaitwhat CLI, with the Node.js under test. */

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const NODE = process.env.AWAITWHAT_TEST_NODE || process.execPath;
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the run was stopped by `killAfterMs`. */
  killed: boolean;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Stop the process with SIGKILL after this long (for programs that hang by design). */
  killAfterMs?: number;
  /** Send this signal after `signalAfterMs`. */
  signal?: NodeJS.Signals;
  signalAfterMs?: number;
  /** Send the signal once stdout contains this text (instead of after a delay). */
  signalWhenStdout?: string;
  /** Called with all stdout so far whenever more arrives, for tests that talk to the process. */
  onStdout?: (stdout: string, child: ChildProcess) => void;
}

/** Report text with every duration (`312ms`, `1.0s`) replaced by `T`, for exact comparisons. */
export function withoutDurations(text: string): string {
  return text.replace(/\d+(\.\d+)?(ms|s)\b/g, 'T');
}

export function run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    let signalled = false;
    const timers: NodeJS.Timeout[] = [];
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (options.signalWhenStdout !== undefined && !signalled && stdout.includes(options.signalWhenStdout)) {
        signalled = true;
        child.kill(options.signal ?? 'SIGINT');
      }
      options.onStdout?.(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (options.killAfterMs !== undefined) {
      timers.push(
        setTimeout(() => {
          killed = true;
          child.kill('SIGKILL');
        }, options.killAfterMs),
      );
    }
    if (options.signal !== undefined && options.signalAfterMs !== undefined) {
      timers.push(setTimeout(() => child.kill(options.signal), options.signalAfterMs));
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      resolve({ code, signal, stdout, stderr, killed });
    });
  });
}

export function runCli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return run([CLI, ...args], options);
}
