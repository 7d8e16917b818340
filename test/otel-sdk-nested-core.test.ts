/**
 * register's error handler on copies of `@opentelemetry/core` nested under the SDK's packages
 * (src/otel/sdk.ts, src/otel/sdk-cores.ts), whatever the install the tests run in: a resolve hook
 * of the test makes sdk-cores.ts find sdk-trace and sdk-metrics in a made-up layout where each has
 * its own copy of core, which records the handler it is given. Both copies get register's handler.
 */

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { startSdk } from '../dist/otel/sdk.js';
import { readSdkSettings } from '../dist/otel/sdk-settings.js';

const layout = mkdtempSync(join(tmpdir(), 'awaitwhat-nested-core-'));
after(() => rmSync(layout, { recursive: true, force: true }));
const fakes = new Map<string, string>();
for (const [name, label] of [['sdk-trace', 'trace'], ['sdk-metrics', 'metrics']] as const) {
  const dir = join(layout, 'node_modules', '@opentelemetry', name);
  const core = join(dir, 'node_modules', '@opentelemetry', 'core');
  mkdirSync(core, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@opentelemetry/${name}`, type: 'module', exports: { '.': './index.mjs' } }));
  writeFileSync(join(dir, 'index.mjs'), 'export {};\n');
  writeFileSync(join(core, 'package.json'), JSON.stringify({ name: '@opentelemetry/core', type: 'module', exports: { '.': { require: './core.cjs', import: './core.mjs' } } }));
  writeFileSync(join(core, 'core.mjs'), `export function setGlobalErrorHandler(handler) { (globalThis.nestedCoreHandlers ??= []).push([${JSON.stringify(label)}, handler]); }\n`);
  fakes.set(`@opentelemetry/${name}`, pathToFileURL(join(dir, 'index.mjs')).href);
}

const SDK_CORES = new URL('../dist/otel/sdk-cores.js', import.meta.url).href;
module.registerHooks({
  resolve(specifier, context, nextResolve) {
    const fake = context.parentURL === SDK_CORES ? fakes.get(specifier) : undefined;
    return fake === undefined ? nextResolve(specifier, context) : { url: fake, format: 'module', shortCircuit: true };
  },
});

const messages: string[] = [];
diag.setLogger({ error: (m: string) => void messages.push(`error: ${m}`), warn: (m: string) => void messages.push(`warn: ${m}`), info() {}, debug() {}, verbose() {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });

describe('copies of core nested under the SDK\'s packages', () => {
  it('sdk-trace\'s and sdk-metrics\' copies get register\'s handler (metrics off too), which says an error once', async () => {
    const sdk = await startSdk(readSdkSettings({ OTEL_METRICS_EXPORTER: 'none', OTEL_BSP_SCHEDULE_DELAY: '2147483647' }, (m) => messages.push(`settings: ${m}`)));
    const handlers = (globalThis as { nestedCoreHandlers?: [string, (error: unknown) => void][] }).nestedCoreHandlers ?? [];
    assert.deepEqual(handlers.map(([label]) => label), ['trace', 'metrics']);
    assert.equal(handlers[0]![1], handlers[1]![1]);
    handlers[0]![1](new Error('through a nested copy'));
    handlers[1]![1](new Error('through a nested copy'));
    assert.deepEqual(messages, ['error: OpenTelemetry SDK: through a nested copy']);
    await sdk.provider.shutdown();
    sdk.contextManager.disable();
  });
});
