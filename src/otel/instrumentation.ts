/**
 * AwaitInstrumentation: awaitwhat as an OpenTelemetry instrumentation. Register it like any other
 * (`new NodeSDK({ instrumentations: [new AwaitInstrumentation()] })`, `registerInstrumentations`);
 * it takes its tracer from the provider it is given. `enable()` installs the load hooks (once per
 * thread), makes new async calls traced, and starts the pending-await sampler; `disable()` stops
 * the spans and the sampler (code already instrumented keeps running, inert and cheap). Both are
 * safe to call twice.
 */

import { InstrumentationBase } from '@opentelemetry/instrumentation';
import { installHooks } from '../hooks/install.ts';
import { currentRuntime } from '../runtime/runtime.ts';
import { resolveConfig, type AwaitInstrumentationConfig, type ResolvedConfig } from './config.ts';
import { PendingSampler } from './pending-sampler.ts';
import type { PendingReport } from './report.ts';
import { SpanBridge } from './span-bridge.ts';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.ts';

interface State {
  config: ResolvedConfig;
  sampler?: PendingSampler;
}

export class AwaitInstrumentation extends InstrumentationBase<AwaitInstrumentationConfig> {
  // Declared, not initialised: InstrumentationBase's constructor calls enable() before subclass
  // field initialisers would run (open-telemetry/opentelemetry-js#1989).
  declare private _awaitwhat: State | undefined;

  constructor(config: AwaitInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, resolveConfig(config));
  }

  protected override init(): [] {
    return [];
  }

  private _state(): State {
    this._awaitwhat ??= { config: resolveConfig(this._config) };
    return this._awaitwhat;
  }

  override setConfig(config: AwaitInstrumentationConfig = {}): void {
    const resolved = resolveConfig(config);
    super.setConfig(resolved);
    const state = this._state();
    state.config = resolved;
    if (state.sampler !== undefined) {
      state.sampler.stop();
      state.sampler.start();
    }
  }

  override enable(): void {
    super.enable();
    const state = this._state();
    if (state.sampler !== undefined) return;
    const config = state.config;
    installHooks({
      include: config.include,
      exclude: config.exclude,
      packages: config.packages,
      omitText: config.omitText,
      onWarning: (message) => this._diag.warn(message),
    });
    const runtime = currentRuntime();
    if (runtime === undefined) return;
    const tracer = () => this.tracer;
    const currentConfig = () => this._state().config;
    const bridge = new SpanBridge(tracer, currentConfig, runtime.internals, this._diag);
    runtime.internals.setTracing(bridge);
    state.sampler = new PendingSampler(runtime.internals, bridge, tracer, currentConfig, this._diag);
    state.sampler.start();
  }

  override disable(): void {
    super.disable();
    const state = this._awaitwhat;
    if (state?.sampler === undefined) return;
    state.sampler.stop();
    state.sampler = undefined;
    currentRuntime()?.internals.setTracing(undefined);
  }

  /** Runs one sample now (as the timer would) and returns what it reported, if anything. */
  samplePending(): PendingReport | undefined {
    return this._awaitwhat?.sampler?.tick();
  }
}
