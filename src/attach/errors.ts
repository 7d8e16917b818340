/**
 * Why an attach stopped. `refusal`: the target cannot or must not be attached to (no such pid, not
 * Node.js, …): one line and exit code 2, nothing was done to the target. `timeout` and `failure`:
 * something went wrong during the attach; the inspector is still closed again when it was opened.
 */

export type AttachErrorKind = 'refusal' | 'timeout' | 'failure';

export class AttachError extends Error {
  readonly kind: AttachErrorKind;
  constructor(message: string, kind: AttachErrorKind = 'failure') {
    super(message);
    this.name = 'AttachError';
    this.kind = kind;
  }
}

/** A refusal: the one line the CLI prints before exiting with code 2. */
export function refuse(message: string): AttachError {
  return new AttachError(message, 'refusal');
}
