/**
 * AwaitInstrumentation: awaitwhat as an OpenTelemetry instrumentation. Register it like any other
 * (`new NodeSDK({ instrumentations: [new AwaitInstrumentation()] })`, `registerInstrumentations`);
 * it takes its tracer from the provider it is given. `enable()` installs the load hooks (once per
 * thread), makes new async calls traced, and starts the pending-await sampler; `disable()` stops
 * the spans and the sampler (code already instrumented keeps running, inert and cheap). Both are
 * safe to call twice.
 */

import { InstrumentationBase } from '@opentelemetry/instrumentation';
import { installHooks, type HookOptions } from '../hooks/install.ts';
import type { Warn } from '../hooks/env.ts';
import { currentRuntime, type RuntimeInternals } from '../runtime/runtime.ts';
import { resolveConfig, type AwaitInstrumentationConfig, type ResolvedConfig } from './config.ts';
import { awaitwhatDiag, errorSafely, warnSafely } from './diag-logger.ts';
import { Faults, describeError, type FaultCounts } from './faults.ts';
import { PendingMetrics } from './metrics.ts';
import { PendingSampler } from './pending-sampler.ts';
import type { PendingReport } from './report.ts';
import { SpanBridge } from './span-bridge.ts';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.ts';

interface State {
  config: ResolvedConfig;
  faults: Faults;
  sampler?: PendingSampler;
  /** The gauges, on the meter of the meter provider given (observing nothing while disabled). */
  metrics: PendingMetrics;
  /** The load hooks could not be installed (said once): enable() does nothing. */
  unsupported?: true;
}

/**
 * Settings warnings wait for a microtask: the options are read while the instrumentation is
 * constructed, typically inside `new NodeSDK({ instrumentations: [...] })`, whose constructor
 * installs the diag logger (OTEL_LOG_LEVEL) only afterwards.
 */
const warnSoon: Warn = (message) => queueMicrotask(() => warnSafely(message));

/**
 * The load hooks' options from the instrumentation's: only those set (a default left out), so that
 * when the thread's hooks are already installed (`--import awaitwhat/hooks`, the command), the
 * hooks' warning that options were ignored names only options the user gave.
 */
function hookOptions(config: ResolvedConfig): HookOptions {
  const options: HookOptions = { onWarning: warnSafely };
  if (config.include !== undefined) options.include = config.include;
  if (config.exclude !== undefined) options.exclude = config.exclude;
  if (config.packages !== undefined) options.packages = config.packages;
  if (config.omitText) options.omitText = true;
  return options;
}

export class AwaitInstrumentation extends InstrumentationBase<AwaitInstrumentationConfig> {
  // Declared, not initialised: InstrumentationBase's constructor calls setConfig() and enable()
  // before subclass field initialisers would run (open-telemetry/opentelemetry-js#1989).
  // Undefined only until that first setConfig(): every other method runs after it (hence the `!`s).
  declare private _awaitwhat: State | undefined;

  /** A bad option or AWAITWHAT_* variable is a warning through `diag` and its default; this never throws. */
  constructor(config: AwaitInstrumentationConfig = {}) {
    // InstrumentationBase's constructor passes the config to setConfig(), which resolves it.
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  // Stryker disable next-line BlockStatement: equivalent: InstrumentationBase reads init()'s undefined as no modules (`modules || []`, `?? []`)
  protected override init(): [] {
    return [];
  }

  override setConfig(config: AwaitInstrumentationConfig = {}): void {
    const resolved = resolveConfig(config, process.env, warnSoon);
    super.setConfig(resolved);
    if (this._awaitwhat === undefined) {
      const faults = new Faults(awaitwhatDiag);
      const state: State = (this._awaitwhat = { config: resolved, faults, metrics: undefined as never });
      state.metrics = new PendingMetrics(() => this.#enabledRuntime(), () => state.config, faults);
      return;
    }
    const state = this._awaitwhat;
    state.config = resolved;
    if (state.sampler !== undefined) {
      state.sampler.stop();
      state.sampler.start();
    }
  }

  /**
   * Called by InstrumentationBase's constructor and by setMeterProvider (NodeSDK's metric readers,
   * registerInstrumentations' meterProvider): the gauges move to the new meter.
   */
  protected override _updateMetricInstruments(): void {
    // InstrumentationBase's constructor calls this only after setConfig(), which creates the state.
    this._awaitwhat!.metrics.use(this.meter);
  }

  /** The runtime the sampler reads, while enabled. */
  #enabledRuntime(): RuntimeInternals | undefined {
    // Stryker disable next-line OptionalChaining: equivalent: a sampler exists only with the runtime it was made for (never uninstalled)
    return this._awaitwhat!.sampler !== undefined ? currentRuntime()?.internals : undefined;
  }

  override enable(): void {
    super.enable();
    const state = this._awaitwhat!;
    if (state.sampler !== undefined || state.unsupported) return;
    const config = state.config;
    try {
      installHooks(hookOptions(config));
    } catch (error) {
      // A Node.js without module.registerHooks (UnsupportedNodeError; bad settings are only
      // warnings): no tracing, and the program runs as it would without awaitwhat.
      state.unsupported = true;
      errorSafely(`AwaitInstrumentation stays disabled: ${describeError(error)}`);
      return;
    }
    const runtime = currentRuntime();
    if (runtime === undefined) {
      warnSafely('another copy of awaitwhat installed the runtime of this thread; AwaitInstrumentation only traces with the copy that installed it');
      return;
    }
    const tracer = () => this.tracer;
    const currentConfig = () => this._awaitwhat!.config;
    const bridge = new SpanBridge(tracer, currentConfig, runtime.internals, state.faults);
    runtime.internals.setTracing(bridge);
    // The runtime's faults reach diag once per kind, counted with awaitwhat's own (faultCounts()).
    runtime.internals.faults.setReporter((fault) => state.faults.reportRuntimeFault(fault.kind, fault.message));
    state.sampler = new PendingSampler(runtime.internals, bridge, tracer, currentConfig, awaitwhatDiag, state.faults);
    state.sampler.start();
  }

  override disable(): void {
    super.disable();
    const state = this._awaitwhat!;
    if (state.sampler === undefined) return;
    state.sampler.stop();
    state.sampler = undefined;
    // Stryker disable next-line OptionalChaining: equivalent: a sampler exists only with the runtime it was made for (never uninstalled)
    currentRuntime()?.internals.setTracing(undefined);
  }

  /** Runs one sample now (as the timer would) and returns what it reported, if anything. */
  samplePending(): PendingReport | undefined {
    return this._awaitwhat!.sampler?.tick();
  }

  /**
   * Faults caught inside the instrumentation so far, by kind: the `user`'s (`onPending` failed or
   * did not settle) apart from awaitwhat's own (`internal`). Each kind was reported once through `diag`.
   */
  faultCounts(): FaultCounts {
    return this._awaitwhat!.faults.counts();
  }
}
