/**
 * AwaitInstrumentation: the span model, the pending-await sampler, and its lifecycle, through
 * fixture programs that export to an in-memory exporter. With AWAITWHAT_OTEL_SDK=2, scripts/test.mjs
 * runs them against OpenTelemetry SDK 2.x (test/compat/sdk2) instead of 3.x, and the first test
 * checks that the fixtures really load the SDK the run is named after.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expectedPackages, expectedSdkVersion, OTEL_PACKAGES, SDK } from './compat/sdk.ts';
import { ROOT, run } from './support/run.ts';

interface Dumped {
  name: string;
  kind: number;
  id: string;
  trace: string;
  parent: string | null;
  durationMs: number;
  attributes: Record<string, unknown>;
  links: string[];
}

async function fixture(name: string, ...args: string[]): Promise<unknown> {
  const r = await run([join('test', 'fixtures', 'otel', name), ...args]);
  assert.equal(r.stderr, '', `${name} wrote to stderr`);
  assert.equal(r.code, 0, `${name} exited ${r.code}`);
  return JSON.parse(r.stdout);
}

const FILE = join(ROOT, 'test', 'fixtures', 'otel');

/** How far a pending time may be from the fixture's own measurement: the runtime clock's period (50 ms) and a little. */
const CLOCK_SLACK_MS = 60;

function within(value: number, low: number, high: number, what: string): void {
  assert.equal(typeof value, 'number', what);
  assert.ok(value >= low && value <= high, `${what}: ${value}, expected ${low.toFixed(1)} to ${high.toFixed(1)}`);
}

interface PendingOut {
  /** ms after the hang started: when all its frames had suspended, before and after each samplePending() call, the release, the end. */
  suspended: number;
  /** ms after the start: when the coarse clock's tick interval that `suspended` fell in ended (a pending time may be short by the rest of it). */
  tickEnd: number;
  samples: { before: number; after: number; reported: boolean }[];
  release: number;
  end: number;
  reports: { chains: { pendingMs: number; frames: { function: string; spanId: string; pendingMs: number }[]; traceId: string; snapshotTraceId: string; leaf: unknown }[] }[];
  spans: (Dumped & { spanId: string })[];
  warnings: string[];
}

