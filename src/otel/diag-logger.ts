/**
 * The diag logger `awaitwhat/register` installs: the console, minus the noise of an outage. While
 * the exporter is failing (already reported once), the SDK's per-batch messages about dropped
 * spans are not repeated; any other warning or error is written once, however often it recurs.
 * awaitwhat's own messages come through its component logger as (namespace, message) and are
 * written as one line, `awaitwhat: message`, like everything else awaitwhat prints.
 */

import { diag, type DiagLogger } from '@opentelemetry/api';
import { PACKAGE_NAME } from './version.ts';

/** awaitwhat's messages through `diag`: the same component logger InstrumentationBase gives `_diag`. */
export const awaitwhatDiag: DiagLogger = diag.createComponentLogger({ namespace: PACKAGE_NAME });

/**
 * `awaitwhatDiag.warn`, never throwing: it is called from the load hook and from enable(), where a
 * throw would reach the program; a logger that throws has nowhere left to report to.
 */
export function warnSafely(message: string): void {
  try {
    awaitwhatDiag.warn(message);
  } catch {
    // See above: nothing to report it with.
  }
}

/** `awaitwhatDiag.error`, never throwing (as `warnSafely`). */
export function errorSafely(message: string): void {
  try {
    awaitwhatDiag.error(message);
  } catch {
    // See warnSafely.
  }
}

export class OutageAwareLogger implements DiagLogger {
  readonly #inner: DiagLogger;
  /** Warnings and errors written so far, numbers blurred (`Dropped # spans`). */
  readonly #seen = new Set<string>();
  #exporter: { readonly failing: boolean } | undefined;

  constructor(inner: DiagLogger) {
    this.#inner = inner;
  }

  watch(exporter: { readonly failing: boolean }): void {
    this.#exporter = exporter;
  }

  #once(message: string): boolean {
    if (this.#exporter?.failing === true && /^Dropped \d+ spans/.test(message)) return false;
    const key = message.replace(/\d+/g, '#');
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    return true;
  }

  error(message: string, ...args: unknown[]): void {
    [message, ...args] = ownLine(message, args);
    if (this.#once(message)) this.#inner.error(message, ...args);
  }

  warn(message: string, ...args: unknown[]): void {
    [message, ...args] = ownLine(message, args);
    if (this.#once(message)) this.#inner.warn(message, ...args);
  }

  info(message: string, ...args: unknown[]): void {
    this.#inner.info(...ownLine(message, args));
  }

  debug(message: string, ...args: unknown[]): void {
    this.#inner.debug(...ownLine(message, args));
  }

  verbose(message: string, ...args: unknown[]): void {
    this.#inner.verbose(...ownLine(message, args));
  }
}

/** awaitwhat's component logger calls `warn('awaitwhat', message)`: one line, `awaitwhat: message`. */
function ownLine(first: string, rest: unknown[]): [string, ...unknown[]] {
  if (first === PACKAGE_NAME && typeof rest[0] === 'string') return [`${PACKAGE_NAME}: ${rest[0]}`, ...rest.slice(1)];
  return [first, ...rest];
}
