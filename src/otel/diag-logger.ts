/**
 * The diag logger `awaitwhat/register` installs: the console, minus the noise of an outage. While
 * the exporter is failing (already reported once), the SDK's per-batch messages about dropped
 * spans are not repeated; any other message is written once, however often it recurs.
 */

import type { DiagLogger } from '@opentelemetry/api';

export class OutageAwareLogger implements DiagLogger {
  readonly #inner: DiagLogger;
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
    if (this.#once(message)) this.#inner.error(message, ...args);
  }

  warn(message: string, ...args: unknown[]): void {
    if (this.#once(message)) this.#inner.warn(message, ...args);
  }

  info(message: string, ...args: unknown[]): void {
    this.#inner.info(message, ...args);
  }

  debug(message: string, ...args: unknown[]): void {
    this.#inner.debug(message, ...args);
  }

  verbose(message: string, ...args: unknown[]): void {
    this.#inner.verbose(message, ...args);
  }
}
