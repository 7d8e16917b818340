/**
 * Holders: for each target promise of a heap snapshot, who can settle it — the shortest path from
 * a GC root to one of its settle functions that avoids the waiting side (what runs only once it
 * settles) and the given nodes — described as a person reads it, with facts read off known
 * holders; or the proof that nothing can.
 *
 * Independent of awaitwhat's runtime: the input is a parsed snapshot and node indexes, the output
 * plain data. `findMarkedTargets` finds promises handed over in a marker object.
 */

import { describePath, type DescribeOptions, type PathStep } from './describe.ts';
import { factsOf, type Facts, type FactOptions } from './facts.ts';
import type { HeapGraph } from './graph.ts';
import { shortestPaths, type RetainerPath } from './paths.ts';
import { append, listJoin, listSlice, newList, publish, toNumber, type List, Uint8ArrayConstructor } from '../runtime/intrinsics.ts';
import { findSettlers, markWaitingSide, type Settlers } from './settlers.ts';

export interface HolderResult {
  /**
   * `held`: something reachable holds a function that can settle it; `native`: native code holds
   * it (an fs request); `never`: nothing reachable can settle it; `unknown`: the chain went
   * through something this analysis cannot follow.
   */
  state: 'held' | 'native' | 'never' | 'unknown';
  /** What a report shows after `held by`/`settled by`, or the never/unknown sentence. */
  text: string;
  /** `Timeout._onTimeout`: the holder without facts; '' when not held. */
  holder: string;
  /** The package the holder's class (or module variable) comes from, or null. */
  package: string | null;
  facts: Facts;
  /** Other paths of the same length through a different object (then this is "one of several"). */
  alternatives: number;
  /** How many promises were followed to reach the settle functions (1: the target's own). */
  promisesFollowed: number;
  /** The path from the root, step by step. */
  steps: PathStep[];
}

export const NEVER_TEXT = 'nothing can settle this promise: no one holds its resolve function';
export const NEVER_ONLY_WAITERS_TEXT = 'nothing can settle this promise: only what waits for it holds its resolve function';

/** Leaves awaitwhat keeps no promise for (a `for await`, a thenable, an `await using`) whose awaiting call the heap does not show. */
export const NO_AWAITER_TEXT = 'not found: the suspended call of the function that awaits it is not in the heap snapshot';
export const SHARED_AWAIT_TEXT = 'not told: more than one function awaits it, and what each awaits is a promise of its own';

export interface HolderOptions extends DescribeOptions, FactOptions {
  /** Nodes no path may go through (the marker that handed over the targets). */
  exclude?: readonly number[];
}

/** Promises handed over as `marker[key] = [p0, p1, …]`: their node indexes in order (-1 for one not found), and the marker's nodes. */
export function findMarkedTargets(graph: HeapGraph, key: string): { targets: number[]; markerNodes: number[] } | undefined {
  const named = graph.edgesNamed('property', key);
  for (let n = 0; n < named.length; n++) {
    const e = named[n]!;
    const i = graph.edgeFrom(e);
    const array = graph.edgeTo(e);
    // Lists (no prototype): storing past their end (or reading a hole) reaches no accessor of Array.prototype.
    const targets = newList<number>();
    const markerNodes = newList<number>();
    append(markerNodes, i);
    append(markerNodes, array);
    for (let k = graph.firstEdge(array); k < graph.endEdge(array); k++) {
      if (graph.edgeType(k) === 'element') targets[toNumber(graph.edgeName(k))] = graph.edgeTo(k);
      else if (graph.edgeName(k) === 'elements') append(markerNodes, graph.edgeTo(k));
    }
    for (let k = 0; k < targets.length; k++) if (targets[k] === undefined) targets[k] = -1;
    return { targets: publish(targets), markerNodes: publish(markerNodes) };
  }
  return undefined;
}

export function findHolders(graph: HeapGraph, targets: readonly number[], options: HolderOptions = {}): HolderResult[] {
  const settlers = newList<Settlers>();
  const all = newList<number>();
  for (let k = 0; k < targets.length; k++) {
    settlers[k] = findSettlers(graph, targets[k]!);
    all[k] = k;
  }
  // One walk for every target, avoiding every target's waiting side; a target left unreached is
  // walked again avoiding only its own (another's waiting side may be the way to it).
  const exclude = options.exclude ?? [];
  const excludedAll = new Uint8ArrayConstructor(graph.nodeCount);
  for (let j = 0; j < exclude.length; j++) excludedAll[exclude[j]!] = 1;
  for (let k = 0; k < targets.length; k++) {
    markWaitingSide(graph, targets[k]!, excludedAll);
    const promises = settlers[k]!.promises;
    for (let j = 0; j < promises.length; j++) excludedAll[promises[j]!] = 1;
  }
  // Resolve functions first (a listener for the value says more than the one for an error); the reject functions of those not reached.
  const paths = walk(graph, settlers, excludedAll, all);
  const results = newList<HolderResult>();
  for (let k = 0; k < targets.length; k++) results[k] = holderOf(graph, targets, k, settlers[k]!, paths[k], options);
  return publish(results);
}

