/**
 * The CLI hands its settings to the preload in the child through the preload's URL (a query
 * string), not through the environment, so the script sees exactly the environment it would see
 * without awaitwhat, and processes it starts do not inherit the setting by accident.
 */

import type { CliOptions } from './args.ts';

/** The command's options that concern the script's process, plus where relative paths start. */
export type PreloadConfig = Omit<CliOptions, 'script' | 'scriptArgs'> & { cwd: string };

export function encodeConfig(config: PreloadConfig): string {
  return `config=${encodeURIComponent(JSON.stringify(config))}`;
}

export function decodeConfig(url: string): PreloadConfig {
  const raw = new URL(url).searchParams.get('config');
  if (raw === null) throw new Error(`awaitwhat preload: no configuration in ${url}; it is meant to be started by the awaitwhat command`);
  return JSON.parse(raw) as PreloadConfig;
}
