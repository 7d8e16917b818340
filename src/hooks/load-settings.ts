/**
 * Settings of loading read from the environment as defaults of installHooks' options, so that
 * `awaitwhat/hooks`, the command and AwaitInstrumentation all honour them: AWAITWHAT_CACHE
 * (`0`/`false` turns the transform cache off) and AWAITWHAT_CACHE_DIR. (AWAITWHAT_PARSER is read
 * where the parser is chosen, src/transform/parse.ts.)
 */

import { EnvironmentError } from './env.ts';

export function cacheSettingsFromEnv(env: NodeJS.ProcessEnv): { enabled?: boolean; dir?: string } {
  const settings: { enabled?: boolean; dir?: string } = {};
  const cache = env.AWAITWHAT_CACHE;
  if (cache !== undefined && cache !== '') {
    if (!['0', '1', 'true', 'false'].includes(cache)) throw new EnvironmentError('AWAITWHAT_CACHE', cache, '1, 0, true or false');
    settings.enabled = cache === '1' || cache === 'true';
  }
  const dir = env.AWAITWHAT_CACHE_DIR;
  if (dir !== undefined && dir !== '') settings.dir = dir;
  return settings;
}
