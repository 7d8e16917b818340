/** Command-line arguments of `awaitwhat`. */

import { parseDuration, DurationSyntaxError } from '../util/duration.ts';
import { compileGlob, GlobSyntaxError } from '../hooks/glob.ts';
import { validPackageName } from '../hooks/env.ts';

export type ReportFormat = 'text' | 'json' | 'dot';

export interface CliOptions {
  afterMs: number;
  format: ReportFormat;
  out: string | undefined;
  once: boolean;
  all: boolean;
  include: string[];
  exclude: string[];
  packages: string[];
  omitText: boolean;
  sourceMaps: boolean;
  /** Instrument the processes the script starts (through `NODE_OPTIONS`), not only the script's own. */
  children: boolean;
  /** Holders (who can settle each leaf, from a heap snapshot): `default` in the reports that end or interrupt the process, `on` in every report, `off` in none. */
  holders: 'default' | 'on' | 'off';
  /** No heap snapshot for holders when the heap in use is above this many bytes. */
  holdersMaxHeapBytes: number;
  script: string;
  scriptArgs: string[];
}

export type ParsedArgs = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'version' };

/** Exit code after `--once` printed its report: the program was stuck. */
export const EXIT_STUCK = 124;
/** Exit code for bad arguments. */
export const EXIT_USAGE = 2;

export const USAGE = `Usage: awaitwhat [options] <script> [script arguments…]
       awaitwhat [options] [--] <command> [arguments…]
       awaitwhat attach <pid> [options]   (a running process: awaitwhat attach --help)

Runs a Node.js script (.js, .mjs, .cjs, .ts, .mts, .cts, or a directory or extensionless name as
node finds it) with its async functions instrumented, in the Node.js processes it starts too, and
reports what waits for what when an await has been pending too long: every pending async
function, where it is suspended, and what it awaits, down to the terminal thing.

A word that is not a path, has no script extension and is not a script node would run from here
is a command on PATH (npm test, node --test, mocha): it runs with every Node.js process it starts
instrumented, and each report names its process id.

Without a hang, the output and exit code are exactly what they would be without awaitwhat.

Options:
  --after <duration>   report when an await has been pending this long: 300ms, 5s, 2m (default 5s);
                       while still stuck, report again after doubling intervals
  --format <format>    text, json (one JSON document per line) or dot (Graphviz) (default text)
  --out <file>         write each report to <file>, replacing the previous one, instead of stderr
  --once               print the first report (from any process of the script), then stop the
                       script and every process it started, with exit code ${EXIT_STUCK}
  --all                report every pending async function, not only the chains that are stuck
  --include <glob>     instrument only files matching <glob> (repeatable)
  --exclude <glob>     do not instrument files matching <glob> (repeatable)
  --package <name>     also instrument package <name> from node_modules (repeatable)
  --omit-text          leave source text (which may hold literals) out of reports
  --no-source-maps     do not turn on Node.js source maps (on by default, so that error excerpts
                       and stack columns show your code, not the instrumented text; this also
                       applies other modules' own source maps)
  --no-children        instrument only the script's process, not the Node.js processes it starts
                       (fork, cluster workers, spawned node, through NODE_OPTIONS); scripts only
  --holders            name who can settle each awaited promise (from a heap snapshot, which stops
                       the program for a while) in every report; by default only in the reports that
                       end or interrupt it (--once, Ctrl-C, exit 13)
  --no-holders         never take a heap snapshot for holders
  --holders-max-heap <size>
                       no heap snapshot when the heap in use is larger: 256MB, 1GB (default 256MB)
  -h, --help           print this help
  -v, --version        print the version

Also reported: the current state on Ctrl-C (SIGINT), and before Node.js exits with code 13
because a top-level await never settled.

Signals sent to awaitwhat are passed on to the script; if awaitwhat is killed, the script is sent SIGTERM.
Exit codes: the script's (or command's) own; ${EXIT_STUCK} after --once reported a hang; ${EXIT_USAGE} for bad
arguments; 127 for a command not found and 126 for one that cannot be executed, as from a shell.
Node.js options for the script go in NODE_OPTIONS. A script named like an option goes after --.
`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const FORMATS: readonly ReportFormat[] = ['text', 'json', 'dot'];

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const options: Omit<CliOptions, 'script' | 'scriptArgs'> = {
    afterMs: 5000,
    format: 'text',
    out: undefined,
    once: false,
    all: false,
    include: [],
    exclude: [],
    packages: [],
    omitText: false,
    sourceMaps: true,
    children: true,
    holders: 'default',
    holdersMaxHeapBytes: DEFAULT_HOLDERS_MAX_HEAP,
  };
  let i = 0;
  const value = (flag: string, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    const next = argv[++i];
    if (next === undefined) throw new UsageError(`${flag} needs a value`);
    return next;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    switch (flag) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '-v':
      case '--version':
        return { kind: 'version' };
      case '--after': {
        const text = value(flag, inline);
        try {
          options.afterMs = parseDuration(text);
        } catch (error) {
          if (error instanceof DurationSyntaxError) throw new UsageError(`--after: ${error.message}`);
          throw error;
        }
        if (options.afterMs <= 0) throw new UsageError(`--after: expected a duration above 0, got ${JSON.stringify(text)}`);
        break;
      }
      case '--format': {
        const text = value(flag, inline);
        if (!FORMATS.includes(text as ReportFormat)) throw new UsageError(`--format: expected text, json or dot, got ${JSON.stringify(text)}`);
        options.format = text as ReportFormat;
        break;
      }
      case '--out': {
        const text = value(flag, inline);
        if (text === '') throw new UsageError('--out: expected a file name, got ""');
        options.out = text;
        break;
      }
      case '--include':
        options.include.push(glob(flag, value(flag, inline)));
        break;
      case '--exclude':
        options.exclude.push(glob(flag, value(flag, inline)));
        break;
      case '--package':
        options.packages.push(packageName(value(flag, inline)));
        break;
      case '--holders-max-heap':
        options.holdersMaxHeapBytes = parseSize(flag, value(flag, inline));
        break;
      case '--holders':
      case '--no-holders':
        if (inline !== undefined) throw new UsageError(`${flag} takes no value, got ${JSON.stringify(inline)}`);
        options.holders = flag === '--holders' ? 'on' : 'off';
        break;
      case '--once':
      case '--all':
      case '--omit-text':
      case '--no-source-maps':
      case '--no-children':
        if (inline !== undefined) throw new UsageError(`${flag} takes no value, got ${JSON.stringify(inline)}`);
        if (flag === '--once') options.once = true;
        else if (flag === '--all') options.all = true;
        else if (flag === '--omit-text') options.omitText = true;
        else if (flag === '--no-children') options.children = false;
        else options.sourceMaps = false;
        break;
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  const script = argv[i];
  if (script === undefined) throw new UsageError('missing the script or command to run');
  return { kind: 'run', options: { ...options, script, scriptArgs: argv.slice(i + 1) } };
}

