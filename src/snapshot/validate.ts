/** A renderer's first check: that it was given a snapshot, with a message naming what it got instead. */

import { isArray, stringSlice } from '../runtime/intrinsics.ts';
import { SNAPSHOT_SCHEMA, type Snapshot } from './schema.ts';

// Captured when this module loads: renderers check snapshots inside a program that may replace them.
const stringify = JSON.stringify;
const toText = String;

export function assertSnapshot(value: unknown, caller: string): asserts value is Snapshot {
  const problem = problemWith(value);
  if (problem !== undefined) throw new TypeError(`${caller}: expected a snapshot (${SNAPSHOT_SCHEMA}, from snapshot()), got ${describe(value)}: ${problem}`);
}

function problemWith(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const s = value as Record<string, unknown>;
  if (s.schema !== SNAPSHOT_SCHEMA) return `its schema is ${describe(s.schema)}`;
  // Indexed, not for…of: a report runs inside the program, whose replaced Array iterator must not be called.
  const keys = ['nodes', 'roots', 'cycles'] as const;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (!isArray(s[key])) return `its ${key} is ${describe(s[key])}, not an array`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return stringify(value.length > 40 ? `${stringSlice(value, 0, 40)}…` : value);
  return `${typeof value} ${toText(value)}`;
}
