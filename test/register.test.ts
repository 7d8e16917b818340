/**
 * `node --import awaitwhat/register`: the zero-code SDK, against a collector that works, is down,
 * refuses, or never answers. The program must run as if nothing happened, with bounded memory and
 * a single diagnostic for the outage.
 */

import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { expectedSdkVersion, SDK } from './compat/sdk.ts';
import { ROOT, run } from './support/run.ts';

const REGISTER = join(ROOT, 'dist', 'register.js');
const APP = join('test', 'fixtures', 'otel', 'app-register.mjs');

type Mode = 'accept' | 'refuse' | 'slow';

interface Collector {
  server: Server;
  url: string;
  /** Trace export requests' bodies. */
  received: unknown[];
  /** Metric export requests' bodies. */
  metrics: unknown[];
}

function collector(mode: Mode): Promise<Collector> {
  const received: unknown[] = [];
  const metrics: unknown[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      if (mode === 'slow') return; // never answers
      if (mode === 'refuse') {
        res.writeHead(503).end('unavailable');
        return;
      }
      (req.url === '/v1/metrics' ? metrics : received).push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, metrics })));
}

const ENV = {
  OTEL_SERVICE_NAME: 'register-test',
  OTEL_BSP_SCHEDULE_DELAY: '50',
  OTEL_BSP_MAX_QUEUE_SIZE: '64',
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '64',
  // The exporter gives up quickly (a collector that never answers costs 300 ms), well before the
  // batch processor's own timeout, so that the diagnostic names the exporter's reason even on a
  // loaded machine.
  OTEL_BSP_EXPORT_TIMEOUT: '5000',
  OTEL_EXPORTER_OTLP_TIMEOUT: '300',
};

async function runApp(endpoint: string, env: Record<string, string | undefined> = {}, preload: string[] = []) {
  const r = await run(['--expose-gc', ...preload, '--import', REGISTER, APP], { env: { ...process.env, ...ENV, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, ...env }, killAfterMs: 30_000 });
  assert.equal(r.killed, false, 'the program did not finish');
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout), { done: true, total: 480, heapGrowthUnder20Mb: true });
  return r;
}

/** For a collector that answers: timeouts no loaded machine reaches, so that no outage is reported. */
// And the SDK's default queue: a loaded machine that exports more slowly than the app makes spans
// must not drop any (the small queue of ENV is for the outage tests, which bound memory with it).
const PATIENT = { OTEL_BSP_EXPORT_TIMEOUT: '30000', OTEL_EXPORTER_OTLP_TIMEOUT: '20000', OTEL_BSP_MAX_QUEUE_SIZE: '2048' };

interface Exported {
  resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { scope: { name: string }; spans: { name: string }[] }[] }[];
}

interface MetricsExport {
  resourceMetrics: {
    scopeMetrics: {
      scope: { name: string };
      metrics: { name: string; gauge: { dataPoints: { attributes: { key: string; value: { stringValue?: string } }[]; asInt?: number | string; asDouble?: number }[] } }[];
    }[];
  }[];
}

/** Span names by instrumentation scope (`awaitwhat:step`), and the resource attributes, of everything a collector received. */
function received(c: Collector): { names: Set<string>; resource: Record<string, string | undefined> } {
  const spans = c.received.flatMap((b) => (b as Exported).resourceSpans);
  const names = new Set(spans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => `${ss.scope.name}:${s.name}`))));
  return { names, resource: Object.fromEntries((spans[0]?.resource.attributes ?? []).map((a) => [a.key, a.value.stringValue])) };
}

