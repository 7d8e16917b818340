/**
 * AwaitInstrumentation's times: span durations, pending times and the sampler's threshold and
 * backoff, through fixture programs measured against the clock. Apart from test/otel.test.ts
 * because they depend on the machine keeping time: under a load such as mutation testing's
 * instrumented build they may fail for no fault of the code, so `npm run mutate` leaves them out
 * (scripts/mutate.mjs) while `npm test` runs both files, on SDK 2.x as well.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SDK } from './compat/sdk.ts';
import { CLOCK_SLACK_MS, type Dumped, FILE, fixture, type PendingOut, within } from './support/otel.ts';

describe(`AwaitInstrumentation times (OpenTelemetry SDK ${SDK}.x)`, { concurrency: 2 }, () => {
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

  it('an onPending that never settles is reported once it has waited past the threshold; calls go on', async () => {
    const out = (await fixture('callbacks.mjs', 'hangs')) as { calls: number; warnings: string[]; faults: unknown };
    assert.ok(out.calls >= 2, `called ${out.calls} times`);
    assert.deepEqual(
      out.warnings.map((w) => w.replace(/\d+ms/, 'T')),
      ['awaitwhat an onPending call has not settled for T; calls go on, later ones that do not settle are counted, not reported'],
    );
    assert.deepEqual(out.faults, { user: { 'onPending unsettled': out.calls - 1 }, internal: {} }, 'every call after the first finds the first unsettled');
  });
});
