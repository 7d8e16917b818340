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
import { type Dumped, FILE, fixture } from './support/otel.ts';

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
