/**
 * `awaitwhat attach --full`: what only the heap gives, added to the fast-mode snapshot. The leaf
 * promises (what each innermost async function awaits) are named by heap object id
 * (`HeapProfiler.getHeapObjectId` of the promise the walk started from), the array of every
 * promise is released (it would be a path to everything), the target's heap snapshot is taken
 * through the inspector and parsed chunk by chunk as it arrives (the JSON text is never held
 * whole), the heap profiler is disabled again, and src/heap's holder analysis — the one
 * `snapshot({ holders })` uses in-process — says who can settle each leaf, or that nothing can.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findHolders } from '../heap/holders.ts';
import { HeapSnapshotParser } from '../heap/parse.ts';
import { leafHolderOf } from '../snapshot/holders.ts';
import type { AttachCost } from './estimate.ts';
import type { HoldersSummary, LeafNode, Snapshot } from '../snapshot/schema.ts';
import { AttachError } from './errors.ts';
import { resolveSharedAwaitees } from './shared.ts';
import type { SiteTables } from './sites.ts';
import { HEAP_OBJECT_GROUP, OBJECT_GROUP, type Inspector } from './session.ts';

/**
 * The leaves' promises, by index into the array of every promise, as remote objects, each kept
 * (as the in-process marker keeps them) in an object group released when attach leaves; null for
 * one the target did not give.
 */
export async function leafRemoteObjects(inspector: Inspector, arrayId: string, indexes: readonly number[], timeoutMs: number): Promise<Array<string | null>> {
  const ids: Array<string | null> = [];
  for (const index of indexes) {
    const reply = await inspector.cdp.call('Runtime.callFunctionOn', { objectId: arrayId, functionDeclaration: 'function (i) { return this[i]; }', arguments: [{ value: index }], objectGroup: HEAP_OBJECT_GROUP, silent: true }, timeoutMs);
    ids.push((reply.result as { objectId?: string } | undefined)?.objectId ?? null);
  }
  return ids;
}

export interface FullOptions {
  pid: number;
  cwd: string | undefined;
  /** Deadline of the heap snapshot (it grows with the estimate). */
  snapshotTimeoutMs: number;
  stepTimeoutMs: number;
  heapUsedBytes: number;
  /** What attach said the walk and the snapshot would cost (the summary reports it). */
  estimate: AttachCost;
  /** The fast-mode snapshot: shared awaitees are resolved in it (shared.ts). */
  snapshot: Snapshot;
  sites: SiteTables;
}

/**
 * Takes the target's heap snapshot and sets each leaf's `holder`; returns the summary. The heap
 * profiler is enabled only for the snapshot and disabled again, whatever happens. A failure of
 * the analysis is the summary's `failed` state, not an error: the fast-mode report still stands.
 */
