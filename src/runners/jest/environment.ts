/**
 * `awaitwhat/jest/environment`: a Jest test environment that is the project's own (Jest's
 * `node` environment by default, or the one `testEnvironmentOptions.awaitwhatEnvironment` names)
 * with awaitwhat added: the thread's runtime global is defined in the environment's `vm` context
 * (Jest runs each test file in a context of its own, with globals of its own, where instrumented
 * code looks for it), and every jest-circus event goes to events.ts, which reports a test that
 * timed out with chains of its own pending, and a process that did not exit.
 *
 * The constructor returns the project's environment itself (a JavaScript constructor may return
 * another object): Jest gets exactly the environment it would have had, with its own class,
 * methods and globals, plus the runtime global in its context and a `handleTestEvent` that
 * hands each event to awaitwhat before the environment's own, if it has one.
 */

import { describeError, tellOnce } from '../../cli/faults.ts';
import { currentRuntime, installInRealm, installRuntime, type Runtime } from '../../runtime/runtime.ts';
import { installedReports } from '../install.ts';
import { stderrReports } from '../stderr-reports.ts';
import { requireDefault, resolveForJest } from './resolve.ts';
import { BASE_OPTION } from './config.ts';
import { JestEvents, type CircusEvent, type CircusState } from './events.ts';

const DEFAULT_BASE = 'jest-environment-node';

/** What Jest gives an environment's constructor (the fields read here). */
export interface JestEnvironmentConfig {
  projectConfig: { rootDir: string; testEnvironmentOptions?: Record<string, unknown> };
  globalConfig?: unknown;
}

interface JestEnvironment {
  global?: object;
  handleTestEvent?: (event: CircusEvent, state: CircusState) => unknown;
}

type EnvironmentClass = new (config: JestEnvironmentConfig, context: unknown) => JestEnvironment;

/** One JestEvents per process: test files run one after the other in a worker, each in an environment of its own. */
let events: JestEvents | undefined;

export default class AwaitwhatEnvironment {
  constructor(config: JestEnvironmentConfig, context: unknown) {
    const Base = loadBase(config);
    const environment = new Base(config, context);
    try {
      addAwaitwhat(environment);
    } catch (error) {
      // The tests run as they would without awaitwhat.
      tellOnce('awaitwhat/jest/environment could not set up awaitwhat; the tests run without it', error);
    }
    return environment as unknown as AwaitwhatEnvironment;
  }
}

/** The environment class awaitwhat's wraps: named by `testEnvironmentOptions.awaitwhatEnvironment` (a package or path, resolved from rootDir), else Jest's node environment. */
export function loadBase(config: JestEnvironmentConfig): EnvironmentClass {
  const named = config.projectConfig.testEnvironmentOptions?.[BASE_OPTION];
  if (named !== undefined && (typeof named !== 'string' || named === '')) {
    throw new TypeError(`awaitwhat/jest/environment: testEnvironmentOptions.${BASE_OPTION} must name a Jest environment (a package such as 'jest-environment-jsdom', or a path), not ${JSON.stringify(named)}`);
  }
  const name = named ?? DEFAULT_BASE;
  let path: string;
  try {
    path = resolveForJest(name, config.projectConfig.rootDir, 'the Jest environment');
  } catch (error) {
    // A short name as Jest takes it: `jsdom` for `jest-environment-jsdom`.
    if (name.startsWith('jest-environment-') || name.includes('/')) throw new Error(`awaitwhat/jest/environment: ${(error as Error).message}`);
    return loadBase({ ...config, projectConfig: { ...config.projectConfig, testEnvironmentOptions: { [BASE_OPTION]: `jest-environment-${name}` } } });
  }
  const loaded = requireDefault(path) as { TestEnvironment?: unknown } | undefined;
  const Base = typeof loaded === 'function' ? loaded : loaded?.TestEnvironment;
  if (typeof Base !== 'function') throw new TypeError(`awaitwhat/jest/environment: ${JSON.stringify(name)} (${path}) exports no environment class`);
  return Base as EnvironmentClass;
}

function addAwaitwhat(environment: JestEnvironment): void {
  const runtime = ownRuntime();
  const context = environment.global;
  if (runtime === undefined || context === undefined) return;
  if (!installInRealm(context)) {
    tellOnce('awaitwhat/jest/environment: the test context has a runtime global of another awaitwhat; its tests are not instrumented');
    return;
  }
  events ??= newEvents(runtime);
  const own = environment.handleTestEvent;
  const handler = events;
  environment.handleTestEvent = function handleTestEvent(this: JestEnvironment, event: CircusEvent, state: CircusState): unknown {
    handler.handle(event, state);
    return own === undefined ? undefined : Reflect.apply(own, this, [event, state]);
  };
}

function ownRuntime(): Runtime | undefined {
  const runtime = currentRuntime();
  if (runtime !== undefined) return runtime;
  try {
    return installRuntime();
  } catch (error) {
    tellOnce(`awaitwhat/jest/environment: ${describeError(error)}`);
    return undefined;
  }
}

function newEvents(runtime: Runtime): JestEvents {
  const installed = installedReports();
  if (installed !== undefined) return new JestEvents(installed.reports, installed.onFault);
  return new JestEvents(stderrReports(runtime.internals, process.cwd()), (error) => tellOnce(`the Jest integration failed (${describeError(error)})`));
}
