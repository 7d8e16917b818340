/** Renders a snapshot in the chosen format and writes it where the user asked, synchronously. */

import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { ReportFormat } from './args.ts';
import type { Snapshot } from '../snapshot/schema.ts';
import { renderText } from '../render/text.ts';
import { renderJson } from '../render/json.ts';
import { renderDot } from '../render/dot.ts';

export interface ReportTarget {
  format: ReportFormat;
  /** File replaced by each report; stderr when undefined. */
  out: string | undefined;
}

export function renderReport(snapshot: Snapshot, format: ReportFormat, reason: string, minPendingMs: number): string {
  switch (format) {
    case 'json':
      return renderJson(snapshot);
    case 'dot':
      return renderDot(snapshot);
    case 'text':
      return `awaitwhat report: ${reason}\n${renderText(snapshot, { minPendingMs })}`;
  }
}

/**
 * Writes synchronously: reports are written right before the process may exit (`--once`, SIGINT,
 * exit 13), when an asynchronous write to a pipe could be lost.
 */
export function writeReport(text: string, target: ReportTarget): void {
  if (target.out === undefined) {
    writeAll(2, text);
    return;
  }
  // Replace atomically, so a reader never sees half a report; created with the user's umask.
  const temp = join(dirname(target.out), `.${basename(target.out)}.${process.pid}-${threadId}.tmp`);
  const fd = openSync(temp, 'w');
  try {
    writeAll(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, target.out);
}

function writeAll(fd: number, text: string): void {
  const buffer = Buffer.from(text);
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += writeSync(fd, buffer, offset);
    } catch (error) {
      // A non-blocking pipe that is full: wait for it rather than lose the report.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}