/** What holds `targets[k]`, from its settlers and the path the walk of every target found to one. */
function holderOf(graph: HeapGraph, targets: readonly number[], k: number, s: Settlers, found: RetainerPath | undefined, options: HolderOptions): HolderResult {
  let path = found;
  if (path === undefined && s.functions.length > 0 && targets.length > 1) {
    const exclude = options.exclude ?? [];
    const own = new Uint8ArrayConstructor(graph.nodeCount);
    for (let j = 0; j < exclude.length; j++) own[exclude[j]!] = 1;
    markWaitingSide(graph, targets[k]!, own);
    for (let j = 0; j < s.promises.length; j++) own[s.promises[j]!] = 1;
    const one = newList<Settlers>();
    append(one, s);
    const first = newList<number>();
    append(first, 0);
    path = walk(graph, one, own, first)[0];
  }
  const base = { facts: {}, alternatives: 0, promisesFollowed: s.promises.length, steps: [] as PathStep[], package: null };
  if (path !== undefined) {
    const described = describePath(graph, path.edges, options);
    // The steps after the anchor (all of them when there is none: no edge leads to -1).
    let anchorStep = -1;
    for (let i = 0; i < described.steps.length; i++) {
      if (graph.edgeTo(path.edges[i]!) === described.anchor) {
        anchorStep = i;
        break;
      }
    }
    const after = listSlice(described.steps, anchorStep + 1);
    const { facts, words } = factsOf(graph, described.anchor, publish(after), options);
    let text = described.text;
    const told = listSlice(words, 0);
    if (described.package !== null) append(told, described.package);
    if (told.length > 0) text += ` (${listJoin(told, ', ')})`;
    if (path.alternatives > 0) text += '; one of several holders';
    return { ...base, state: 'held', text, holder: described.text, package: described.package, facts, alternatives: path.alternatives, steps: described.steps };
  }
  if (s.native.length > 0) {
    const name = graph.nodeName(s.native[0]!);
    // The request holds no fd, but a FileHandle method's own async functions on the way hold the handle.
    const handle = fileHandleOf(graph, s.generators);
    if (handle >= 0) {
      const { facts, words } = factsOf(graph, handle, [], options);
      const told = words.length > 0 ? ` ${listJoin(words, ' ')}` : '';
      return { ...base, state: 'native', text: `native code (${name}, FileHandle${told})`, holder: name, facts };
    }
    return { ...base, state: 'native', text: `native code (${name})`, holder: name };
  }
  if (s.unresolved) return { ...base, state: 'unknown', text: 'not found: an async function on the way waits for something this analysis cannot follow', holder: '' };
  return { ...base, state: 'never', text: s.functions.length > 0 ? NEVER_ONLY_WAITERS_TEXT : NEVER_TEXT, holder: '' };
}

/** A FileHandle held in the registers of one of these suspended functions (`fsCall(read, handle, …)`), or -1. */
function fileHandleOf(graph: HeapGraph, generators: readonly number[]): number {
  for (let k = 0; k < generators.length; k++) {
    const registers = graph.child(generators[k]!, 'internal', 'parameters_and_registers');
    if (registers < 0) continue;
    for (let e = graph.firstEdge(registers); e < graph.endEdge(registers); e++) {
      const to = graph.edgeTo(e);
      if (graph.nodeType(to) === 'object' && graph.nodeName(to) === 'FileHandle') return to;
    }
  }
  return -1;
}

/** Paths to the resolve functions of each target, else to its reject functions. */
function walk(graph: HeapGraph, settlers: List<Settlers>, excluded: Uint8Array, which: List<number>): (RetainerPath | undefined)[] {
  const resolveGroups = newList<number[]>();
  for (let i = 0; i < which.length; i++) {
    const s = settlers[which[i]!]!;
    resolveGroups[i] = publish(listSlice(s.functions, 0, s.resolveCount));
  }
  const resolved = shortestPaths(graph, publish(resolveGroups), excluded);
  // For each of `which`, its place among those walked again for their reject functions, or -1.
  const missingAt = newList<number>();
  const rejectGroups = newList<number[]>();
  for (let i = 0; i < which.length; i++) {
    const s = settlers[which[i]!]!;
    missingAt[i] = -1;
    if (resolved[i] === undefined && s.functions.length > s.resolveCount) {
      missingAt[i] = rejectGroups.length;
      rejectGroups[rejectGroups.length] = publish(listSlice(s.functions, s.resolveCount));
    }
  }
  if (rejectGroups.length === 0) return resolved;
  const rejected = shortestPaths(graph, publish(rejectGroups), excluded);
  const out = newList<RetainerPath | undefined>();
  for (let i = 0; i < which.length; i++) out[i] = resolved[i] ?? (missingAt[i]! >= 0 ? rejected[missingAt[i]!] : undefined);
  return publish(out);
}
