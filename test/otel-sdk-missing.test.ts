/**
 * `awaitwhat/register` without some of the OpenTelemetry SDK packages (src/otel/sdk.ts), in the
 * test's own process: a resolve hook of the test makes chosen packages fail to resolve, as when
 * they are not installed. Missing trace packages are one error naming them all with the command
 * that installs them; missing metric packages leave the traces running and say which are missing;
 * any other failure to load a package is passed on as it is.
 */

import assert from 'node:assert/strict';
import module from 'node:module';
import { describe, it } from 'node:test';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { globalErrorHandler } from '@opentelemetry/core';
import { startSdk } from '../dist/otel/sdk.js';
import { readSdkSettings } from '../dist/otel/sdk-settings.js';

/**
 * Specifier → the `code` of the error its resolution from awaitwhat's code throws (ERR_MODULE_NOT_FOUND:
 * not installed where awaitwhat looks; the SDK's own packages still find theirs, as npm installs them).
 */
const refused = new Map<string, string>();
const DIST = new URL('../dist/', import.meta.url).href;
module.registerHooks({
  resolve(specifier, context, nextResolve) {
    const code = context.parentURL?.startsWith(DIST) ? refused.get(specifier) : undefined;
    if (code !== undefined) throw Object.assign(new Error(`${specifier}: refused by the test (${code})`), { code });
    return nextResolve(specifier, context);
  },
});

const messages: string[] = [];
diag.setLogger({ error: (m: string) => void messages.push(`error: ${m}`), warn: (m: string) => void messages.push(`warn: ${m}`), info() {}, debug() {}, verbose() {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });

async function started(env: Record<string, string>, missing: Record<string, string>) {
  for (const [name, code] of Object.entries(missing)) refused.set(name, code);
  try {
    return await startSdk(readSdkSettings({ OTEL_BSP_SCHEDULE_DELAY: '2147483647', OTEL_METRIC_EXPORT_INTERVAL: '2147483647', ...env }, (m) => messages.push(`settings: ${m}`)));
  } finally {
    refused.clear();
  }
}

describe('startSdk() with packages missing', () => {
  it('metric packages missing: the traces start, and the missing ones are named (explicit when OTEL_METRICS_EXPORTER said otlp)', async () => {
    for (const [env, explicit] of [[{}, false], [{ OTEL_METRICS_EXPORTER: 'otlp' }, true]] as const) {
      messages.length = 0;
      const sdk = await started(env, { '@opentelemetry/sdk-metrics': 'ERR_MODULE_NOT_FOUND', '@opentelemetry/exporter-metrics-otlp-http': 'ERR_MODULE_NOT_FOUND' });
      assert.deepEqual(sdk.metrics, { missing: ['@opentelemetry/sdk-metrics', '@opentelemetry/exporter-metrics-otlp-http'], explicit });
      assert.equal(sdk.provider.getTracer('t').startSpan('x').isRecording(), true);
      // No metric exporter to be failing: the SDK's errors are said.
      globalErrorHandler(new Error('without metrics'));
      assert.deepEqual(messages, ['error: OpenTelemetry SDK: without metrics']);
      await sdk.provider.shutdown();
      sdk.contextManager.disable();
    }
  });

  it('trace packages missing: one error naming every one, and how to install them', async () => {
    await assert.rejects(started({}, { '@opentelemetry/exporter-trace-otlp-http': 'ERR_MODULE_NOT_FOUND', '@opentelemetry/resources': 'ERR_MODULE_NOT_FOUND' }), {
      name: 'MissingSdkError',
      message:
        'awaitwhat/register needs the OpenTelemetry SDK packages; missing: @opentelemetry/exporter-trace-otlp-http, @opentelemetry/resources. ' +
        'Install them with: npm install @opentelemetry/exporter-trace-otlp-http @opentelemetry/resources',
    });
  });

  it('a package that fails to load for another reason: that error, as it is', async () => {
    await assert.rejects(started({}, { '@opentelemetry/context-async-hooks': 'ERR_PACKAGE_PATH_NOT_EXPORTED' }), {
      code: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      message: '@opentelemetry/context-async-hooks: refused by the test (ERR_PACKAGE_PATH_NOT_EXPORTED)',
    });
  });
});
