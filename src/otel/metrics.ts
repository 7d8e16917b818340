/**
 * The metrics of AwaitInstrumentation, observed at collection time from the runtime's registry:
 *
 * - `awaitwhat.await.pending` (`{await}`): hung chains — chains whose innermost await has been
 *   pending at least `pendingThresholdMs`, as the sampler defines them — counted by their
 *   innermost await;
 * - `awaitwhat.await.oldest_age` (`s`): how long the oldest of them has been pending.
 *
 * Both are gauges with `code.function.name` and `awaitwhat.await.location` (file:line:column of
 * the await), so their cardinality is bounded by the program's await sites, never by its values.
 * A site's series appears at the first collection that finds a chain hung there, and reads 0 from
 * the first collection after its last hung chain ended: the SDK keeps exporting the last value of
 * an attribute set a callback no longer observes (cumulative temporality), so an ended hang must
 * be observed as 0, never just left out. The sites that have hung are remembered for that (a set
 * bounded by the program's await sites).
 *
 * Cost: a collection is one walk over the registry (`longestSuspension`, as the sampler's tick);
 * the await graph is built only when something has been pending past the threshold. With no
 * meter provider (the API's no-op), the callback never runs.
 */

import type { Attributes, BatchObservableResult, Meter, Observable, ObservableGauge } from '@opentelemetry/api';
import type { RuntimeInternals } from '../runtime/runtime.ts';
import { AWAIT_LOCATION, CODE_FUNCTION_NAME, OLDEST_AGE_METRIC, PENDING_METRIC } from './attributes.ts';
import type { ResolvedConfig } from './config.ts';
import type { Faults } from './faults.ts';
import { extractChains } from './pending-sampler.ts';

/** One await site's hung chains at a collection. */
export interface PendingSite {
  function: string;
  location: string;
  count: number;
  oldestMs: number;
}

interface Instruments {
  meter: Meter;
  pending: ObservableGauge;
  oldestAge: ObservableGauge;
  callback: (result: BatchObservableResult) => void;
}

export class PendingMetrics {
  /** The runtime while the instrumentation is enabled; undefined otherwise (nothing is observed). */
  readonly #rt: () => RuntimeInternals | undefined;
  readonly #config: () => ResolvedConfig;
  readonly #faults: Faults;
  #instruments: Instruments | undefined;
  /** Every site reported hung so far (`function\nlocation`), observed as 0 once nothing hangs there. */
  readonly #seen = new Map<string, Attributes>();

  constructor(rt: () => RuntimeInternals | undefined, config: () => ResolvedConfig, faults: Faults) {
    this.#rt = rt;
    this.#config = config;
    this.#faults = faults;
  }

  /** Creates the gauges on `meter` (the instrumentation's, from the meter provider it was given), leaving the previous meter's. */
  use(meter: Meter): void {
    try {
      this.#detach();
      const pending = meter.createObservableGauge(PENDING_METRIC, {
        description: 'Await chains pending at least the threshold (pendingThresholdMs), by their innermost await',
        unit: '{await}',
      });
      const oldestAge = meter.createObservableGauge(OLDEST_AGE_METRIC, {
        description: 'How long the oldest await chain pending past the threshold has been pending, by its innermost await',
        unit: 's',
      });
      const callback = (result: BatchObservableResult): void => this.#observe(result, pending, oldestAge);
      meter.addBatchObservableCallback(callback, [pending, oldestAge] as Observable[]);
      this.#instruments = { meter, pending, oldestAge, callback };
    } catch (error) {
      this.#faults.report('metrics', error);
    }
  }

  #detach(): void {
    const old = this.#instruments;
    if (old === undefined) return;
    this.#instruments = undefined;
    old.meter.removeBatchObservableCallback(old.callback, [old.pending, old.oldestAge] as Observable[]);
  }

  /** The hung chains now, by innermost await site, in the order the sampler ranks them (longest-pending first). */
  sites(): PendingSite[] {
    const rt = this.#rt();
    if (rt === undefined) return [];
    const threshold = this.#config().pendingThresholdMs;
    // The cheap gate: one walk over the registry, no graph, in the common case of nothing hung.
    if (rt.longestSuspension(performance.now()) < threshold) return [];
    const graph = rt.graph({ absolutePaths: true });
    const bySite = new Map<string, PendingSite>();
    for (const chain of extractChains(graph.snapshot, threshold, graph)) {
      const innermost = chain.nodes[chain.nodes.length - 1]!;
      const at = innermost.suspendedAt ?? innermost.location;
      const location = `${at.file}:${at.line}:${at.column}`;
      const key = `${innermost.function}\n${location}`;
      const site = bySite.get(key);
      if (site === undefined) bySite.set(key, { function: innermost.function, location, count: 1, oldestMs: chain.pendingMs });
      else {
        site.count++;
        if (chain.pendingMs > site.oldestMs) site.oldestMs = chain.pendingMs;
      }
    }
    return [...bySite.values()];
  }

  #observe(result: BatchObservableResult, pending: ObservableGauge, oldestAge: ObservableGauge): void {
    try {
      const now = new Set<string>();
      for (const site of this.sites()) {
        const key = `${site.function}\n${site.location}`;
        let attributes = this.#seen.get(key);
        if (attributes === undefined) this.#seen.set(key, (attributes = { [CODE_FUNCTION_NAME]: site.function, [AWAIT_LOCATION]: site.location }));
        now.add(key);
        result.observe(pending, site.count, attributes);
        result.observe(oldestAge, site.oldestMs / 1000, attributes);
      }
      for (const [key, attributes] of this.#seen) {
        if (now.has(key)) continue;
        result.observe(pending, 0, attributes);
        result.observe(oldestAge, 0, attributes);
      }
    } catch (error) {
      this.#faults.report('metrics', error);
    }
  }
}