export async function addHeapHolders(inspector: Inspector, leaves: ReadonlyArray<{ leaf: LeafNode; objectId: string | null }>, options: FullOptions): Promise<HoldersSummary> {
  const cdp = inspector.cdp;
  const estimate = options.estimate;
  const summary: HoldersSummary = {
    state: 'done',
    reason: '',
    heapUsedBytes: options.heapUsedBytes,
    estimatedPauseMs: estimate.pauseMs,
    estimatedPeakBytes: estimate.peakBytes,
    analysed: 0,
    neverSettle: 0,
    tookMs: 0,
  };
  const started = Date.now();
  // The array of every promise would be a path from a root to every settle function.
  await cdp.call('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP }, options.stepTimeoutMs);
  // Timers' start times are on the target's clock (performance.now()), read just before the snapshot.
  const now = await inspector.evaluate('performance.now()');
  const parser = new HeapSnapshotParser();
  let parseError: unknown;
  const stop = cdp.on('HeapProfiler.addHeapSnapshotChunk', (params) => {
    if (parseError !== undefined) return;
    try {
      parser.write(String(params.chunk ?? ''));
    } catch (error) {
      parseError = error;
    }
  });
  let graph;
  const heapIds: Array<number | null> = [];
  let targets: Array<{ leaf: LeafNode; heapIndex: number }> = [];
  try {
    await cdp.call('HeapProfiler.enable', {}, options.stepTimeoutMs);
    await cdp.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: true, exposeInternals: false }, options.snapshotTimeoutMs);
    if (parseError !== undefined) throw parseError;
    graph = parser.end();
    // Heap object ids exist only once a snapshot was taken (before, V8 answers 0): asked for now,
    // they are the ids this snapshot gave the same objects.
    for (const leaf of leaves) heapIds.push(leaf.objectId === null ? null : await heapObjectId(inspector, leaf.objectId, options.stepTimeoutMs));
    const g = graph;
    const found = leaves.flatMap(({ leaf }, k) => {
      const heapIndex = heapIds[k] === null ? -1 : g.indexOfId(heapIds[k]!);
      return heapIndex < 0 ? [] : [{ leaf, heapIndex }];
    });
    // While the heap profiler is on: it maps the snapshot's object ids back to objects.
    targets = await resolveSharedAwaitees({
      graph: g,
      snapshot: options.snapshot,
      leaves: found,
      sites: options.sites,
      cwd: options.cwd,
      locate: (generator) => generatorLocation(inspector, g.nodeId(generator), options.stepTimeoutMs),
    });
  } catch (error) {
    if (error instanceof AttachError && error.message === 'interrupted') throw error;
    summary.state = 'failed';
    summary.reason = error instanceof Error ? error.message : String(error);
    summary.tookMs = Date.now() - started;
    return summary;
  } finally {
    stop();
    await cdp.call('HeapProfiler.disable', {}, options.stepTimeoutMs).catch(() => undefined);
  }
  const analysed = targets.map((t) => t.leaf);
  try {
    const results = findHolders(graph, targets.map((t) => t.heapIndex), {
      timerNowMs: typeof now === 'number' ? now : undefined,
      displayPath: (url) => shownPath(url, options.cwd),
      readSource: (url) => readTargetSource(url, options.pid),
    });
    results.forEach((r, k) => {
      analysed[k]!.holder = leafHolderOf(r);
      if (r.state === 'never') summary.neverSettle++;
    });
    summary.analysed = results.length;
  } catch (error) {
    summary.state = 'failed';
    summary.reason = error instanceof Error ? error.message : String(error);
  }
  summary.tookMs = Date.now() - started;
  return summary;
}

async function heapObjectId(inspector: Inspector, objectId: string, timeoutMs: number): Promise<number | null> {
  const reply = await inspector.cdp.call('HeapProfiler.getHeapObjectId', { objectId }, timeoutMs);
  const n = Number(reply.heapSnapshotObjectId);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** Where a suspended async function (its generator object, by heap object id) is resumed: `[[GeneratorLocation]]`, 0-based. */
async function generatorLocation(inspector: Inspector, heapId: number, timeoutMs: number): Promise<{ line: number; column: number } | undefined> {
  try {
    return await readGeneratorLocation(inspector, heapId, timeoutMs);
  } catch (error) {
    // A call that ended since the snapshot, or a step past its deadline: that frame is left out, the report stands.
    if (error instanceof AttachError && error.message === 'interrupted') throw error;
    return undefined;
  }
}

async function readGeneratorLocation(inspector: Inspector, heapId: number, timeoutMs: number): Promise<{ line: number; column: number } | undefined> {
  const object = await inspector.cdp.call('HeapProfiler.getObjectByHeapObjectId', { objectId: String(heapId), objectGroup: HEAP_OBJECT_GROUP }, timeoutMs);
  const objectId = (object.result as { objectId?: string } | undefined)?.objectId;
  if (objectId === undefined) return undefined;
  const reply = await inspector.cdp.call('Runtime.getProperties', { objectId, ownProperties: true, generatePreview: false }, timeoutMs);
  const internal = reply.internalProperties as Array<{ name: string; value?: { value?: { lineNumber?: number; columnNumber?: number } } }> | undefined;
  const at = internal?.find((p) => p.name === '[[GeneratorLocation]]')?.value?.value;
  return typeof at?.lineNumber === 'number' && typeof at.columnNumber === 'number' ? { line: at.lineNumber, column: at.columnNumber } : undefined;
}

/** A script URL as reports show it: relative to the target's working directory when inside it. */
function shownPath(url: string, cwd: string | undefined): string {
  let path = url;
  if (url.startsWith('file:')) {
    try {
      path = fileURLToPath(url);
    } catch {
      return url;
    }
  }
  return cwd !== undefined && path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}

/** The target's script, read through its root (it may run in another mount namespace). */
function readTargetSource(url: string, pid: number): string | undefined {
  try {
    const path = url.startsWith('file:') ? fileURLToPath(url) : url.startsWith('/') ? url : undefined;
    return path === undefined ? undefined : readFileSync(`/proc/${pid}/root${path}`, 'utf8');
  } catch {
    return undefined;
  }
}
