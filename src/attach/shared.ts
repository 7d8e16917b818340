/**
 * `attach --full`: what the walk cannot see of a promise several async functions await, found in
 * the heap snapshot. V8's async stack walker stops at such a promise, so fast mode shows the
 * awaiters' callers awaiting the awaiters' own promises (leaves) and never the awaiters. In the
 * heap, such a leaf promise is the own promise of a suspended async function (its generator
 * object); what that function awaits is the owner of the reaction holding its await closures,
 * and every function awaiting that promise sits in the same reaction list. Where each one is
 * suspended is not in the snapshot: the inspector gives it (`[[GeneratorLocation]]` of the
 * generator object, fetched by its heap object id while the heap profiler is on).
 *
 * Each such leaf becomes the frame of its function, the shared promise becomes one node awaited
 * by all of them (a leaf, or the frame of the async function it belongs to), awaiters no walk
 * reached become roots, and await cycles this closes are added to the snapshot's cycles.
 */

import type { HeapGraph } from '../heap/graph.ts';
import { scriptOf } from '../heap/describe.ts';
import { awaitedBy, awaitersOf, isPromise, ownerGenerator } from '../heap/settlers.ts';
import { operandText } from '../snapshot/build.ts';
import type { FrameNode, LeafNode, Snapshot, SnapshotNode } from '../snapshot/schema.ts';
import { frameNode, leafNode, link, suspensionSite, type FrameEntry } from './graph.ts';
import { SiteTables } from './sites.ts';

/**
 * At most this many suspended calls are located. Each costs the target a pause of its own: V8
 * finds an object by heap id by walking the whole heap (`HeapProfiler.getObjectByHeapObjectId`;
 * about 140 ms a call at a 5 MB heap on this loaded machine, growing with the heap), and async
 * functions' suspended calls have no prototype that `Runtime.queryObjects` could list them by. The
 * rest are counted in the report's limits.
 */
const MAX_LOCATED = 50;

/** Where a suspended generator (by heap node index) is resumed: 0-based line and column, or undefined when the target does not say. */
export type Locate = (generator: number) => Promise<{ line: number; column: number } | undefined>;

export interface SharedInput {
  graph: HeapGraph;
  snapshot: Snapshot;
  /** The fast-mode leaves and their promises' heap node indexes. */
  leaves: ReadonlyArray<{ leaf: LeafNode; heapIndex: number }>;
  sites: SiteTables;
  cwd: string | undefined;
  locate: Locate;
}

/**
 * Rewrites `snapshot` in place as described above; returns the leaves whose holders are to be
 * found (those left, and the shared promises that are not an async function's own).
 */
export async function resolveSharedAwaitees(input: SharedInput): Promise<Array<{ leaf: LeafNode; heapIndex: number }>> {
  const { graph, snapshot } = input;
  const byId = new Map(snapshot.nodes.map((n) => [n.id, n]));
  let seq = Math.max(0, ...snapshot.nodes.map((n) => (n.type === 'frame' ? n.seq : 0)));
  let leafSeq = snapshot.nodes.filter((n) => n.type === 'leaf').length;
  const frameOf = new Map<number, FrameNode | null>();
  const nodeOfPromise = new Map<number, SnapshotNode>();
  const kept: Array<{ leaf: LeafNode; heapIndex: number }> = [];
  const added: SnapshotNode[] = [];
  const removed = new Set<string>();
  const rootsBefore = new Set(snapshot.roots);
  let located = 0;
  let notLocated = 0;
  const newRoots: string[] = [];

  /** A root frame of the fast graph at the same place as `frame` (the chain below a shared promise that is an async function's own): it stands for that function. */
  const existingRoot = (frame: FrameNode): FrameNode | undefined => {
    const same = snapshot.roots
      .map((id) => byId.get(id))
      .filter((n): n is FrameNode => n?.type === 'frame' && n.function === frame.function && sameSuspension(n, frame));
    return same.length === 1 ? same[0] : undefined;
  };

  const frameFor = async (generator: number): Promise<FrameNode | null> => {
    if (frameOf.has(generator)) return frameOf.get(generator)!;
    frameOf.set(generator, null);
    const entry = await entryOf(graph, generator, async (g) => {
      if (located >= MAX_LOCATED) {
        notLocated++;
        return undefined;
      }
      located++;
      return input.locate(g);
    });
    if (entry === undefined) return null;
    const made = frameNode(entry, input.sites, input.cwd, seq + 1);
    const reused = existingRoot(made);
    if (reused !== undefined) {
      frameOf.set(generator, reused);
      snapshot.roots = snapshot.roots.filter((id) => id !== reused.id);
      return reused;
    }
    seq++;
    added.push(made);
    byId.set(made.id, made);
    frameOf.set(generator, made);
    const awaited = awaitedBy(graph, generator);
    if (awaited.length === 1) {
      const target = await promiseNode(awaited[0]!, made, entry);
      if (target !== undefined) link(made, target);
    }
    return made;
  };

  const promiseNode = async (promise: number, awaiter: FrameNode, entry: FrameEntry): Promise<SnapshotNode | undefined> => {
    const known = nodeOfPromise.get(promise);
    if (known !== undefined) return known;
    const owner = ownerGenerator(graph, promise);
    if (owner >= 0) {
      const frame = await frameFor(owner);
      if (frame !== null) nodeOfPromise.set(promise, frame);
      return frame ?? undefined;
    }
    const site = suspensionSite(entry, input.sites);
    const leaf = leafNode(site === undefined ? '' : operandText(site), awaiter, ++leafSeq);
    added.push(leaf);
    nodeOfPromise.set(promise, leaf);
    kept.push({ leaf, heapIndex: promise });
    return leaf;
  };

  const shared = new Set<number>();
  for (const { leaf, heapIndex } of input.leaves) {
    const generator = ownerGenerator(graph, heapIndex);
    const frame = generator < 0 ? null : await frameFor(generator);
    if (frame === null) {
      kept.push({ leaf, heapIndex });
      continue;
    }
    for (const a of awaitedBy(graph, generator)) shared.add(a);
    replace(byId, leaf, frame);
    removed.add(leaf.id);
  }
  // Every other promise several functions await: the walk saw none of its awaiters (a walk from
  // one of their own promises would have left a leaf above).
  for (let i = 0; i < graph.nodeCount; i++) if (isPromise(graph, i) && awaitersOf(graph, i).length > 1) shared.add(i);
  // Functions awaiting a shared promise whose own promise no walk reached: nothing awaits them.
  for (const promise of shared) {
    for (const g of awaitersOf(graph, promise)) {
      if (frameOf.has(g)) continue;
      const frame = await frameFor(g);
      if (frame !== null && frame.awaitedBy.length === 0 && !rootsBefore.has(frame.id)) newRoots.push(frame.id);
    }
  }
  snapshot.nodes = [...snapshot.nodes.filter((n) => !removed.has(n.id)), ...added];
  const frames = snapshot.nodes.filter((n) => n.type === 'frame');
  snapshot.nodes = [...frames, ...snapshot.nodes.filter((n) => n.type !== 'frame')];
  snapshot.roots.push(...newRoots);
  snapshot.stats.frames = frames.length;
  if (notLocated > 0 && snapshot.source !== undefined) {
    snapshot.source.limits.push(`${notLocated} async functions awaiting promises that several functions await (only the first ${MAX_LOCATED} are located)`);
  }
  addCycles(snapshot, byId);
  return kept;
}