describe(`awaitwhat/register (OpenTelemetry SDK ${SDK}.x)`, { concurrency: 2 }, () => {
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) s.close();
  });

  it('exports spans over OTLP/HTTP JSON, named by OTEL_SERVICE_NAME, from the SDK the run expects', async () => {
    const c = await collector('accept');
    servers.push(c.server);
    const r = await runApp(c.url, { ...PATIENT, OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test,service.name=overridden' });
    assert.equal(r.stderr, '');
    const { names, resource } = received(c);
    assert.deepEqual(
      { ...resource, 'host.name': typeof resource['host.name'] },
      {
        'service.name': 'register-test',
        'telemetry.sdk.language': 'nodejs',
        'telemetry.sdk.name': 'opentelemetry',
        'telemetry.sdk.version': expectedSdkVersion(),
        'deployment.environment': 'test',
        'host.name': 'string',
      },
    );
    assert.deepEqual([...names].sort(), ['awaitwhat:<module>', 'awaitwhat:await sleep(12)', 'awaitwhat:step', 'awaitwhat:work']);
  });

  it('with bad settings (AWAITWHAT_PENDING_THRESHOLD_MS=-5, AWAITWHAT_MAX_CHAINS=abc, OTEL_BSP_MAX_EXPORT_BATCH_SIZE=0): one line each, the defaults, the program runs and exits', async () => {
    const c = await collector('accept');
    servers.push(c.server);
    // A batch size of 0 used to make the batch processor export empty batches forever: the process never exited.
    const r = await runApp(c.url, { ...PATIENT, AWAITWHAT_PENDING_THRESHOLD_MS: '-5', AWAITWHAT_MAX_CHAINS: 'abc', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '0', OTEL_BSP_MAX_QUEUE_SIZE: undefined });
    assert.equal(
      r.stderr,
      [
        'awaitwhat: OTEL_BSP_MAX_EXPORT_BATCH_SIZE="0" is not valid (expected an integer >= 1); using the default, 512',
        'awaitwhat: AWAITWHAT_PENDING_THRESHOLD_MS="-5" is not valid (expected a number >= 1); using the default, 5000',
        'awaitwhat: AWAITWHAT_MAX_CHAINS="abc" is not valid (expected an integer >= 1); using the default, 20',
        '',
      ].join('\n'),
    );
    assert.deepEqual([...received(c).names].sort(), ['awaitwhat:<module>', 'awaitwhat:await sleep(12)', 'awaitwhat:step', 'awaitwhat:work']);
  });

  it('exports the pending-await gauges over OTLP/HTTP every OTEL_METRIC_EXPORT_INTERVAL: 1 while a chain hangs, 0 in the final export after it ended', async () => {
    const c = await collector('accept');
    servers.push(c.server);
    const app = join('test', 'fixtures', 'otel', 'app-register-hang.mjs');
    // Every 400 ms: the export timeout is cut to the interval, and 100 ms timed out on a loaded machine.
    const r = await run(['--import', REGISTER, app], {
      env: { ...process.env, ...ENV, ...PATIENT, OTEL_EXPORTER_OTLP_ENDPOINT: c.url, AWAITWHAT_PENDING_THRESHOLD_MS: '100', OTEL_METRIC_EXPORT_INTERVAL: '400' },
      killAfterMs: 30_000,
    });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), { done: true });
    const site = { 'code.function.name': 'holdLock', 'awaitwhat.await.location': `${join(ROOT, app)}:8:3` };
    /** awaitwhat.await.pending's data points in each export that has any: their attributes and value. */
    const pending = c.metrics.map((body) =>
      (body as MetricsExport).resourceMetrics
        .flatMap((rm) => rm.scopeMetrics.filter((sm) => sm.scope.name === 'awaitwhat').flatMap((sm) => sm.metrics))
        .filter((m) => m.name === 'awaitwhat.await.pending')
        .flatMap((m) => m.gauge.dataPoints.map((p) => ({ attributes: Object.fromEntries(p.attributes.map((a) => [a.key, a.value.stringValue])), value: p.asInt ?? p.asDouble }))),
    ).filter((points) => points.length > 0);
    assert.ok(pending.length >= 2, `exports with the gauge: ${JSON.stringify(pending)}`);
    assert.ok(pending.some((points) => JSON.stringify(points) === JSON.stringify([{ attributes: site, value: 1 }])), `an export while it hung: ${JSON.stringify(pending)}`);
    assert.deepEqual(pending.at(-1), [{ attributes: site, value: 0 }], 'the final export, after the hang ended');
  });

  it('OTEL_SDK_DISABLED=true starts nothing, silently', async () => {
    const c = await collector('accept');
    servers.push(c.server);
    const r = await runApp(c.url, { OTEL_SDK_DISABLED: 'true' });
    assert.equal(r.stderr, '');
    assert.deepEqual(c.received, []);
  });

  it('without the SDK packages: one line says what to install, and the program runs without tracing', async () => {
    const r = await runApp('http://127.0.0.1:9', {}, ['--import', join(ROOT, 'test', 'fixtures', 'otel', 'hide-sdk.mjs')]);
    assert.equal(
      r.stderr,
      'awaitwhat: could not start OpenTelemetry (awaitwhat/register needs the OpenTelemetry SDK packages; missing: @opentelemetry/sdk-trace. Install them with: npm install @opentelemetry/sdk-trace); the program runs without tracing\n',
    );
  });

  const FAULTS: [string, () => Promise<string>, RegExp][] = [
    ['down', async () => {
      const c = await collector('accept');
      await new Promise((resolve) => c.server.close(resolve));
      return c.url;
    }, /connect ECONNREFUSED/],
    ['refusing (HTTP 503)', async () => {
      const c = await collector('refuse');
      servers.push(c.server);
      return c.url;
    }, /retryable status/],
    ['slow (never answers)', async () => {
      const c = await collector('slow');
      servers.push(c.server);
      return c.url;
    }, /timeout|Timeout|timed out/],
  ];
  for (const [name, endpoint, reason] of FAULTS) {
    it(`with the collector ${name}: the program runs unchanged, and one diagnostic says why`, async () => {
      const r = await runApp(await endpoint());
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^awaitwhat: exporting spans to http:\/\/127\.0\.0\.1:\d+\/v1\/traces failed \(.*\); the program is unaffected, spans are dropped until the collector answers again$/);
      assert.match(lines[0]!, reason);
    });
  }
});
