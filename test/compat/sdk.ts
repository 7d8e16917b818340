/**
 * Which OpenTelemetry SDK the tests run against, and the version of each package that must then
 * load. AWAITWHAT_OTEL_SDK=2: SDK 2.x, as test/compat/sdk2/package.json pins it (scripts/test.mjs
 * loads test/compat/redirect.mjs into every process through NODE_OPTIONS); otherwise the project's
 * own SDK 3.x. The tests compare these with what their processes actually loaded, so that a run that
 * says "SDK 2.x" cannot quietly test 3.x.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SDK: '2' | '3' = process.env.AWAITWHAT_OTEL_SDK === '2' ? '2' : '3';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMPAT = join(ROOT, 'test', 'compat', 'sdk2');

/** The packages awaitwhat and its OpenTelemetry fixtures import. */
export const OTEL_PACKAGES = ['api', 'context-async-hooks', 'core', 'exporter-metrics-otlp-http', 'exporter-trace-otlp-http', 'instrumentation', 'resources', 'sdk-metrics', 'sdk-trace'] as const;

/** Where each package must load from (relative to the repository) and at which version. */
export function expectedPackages(): Record<string, { version: string; dir: string }> {
  const declared = SDK === '2' ? (JSON.parse(readFileSync(join(COMPAT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies : undefined;
  const modules = SDK === '2' ? join('test', 'compat', 'sdk2', 'node_modules') : 'node_modules';
  const expected: Record<string, { version: string; dir: string }> = {};
  for (const name of OTEL_PACKAGES) {
    const dir = join(modules, '@opentelemetry', name);
    const installed = (JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { version: string }).version;
    // SDK 2.x: exactly the pinned version; 3.x: what npm installed for the project.
    expected[`@opentelemetry/${name}`] = { version: declared?.[`@opentelemetry/${name}`] ?? installed, dir };
  }
  return expected;
}

/** The SDK version a tracer provider reports (`telemetry.sdk.version`, @opentelemetry/core's). */
export function expectedSdkVersion(): string {
  const version = expectedPackages()['@opentelemetry/core']!.version;
  if (!version.startsWith(`${SDK}.`)) throw new Error(`@opentelemetry/core ${version} is not SDK ${SDK}.x`);
  return version;
}

/**
 * The SDK version NodeSDK reports (examples/otel/tracing.mjs, the Jaeger test): that of the
 * @opentelemetry/core that @opentelemetry/sdk-node itself loads, which npm may have nested under it
 * at another version than the project's own.
 */
export function expectedNodeSdkVersion(): string {
  const modules = SDK === '2' ? join(ROOT, 'test', 'compat', 'sdk2', 'node_modules') : join(ROOT, 'node_modules');
  const nested = join(modules, '@opentelemetry', 'sdk-node', 'node_modules', '@opentelemetry', 'core', 'package.json');
  const file = existsSync(nested) ? nested : join(modules, '@opentelemetry', 'core', 'package.json');
  const version = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  if (!version.startsWith(`${SDK}.`)) throw new Error(`NodeSDK's @opentelemetry/core ${version} is not SDK ${SDK}.x`);
  return version;
}
