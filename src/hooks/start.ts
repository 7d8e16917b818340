/**
 * What `--import awaitwhat/hooks` (hooks.ts) loads once Node's compile cache is on: the hooks and
 * the reading of their settings from the environment. In the built package this module is one
 * file (scripts/bundle.mjs puts the hook modules into it), so that a process starting with the
 * hooks reads and compiles one file instead of some twenty; the runtime's modules stay separate,
 * shared with every other entry of the package.
 */

export { installHooks } from './install.ts';
export { hookOptionsFromEnv } from './env.ts';
