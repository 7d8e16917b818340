import type { Snapshot } from '../snapshot/schema.ts';

/** One snapshot as one line of JSON (so a stream of reports is valid JSON Lines). */
export function renderJson(snapshot: Snapshot): string {
  return `${JSON.stringify(snapshot)}\n`;
}
