/**
 * The test's reading of a graph program's two runs: at every pause the oracle must be consistent
 * (no faults, the same truth in both runs, V8 agreeing in the plain run), and awaitwhat's graph must
 * be the true one, line for line.
 */

import type { PauseReport } from './graph-run.ts';

export interface Verdict {
  /** Whose fault a failure is: the oracle's (its notes, its positions) or awaitwhat's. */
  culprit: 'oracle' | 'awaitwhat';
  message: string;
}

/** The first failure, or null. */
export function judge(plain: readonly PauseReport[] | undefined, instrumented: readonly PauseReport[] | undefined): Verdict | null {
  if (plain === undefined || instrumented === undefined) return { culprit: 'oracle', message: 'a run reported no pauses' };
  if (plain.length !== instrumented.length) return { culprit: 'oracle', message: `${plain.length} pauses plain, ${instrumented.length} instrumented` };
  if (plain.length === 0) return { culprit: 'oracle', message: 'no pause at all: the program never went quiet' };
  for (const [i, p] of plain.entries()) {
    const q = instrumented[i]!;
    const faults = [...p.faults, ...q.faults];
    if (faults.length > 0) return { culprit: 'oracle', message: `pause ${i}: the notes contradict themselves:\n${faults.join('\n')}` };
    if ((p.v8 ?? []).length > 0) return { culprit: 'oracle', message: `pause ${i}: V8 disagrees with the notes:\n${p.v8!.join('\n')}\n--- truth\n${p.truth.join('\n')}` };
    const truthDiff = diff(p.truth, q.truth);
    if (truthDiff !== '') return { culprit: 'oracle', message: `pause ${i}: the notes differ between the plain and the instrumented run:\n${truthDiff}` };
    const graphDiff = diff(q.truth, q.observed ?? []);
    if (graphDiff !== '') {
      return { culprit: 'awaitwhat', message: `pause ${i} of ${plain.length}: awaitwhat's graph is not the true one (- truth, + awaitwhat):\n${graphDiff}` };
    }
  }
  return null;
}

/** Lines only in `expected` (-) and only in `actual` (+); empty when both hold the same lines. */
export function diff(expected: readonly string[], actual: readonly string[]): string {
  const count = (lines: readonly string[]) => {
    const m = new Map<string, number>();
    for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const a = count(expected);
  const b = count(actual);
  const out: string[] = [];
  for (const [line, n] of a) for (let k = b.get(line) ?? 0; k < n; k++) out.push(`- ${line}`);
  for (const [line, n] of b) for (let k = a.get(line) ?? 0; k < n; k++) out.push(`+ ${line}`);
  return out.sort((x, y) => x.slice(2).localeCompare(y.slice(2))).join('\n');
}
