/**
 * What the OpenTelemetry tests share: running a fixture program of test/fixtures/otel (its stdout
 * parsed as JSON; any stderr output or a non-zero exit fails the test), the span dump it prints,
 * and the bounds a measured time is checked within.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, run } from './run.ts';

export interface Dumped {
  name: string;
  kind: number;
  id: string;
  trace: string;
  parent: string | null;
  durationMs: number;
  attributes: Record<string, unknown>;
  links: string[];
}

export async function fixture(name: string, ...args: string[]): Promise<unknown> {
  const r = await run([join('test', 'fixtures', 'otel', name), ...args]);
  assert.equal(r.stderr, '', `${name} wrote to stderr`);
  assert.equal(r.code, 0, `${name} exited ${r.code}`);
  return JSON.parse(r.stdout);
}

export const FILE = join(ROOT, 'test', 'fixtures', 'otel');

/** How far a pending time may be from the fixture's own measurement: the runtime clock's period (50 ms) and a little. */
export const CLOCK_SLACK_MS = 60;

export function within(value: number, low: number, high: number, what: string): void {
  assert.equal(typeof value, 'number', what);
  assert.ok(value >= low && value <= high, `${what}: ${value}, expected ${low.toFixed(1)} to ${high.toFixed(1)}`);
}

export interface PendingOut {
  /** ms after the hang started: when all its frames had suspended, before and after each samplePending() call, the release, the end. */
  suspended: number;
  /** ms after the start: when the coarse clock's tick interval that `suspended` fell in ended (a pending time may be short by the rest of it). */
  tickEnd: number;
  samples: { before: number; after: number; reported: boolean }[];
  release: number;
  end: number;
  reports: { chains: { pendingMs: number; frames: { function: string; spanId: string; pendingMs: number }[]; traceId: string; snapshotTraceId: string; leaf: unknown }[] }[];
  spans: (Dumped & { spanId: string })[];
  warnings: string[];
}
