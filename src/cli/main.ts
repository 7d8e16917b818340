#!/usr/bin/env node
/**
 * `awaitwhat [options] <script|command> [args…]`: checks every argument before anything starts (a
 * bad value is exit code 2 with the usage; a command that is not found, 127 as from a shell), then
 * runs the script in a child Node.js process with the preload that instruments it, or the command
 * with that preload in NODE_OPTIONS (see `supervise.ts`; which one, `target.ts`), so that without
 * a hang nothing differs from running it directly.
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkNodeVersion, UnsupportedNodeError } from '../hooks/node-version.ts';
import { EXIT_USAGE, parseArgs, USAGE, UsageError, type CliOptions } from './args.ts';
import { outTargetProblem } from './out-file.ts';
import { supervise } from './supervise.ts';
import { resolveTarget } from './target.ts';
import { ExitSignal, runAttachCli } from './attach.ts';

function fail(message: string, code: number, withUsage = false): never {
  process.stderr.write(`awaitwhat: ${message}\n${withUsage ? `\n${USAGE}` : ''}`);
  process.exit(code);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function run(options: CliOptions): void {
  try {
    checkNodeVersion();
  } catch (error) {
    if (error instanceof UnsupportedNodeError) fail(error.message, 1);
    throw error;
  }
  const cwd = process.cwd();
  const target = resolveTarget(options.script, cwd, process.env.PATH);
  if (target.kind === 'error') fail(target.message, target.code, target.usage);
  if (target.kind === 'command' && !options.children) fail(`--no-children applies to scripts only; ${options.script} is a command, whose Node.js processes are all instrumented through NODE_OPTIONS`, EXIT_USAGE, true);
  let out = options.out;
  if (out !== undefined) {
    const problem = outTargetProblem(out, cwd);
    if (problem !== undefined) fail(`--out ${out}: ${problem}`, EXIT_USAGE, true);
    out = resolve(cwd, out);
  }
  supervise({ ...options, out }, cwd, fail, target.kind === 'command' ? target : undefined);
}

function main(argv: readonly string[]): void {
  if (argv[0] === 'attach') {
    runAttachCli(argv.slice(1)).catch((error: unknown) => {
      if (error instanceof ExitSignal) return;
      throw error;
    });
    return;
  }
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) fail(error.message, EXIT_USAGE, true);
    throw error;
  }
  if (parsed.kind === 'help') process.stdout.write(USAGE);
  else if (parsed.kind === 'version') process.stdout.write(`${version()}\n`);
  else run(parsed.options);
}

main(process.argv.slice(2));