/** The default of `--holders-max-heap` (the same as `snapshot({ holders: true })`'s). */
export const DEFAULT_HOLDERS_MAX_HEAP = 256 * 1024 * 1024;

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 };

/** `256MB`, `1.5GB`, `800k`, `1048576` (bytes); units are binary (1 MB = 1024 × 1024 bytes). */
export function parseSize(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m === null ? undefined : SIZE_UNITS[m[2]!.toLowerCase()];
  if (m === null || unit === undefined) throw new UsageError(`${flag}: expected a size such as 256MB or 1GB, got ${JSON.stringify(text)}`);
  const bytes = Math.round(Number(m[1]) * unit);
  if (!(bytes > 0)) throw new UsageError(`${flag}: expected a size above 0, got ${JSON.stringify(text)}`);
  return bytes;
}

/** A glob the load hook will accept, checked by the hook's own parser. */
function glob(flag: string, pattern: string): string {
  try {
    compileGlob(pattern);
  } catch (error) {
    if (error instanceof GlobSyntaxError) throw new UsageError(`${flag}: ${error.message}`);
    throw error;
  }
  return pattern;
}

/** A package name the load hook will accept, checked by the hook's own rule. */
function packageName(name: string): string {
  if (!validPackageName(name)) throw new UsageError(`--package: invalid package name ${JSON.stringify(name)}: expected a name such as "fastify" or "@scope/name"`);
  return name;
}
