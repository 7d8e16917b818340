/**
 * The pending-await gauges (src/otel/metrics.ts) with a fake meter and a runtime serving
 * hand-built snapshots: instruments, names and units (seconds for the age), chains counted by
 * their innermost await site, sites observed as 0 once their hang ended, the cheap gate, faults.
 */

import assert from 'node:assert/strict';
import type { BatchObservableResult, Meter, Observable } from '@opentelemetry/api';
import { describe, it } from 'node:test';
import type { FrameNode, LeafNode, Snapshot, SnapshotNode } from '../dist/index.js';
import { resolveConfig } from '../dist/otel/config.js';
import { Faults } from '../dist/otel/faults.js';
import { PendingMetrics } from '../dist/otel/metrics.js';
import type { RuntimeInternals } from '../dist/runtime/runtime.js';
import { NodeIndex } from '../dist/snapshot/node-index.js';

function frame(seq: number, fn: string, awaits: string[], awaitedBy: string[], pendingMs: number, line: number): FrameNode {
  return {
    id: `f${seq}`,
    type: 'frame',
    function: fn,
    kind: 'function',
    location: { file: '/app/a.mjs', line: line - 1, column: 1 },
    state: 'awaiting',
    suspendedAt: { file: '/app/a.mjs', line, column: 3, kind: 'await', text: 'await x' },
    pendingMs,
    seq,
    awaits,
    awaitedBy,
  };
}
function leaf(id: string, awaitedBy: string[]): LeafNode {
  return { id, type: 'leaf', valueKind: 'promise', text: id, location: { file: '/app/a.mjs', line: 1, column: 3 }, awaits: [], awaitedBy };
}
function snapshotOf(nodes: SnapshotNode[]): Snapshot {
  return { schema: 'awaitwhat.snapshot/1', capturedAt: 1, pid: 2, threadId: 0, nodes, roots: [], cycles: [], stats: { frames: 0, collected: 0, evicted: 0, omitted: 0 } };
}

/** A runtime whose graph is `nodes`, whose longest suspension is `longest`; counts the graphs built. */
function runtime(state: { nodes: SnapshotNode[]; longest: number; graphs: number }): RuntimeInternals {
  return {
    longestSuspension: () => state.longest,
    graph: (options: unknown) => {
      assert.deepEqual(options, { absolutePaths: true });
      state.graphs++;
      const index = new NodeIndex(state.nodes);
      return { snapshot: snapshotOf(state.nodes), awaits: index.edges('awaits'), awaitedBy: index.edges('awaitedBy'), frameOf: () => undefined };
    },
  } as unknown as RuntimeInternals;
}

/** A meter recording what is made on it, with a collect() that runs the batch callbacks. */
function fakeMeter() {
  const gauges: { name: string; options: unknown }[] = [];
  const callbacks: { callback: (r: BatchObservableResult) => void; observables: Observable[] }[] = [];
  const removed: { callback: unknown; observables: Observable[] }[] = [];
  const meter = {
    createObservableGauge: (name: string, options: unknown) => {
      const gauge = { name };
      gauges.push({ name, options });
      return gauge;
    },
    addBatchObservableCallback: (callback: (r: BatchObservableResult) => void, observables: Observable[]) => void callbacks.push({ callback, observables }),
    removeBatchObservableCallback: (callback: unknown, observables: Observable[]) => void removed.push({ callback, observables }),
  } as unknown as Meter;
  const collect = () => {
    const observed: [string, number, unknown][] = [];
    for (const { callback } of callbacks) callback({ observe: (g: Observable, v: number, a: unknown) => void observed.push([(g as unknown as { name: string }).name, v, a]) });
    return observed;
  };
  return { meter, gauges, callbacks, removed, collect };
}

const config = resolveConfig({ pendingThresholdMs: 1000 }, {}, () => {});
function logger(): { warnings: string[]; warn: (m: string) => void; error(): void; info(): void; debug(): void; verbose(): void } {
  const warnings: string[] = [];
  return { warnings, warn: (m: string) => void warnings.push(m), error() {}, info() {}, debug() {}, verbose() {} };
}

