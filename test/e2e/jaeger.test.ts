/**
 * End to end, with a real Jaeger (started by .ci/run; set AWAITWHAT_JAEGER_QUERY and
 * AWAITWHAT_JAEGER_OTLP to run it locally): the example HTTP service hangs on a request; Jaeger
 * must show a snapshot trace from the server span down to the `pending await` span, then, once the
 * hang is released, the real trace with true durations and the was-pending attribute. No duplicate
 * span IDs, no warnings in Jaeger's responses, and the spans name the SDK version the run expects.
 * Without Jaeger the test is skipped — as a test, so that it is counted and listed, and in CI
 * (which provides Jaeger) a skip fails the run (scripts/test.mjs).
 */

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { expectedNodeSdkVersion, SDK } from '../compat/sdk.ts';
import { NODE, ROOT } from '../support/run.ts';

const QUERY = process.env.AWAITWHAT_JAEGER_QUERY;
const OTLP = process.env.AWAITWHAT_JAEGER_OTLP;

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: { key: string; value: unknown }[];
  warnings: string[] | null;
}

interface JaegerTrace {
  traceID: string;
  spans: (JaegerSpan & { processID: string })[];
  processes: Record<string, { serviceName: string; tags: { key: string; value: unknown }[] }>;
  warnings?: string[] | null;
}

function fetchText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

async function traces(service: string): Promise<JaegerTrace[]> {
  const r = await fetchText(`${QUERY}/api/traces?service=${encodeURIComponent(service)}&limit=100&lookback=1h`);
  if (r.status !== 200) return [];
  return (JSON.parse(r.body) as { data: JaegerTrace[] | null }).data ?? [];
}

