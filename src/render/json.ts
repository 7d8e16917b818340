import type { Snapshot } from '../snapshot/schema.ts';
import { assertSnapshot } from '../snapshot/validate.ts';

/** One snapshot as one line of JSON (so a stream of reports is valid JSON Lines). */
export function renderJson(snapshot: Snapshot): string {
  assertSnapshot(snapshot, 'renderJson');
  return `${JSON.stringify(snapshot)}\n`;
}
