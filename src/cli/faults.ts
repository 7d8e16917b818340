/**
 * awaitwhat's own failures inside the program's process: never thrown into the program, never
 * silent either. Each kind is told once, as one line on stderr, so that a failure repeated on every
 * tick of a timer does not flood the program's output.
 */

import { writeAll } from './out-file.ts';

const told: Record<string, true> = Object.create(null) as Record<string, true>;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;

/** The message of an error, read without calling anything the error's owner may have defined (a getter). */
export function describeError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const message = getOwnPropertyDescriptor(error, 'message')?.value as unknown;
  return typeof message === 'string' ? message : 'an error without a message';
}

/** Writes `awaitwhat: <what> (<error>)` on stderr, the first time only for each `what`. */
export function tellOnce(what: string, error?: unknown): void {
  if (told[what] === true) return;
  told[what] = true;
  tell(error === undefined ? what : `${what} (${describeError(error)})`);
}

/** Writes `awaitwhat: <line>` on stderr. */
export function tell(line: string): void {
  try {
    writeAll(2, `awaitwhat: ${line}\n`);
  } catch {
    // stderr itself is closed or broken: there is no channel left to tell anyone through.
  }
}