async function waitFor<T>(what: string, find: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const tag = (span: JaegerSpan, key: string) => span.tags.find((t) => t.key === key)?.value;

/** Operation names from the root down, following CHILD_OF references (the first child of each). */
function path(trace: JaegerTrace): string[] {
  const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
  const children = new Map<string, JaegerSpan[]>();
  let root: JaegerSpan | undefined;
  for (const s of trace.spans) {
    const parent = s.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
    if (parent === undefined || !byId.has(parent)) root = s;
    else children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const names: string[] = [];
  // Re-reports (`still pending`) hang beside the copies: the path follows the copies.
  for (let s = root; s !== undefined; s = children.get(s.spanID)?.find((c) => c.operationName !== 'still pending')) names.push(s.operationName);
  return names;
}

function assertClean(trace: JaegerTrace): void {
  assert.deepEqual(trace.warnings ?? [], [], `trace warnings: ${JSON.stringify(trace.warnings)}`);
  for (const s of trace.spans) assert.deepEqual(s.warnings ?? [], [], `${s.operationName}: ${JSON.stringify(s.warnings)}`);
  const ids = trace.spans.map((s) => s.spanID);
  assert.equal(new Set(ids).size, ids.length, 'duplicate span IDs');
}

const NO_JAEGER = QUERY === undefined || OTLP === undefined ? 'no Jaeger: set AWAITWHAT_JAEGER_QUERY and AWAITWHAT_JAEGER_OTLP (.ci/run does)' : false;
/** Jaeger's Prometheus exporter (host:port): OTLP metrics and span metrics. */
const METRICS = process.env.AWAITWHAT_JAEGER_METRICS;
const prometheusFound = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
const NO_ALERTING =
  NO_JAEGER ||
  (METRICS === undefined ? "no Jaeger metrics endpoint: set AWAITWHAT_JAEGER_METRICS to Jaeger's Prometheus exporter (.ci/run does)" : false) ||
  (prometheusFound.error !== undefined || prometheusFound.status !== 0 ? "no prometheus: install Debian's prometheus package (apt-get install prometheus; .ci/run does)" : false);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The example service, exporting traces and metrics to Jaeger; resolves with its port. */
async function startExample(service: string, servers: ChildProcess[]): Promise<number> {
  const child = spawn(NODE, ['--import', './examples/otel/tracing.mjs', 'examples/otel/server.mjs'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      OTEL_SERVICE_NAME: service,
      OTEL_EXPORTER_OTLP_ENDPOINT: OTLP,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      PENDING_THRESHOLD_MS: '1000',
      SAMPLE_INTERVAL_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  servers.push(child);
  return new Promise<number>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').once('data', (line: string) => resolve((JSON.parse(line) as { listening: number }).listening));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

interface PromAlert {
  labels: Record<string, string>;
  state: string;
}

describe(`Jaeger, end to end (OpenTelemetry SDK ${SDK}.x)`, () => {
  const servers: ChildProcess[] = [];
  after(() => {
    for (const s of servers) s.kill('SIGTERM');
  });

  it('shows a hung request as a snapshot path to its pending await, then the real spans once released', { skip: NO_JAEGER }, async () => {
    const service = `awaitwhat-e2e-${process.pid}-${Date.now()}`;
    const port = await startExample(service, servers);
    const response = fetchText(`http://127.0.0.1:${port}/profile/7`);
    // Awaited below; marked handled so that a failing assertion before then leaves no unhandled rejection.
    response.catch(() => undefined);

    const snapshot = await waitFor('the pending-await snapshot in Jaeger', async () => (await traces(service)).find((t) => t.spans.some((s) => s.operationName === 'pending await')));
    assert.deepEqual(path(snapshot), ['pending: GET (db.query)', 'handleProfile', 'loadProfile', 'Repo.findUser', 'db.query', 'pending await']);
    assertClean(snapshot);
    const pending = snapshot.spans.find((s) => s.operationName === 'pending await')!;
    assert.ok((tag(pending, 'awaitwhat.pending_ms') as number) >= 1000);
    assert.equal(tag(pending, 'awaitwhat.threshold_ms'), 1000);
    assert.equal(tag(pending, 'awaitwhat.await.expression'), 'await lock');
    assert.equal(tag(pending, 'code.function.name'), 'db.query');
    assert.deepEqual(JSON.parse(tag(pending, 'awaitwhat.chain') as string), ['GET', 'handleProfile', 'loadProfile', 'Repo.findUser', 'db.query', 'await lock']);
    const copies = snapshot.spans.filter((s) => s.operationName !== 'pending await');
    for (const copy of copies) {
      assert.equal(tag(copy, 'awaitwhat.snapshot'), true, copy.operationName);
      assert.notEqual(tag(copy, 'span.kind'), 'server', `${copy.operationName}: a copy is never a server span (span metrics)`);
    }

    // Re-reports (threshold 1 s: again at 2 s, 4 s) stay in the one snapshot trace: one search result,
    // each a `still pending` span under the root holding one more `pending await`.
    const rereported = await waitFor('a re-report in the same snapshot trace', async () => {
      const found = (await traces(service)).filter((t) => t.spans.some((s) => s.operationName === 'pending await'));
      const t = found.find((f) => f.traceID === snapshot.traceID);
      return t !== undefined && t.spans.filter((s) => s.operationName === 'pending await').length >= 2 ? { found, t } : undefined;
    });
    assert.deepEqual(rereported.found.map((t) => t.traceID), [snapshot.traceID], 'one hung chain, one search result');
    assertClean(rereported.t);
    const root = rereported.t.spans.find((s) => s.operationName === 'pending: GET (db.query)')!;
    // In report order (each later one pending longer), the k-th starting k µs after the root, so that
    // the UI, which orders siblings by start time, lists them in that order.
    const stills = rereported.t.spans.filter((s) => s.operationName === 'still pending').sort((a, b) => (tag(a, 'awaitwhat.pending_ms') as number) - (tag(b, 'awaitwhat.pending_ms') as number));
    assert.ok(stills.length >= 1);
    for (const [k, still] of stills.entries()) {
      assert.deepEqual(still.references.map((r) => [r.refType, r.spanID]), [['CHILD_OF', root.spanID]]);
      assert.equal(still.startTime, root.startTime + k + 1, 'a re-report spans the hang from its start, in report order');
      const inside = rereported.t.spans.filter((s) => s.references.some((r) => r.refType === 'CHILD_OF' && r.spanID === still.spanID));
      assert.deepEqual(inside.map((s) => s.operationName), ['pending await']);
    }

    await fetchText(`http://127.0.0.1:${port}/release`);
    const answered = await response;
    assert.equal(answered.status, 200);
    assert.deepEqual(JSON.parse(answered.body), { id: 7, name: 'user 7', plan: 'free' });

    const real = await waitFor('the real trace in Jaeger', async () => (await traces(service)).find((t) => t.spans.some((s) => s.operationName === 'await lock')));
    assert.deepEqual(path(real), ['GET', 'handleProfile', 'loadProfile', 'Repo.findUser', 'db.query', 'await lock']);
    assertClean(real);
    for (const name of ['handleProfile', 'loadProfile', 'Repo.findUser', 'db.query']) {
      const span = real.spans.find((s) => s.operationName === name)!;
      assert.equal(tag(span, 'awaitwhat.was_pending'), true, name);
      assert.ok(span.duration >= 1_000_000, `${name} lasted ${span.duration} µs`);
      const copy = copies.find((s) => s.operationName === name)!;
      assert.equal(tag(copy, 'awaitwhat.snapshot.span_id'), span.spanID, `${name}: the snapshot copy names the real span`);
      assert.equal(tag(copy, 'awaitwhat.snapshot.trace_id'), real.traceID);
      assert.ok(copy.references.some((r) => r.refType === 'FOLLOWS_FROM' && r.traceID === real.traceID && r.spanID === span.spanID), `${name}: the copy links to the real span`);
      assert.ok(span.references.some((r) => r.refType === 'FOLLOWS_FROM' && r.traceID === snapshot.traceID && r.spanID === copy.spanID), `${name}: the real span links to its copy`);
    }
    for (const t of [snapshot, real]) {
      for (const s of t.spans) assert.equal(t.processes[s.processID]!.tags.find((tag) => tag.key === 'telemetry.sdk.version')?.value, expectedNodeSdkVersion(), `${s.operationName}: exported by the SDK the run expects`);
    }
    const allIds = [...snapshot.spans, ...real.spans].map((s) => s.spanID);
    assert.equal(new Set(allIds).size, allIds.length, 'a snapshot reused a real span ID');
  });
  it('fires the shipped alert in a real Prometheus while a request hangs, resolves it once released; span metrics count real server calls only', { skip: NO_ALERTING }, async () => {
    const service = `awaitwhat-alert-${process.pid}-${Date.now()}`;
    const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-prometheus-'));
    let prom: ChildProcess | undefined;
    try {
      // The shipped expressions as they are; `for` shortened from 1m so that the test takes seconds
      // (the promtool cases in test/prometheus-rules.test.ts replay the shipped `for`).
      const rules = readFileSync(join(ROOT, 'examples', 'prometheus', 'awaitwhat-rules.yml'), 'utf8');
      assert.match(rules, /for: 1m/);
      writeFileSync(join(dir, 'rules.yml'), rules.replaceAll('for: 1m', 'for: 2s'));
      // honor_labels: the series keep the job (service.name) that Jaeger's exporter gives them.
      writeFileSync(
        join(dir, 'prometheus.yml'),
        ['global: { scrape_interval: 1s, evaluation_interval: 1s }', 'rule_files: [rules.yml]', 'scrape_configs:', '  - job_name: jaeger', '    honor_labels: true', `    static_configs: [{ targets: ['${METRICS}'] }]`, ''].join('\n'),
      );
      const promPort = await freePort();
      prom = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
      servers.push(prom);
      const api = `http://127.0.0.1:${promPort}`;
      await waitFor('Prometheus ready', async () => ((await fetchText(`${api}/-/ready`).catch(() => ({ status: 0 }))).status === 200 ? true : undefined));
      const alerts = async () => ((JSON.parse((await fetchText(`${api}/api/v1/alerts`)).body) as { data: { alerts: PromAlert[] } }).data.alerts).filter((a) => a.labels.job === service);

      const port = await startExample(service, servers);
      const response = fetchText(`http://127.0.0.1:${port}/profile/7`);
    // Awaited below; marked handled so that a failing assertion before then leaves no unhandled rejection.
    response.catch(() => undefined);
      const firing = await waitFor('AwaitwhatHungAwait firing', async () => (await alerts()).find((a) => a.labels.alertname === 'AwaitwhatHungAwait' && a.state === 'firing'), 60_000);
      assert.deepEqual(firing.labels, {
        alertname: 'AwaitwhatHungAwait',
        severity: 'warning',
        job: service,
        code_function_name: 'db.query',
        awaitwhat_await_location: `${join(ROOT, 'examples', 'otel', 'server.mjs')}:10:5`,
      });

      await fetchText(`http://127.0.0.1:${port}/release`);
      assert.equal((await response).status, 200);
      await waitFor('AwaitwhatHungAwait resolved', async () => ((await alerts()).some((a) => a.labels.alertname === 'AwaitwhatHungAwait') ? undefined : true), 60_000);

      // Span metrics (the collector's spanmetrics connector): the snapshot copies are INTERNAL spans,
      // so the service's server calls are its two real requests (/profile/7 and /release).
      const query = async (q: string) => (JSON.parse((await fetchText(`${api}/api/v1/query?query=${encodeURIComponent(q)}`)).body) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
      const serverCalls = await waitFor('two server calls in span metrics', async () => {
        const r = await query(`sum by (span_name) (traces_span_metrics_calls_total{service_name="${service}", span_kind="SPAN_KIND_SERVER"})`);
        return r.length > 0 && r.reduce((n, x) => n + Number(x.value[1]), 0) === 2 ? r : undefined;
      });
      assert.deepEqual(serverCalls.map((r) => [r.metric.span_name, r.value[1]]), [['GET', '2']]);
      const pendingSpans = await query(`traces_span_metrics_calls_total{service_name="${service}", span_name="pending await"}`);
      assert.ok(pendingSpans.length > 0, 'pending await spans are counted');
      for (const r of pendingSpans) {
        assert.equal(r.metric.span_kind, 'SPAN_KIND_INTERNAL');
        assert.equal(r.metric.awaitwhat_await_location, `${join(ROOT, 'examples', 'otel', 'server.mjs')}:10:5`);
      }
    } finally {
      if (prom !== undefined && prom.exitCode === null) {
        const exited = new Promise((resolve) => prom!.once('exit', resolve));
        prom.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
