/**
 * Command mode for Jest (`npx awaitwhat jest`): Jest takes transformers and environments only from
 * its configuration, so the command changes the configuration Jest read, as Jest read it. Jest's
 * `jest-config` is handed over as it loads (install.ts), and its `readConfigs` — which @jest/core
 * calls as `jestConfig.readConfigs(…)` for every run, in Jest 29 and 30 — is wrapped: each project's
 * configuration comes back with awaitwhat's transformer in front of each of its transformers and
 * awaitwhat's environment around its environment, exactly what the lines of the README do for
 * permanent use. A project that names awaitwhat's already is left as it is.
 *
 * Jest's workers get the configuration from the main process, changed; nothing else of Jest's is.
 */

/** The option of `testEnvironmentOptions` that names the environment awaitwhat's wraps (read by environment.ts). */
export const BASE_OPTION = 'awaitwhatEnvironment';

/** What of a Jest project configuration is read and changed here (Jest's `ProjectConfig`, normalised: paths absolute). */
export interface JestProjectConfig {
  transform: readonly (readonly [string, string, unknown])[];
  testEnvironment: string;
  testEnvironmentOptions: Record<string, unknown>;
  [key: string]: unknown;
}

/** What `readConfigs` resolves to (the fields read here). */
export interface ReadConfigsResult {
  configs: readonly JestProjectConfig[];
  [key: string]: unknown;
}

/** Where awaitwhat's transformer and environment are, as Jest will load them. */
export interface AwaitwhatJestPaths {
  transformer: string;
  environment: string;
}

/** What Jest transforms when a project's `transform` is empty (`transform: {}`: Jest transforms nothing, awaitwhat still instruments). */
const EVERY_SCRIPT = '\\.[cm]?[jt]sx?$';
const OURS = /[\\/]awaitwhat[\\/]dist[\\/]jest(?:-environment)?\.js$/;

/** One project's configuration with awaitwhat's transformer and environment added (a new, frozen object; `config` is untouched). */
export function withAwaitwhat(config: JestProjectConfig, paths: AwaitwhatJestPaths): JestProjectConfig {
  const isOurs = (path: string): boolean => path === paths.transformer || path === paths.environment || OURS.test(path);
  const transform =
    config.transform.length === 0
      ? [[EVERY_SCRIPT, paths.transformer, { transformer: false }] as const]
      : config.transform.map(([pattern, path, options]) => (isOurs(path) ? ([pattern, path, options] as const) : ([pattern, paths.transformer, options === undefined || isEmpty(options) ? { transformer: path } : { transformer: path, options }] as const)));
  const environment = isOurs(config.testEnvironment)
    ? {}
    : { testEnvironment: paths.environment, testEnvironmentOptions: Object.freeze({ ...config.testEnvironmentOptions, [BASE_OPTION]: config.testEnvironment }) };
  return Object.freeze({ ...config, transform: Object.freeze(transform), ...environment });
}

/** `readConfigs`'s result with every project changed by `withAwaitwhat`. */
export function readConfigsWithAwaitwhat(result: ReadConfigsResult, paths: AwaitwhatJestPaths): ReadConfigsResult {
  return { ...result, configs: result.configs.map((config) => withAwaitwhat(config, paths)) };
}

function isEmpty(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

type ReadConfigs = (...args: unknown[]) => Promise<ReadConfigsResult>;
const WRAPPED = new WeakSet<object>();

/**
 * Wraps `readConfigs` of a loaded `jest-config` (its CommonJS exports). Returns false, changing
 * nothing, when the module has no such function (a Jest this does not know).
 */
export function watchJestConfig(exports: unknown, paths: AwaitwhatJestPaths, onFault: (error: unknown) => void): boolean {
  if (typeof exports !== 'object' || exports === null || WRAPPED.has(exports)) return exports !== null && WRAPPED.has(exports as object);
  const original = (exports as { readConfigs?: unknown }).readConfigs;
  if (typeof original !== 'function') return false;
  const wrapped = async function readConfigs(this: unknown, ...args: unknown[]): Promise<ReadConfigsResult> {
    const result = await Reflect.apply(original as ReadConfigs, this, args);
    try {
      return readConfigsWithAwaitwhat(result, paths);
    } catch (error) {
      // Jest runs as it would without awaitwhat.
      onFault(error);
      return result;
    }
  };
  try {
    (exports as { readConfigs: unknown }).readConfigs = wrapped;
  } catch (error) {
    onFault(error);
    return false;
  }
  WRAPPED.add(exports);
  return (exports as { readConfigs: unknown }).readConfigs === wrapped;
}
