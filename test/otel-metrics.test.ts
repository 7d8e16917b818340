/**
 * AwaitInstrumentation's metrics, read through an in-memory metric reader given the way an
 * application gives it (registerInstrumentations' meterProvider): the gauges of hung chains by
 * innermost await, exact counts, ages checked from both sides, and 0 once a hang ends. With
 * AWAITWHAT_OTEL_SDK=2 the same runs against SDK 2.x (test/compat/sdk2).
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SDK } from './compat/sdk.ts';
import { ROOT, run } from './support/run.ts';

interface Point {
  attributes: Record<string, string>;
  value: number;
}
interface Collection {
  label: string;
  before: number;
  after: number;
  errors: number;
  metrics: { scope: string; name: string; unit: string; type: number; points: Point[] }[];
}

const FILE = join(ROOT, 'test', 'fixtures', 'otel');
/** A pending time is a lower bound within one runtime clock period (50 ms) of the truth: src/runtime/clock.ts. */
const CLOCK_SLACK_MS = 60;
/** sdk-metrics' DataPointType.GAUGE. */
const GAUGE = 2;

describe(`AwaitInstrumentation metrics (OpenTelemetry SDK ${SDK}.x)`, () => {
  it('observes hung chains by innermost await while they last (awaitwhat.await.pending, awaitwhat.await.oldest_age in s), and 0 once they end', async () => {
    const r = await run([join('test', 'fixtures', 'otel', 'metrics.mjs')]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const out = JSON.parse(r.stdout) as { suspended: number; collections: Collection[]; warnings: string[]; faults: unknown };
    assert.deepEqual(out.warnings, []);
    assert.deepEqual(out.faults, { user: {}, internal: {} });
    assert.deepEqual(
      out.collections.map((c) => [c.label, c.errors]),
      [['before', 0], ['under the threshold', 0], ['hung', 0], ['still hung', 0], ['one released', 0]],
    );
    const findUser = { 'code.function.name': 'findUser', 'awaitwhat.await.location': `${join(FILE, 'app-hang.mjs')}:17:3` };
    const chainA = { 'code.function.name': 'chainA', 'awaitwhat.await.location': `${join(FILE, 'app-chains.mjs')}:5:3` };
    const [before, under, hung, stillHung, released] = out.collections as [Collection, Collection, Collection, Collection, Collection];
    assert.deepEqual(before.metrics, [], 'nothing before a hang');
    assert.deepEqual(under.metrics, [], 'nothing under the threshold');

    /** The collection's two gauges, with every age replaced by 'T' once checked to lie between what the fixture measured. */
    const gauges = (c: Collection, hungSites: number) => {
      const ages = c.metrics.find((m) => m.name === 'awaitwhat.await.oldest_age')!;
      ages.points.forEach((p, i) => {
        if (i >= hungSites) return;
        const low = (c.before - out.suspended - CLOCK_SLACK_MS) / 1000;
        const high = (c.after + CLOCK_SLACK_MS) / 1000;
        assert.ok(p.value >= low && p.value <= high, `${c.label}: ${p.attributes['code.function.name']} age ${p.value} s, expected ${low} to ${high}`);
        (p as { value: unknown }).value = 'T';
      });
      return c.metrics;
    };
    const expected = (pending: Point[], ages: (number | string)[]) => [
      { scope: 'awaitwhat', name: 'awaitwhat.await.pending', unit: '{await}', type: GAUGE, points: pending },
      { scope: 'awaitwhat', name: 'awaitwhat.await.oldest_age', unit: 's', type: GAUGE, points: pending.map((p, i) => ({ attributes: p.attributes, value: ages[i]! })) },
    ];
    const both = [
      { attributes: findUser, value: 2 },
      { attributes: chainA, value: 1 },
    ];
    assert.deepEqual(gauges(hung, 2), expected(both, ['T', 'T']), 'two chains hung at findUser, one at chainA');
    assert.deepEqual(gauges(stillHung, 2), expected(both, ['T', 'T']));
    // The released site first: observed as 0 (after the hung one, which stays).
    const releasedGauges = released.metrics.map((m) => ({ ...m, points: [...m.points].sort((a, b) => a.attributes['code.function.name']!.localeCompare(b.attributes['code.function.name']!)) }));
    const chainAAge = releasedGauges[1]!.points[0]!.value;
    within(chainAAge, (released.before - out.suspended - CLOCK_SLACK_MS) / 1000, (released.after + CLOCK_SLACK_MS) / 1000, 'chainA age after the release');
    assert.deepEqual(
      releasedGauges,
      expected(
        [
          { attributes: chainA, value: 1 },
          { attributes: findUser, value: 0 },
        ],
        [chainAAge, 0],
      ),
      'the released site reads 0, the other still hangs',
    );
  });
});

function within(value: number, low: number, high: number, what: string): void {
  assert.ok(value >= low && value <= high, `${what}: ${value}, expected ${low} to ${high}`);
}
