/**
 * Instrumenting every Node.js process of a tree through `NODE_OPTIONS`: each process Node.js starts
 * with that environment (`fork`, `cluster`, `spawn('node')`, a shell or npm that runs node) loads the
 * preload, while the user's own `NODE_OPTIONS` stay in force, in front of it, so that their hooks
 * (tsx) are registered first and ours sees their output. Used for the script's process tree here,
 * and meant for any command awaitwhat runs.
 */

import { isPreloadUrl } from './config.ts';

/** Splits `NODE_OPTIONS` as Node.js does: on spaces, with double quotes grouping and `\` escaping inside them. */
export function splitNodeOptions(value: string): string[] {
  const args: string[] = [];
  let inString = false;
  let startNew = true;
  for (let i = 0; i < value.length; i++) {
    let c = value[i]!;
    if (c === '\\' && inString && i + 1 < value.length) c = value[++i]!;
    else if (c === ' ' && !inString) {
      startNew = true;
      continue;
    } else if (c === '"') {
      inString = !inString;
      continue;
    }
    if (startNew) args.push(c);
    else args[args.length - 1] += c;
    startNew = false;
  }
  return args;
}

/** One argument as `NODE_OPTIONS` reads it back whole. */
export function quoteNodeOption(arg: string): string {
  return /[ "\\]/.test(arg) ? `"${arg.replace(/["\\]/g, '\\$&')}"` : arg;
}

/** The user's `NODE_OPTIONS` without any awaitwhat preload (one left by an awaitwhat run around this one). */
export function withoutPreload(nodeOptions: string | undefined): string | undefined {
  if (nodeOptions === undefined || !/preload\.js\?awaitwhat=/.test(nodeOptions)) return nodeOptions;
  const args = splitNodeOptions(nodeOptions);
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--import=') && isPreloadUrl(arg.slice('--import='.length))) continue;
    if (arg === '--import' && isPreloadUrl(args[i + 1] ?? '')) {
      i++;
      continue;
    }
    kept.push(quoteNodeOption(arg));
  }
  return kept.join(' ');
}

/** `NODE_OPTIONS` that load `preloadUrl` after the user's own options. */
export function withPreload(nodeOptions: string | undefined, preloadUrl: string): string {
  const own = withoutPreload(nodeOptions)?.trim() ?? '';
  const ours = quoteNodeOption(`--import=${preloadUrl}`);
  return own === '' ? ours : `${own} ${ours}`;
}

/** `env` for a process whose every Node.js descendant should load `preloadUrl`. */
export function instrumentedEnvironment(env: NodeJS.ProcessEnv, preloadUrl: string): NodeJS.ProcessEnv {
  return { ...env, NODE_OPTIONS: withPreload(env.NODE_OPTIONS, preloadUrl) };
}

/** `env` with no awaitwhat preload in `NODE_OPTIONS`, for a process instrumented by its own command line only. */
export function uninstrumentedEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const nodeOptions = withoutPreload(env.NODE_OPTIONS);
  if (nodeOptions === env.NODE_OPTIONS) return env;
  const copy = { ...env };
  if (nodeOptions === undefined || nodeOptions === '') delete copy.NODE_OPTIONS;
  else copy.NODE_OPTIONS = nodeOptions;
  return copy;
}
