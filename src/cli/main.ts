#!/usr/bin/env node
/**
 * `awaitwhat [options] <script> [args…]`: runs the script in a child Node.js process with the
 * preload that instruments it, passing stdio straight through and ending with the child's exit
 * code or signal, so that without a hang nothing differs from running the script directly.
 */

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkNodeVersion, UnsupportedNodeError } from '../hooks/node-version.ts';
import { EXIT_USAGE, parseArgs, USAGE, UsageError, type CliOptions } from './args.ts';
import { encodeConfig } from './config.ts';

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
  const script = resolve(options.script);
  if (!existsSync(script) || !statSync(script).isFile()) fail(`script not found: ${options.script}`, EXIT_USAGE);
  const cwd = process.cwd();
  const preload = pathToFileURL(fileURLToPath(new URL('./preload.js', import.meta.url)));
  const { script: _script, scriptArgs: _args, ...settings } = options;
  preload.search = encodeConfig({ ...settings, out: options.out === undefined ? undefined : resolve(options.out), cwd });
  const child = spawn(process.execPath, ['--import', preload.href, options.script, ...options.scriptArgs], { stdio: 'inherit' });

  // A terminal's Ctrl-C reaches the whole process group, child included; forwarding it too would
  // deliver it twice. Without a terminal, forward it.
  const forward = (signal: NodeJS.Signals) => () => {
    if (signal === 'SIGINT' && process.stdin.isTTY) return;
    child.kill(signal);
  };
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [signal, forward(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);

  child.on('error', (error) => fail(`could not start ${process.execPath}: ${error.message}`, 1));
  child.on('exit', (code, signal) => {
    for (const [s, handler] of handlers) process.removeListener(s, handler);
    if (signal !== null) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

function main(argv: readonly string[]): void {
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