/** The walk step of a suspended generator: its function's name, script and position, and where the target says it is resumed. */
async function entryOf(graph: HeapGraph, generator: number, locate: Locate): Promise<FrameEntry | undefined> {
  const fn = graph.child(generator, 'internal', 'function');
  const at = fn < 0 ? undefined : graph.locationOf(fn);
  const url = fn < 0 ? '' : scriptOf(graph, fn);
  if (at === undefined || SiteTables.pathOf(url) === undefined) return undefined;
  const resumed = await locate(generator);
  if (resumed === undefined) return undefined;
  const name = graph.nodeName(fn);
  return ['f', name === '' ? null : name, null, url, resumed.line + 1, resumed.column + 1, at.line + 1, at.column + 1];
}

/** `leaf`'s awaiters (frames, combinator members) await `frame` instead. */
function replace(byId: Map<string, SnapshotNode>, leaf: LeafNode, frame: FrameNode): void {
  for (const parentId of leaf.awaitedBy) {
    const parent = byId.get(parentId);
    if (parent === undefined) continue;
    parent.awaits = parent.awaits.map((id) => (id === leaf.id ? frame.id : id));
    if (parent.type === 'combinator') for (const m of parent.members) if (m.node === leaf.id) m.node = frame.id;
    if (!frame.awaitedBy.includes(parentId)) frame.awaitedBy.push(parentId);
  }
}

function sameSuspension(a: FrameNode, b: FrameNode): boolean {
  return a.suspendedAt?.file === b.suspendedAt?.file && a.suspendedAt?.line === b.suspendedAt?.line && a.suspendedAt?.column === b.suspendedAt?.column;
}

/**
 * Await cycles among frames not listed yet (a deadlock through a shared promise the walk could
 * not pass), each in await order starting at its frame defined first in the source, as the fast
 * graph lists them. Frames await at most one node, so following `awaits` finds each cycle once.
 */
function addCycles(snapshot: Snapshot, byId: Map<string, SnapshotNode>): void {
  const listed = new Set(snapshot.cycles.flat());
  const done = new Set<string>();
  for (const start of snapshot.nodes) {
    if (start.type !== 'frame' || done.has(start.id)) continue;
    const path: string[] = [];
    const onPath = new Map<string, number>();
    let at: SnapshotNode | undefined = start;
    while (at !== undefined && at.type === 'frame' && !done.has(at.id) && !onPath.has(at.id)) {
      onPath.set(at.id, path.length);
      path.push(at.id);
      at = at.awaits.length === 1 ? byId.get(at.awaits[0]!) : undefined;
    }
    if (at !== undefined && onPath.has(at.id)) {
      const cycle = path.slice(onPath.get(at.id)!);
      if (!cycle.some((id) => listed.has(id))) {
        const where = (id: string): string => {
          const f = byId.get(id) as FrameNode;
          return `${f.location.file}\0${String(f.location.line).padStart(9, '0')}\0${String(f.location.column).padStart(9, '0')}`;
        };
        let first = 0;
        for (let i = 1; i < cycle.length; i++) if (where(cycle[i]!) < where(cycle[first]!)) first = i;
        snapshot.cycles.push([...cycle.slice(first), ...cycle.slice(0, first)]);
        // A cycle's frames are not roots: nothing outside it need await them.
        snapshot.roots = snapshot.roots.filter((id) => !cycle.includes(id));
      }
    }
    for (const id of path) done.add(id);
  }
}
