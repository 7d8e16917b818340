/**
 * The test log of the runner integration at work in this thread, if any: the usual reports (the
 * `--after` threshold, Ctrl-C, `--once`) of a process running tests are cut by the test or hook
 * that started each chain, so that a test hung without a timeout — node:test's default — is named.
 */

import type { Snapshot } from '../snapshot/schema.ts';
import { scoped, startedBy, type TestLog } from './tests.ts';

let current: TestLog | undefined;

export function setCurrentLog(log: TestLog): void {
  current = log;
}

/** `snapshot` cut by the test or hook that started each chain; undefined when no runner integration recorded a test here. */
export function sectionsByTest(snapshot: Snapshot): { startedBy: string; snapshot: Snapshot }[] | undefined {
  if (current === undefined || !current.started()) return undefined;
  const parts = current.byRun(snapshot);
  const sections: { startedBy: string; snapshot: Snapshot }[] = [];
  for (let i = 0; i < parts.length; i++) sections[sections.length] = { startedBy: startedBy(parts[i]!.run), snapshot: scoped(parts[i]!.snapshot, parts[i]!.run, 'threshold') };
  return sections;
}