describe('PendingMetrics', () => {
  it('two gauges on the meter given, one batch callback; a new meter takes them over', () => {
    const faults = new Faults(logger());
    const metrics = new PendingMetrics(() => undefined, () => config, faults);
    const one = fakeMeter();
    metrics.use(one.meter);
    assert.deepEqual(one.gauges, [
      { name: 'awaitwhat.await.pending', options: { description: 'Await chains pending at least the threshold (pendingThresholdMs), by their innermost await', unit: '{await}' } },
      { name: 'awaitwhat.await.oldest_age', options: { description: 'How long the oldest await chain pending past the threshold has been pending, by its innermost await', unit: 's' } },
    ]);
    assert.deepEqual(one.callbacks.map((c) => c.observables.map((o) => (o as unknown as { name: string }).name)), [['awaitwhat.await.pending', 'awaitwhat.await.oldest_age']]);
    const two = fakeMeter();
    metrics.use(two.meter);
    assert.equal(one.removed.length, 1);
    assert.equal(one.removed[0]!.callback, one.callbacks[0]!.callback);
    assert.deepEqual(one.removed[0]!.observables, one.callbacks[0]!.observables);
    assert.equal(two.callbacks.length, 1);
    assert.equal(two.removed.length, 0);
    // Disabled (no runtime): nothing observed, nothing failed.
    assert.deepEqual(metrics.sites(), []);
    assert.deepEqual(two.collect(), []);
    assert.deepEqual(faults.counts(), { user: {}, internal: {} });
  });

  it('hung chains by their innermost await site: a count and the oldest pending time in seconds; a site whose hang ended reads 0', () => {
    const state = {
      longest: 5000,
      graphs: 0,
      nodes: [
        frame(1, 'outer', ['f2'], [], 9000, 10),
        frame(2, 'read', ['l1'], ['f1'], 2500, 20),
        frame(3, 'read', ['l1'], [], 4000, 20),
        frame(4, 'write', ['l2'], [], 1000, 30),
        frame(5, 'idle', ['l2'], [], 999, 40),
        leaf('l1', ['f2', 'f3']),
        leaf('l2', ['f4', 'f5']),
      ] as SnapshotNode[],
    };
    const faults = new Faults(logger());
    const metrics = new PendingMetrics(() => runtime(state), () => config, faults);
    assert.deepEqual(metrics.sites(), [
      { function: 'read', location: '/app/a.mjs:20:3', count: 2, oldestMs: 4000 },
      { function: 'write', location: '/app/a.mjs:30:3', count: 1, oldestMs: 1000 },
    ]);
    const m = fakeMeter();
    metrics.use(m.meter);
    const read = { 'code.function.name': 'read', 'awaitwhat.await.location': '/app/a.mjs:20:3' };
    const write = { 'code.function.name': 'write', 'awaitwhat.await.location': '/app/a.mjs:30:3' };
    assert.deepEqual(m.collect(), [
      ['awaitwhat.await.pending', 2, read],
      ['awaitwhat.await.oldest_age', 4, read],
      ['awaitwhat.await.pending', 1, write],
      ['awaitwhat.await.oldest_age', 1, write],
    ]);
    // The write hang ended, the reads go on (the older one first now).
    state.nodes = [frame(2, 'read', ['l1'], [], 6500, 20), frame(3, 'read', ['l1'], [], 8000, 20), leaf('l1', ['f2', 'f3'])];
    assert.deepEqual(m.collect(), [
      ['awaitwhat.await.pending', 2, read],
      ['awaitwhat.await.oldest_age', 8, read],
      ['awaitwhat.await.pending', 0, write],
      ['awaitwhat.await.oldest_age', 0, write],
    ]);
    assert.deepEqual(faults.counts(), { user: {}, internal: {} });
  });

  it('no graph while the longest suspension is under the threshold; the threshold itself counts', () => {
    const state = { longest: 999, graphs: 0, nodes: [frame(1, 'read', ['l1'], [], 1000, 20), leaf('l1', ['f1'])] as SnapshotNode[] };
    const metrics = new PendingMetrics(() => runtime(state), () => config, new Faults(logger()));
    assert.deepEqual(metrics.sites(), []);
    assert.equal(state.graphs, 0);
    state.longest = 1000;
    assert.deepEqual(metrics.sites(), [{ function: 'read', location: '/app/a.mjs:20:3', count: 1, oldestMs: 1000 }]);
    assert.equal(state.graphs, 1);
  });

  it('a frame without a suspension point is counted at its location', () => {
    const f = { ...frame(1, 'read', ['l1'], [], 2000, 20), suspendedAt: null } as FrameNode;
    const state = { longest: 2000, graphs: 0, nodes: [f, leaf('l1', ['f1'])] as SnapshotNode[] };
    const metrics = new PendingMetrics(() => runtime(state), () => config, new Faults(logger()));
    assert.deepEqual(metrics.sites(), [{ function: 'read', location: '/app/a.mjs:19:1', count: 1, oldestMs: 2000 }]);
  });

  it('a meter or a runtime that throws is a fault of awaitwhat\'s, counted, never thrown', () => {
    const log = logger();
    const faults = new Faults(log);
    const metrics = new PendingMetrics(() => {
      throw new Error('runtime gone');
    }, () => config, faults);
    metrics.use({ createObservableGauge: () => { throw new Error('meter broken'); } } as unknown as Meter);
    const m = fakeMeter();
    metrics.use(m.meter);
    assert.deepEqual(m.collect(), []);
    assert.deepEqual(faults.counts(), { user: {}, internal: { metrics: 2 } });
  });
});
