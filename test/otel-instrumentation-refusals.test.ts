/**
 * What AwaitInstrumentation.enable() refuses, in the test's own process (src/otel/instrumentation.ts):
 * a Node.js without module.registerHooks (taken away for one enable(), as on Node.js < 22.15) leaves
 * it disabled for good with one diag error; hooks installed in this thread by another copy of
 * awaitwhat, which owns the runtime, leave it without tracing with one diag warning. The program
 * runs on in both cases; the hooks' options the instrumentation was given, and only those, are said
 * to be ignored by hooks installed before. Its own process: the thread's hooks and runtime are installed only here.
 */

import assert from 'node:assert/strict';
import module from 'node:module';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { describe, it } from 'node:test';
import { AwaitInstrumentation } from '../dist/index.js';
import { freshInstanceUrl } from './support/fresh.ts';

const messages: string[] = [];
diag.setLogger(
  { error: (...a: unknown[]) => void messages.push(`error: ${a.join(' ')}`), warn: (...a: unknown[]) => void messages.push(`warn: ${a.join(' ')}`), info() {}, debug() {}, verbose() {} },
  { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
);

const HOOKS_HANDLE = Symbol.for('awaitwhat.hooks');

describe('AwaitInstrumentation refusing to trace', () => {
  it('no module.registerHooks: one error, disabled for good (even once registerHooks is back), no sampler', () => {
    messages.length = 0;
    const instrumentation = new AwaitInstrumentation({ enabled: false, pendingThresholdMs: 1 });
    const registerHooks = module.registerHooks;
    (module as { registerHooks?: unknown }).registerHooks = undefined;
    try {
      instrumentation.enable();
    } finally {
      module.registerHooks = registerHooks;
    }
    instrumentation.enable();
    assert.equal(instrumentation.samplePending(), undefined);
    assert.equal((globalThis as Record<symbol, unknown>)[HOOKS_HANDLE], undefined);
    assert.deepEqual(messages, [
      `error: awaitwhat AwaitInstrumentation stays disabled: awaitwhat needs Node.js >= 22.15.0 (for module.registerHooks), but this is Node.js ${process.versions.node}. Install a newer Node.js, or run through the project's pinned one (npx awaitwhat …).`,
    ]);
    assert.deepEqual(instrumentation.faultCounts(), { user: {}, internal: {} });
    instrumentation.disable();
  });

  it('the hooks and the runtime of another copy of awaitwhat: one warning, no tracing, no sampler', async () => {
    messages.length = 0;
    // Another copy: its own module instance of the runtime installs the thread's runtime, and its hooks are the thread's.
    const copy = (await import(freshInstanceUrl('runtime/runtime.js', 'copy=other'))) as typeof import('../dist/runtime/runtime.js');
    copy.installRuntime();
    (globalThis as Record<symbol, unknown>)[HOOKS_HANDLE] = { stats: { instrumented: 0, skipped: 0, failed: 0, cached: 0 } };
    const instrumentation = new AwaitInstrumentation({ enabled: false, pendingThresholdMs: 1 });
    instrumentation.enable();
    assert.equal(instrumentation.samplePending(), undefined);
    assert.deepEqual(messages, [
      'warn: awaitwhat another copy of awaitwhat installed the runtime of this thread; AwaitInstrumentation only traces with the copy that installed it',
    ]);
    instrumentation.disable();
    assert.deepEqual(instrumentation.faultCounts(), { user: {}, internal: {} });

    // Options for the hooks, given: the hooks already installed say they are ignored, naming each (and only those given).
    messages.length = 0;
    const withOptions = new AwaitInstrumentation({ enabled: false, include: ['src/**'], exclude: ['src/x.js'], packages: ['p'], omitText: true });
    withOptions.enable();
    assert.deepEqual(messages, [
      "warn: awaitwhat installHooks: awaitwhat's hooks are already installed in this thread (by --import awaitwhat/hooks, the command or an earlier call), with their own options; ignored: include, exclude, packages, omitText",
      'warn: awaitwhat another copy of awaitwhat installed the runtime of this thread; AwaitInstrumentation only traces with the copy that installed it',
    ]);
    withOptions.disable();
  });
});
