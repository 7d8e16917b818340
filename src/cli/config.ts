/**
 * The command hands its settings to the preload through the preload's URL (a query string): the
 * URL is the whole message, whether it reaches the script's process as `--import <url>` or reaches
 * every Node.js process of the tree through `NODE_OPTIONS` (see `node-options.ts`).
 */

import type { CliOptions } from './args.ts';

/** The command's options that concern the script's processes, plus what ties them to the command. */
export type PreloadConfig = Omit<CliOptions, 'script' | 'scriptArgs' | 'children'> & {
  /** Where relative paths start. */
  cwd: string;
  /** The awaitwhat command's pid: the process it starts watches it and stops when it is gone. */
  supervisorPid: number;
  /** With `--once`: the private directory through which the processes of the tree agree on one report (see `once-tree.ts`). */
  onceDir: string | undefined;
  /**
   * Command mode (`awaitwhat npm test`): no process of the tree is the script, so every one puts its
   * pid in front of its reports, the first Node.js process the command starts included.
   */
  labelEvery?: boolean;
};

/** The query parameter that carries the configuration; it also marks a preload URL as awaitwhat's. */
export const CONFIG_PARAM = 'awaitwhat';

// Through dist/'s root, not './': this module runs from the shared bundle in runtime/ (scripts/bundle.mjs).
const PRELOAD = new URL('../cli/preload.js', import.meta.url);

export function preloadUrl(config: PreloadConfig): string {
  const url = new URL(PRELOAD.href);
  url.search = `${CONFIG_PARAM}=${encodeURIComponent(JSON.stringify(config))}`;
  return url.href;
}

/** Whether `url` names awaitwhat's preload (of any installed copy). */
export function isPreloadUrl(url: string): boolean {
  return /\/cli\/preload\.js\?awaitwhat=/.test(url);
}

export function decodeConfig(url: string): PreloadConfig {
  const raw = new URL(url).searchParams.get(CONFIG_PARAM);
  if (raw === null) throw new Error(`awaitwhat preload: no configuration in ${url}; it is meant to be started by the awaitwhat command`);
  return JSON.parse(raw) as PreloadConfig;
}
