import type { HookOptions } from './install.ts';

export class EnvironmentError extends TypeError {
  constructor(name: string, value: string, expected: string) {
    super(`${name}=${JSON.stringify(value)}: expected ${expected}`);
    this.name = 'EnvironmentError';
  }
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Hook options from AWAITWHAT_* variables; throws `EnvironmentError` naming a malformed one. */
export function hookOptionsFromEnv(env: NodeJS.ProcessEnv): HookOptions {
  const options: HookOptions = {};
  const include = list(env.AWAITWHAT_INCLUDE);
  const exclude = list(env.AWAITWHAT_EXCLUDE);
  const packages = list(env.AWAITWHAT_PACKAGES);
  if (include !== undefined) options.include = include;
  if (exclude !== undefined) options.exclude = exclude;
  if (packages !== undefined) options.packages = packages;
  const maxBytes = env.AWAITWHAT_MAX_FILE_BYTES;
  if (maxBytes !== undefined && maxBytes !== '') {
    const n = Number(maxBytes);
    if (!Number.isInteger(n) || n <= 0) throw new EnvironmentError('AWAITWHAT_MAX_FILE_BYTES', maxBytes, 'a positive integer');
    options.maxFileBytes = n;
  }
  const maxFrames = env.AWAITWHAT_MAX_FRAMES;
  if (maxFrames !== undefined && maxFrames !== '') {
    const n = Number(maxFrames);
    if (!Number.isInteger(n) || n <= 0) throw new EnvironmentError('AWAITWHAT_MAX_FRAMES', maxFrames, 'a positive integer');
    options.maxFrames = n;
  }
  const omit = env.AWAITWHAT_OMIT_TEXT;
  if (omit !== undefined && omit !== '') {
    if (!['0', '1', 'true', 'false'].includes(omit)) throw new EnvironmentError('AWAITWHAT_OMIT_TEXT', omit, '1, 0, true or false');
    options.omitText = omit === '1' || omit === 'true';
  }
  return options;
}