describe(`AwaitInstrumentation (OpenTelemetry SDK ${SDK}.x)`, { concurrency: 2 }, () => {
  it(`loads OpenTelemetry SDK ${SDK}.x: every package from where, and at the version, the run expects`, async () => {
    const names = OTEL_PACKAGES.map((name) => `@opentelemetry/${name}`);
    assert.deepEqual(await fixture('sdk-versions.mjs', ...names), { packages: expectedPackages(), sdkVersion: expectedSdkVersion() });
  });

  it('reads the clock once per chain of calls and once per leaf await that begins, never at the end of a call that did not wait', async () => {
    assert.deepEqual(await fixture('clock-reads.mjs'), { counts: { chains: 100, leaves: 200 }, spans: ['request'] });
  });

  it('makes spans of calls that waited for the event loop, none of a call that kept it busy, none per item of a for-await', async () => {
    assert.deepEqual(await fixture('turns.mjs'), [
      { name: 'request', parent: null, long: true },
      { name: 'waits', parent: 's1', long: true },
      { name: 'await sleep(15)', parent: 's2', long: true },
      { name: 'loop', parent: 's1', long: true },
      // The generator's frame lived across the loop's sleeps; nobody instrumented awaits it.
      { name: 'items', parent: 's1', long: true },
      { name: 'await sleep(20)', parent: 's4', long: true },
      { name: 'await sleep(20)', parent: 's4', long: true },
      { name: 'await sleep(20)', parent: 's4', long: true },
      { name: 'await sleep(20)', parent: 's4', long: true },
    ]);
  });

  it('models async calls as spans: parent is the awaiter, true times, a child span for a long leaf await, nothing for short calls', async () => {
    const spans = (await fixture('span-model.mjs')) as Dumped[];
    assert.deepEqual(
      spans.map((s) => [s.name, s.id, s.parent, s.trace]),
      [
        ['request', 's1', null, 't1'],
        ['handler', 's2', 's1', 't1'],
        ['service', 's3', 's2', 't1'],
        ['repo', 's4', 's3', 't1'],
        ['await sleep(30)', 's5', 's4', 't1'],
      ],
    );
    for (const s of spans.slice(1)) assert.ok(s.durationMs >= 29, `${s.name} lasted ${s.durationMs} ms`);
    assert.deepEqual(spans[2]!.attributes, {
      'code.function.name': 'service',
      'code.file.path': join(FILE, 'app-chain.mjs'),
      'code.line.number': 7,
      'code.column.number': 1,
      'awaitwhat.await.location': `${join(FILE, 'app-chain.mjs')}:8:10`,
      'awaitwhat.await.expression': 'await repo()',
    });
    assert.deepEqual(spans[4]!.attributes, { 'awaitwhat.await.location': `${join(FILE, 'app-chain.mjs')}:12:3`, 'awaitwhat.await.expression': 'await sleep(30)' });
  });

  it('exports a hung chain as one snapshot trace (INTERNAL copies with fresh IDs, linked both ways to the real spans), re-reported there with backoff, then the real spans with was_pending', async () => {
    const out = (await fixture('pending.mjs')) as PendingOut;
    assert.deepEqual(out.samples.map((s) => s.reported), [true, false, true], 'reported at the threshold, not on the next tick, again after the interval');
    assert.deepEqual(out.warnings, []);
    const byTrace = (t: string) => out.spans.filter((s) => s.trace === t);
    const shape = (t: string) => byTrace(t).map((s) => [s.name, s.kind, s.parent === null ? null : out.spans.find((p) => p.id === s.parent)!.name]);
    const INTERNAL = 0;
    const SERVER = 1;
    // Both reports in one trace: the second is a `still pending` span under the root (from its start
    // to the second capture) holding one more `pending await`.
    assert.deepEqual(shape('t1'), [
      ['pending: GET /hang (findUser)', INTERNAL, null],
      ['still pending', INTERNAL, 'pending: GET /hang (findUser)'],
      ['handler', INTERNAL, 'pending: GET /hang (findUser)'],
      ['loadProfile', INTERNAL, 'handler'],
      ['findUser', INTERNAL, 'loadProfile'],
      ['pending await', INTERNAL, 'findUser'],
      ['pending await', INTERNAL, 'still pending'],
    ]);
    assert.deepEqual(shape('t2'), [
      ['GET /hang', SERVER, null],
      ['handler', INTERNAL, 'GET /hang'],
      ['loadProfile', INTERNAL, 'handler'],
      ['findUser', INTERNAL, 'loadProfile'],
      ['await gate', INTERNAL, 'findUser'],
    ]);
    const real = byTrace('t2');
    const snapshot = byTrace('t1');
    const ids = out.spans.map((s) => s.spanId);
    assert.equal(new Set(ids).size, ids.length, 'a span ID was reused');
    const copies = snapshot.filter((s) => s.name !== 'pending await' && s.name !== 'still pending');
    for (const [i, copy] of copies.entries()) {
      const original = real[i]!;
      assert.equal(copy.attributes['awaitwhat.snapshot'], true);
      assert.equal(copy.attributes['awaitwhat.snapshot.span_id'], original.spanId, `${copy.name} names its real span`);
      assert.deepEqual(copy.links, [original.id], `${copy.name} links to its real span`);
      assert.deepEqual(original.links, [copy.id], `${original.name} links to its copy`);
    }
    const findUser = real.find((s) => s.name === 'findUser')!;
    // findUser's last site is `return id`: the span still says where it last awaited.
    assert.equal(findUser.attributes['awaitwhat.await.location'], `${join(FILE, 'app-hang.mjs')}:17:3`);
    assert.equal(findUser.attributes['awaitwhat.await.expression'], 'await gate');
    for (const p of snapshot.filter((s) => s.name === 'pending await')) assert.deepEqual(p.links, [findUser.id], 'a pending await links to the real innermost span');
    const pending = snapshot.filter((s) => s.name === 'pending await')[1]!;
    assert.equal(pending.durationMs, 1, 'starts at the capture time, lasts a millisecond');
    assert.deepEqual(
      { ...pending.attributes, 'awaitwhat.pending_ms': 'T' },
      {
        'code.function.name': 'findUser',
        'code.file.path': join(FILE, 'app-hang.mjs'),
        'code.line.number': 16,
        'code.column.number': 1,
        'awaitwhat.await.location': `${join(FILE, 'app-hang.mjs')}:17:3`,
        'awaitwhat.await.expression': 'await gate',
        'awaitwhat.pending_ms': 'T',
        'awaitwhat.threshold_ms': 100,
        'awaitwhat.chain': ['GET /hang', 'handler', 'loadProfile', 'findUser', 'await gate'],
        'awaitwhat.await.value_kind': 'promise',
        'awaitwhat.snapshot': true,
        // The real innermost span, as its copy names it.
        'awaitwhat.snapshot.trace_id': copies.find((c) => c.name === 'findUser')!.attributes['awaitwhat.snapshot.trace_id'],
        'awaitwhat.snapshot.span_id': findUser.spanId,
      },
    );
    assert.deepEqual(
      out.reports.map((r) => r.chains.map((c) => c.frames.map((f) => f.function))),
      [[['handler', 'loadProfile', 'findUser']], [['handler', 'loadProfile', 'findUser']]],
    );
    assert.deepEqual(out.reports[0]!.chains[0]!.frames.map((f) => f.spanId), ['handler', 'loadProfile', 'findUser'].map((n) => real.find((s) => s.name === n)!.spanId));
    const snapshotTraceIds = out.reports.map((r) => r.chains[0]!.snapshotTraceId);
    assert.equal(snapshotTraceIds[0], snapshotTraceIds[1], 'both reports name one snapshot trace');
    assert.notEqual(snapshotTraceIds[0], out.reports[0]!.chains[0]!.traceId);
  });

  it('times every pending duration in milliseconds, from both sides: reports, pending_ms, snapshot copies, was_pending_ms, the real spans', async () => {
    const out = (await fixture('pending.mjs')) as PendingOut;
    const reported = out.samples.filter((s) => s.reported);
    assert.equal(out.reports.length, 2);
    const snapshot = out.spans.filter((s) => s.trace === 't1');
    const pendings = snapshot.filter((s) => s.name === 'pending await');
    out.reports.forEach((report, k) => {
      const sample = reported[k]!;
      const chain = report.chains[0]!;
      // The frames suspended between 0 and out.suspended; a pending time is a lower bound, short by
      // at most the rest of the coarse clock's tick interval they suspended in (src/runtime/clock.ts).
      const low = sample.before - Math.max(out.tickEnd, out.suspended) - 1;
      within(chain.pendingMs, low, sample.after + CLOCK_SLACK_MS, `report ${k + 1}: pendingMs`);
      for (const f of chain.frames) within(f.pendingMs, low, sample.after + CLOCK_SLACK_MS, `report ${k + 1}: ${f.function}.pendingMs`);
      assert.equal(pendings[k]!.attributes['awaitwhat.pending_ms'], chain.pendingMs, `report ${k + 1}: pending_ms is the report's, in ms`);
      assert.equal(pendings[k]!.attributes['awaitwhat.threshold_ms'], 100);
      if (k > 0) return;
      for (const f of chain.frames) {
        const copy = snapshot.find((s) => s.name === f.function)!;
        assert.equal(copy.attributes['awaitwhat.pending_ms'], f.pendingMs, `snapshot: ${f.function} copy's pending_ms`);
        // From the first suspension (exact) to the first capture time, plus the pending span's millisecond.
        within(copy.durationMs, sample.before - out.suspended, sample.after + 2, `snapshot: ${f.function} copy's duration`);
      }
    });
    // The re-report's `still pending` span: from the root's start (the request's, at 0) to the second capture.
    const still = snapshot.find((s) => s.name === 'still pending')!;
    within(still.durationMs, reported[1]!.before - 1, reported[1]!.after + 2, "the re-report's still pending span");
    assert.equal(still.attributes['awaitwhat.pending_ms'], out.reports[1]!.chains[0]!.pendingMs);
    const real = out.spans.filter((s) => s.trace === 't2');
    for (const name of ['handler', 'loadProfile', 'findUser']) {
      const span = real.find((s) => s.name === name)!;
      assert.equal(span.attributes['awaitwhat.was_pending'], true, name);
      // The true longest pending time: from the suspension to the release, not the last report's figure.
      within(span.attributes['awaitwhat.was_pending_ms'] as number, out.release - Math.max(out.tickEnd, out.suspended) - CLOCK_SLACK_MS, out.end + CLOCK_SLACK_MS, `${name}: was_pending_ms`);
      within(span.durationMs, out.release - out.suspended - 1, out.end + 1, `${name}: the real span's duration`);
    }
  });

  for (const [cap, first, second] of [
    [4, ['chainA', 'chainB', 'chainC', 'chainD'], ['chainE']],
    [5, ['chainA', 'chainB', 'chainC', 'chainD', 'chainE'], null],
    [6, ['chainA', 'chainB', 'chainC', 'chainD', 'chainE'], null],
  ] as const) {
    const where = cap < 5 ? 'below' : cap === 5 ? 'exactly at' : 'above';
    it(`maxChainsPerSample ${cap}, ${where} the 5 hung chains: the ${Math.min(cap, 5)} longest-pending in one sample, the rest in the next`, async () => {
      const out = await fixture('chain-cap.mjs', String(cap));
      assert.deepEqual(out, { first, second, pendingSpans: 5, warnings: [] });
    });
  }

  it('gives a shared promise one span, parented to its first awaiter and linked to the others', async () => {
    const { real: spans, copies } = (await fixture('shared.mjs')) as { real: Dumped[]; copies: { id: string; name: string }[] };
    const connect = spans.find((s) => s.name === 'connect')!;
    const queries = spans.filter((s) => s.name === 'query');
    assert.equal(queries.length, 2);
    assert.equal(spans.filter((s) => s.name === 'connect').length, 1);
    assert.equal(connect.parent, queries[0]!.id);
    // The other awaiter, then (the chain was reported) its snapshot copy.
    assert.deepEqual(connect.links, [queries[1]!.id, copies.find((c) => c.name === 'connect')!.id]);
  });

  it('reports an await cycle once, naming every member', async () => {
    const out = (await fixture('cycle.mjs')) as { cycles: Record<string, unknown>[]; reports: unknown[]; warnings: string[] };
    const file = join(FILE, 'app-cycle.mjs');
    assert.deepEqual(out.cycles, [{ 'awaitwhat.cycle': [`a (${file}:6)`, `b (${file}:11)`], 'awaitwhat.snapshot': true }]);
    assert.equal(out.reports.length, 1);
    assert.deepEqual(out.warnings, [`awaitwhat deadlock, 2 async functions await each other: a (${file}:6) → b (${file}:11)`]);
  });

  for (const sampler of ['traceidratio', 'parentbased_traceidratio', 'always_off'] as const) {
    it(`sampling follows the request (${sampler}): every sampled request's hung chain has its snapshot, no other does`, async () => {
      const out = (await fixture('sampling.mjs', sampler)) as { sampled: string[]; snapshotOf: string[]; chains: number; warnings: string[] };
      assert.deepEqual(out.warnings, []);
      assert.equal(out.chains, 40, 'all 40 chains reported');
      assert.deepEqual(out.snapshotOf, out.sampled, 'one snapshot per sampled request, naming its trace');
      if (sampler === 'always_off') assert.deepEqual(out.sampled, []);
      // A ratio of 0.5 over 40 requests samples some and drops some (all or none: probability 2e-12).
      else assert.ok(out.sampled.length > 0 && out.sampled.length < 40, `${out.sampled.length} of 40 sampled`);
    });
  }

  it('a root sampler that never samples a root (parentbased_always_off under sampled remote parents): no snapshot, one warning saying why', async () => {
    const out = (await fixture('sampling.mjs', 'parentbased_always_off, remote sampled parents')) as { sampled: string[]; snapshotOf: string[]; chains: number; warnings: string[] };
    assert.equal(out.sampled.length, 40);
    assert.equal(out.chains, 40);
    assert.deepEqual(out.snapshotOf, []);
    assert.deepEqual(out.warnings, [
      "awaitwhat the tracer provider's sampler refused 256 root spans for the snapshot of a hung chain in a sampled trace (pending: GET /hang (findUser)); snapshots need a root sampler that samples some roots (such as parentbased_always_on or parentbased_traceidratio). Later refusals are not reported",
    ]);
  });

  it('makes no spans in an unsampled trace, nor outside any trace with requireParentSpan', async () => {
    assert.deepEqual(await fixture('unsampled.mjs'), []);
    assert.deepEqual(await fixture('unsampled.mjs', 'require-parent'), []);
  });

  it('enable() and disable() are safe twice; disabled, it makes no spans; a throwing onPending is reported once, counted each time', async () => {
    const out = (await fixture('lifecycle.mjs')) as { before: number; after: string[]; warnings: string[]; faults: unknown };
    assert.equal(out.before, 5);
    assert.deepEqual(out.after, ['after']);
    assert.deepEqual(out.warnings, ['awaitwhat onPending callback failed (callback bug); the program is unaffected, later failures of the callback are counted, not reported']);
    assert.deepEqual(out.faults, { user: { 'onPending failed': 2 }, internal: {} });
  });

  it('an async onPending that rejects is reported once, never left as an unhandled rejection', async () => {
    const out = (await fixture('callbacks.mjs', 'rejects')) as { calls: number; warnings: string[]; faults: unknown };
    assert.ok(out.calls >= 2, `called ${out.calls} times`);
    assert.deepEqual(out.warnings, ['awaitwhat onPending callback failed (async callback bug); the program is unaffected, later failures of the callback are counted, not reported']);
    assert.deepEqual(out.faults, { user: { 'onPending failed': out.calls }, internal: {} });
  });

  it('an onPending that never settles is reported once it has waited past the threshold; calls go on', async () => {
    const out = (await fixture('callbacks.mjs', 'hangs')) as { calls: number; warnings: string[]; faults: unknown };
    assert.ok(out.calls >= 2, `called ${out.calls} times`);
    assert.deepEqual(
      out.warnings.map((w) => w.replace(/\d+ms/, 'T')),
      ['awaitwhat an onPending call has not settled for T; calls go on, later ones that do not settle are counted, not reported'],
    );
    assert.deepEqual(out.faults, { user: { 'onPending unsettled': out.calls - 1 }, internal: {} }, 'every call after the first finds the first unsettled');
  });

  it("faults of onPending and of awaitwhat's own code are counted apart: a throwing callback silences no sampler or span failure", async () => {
    const out = (await fixture('faults.mjs')) as { samples: boolean[]; warnings: string[]; faults: unknown };
    assert.deepEqual(out.samples, [true, true, false, false], 'two samples reported, two failed');
    assert.deepEqual(out.warnings, [
      'awaitwhat onPending callback failed (callback bug); the program is unaffected, later failures of the callback are counted, not reported',
      'awaitwhat the pending-await sampler failed (no span for pending await); the program is unaffected, later sampler failures are counted, not reported',
      'awaitwhat could not record a span (no span for handler); the program is unaffected, later span failures are counted, not reported',
    ]);
    // Spans: per call of the three-deep chain, one failure per frame's exit and one for its 30 ms leaf await.
    assert.deepEqual(out.faults, { user: { 'onPending failed': 2 }, internal: { sampler: 2, span: 8 } });
  });
});
