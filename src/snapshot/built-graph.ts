/**
 * The integer graph a snapshot was built with, kept beside the snapshot object so that a renderer
 * need not rebuild it from ids (an index of every id, every edge looked up, reachability marks over
 * the whole graph: about a microsecond per node before the first line is printed).
 *
 * Kept in a WeakMap, not on the object: JSON, `structuredClone` and a spread copy see nothing, and
 * the graph goes when the snapshot does. It is handed out only while the snapshot still holds the
 * same `nodes`, `roots` and `cycles` arrays at the same lengths (a constant-time check); a reader
 * must check each node it uses against it as well (`BuiltGraph.matches`), since a node can be
 * edited in place, and fall back to rebuilding on any difference.
 */

import type { Edges } from './edges.ts';
import type { Snapshot, SnapshotNode } from './schema.ts';
import { isArray, SafeWeakMap } from '../runtime/intrinsics.ts';

export interface BuiltGraph {
  readonly nodes: readonly SnapshotNode[];
  /** Each node's `awaits` and `awaitedBy` as positions, in the order of its id lists. */
  readonly awaits: Edges;
  readonly awaitedBy: Edges;
  /** 1 where the node was made as a frame. */
  readonly isFrame: Uint8Array;
  readonly frameCount: number;
  /** Positions of the frame nodes, ascending. */
  readonly frames: Int32Array;
  /** `snapshot.roots` as positions. */
  readonly roots: Int32Array;
  /** `snapshot.cycles`, each as the positions of its frames. */
  readonly cycles: readonly (readonly number[])[];
  /**
   * Every node nothing awaits is a root frame: so every frame lies under a root or on or under a
   * listed cycle (following `awaitedBy` up from any node ends at a node nothing awaits, or goes
   * round a strongly connected part, which the builder lists as a cycle through its oldest frame).
   */
  readonly sourcesAreRoots: boolean;
}

interface Kept {
  graph: BuiltGraph;
  nodeCount: number;
  roots: readonly string[];
  rootCount: number;
  cycles: readonly (readonly string[])[];
  cycleCount: number;
}

// Safe: the renderer reads it inside the program, which may have replaced `WeakMap.prototype.get`.
const kept = new SafeWeakMap<object, Kept>();

export function keepBuiltGraph(snapshot: Snapshot, graph: BuiltGraph): void {
  kept.set(snapshot, { graph, nodeCount: snapshot.nodes.length, roots: snapshot.roots, rootCount: snapshot.roots.length, cycles: snapshot.cycles, cycleCount: snapshot.cycles.length });
}

/** The graph `snapshot` was built with, while its arrays are the ones it was built with. */
export function builtGraphOf(snapshot: Snapshot): BuiltGraph | undefined {
  const k = kept.get(snapshot);
  if (k === undefined) return undefined;
  const same = snapshot.nodes === k.graph.nodes && snapshot.nodes.length === k.nodeCount && snapshot.roots === k.roots && snapshot.roots.length === k.rootCount && snapshot.cycles === k.cycles && snapshot.cycles.length === k.cycleCount;
  return same ? k.graph : undefined;
}

/**
 * Whether node i still reads as built: its kind (frame or not) and its `awaits` ids, in order, name
 * the nodes the graph has. Costs the node's out-degree.
 */
export function nodeMatches(graph: BuiltGraph, i: number): boolean {
  const node = graph.nodes[i];
  if (node === null || typeof node !== 'object') return false;
  if ((node.type === 'frame') !== (graph.isFrame[i] === 1)) return false;
  const ids = node.awaits;
  const { start, to } = graph.awaits;
  const from = start[i]!;
  if (!isArray(ids) || ids.length !== start[i + 1]! - from) return false;
  for (let k = 0; k < ids.length; k++) if (graph.nodes[to[from + k]!]?.id !== ids[k]) return false;
  return true;
}

/** Counts the nodes nothing awaits; the graph's sources are its roots when that count is the number of roots. */
export function sourcesAreRoots(awaitedBy: Edges, rootCount: number): boolean {
  const start = awaitedBy.start;
  let sources = 0;
  for (let i = 0; i + 1 < start.length; i++) if (start[i] === start[i + 1]) sources++;
  return sources === rootCount;
}
