/**
 * `awaitwhat attach <pid> [--format text|json|dot] [--out <file>] [--max-pause <duration>] [--yes] [--full]`:
 * the await graph of a running process (src/attach). The report goes to stdout (or `--out`),
 * progress and refusals to stderr. Exit codes: 0 with a report; 2 for bad arguments and for
 * refusals (one line: the target cannot or must not be attached to); 1 when the attach failed
 * midway (the target is still left as it was); 130 after Ctrl-C (the inspector closed first).
 */

import { resolve } from 'node:path';
import { attach } from '../attach/attach.ts';
import { AttachError } from '../attach/errors.ts';
import { renderDot } from '../render/dot.ts';
import { renderJson } from '../render/json.ts';
import { renderText } from '../render/text.ts';
import { DurationSyntaxError, parseDuration } from '../util/duration.ts';
import { EXIT_USAGE, UsageError, type ReportFormat } from './args.ts';
import { outTargetProblem, replaceFile } from './out-file.ts';

export interface AttachCliOptions {
  pid: number;
  format: ReportFormat;
  out: string | undefined;
  maxPauseMs: number;
  yes: boolean;
  full: boolean;
}

export const ATTACH_USAGE = `Usage: awaitwhat attach <pid> [options]

Shows what waits for what in a running Node.js (22 or newer) process on this machine, started
without awaitwhat: every pending async function, where it is suspended, and what it awaits. Opens
the process's inspector (SIGUSR1) for the moment it takes, then closes it again. A process started
with awaitwhat's hooks answers with its own report, durations included.

Options:
  --format <format>        text, json or dot (default text)
  --out <file>             write the report to <file> instead of stdout
  --max-pause <duration>   refuse when the estimated pause of the process is longer (default 3s)
  --yes                    attach even past --max-pause
  --full                   also take a heap snapshot: who can settle each leaf promise
  -h, --help               print this help

Exit codes: 0 with a report; 2 for bad arguments and refusals; 1 when the attach failed; 130 after Ctrl-C.
`;

const FORMATS: readonly ReportFormat[] = ['text', 'json', 'dot'];

export type ParsedAttach = { kind: 'run'; options: AttachCliOptions } | { kind: 'help' };

export function parseAttachArgs(argv: readonly string[]): ParsedAttach {
  const options: Omit<AttachCliOptions, 'pid'> = { format: 'text', out: undefined, maxPauseMs: 3000, yes: false, full: false };
  let pid: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '--format': {
        const text = value();
        if (!FORMATS.includes(text as ReportFormat)) throw new UsageError(`--format: expected text, json or dot, got ${JSON.stringify(text)}`);
        options.format = text as ReportFormat;
        break;
      }
      case '--out': {
        const text = value();
        if (text === '') throw new UsageError('--out: expected a file name, got ""');
        options.out = text;
        break;
      }
      case '--max-pause': {
        const text = value();
        try {
          options.maxPauseMs = parseDuration(text);
        } catch (error) {
          if (error instanceof DurationSyntaxError) throw new UsageError(`--max-pause: ${error.message}`);
          throw error;
        }
        break;
      }
      case '--yes':
      case '--full':
        if (inline !== undefined) throw new UsageError(`${flag} takes no value, got ${JSON.stringify(inline)}`);
        if (flag === '--yes') options.yes = true;
        else options.full = true;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
        if (pid !== undefined) throw new UsageError(`one pid only, got ${pid} and ${JSON.stringify(arg)}`);
        if (!/^\d+$/.test(arg) || Number(arg) <= 0 || !Number.isSafeInteger(Number(arg))) throw new UsageError(`expected a process id, got ${JSON.stringify(arg)}`);
        pid = Number(arg);
    }
  }
  if (pid === undefined) throw new UsageError('missing the process id to attach to');
  return { kind: 'run', options: { ...options, pid } };
}

/** Runs `awaitwhat attach …`; never returns (exits with the command's code). */
export async function runAttachCli(argv: readonly string[]): Promise<never> {
  let parsed: ParsedAttach;
  try {
    parsed = parseAttachArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) exit(`awaitwhat attach: ${error.message}\n\n${ATTACH_USAGE}`, EXIT_USAGE);
    throw error;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(ATTACH_USAGE);
    process.exit(0);
  }
  const options = parsed.options;
  let out = options.out;
  if (out !== undefined) {
    const problem = outTargetProblem(out, process.cwd());
    if (problem !== undefined) exit(`awaitwhat attach: --out ${out}: ${problem}\n`, EXIT_USAGE);
    out = resolve(process.cwd(), out);
  }

  const abort = new AbortController();
  let interrupted = false;
  const onInterrupt = (): void => {
    if (interrupted) return; // A second Ctrl-C while the inspector closes: still leave the target as it was.
    interrupted = true;
    process.stderr.write('awaitwhat: interrupted; detaching from the process\n');
    abort.abort();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  let snapshot;
  try {
    snapshot = await attach({ pid: options.pid, maxPauseMs: options.maxPauseMs, yes: options.yes, full: options.full, stepTimeoutMs: 10_000, log: (line) => process.stderr.write(`${line}\n`), signal: abort.signal });
  } catch (error) {
    if (interrupted) exit('', 130);
    if (error instanceof AttachError) exit(`awaitwhat attach: ${error.message}\n`, error.kind === 'refusal' ? EXIT_USAGE : 1);
    throw error;
  }
  if (interrupted) exit('', 130);
  // Full mode: the heap analysis's time is on stderr already (durations are otherwise unknown), so the report is the same from run to run.
  const text = options.format === 'json' ? renderJson(snapshot) : options.format === 'dot' ? renderDot(snapshot) : renderText(snapshot, { durations: snapshot.source?.mode !== 'full' });
  if (out !== undefined) {
    try {
      replaceFile(out, text);
    } catch (error) {
      process.stderr.write(`awaitwhat attach: could not write the report to ${out} (${(error as Error).message}); here it is instead\n`);
      process.stdout.write(text);
      return exit('', 1);
    }
  } else process.stdout.write(text);
  process.exitCode = 0;
  return exit('', 0);
}

function exit(message: string, code: number): never {
  if (message !== '') process.stderr.write(message);
  process.exitCode = code;
  // Let stdout drain (a pipe): exit once the event loop is empty, which nothing else keeps busy.
  throw new ExitSignal();
}

/** Unwinds to main() once the exit code is set. */
export class ExitSignal extends Error {}
