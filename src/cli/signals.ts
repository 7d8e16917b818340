/**
 * Signals sent to the command are passed on to the script's process, so that a process manager or
 * a user signalling `awaitwhat` reaches the program as if it had signalled the program itself
 * (nodemon restarts with SIGUSR2, `kill -QUIT`, SIGTERM from a container runtime…). Every signal a
 * process can catch is forwarded except those below.
 */

import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';

/** Not forwarded, and why. */
const KEPT: Readonly<Record<string, string>> = {
  SIGKILL: 'cannot be caught; the script stops by itself when the command is gone',
  SIGSTOP: 'cannot be caught',
  SIGCHLD: "the kernel's news about the command's own child",
  SIGTSTP: 'job control: the command must stop itself as the shell expects (Ctrl-Z stops the whole process group anyway)',
  SIGTTIN: 'job control, as SIGTSTP',
  SIGTTOU: 'job control, as SIGTSTP',
  SIGSEGV: 'a fault of the command itself: with a listener, a crashing command would hang',
  SIGBUS: 'as SIGSEGV',
  SIGFPE: 'as SIGSEGV',
  SIGILL: 'as SIGSEGV',
  SIGSYS: 'as SIGSEGV',
  SIGTRAP: 'as SIGSEGV (and debuggers use it)',
  SIGPROF: "V8's CPU profiler samples with it (--cpu-prof in NODE_OPTIONS profiles the command too)",
};

/** Signals the terminal sends to its whole foreground process group, the script's process included. */
const FROM_TERMINAL: ReadonlySet<string> = new Set(['SIGINT', 'SIGQUIT', 'SIGWINCH']);

/** Every signal forwarded on this platform, one name per number (SIGIOT is SIGABRT, SIGPOLL is SIGIO). */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = (() => {
  const seen = new Set<number>();
  const names: NodeJS.Signals[] = [];
  for (const [name, number] of Object.entries(constants.signals)) {
    if (name in KEPT || seen.has(number)) continue;
    seen.add(number);
    names.push(name as NodeJS.Signals);
  }
  return names;
})();

/**
 * Forwards signals to `child` until the returned function is called. When the command's stdin is
 * a terminal, the terminal's own signals already reached the child: forwarding them would deliver
 * them twice.
 */
export function forwardSignals(child: ChildProcess, stdinIsTerminal: boolean): () => void {
  const listeners: [NodeJS.Signals, () => void][] = [];
  for (const signal of FORWARDED_SIGNALS) {
    const forward = (): void => {
      if (stdinIsTerminal && FROM_TERMINAL.has(signal)) return;
      child.kill(signal);
    };
    process.on(signal, forward);
    listeners.push([signal, forward]);
  }
  return () => {
    for (const [signal, forward] of listeners) process.removeListener(signal, forward);
  };
}

/** Ends this process by `signal`, as the child ended, or with 128 + its number when this process would survive it. */
export function dieBy(signal: NodeJS.Signals): never {
  process.kill(process.pid, signal);
  // Signals whose default action is to do nothing (or that Node.js ignores, like SIGPIPE) return here.
  process.exit(128 + (constants.signals[signal] ?? 0));
}
