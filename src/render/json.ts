import type { Snapshot } from '../snapshot/schema.ts';
import { assertSnapshot } from '../snapshot/validate.ts';

// Captured when this module loads: reports are rendered inside a program that may replace it.
const stringify = JSON.stringify;

/** One snapshot as one line of JSON (so a stream of reports is valid JSON Lines). */
export function renderJson(snapshot: Snapshot): string {
  assertSnapshot(snapshot, 'renderJson');
  return `${stringify(snapshot)}\n`;
}
