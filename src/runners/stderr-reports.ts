/**
 * Runner reports without the command (`awaitwhat/test`, `awaitwhat/jest/environment` in a plain
 * `jest` run): each report as text on stderr, titled with the process id; notes once each.
 */

import { renderReport, writeReport } from '../cli/reporter.ts';
import { tellOnce } from '../cli/faults.ts';
import type { RuntimeInternals } from '../runtime/runtime.ts';
import type { RunnerReports } from './reporting.ts';

export function stderrReports(internals: RuntimeInternals, cwd: string): RunnerReports {
  return {
    snapshot: () => internals.snapshot({ cwd }),
    report(sections) {
      const text = renderReport({
        format: 'text',
        sections: sections.map((s) => ({ title: `process ${process.pid}: ${s.title}`, snapshot: s.snapshot, minPendingMs: 0 })),
        notes: [],
      });
      writeReport(text, undefined);
    },
    note: (line) => tellOnce(line),
  };
}
