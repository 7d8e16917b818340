/**
 * The script must never outlive the command. When the command is gone — whatever ended it, SIGKILL
 * included, which it cannot intercept — the script's process sends itself SIGTERM, so the program
 * stops as it would if it were stopped directly: its SIGTERM handlers run (a graceful shutdown),
 * or without one it dies of the signal.
 *
 * How it knows: its checking timer (unref'd, so invisible to the program and never keeping it
 * alive) looks on every tick whether the command's pid still exists. A pipe or socket to the command
 * would notice sooner, but an open handle shows in `process.getActiveResourcesInfo()`; a tick is at
 * most a second. A process busy in synchronous code notices when it next runs its event loop.
 *
 * Only the command's own child watches: the processes the script starts behave as they would when
 * their parent is stopped with SIGTERM (cluster workers follow their primary, others may not).
 */

import { isAlive, kill } from './builtins.ts';
import { tellOnce } from './faults.ts';

export class ParentWatch {
  readonly #commandPid: number;
  readonly #onGone: () => void;
  #told = false;

  /** `onGone` runs once, before the SIGTERM, to clean up what the command would have. */
  constructor(commandPid: number, onGone: () => void) {
    this.#commandPid = commandPid;
    this.#onGone = onGone;
  }

  check(): void {
    if (this.#told || isAlive(this.#commandPid)) return;
    this.#told = true;
    try {
      this.#onGone();
    } catch (error) {
      tellOnce('could not clean up after the awaitwhat command ended', error);
    }
    kill(process.pid, 'SIGTERM');
  }
}
