/**
 * Runtime records → snapshot. Starts from the registered frames, follows what each pending
 * frame waits for (another frame, a combinator, a group, or a leaf), and finds await cycles.
 * Values the program awaited are only inspected through property descriptors and `util.inspect`
 * with custom inspection off, so no user code runs. Built for 100k frames: nodes are indexed by
 * position, looked up by object identity, and location records are shared per site.
 */

import * as nodeUrl from 'node:url';
// Not `import … from 'node:util'`: that module face opens process.stderr when it loads, and a
// named import of a function Node.js 20 lacks would stop awaitwhat before it can say it needs 22.15.
const { getCallSites } = process.getBuiltinModule('node:util');
import { threadId } from 'node:worker_threads';
import {
  appendToArray,
  dateNow,
  Int32ArrayConstructor,
  jsonStringify,
  newList,
  preciseNow,
  processCwd,
  publish,
  SafeMap,
  SafeSet,
  stringSlice,
  stringStartsWith,
  stringTrimStart,
  toText,
  typedArrayFill,
  type List,
  Uint8ArrayConstructor,
} from '../runtime/intrinsics.ts';
import { isPromiseObject, promiseState } from '../runtime/values.ts';
import { keepBuiltGraph, sourcesAreRoots } from './built-graph.ts';
import { findCyclePositions } from './cycles.ts';
import { discoverFrames, type Discovered, type FrameState } from './discover.ts';
import { edgesFrom, type Edges } from './edges.ts';
import {
  awaitedValueOf,
  isClaimed,
  isCombinatorCall,
  isDone,
  isFrameRecord,
  isUnclaimable,
  isUnclaimableField,
  isSlotField,
  keptPromiseFrom,
  RETURN_SITE_BASE,
  SITE_RETURN,
  SITE_YIELD,
  type CombinatorCall,
  type IterationRecord,
  type RuntimeFrame,
} from './frame-records.ts';
import { IntList } from './int-list.ts';
import { readMembers, UNREADABLE } from './members.ts';
import { Places, UNKNOWN_LOCATION } from './places.ts';
import {
  MAX_LISTED_MEMBERS,
  SNAPSHOT_SCHEMA,
  type CombinatorMember,
  type CombinatorNode,
  type FrameNode,
  type GroupNode,
  type LeafNode,
  type MemberState,
  type Snapshot,
  type SnapshotNode,
} from './schema.ts';
import type { SiteInfo, SnapshotSource } from './source.ts';
import { addHolders, type HolderSnapshotOptions } from './holders.ts';
import { awaitedKind } from './value-kind.ts';

// As it is when awaitwhat loads: a named import of a node: module follows a program's replacement
// after `module.syncBuiltinESMExports()`.
const { fileURLToPath } = nodeUrl;

export interface SnapshotOptions {
  /** Start chains from at most this many frames (the oldest), counting the frames left out in `stats.omitted`; a chain started is kept whole, so the snapshot may hold more. @default Infinity */
  maxFrames?: number;
  /** Base directory for relative file paths. @default process.cwd() */
  cwd?: string;
  /** Write file paths as recorded (absolute), not relative to `cwd`. @default false */
  absolutePaths?: boolean;
  /**
   * Find who can settle each leaf promise, from a heap snapshot of this thread: sets each promise
   * leaf's `holder` and the snapshot's `holders`. Stops the program for the snapshot (estimated
   * first; skipped above `maxHeapBytes`, default 256 MiB). @default false
   */
  holders?: boolean | HolderSnapshotOptions;
}

/** Distinct values looked up by scanning the frames before a promise → frame map is built instead. */
const SCANNED_VALUES = 8;

/** A snapshot, its edges by node position, and the runtime record behind each frame node. */
export interface Graph {
  snapshot: Snapshot;
  /** Each node's `awaits` and `awaitedBy`, in the same order, as positions in `snapshot.nodes`. */
  awaits: Edges;
  awaitedBy: Edges;
  /** The runtime record of the frame node with this seq. */
  frameOf(seq: number): RuntimeFrame | undefined;
  /** The performance.now() reading every `pendingMs` of the snapshot was measured to. */
  measuredAt: number;
}

export function buildSnapshot(source: SnapshotSource, options: SnapshotOptions = {}): Snapshot {
  return build(source, options).snapshot;
}

export function buildGraph(source: SnapshotSource, options: SnapshotOptions = {}): Graph {
  const { snapshot, builder, links } = build(source, options);
  return { snapshot, awaits: links.awaits, awaitedBy: links.awaitedBy, frameOf: (seq) => builder.frameOf(seq), measuredAt: builder.measuredAt };
}

function build(source: SnapshotSource, options: SnapshotOptions): { snapshot: Snapshot; builder: Builder; links: { awaits: Edges; awaitedBy: Edges } } {
  const maxFrames = options.maxFrames ?? Infinity;
  if (typeof maxFrames !== 'number' || !(maxFrames >= 0)) {
    const shown = typeof maxFrames === 'string' ? jsonStringify(maxFrames) : toText(maxFrames);
    throw new TypeError(`maxFrames: expected a number >= 0, got ${shown}`);
  }
  const discovered = discoverFrames(source);
  const frames = discovered.frames;
  const places = new Places(options.absolutePaths === true ? undefined : (options.cwd ?? processCwd()));
  const builder = new Builder(source, discovered, places, preciseNow());
  // Stryker disable next-line BooleanLiteral: equivalent: with no cap every pending frame has a node, so counting those without one gives 0 either way (speed only)
  let over = false;
  for (let k = 0; k < frames.length; k++) {
    if (!builder.isPendingAt(k)) continue;
    if (builder.frameCount >= maxFrames) {
      over = true;
      continue;
    }
    builder.frameNodeAt(k);
  }
  builder.resolveAll();
  // Counted once the chains are resolved: a kept chain is kept whole, so a frame listed after the
  // cap may already be in the snapshot as part of an earlier root's chain.
  let omitted = 0;
  if (over) for (let k = 0; k < frames.length; k++) if (builder.isPendingAt(k) && !builder.hasNodeAt(k)) omitted++;
  const { links, nodes, roots, rootPositions, framePositions } = builder.finish();
  const cycles = findCyclePositions(nodes, links.awaits, links.awaitedBy);
  const cycleIds: string[][] = [];
  for (let c = 0; c < cycles.length; c++) {
    const cycle = cycles[c]!;
    const ids = newList<string>(cycle.length);
    for (let k = 0; k < cycle.length; k++) ids[k] = nodes[cycle[k]!]!.id;
    cycleIds[c] = publish(ids);
  }
  const snapshot: Snapshot = {
    schema: SNAPSHOT_SCHEMA,
    capturedAt: dateNow(),
    pid: process.pid,
    threadId,
    nodes,
    roots,
    cycles: cycleIds,
    stats: { frames: builder.frameCount, collected: source.counters.collected, evicted: source.counters.evicted, omitted },
  };
  // For renderText: the integer graph, so that a report costs what it prints (see built-graph.ts).
  // A few typed-array passes over the nodes (about 1 ms at 1M).
  const isFrame = new Uint8ArrayConstructor(nodes.length);
  for (let k = 0; k < framePositions.length; k++) isFrame[framePositions[k]!] = 1;
  keepBuiltGraph(snapshot, {
    nodes,
    awaits: links.awaits,
    awaitedBy: links.awaitedBy,
    isFrame,
    frameCount: framePositions.length,
    frames: framePositions,
    roots: rootPositions,
    cycles,
    sourcesAreRoots: sourcesAreRoots(links.awaitedBy, rootPositions.length),
  });
  if (options.holders !== undefined && options.holders !== false) {
    // Stryker disable next-line BooleanLiteral: equivalent: `holders: true` passed on as the options reads undefined for every option, the defaults, as `{}` does
    const holderOptions = options.holders === true ? {} : options.holders;
    snapshot.holders = addHolders(nodes, builder.leafValues(), holderOptions, (url) => places.displayUrl(url));
  }
  return { snapshot, builder, links };
}

class Builder {
  // Lists (no prototype) until `finish`: appending reaches no setter the program may have put on Array.prototype.
  readonly #nodes = newList<SnapshotNode>();
  /** Every node's id, by position. */
  readonly #ids = newList<string>();
  /** Link k goes from node `linkFrom[k]` to node `linkTo[k]`; `awaits`/`awaitedBy` are filled from these at the end, at their exact size. */
  readonly #linkFrom = new IntList();
  readonly #linkTo = new IntList();
  frameCount = 0;
  readonly #source: SnapshotSource;
  readonly #places: Places;
  readonly #now: number;
  readonly #frames: readonly RuntimeFrame[];
  readonly #state: FrameState;
  /** Node index of the frame at each position of `#frames`, -1 until it has one. */
  readonly #nodeAt: Int32Array;
  /** Node indices of frames not found by discovery (reached some other way). */
  readonly #otherFrames = new SafeMap<RuntimeFrame, number>();
  /** Frames that have a node, in node order. */
  readonly #framed = newList<RuntimeFrame>();
  readonly #valueIndex = new SafeMap<unknown, number>();
  #byPromise: SafeMap<unknown, RuntimeFrame> | undefined;
  /** Values looked up by scanning, before `#byPromise` is worth building. */
  readonly #scanned = new SafeMap<unknown, RuntimeFrame | undefined>();
  /** Positions of the frames whose promise field is an array slot, found on the first scan. */
  #slotPositions: Int32Array | undefined;
  readonly #pendingMemo = new SafeMap<RuntimeFrame, boolean>();
  /** The node index of each frame in `#framed`. */
  readonly #framedNodes = new IntList();
  /** The position in `#frames` of each frame in `#framed`, -1 for frames found otherwise. */
  readonly #framedAt = new IntList();
  /** What every frame node at a suspension site shares, by site id (return sites in their own table). */
  readonly #atSite = newList<FrameSite>();
  readonly #atReturnSite = newList<FrameSite>();
  /** The last stamp turned into `pendingMs`, and what it gave: frames suspended in the same tick share a stamp. */
  #lastSince = NaN;
  #lastPendingMs = 0;
  #counter = 0;
  #stackFiles: SafeSet<string> | undefined;

  constructor(source: SnapshotSource, discovered: Discovered, places: Places, now: number) {
    this.#source = source;
    this.#frames = discovered.frames;
    this.#state = discovered.state;
    this.#nodeAt = typedArrayFill(new Int32ArrayConstructor(discovered.frames.length), -1);
    this.#places = places;
    this.#now = now;
  }

  /** `isPending` for the frame at position `k`, from the fields discovery read. */
  isPendingAt(k: number): boolean {
    const site = this.#state.site[k]!;
    if (site < 0) return false;
    const kind = this.#source.siteKindOf(site);
    if (kind === SITE_YIELD) return false;
    if (kind !== SITE_RETURN) return !this.#moduleEndedAt(this.#frames[k]!, site, this.#state.value[k], isUnclaimableField(this.#state.kept[k]));
    return this.isPending(this.#frames[k]!);
  }

  /** Awaiting frames (but a module's top level that ended at an await); returning frames while what they returned is pending; yielded generators never. */
  isPending(f: RuntimeFrame): boolean {
    if (f.site < 0) return false;
    const kind = this.#source.siteKindOf(f.site);
    if (kind === SITE_YIELD) return false;
    if (kind !== SITE_RETURN) return !this.#moduleEndedAt(f, f.site, awaitedValueOf(f), isUnclaimable(f));
    const memo = this.#pendingMemo.get(f);
    if (memo !== undefined) return memo;
    // Reached again while deciding: the frames returned each other's promises (f returns g(), g
    // returns f's promise), and promises resolved with each other never settle: a deadlock.
    this.#pendingMemo.set(f, true);
    const pending = this.#valuePending(awaitedValueOf(f), f);
    this.#pendingMemo.set(f, pending);
    return pending;
  }

  /** The performance.now() reading the pending times are measured to. */
  get measuredAt(): number {
    return this.#now;
  }

  /**
   * Whether a module's top level, recorded at an `await` of `v`, is over: it threw at that await
   * (the awaited promise or call rejected) or after it (`await null; throw e`), so the `x()` at its
   * end never ran. A module has no `finally` to say so (its declarations must stay at top level),
   * but what it awaited tells: settled, its continuation has run, and a live module would be at a
   * later await or done — unless it is running now, taking this snapshot itself. Only frames no
   * caller can claim are looked at; a module ended at an await of a thenable that called back
   * still reads as pending (whether it called back cannot be read without running its code).
   */
  #moduleEndedAt(f: RuntimeFrame, siteId: number, v: unknown, unclaimable: boolean): boolean {
    if (!unclaimable) return false;
    const site = this.#source.getSite(siteId);
    const module = site?.kind === 'await' ? this.#source.getSite(site.fn ?? -1) : undefined;
    if (module?.kind !== 'module') return false;
    let settled: boolean;
    if (isFrameRecord(v)) settled = !this.isPending(v);
    else {
      const awaited = isCombinatorCall(v) ? v.promise : v;
      // A thenable may never call back; anything else resumed the module one tick after its await.
      settled = isPromiseObject(awaited) ? promiseState(awaited) !== 'pending' : awaitedKind(awaited) !== 'thenable';
    }
    // Resumed and running: it is taking this snapshot itself (its code is on the stack), and is
    // shown at its last suspension, as every running frame is.
    return settled && !this.#onStack(module.file);
  }

  /** Whether code of `file` is on the current stack (the files of up to 200 call sites, read once per snapshot). */
  #onStack(file: string): boolean {
    let files = this.#stackFiles;
    if (files === undefined) {
      files = this.#stackFiles = new SafeSet();
      const sites = getCallSites(200);
      for (let k = 0; k < sites.length; k++) files.add(asPath(sites[k]!.scriptName));
    }
    return files.has(asPath(file));
  }

  /** Whether `v`, returned by `returner` (if any), is pending. */
  #valuePending(v: unknown, returner?: RuntimeFrame): boolean {
    if (isFrameRecord(v)) return this.isPending(v);
    const frame = this.#promiseFrame(v);
    // A frame returning its own promise: V8 rejects it at once (a TypeError, "Chaining cycle detected").
    if (frame !== undefined && frame === returner) return false;
    if (frame !== undefined) return this.isPending(frame);
    return isPromiseObject(v) && promiseState(v) === 'pending';
  }

  /**
   * The frame whose promise a caller kept as `v`, if any. The first few distinct values are found
   * by a scan (a pointer comparison per frame); a map of every frame's promise costs far more on a
   * large graph and is built only once many distinct values are asked about.
   */
  #promiseFrame(v: unknown): RuntimeFrame | undefined {
    if (typeof v !== 'object' || v === null) return undefined;
    if (this.#byPromise !== undefined) return this.#byPromise.get(v);
    if (this.#scanned.has(v)) return this.#scanned.get(v);
    const frames = this.#frames;
    const kept = this.#state.kept;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: equivalent (speed only): the scan and the map both give the first frame in seq order whose kept promise (field or array slot element) is v
    if (this.#scanned.size < SCANNED_VALUES) {
      // Over the promise fields discovery read (no frame record is touched): the first frame
      // whose field is `v`, or an earlier array slot whose element is.
      let found = -1;
      for (let k = 0; k < frames.length; k++) {
        if (kept[k] === v) {
          found = k;
          break;
        }
      }
      const slots = (this.#slotPositions ??= slotPositionsOf(kept, frames.length));
      for (let s = 0; s < slots.length; s++) {
        const k = slots[s]!;
        if (found >= 0 && k > found) break;
        if (keptPromiseFrom(kept[k], this.#state.seq[k]!) === v) {
          found = k;
          break;
        }
      }
      const frame = found < 0 ? undefined : frames[found];
      // Stryker disable next-line CallExpression: equivalent (speed only): unremembered, a value is scanned again, to the same frame
      this.#scanned.set(v, frame);
      return frame;
    }
    const map = new SafeMap<unknown, RuntimeFrame>();
    for (let k = 0; k < frames.length; k++) {
      const p = keptPromiseFrom(kept[k], this.#state.seq[k]!);
      // Stryker disable next-line LogicalOperator: equivalent: an undefined key is never looked up (only objects are), and no promise is two frames' own, so first-wins never decides
      if (p !== undefined && !map.has(p)) map.set(p, frames[k]!);
    }
    this.#byPromise = map;
    return map.get(v);
  }

  /** A frame that has a node, by seq. */
  frameOf(seq: number): RuntimeFrame | undefined {
    const f = this.#frameBySeq(seq);
    if (f !== undefined) return f;
    let other: RuntimeFrame | undefined;
    this.#otherFrames.forEach((_, frame) => {
      if (other === undefined && frame.seq === seq) other = frame;
    });
    return other;
  }

  #frameBySeq(seq: number): RuntimeFrame | undefined {
    const position = this.#positionOf(seq);
    return position < 0 ? undefined : this.#frames[position];
  }

  /** Binary search: `#frames` is in seq order. */
  #positionOf(seq: number): number {
    const frames = this.#frames;
    let lo = 0;
    let hi = frames.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = frames[mid]!.seq;
      if (at === seq) return mid;
      if (at < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The frame a loop's first `next()` or a disposal's disposer call entered, as the runtime noted it (none when it entered none). */
  #enteredBy(iteration: IterationRecord | undefined): RuntimeFrame | undefined {
    return iteration === undefined || iteration.entered === 0 ? undefined : this.#frameBySeq(iteration.entered);
  }

  #add(node: SnapshotNode, id: string): number {
    const index = this.#ids.length;
    this.#nodes[index] = node;
    this.#ids[index] = id;
    return index;
  }

  #link(from: number, to: number): void {
    this.#linkFrom.push(from);
    this.#linkTo.push(to);
  }

  /**
   * Fills every node's `awaits` and `awaitedBy` (in link order); returns the nodes, the roots
   * (frames nothing awaits, in node order, found from the edges rather than by reading every
   * node again) and the edges by index.
   */
  finish(): { nodes: SnapshotNode[]; roots: string[]; rootPositions: Int32Array; framePositions: Int32Array; links: { awaits: Edges; awaitedBy: Edges } } {
    const nodes = publish(this.#nodes);
    const ids = this.#ids;
    const from = this.#linkFrom.view();
    const to = this.#linkTo.view();
    const outgoing = edgesFrom(nodes.length, from, to);
    const incoming = edgesFrom(nodes.length, to, from);
    const framedNodes = this.#framedNodes.view();
    const roots = newList<string>();
    const rootPositions = new IntList();
    for (let k = 0; k < framedNodes.length; k++) {
      const i = framedNodes[k]!;
      if (incoming.start[i] === incoming.start[i + 1]) {
        roots[roots.length] = ids[i]!;
        rootPositions.push(i);
      }
    }
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      node.awaits = idsOf(ids, outgoing, i);
      node.awaitedBy = idsOf(ids, incoming, i);
    }
    return { nodes, roots: publish(roots), rootPositions: rootPositions.view(), framePositions: framedNodes, links: { awaits: outgoing, awaitedBy: incoming } };
  }

  /** The node of the frame at position `k` of the discovered frames, made on first use. */
  /** Whether the frame at position k is in the snapshot already (made a node, as a root or in a chain). */
  hasNodeAt(k: number): boolean {
    return this.#nodeAt[k]! >= 0;
  }

  frameNodeAt(k: number): number {
    const known = this.#nodeAt[k]!;
    if (known >= 0) return known;
    const index = this.#newFrameNode(this.#frames[k]!, k);
    this.#nodeAt[k] = index;
    return index;
  }

  frameNode(f: RuntimeFrame): number {
    const position = this.#positionOf(f.seq);
    if (position >= 0 && this.#frames[position] === f) return this.frameNodeAt(position);
    const known = this.#otherFrames.get(f);
    if (known !== undefined) return known;
    const index = this.#newFrameNode(f, -1);
    this.#otherFrames.set(f, index);
    return index;
  }

  #newFrameNode(f: RuntimeFrame, position: number): number {
    const state = this.#state;
    const siteId = position < 0 ? f.site : state.site[position]!;
    const seq = position < 0 ? f.seq : state.seq[position]!;
    const since = position < 0 ? f.since : state.since[position]!;
    const at = this.#frameSite(siteId);
    if (since !== this.#lastSince) {
      this.#lastSince = since;
      this.#lastPendingMs = this.#source.elapsed(since, this.#now);
    }
    const node: FrameNode = {
      id: `f${seq}`,
      type: 'frame',
      function: at.function,
      kind: at.kind,
      location: at.location,
      state: at.state,
      suspendedAt: at.suspendedAt,
      pendingMs: this.#lastPendingMs,
      seq,
      awaits: NO_LINKS,
      awaitedBy: NO_LINKS,
    };
    const index = this.#add(node, node.id);
    this.frameCount++;
    this.#framed[this.#framed.length] = f;
    this.#framedNodes.push(index);
    this.#framedAt.push(position);
    return index;
  }

  /** The fields every frame node suspended at `siteId` shares, worked out for its first frame. */
  #frameSite(siteId: number): FrameSite {
    const table = siteId >= RETURN_SITE_BASE ? this.#atReturnSite : this.#atSite;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: equivalent: every form keeps the cached slots of return sites and await sites apart (or leaves a site uncached), so each site's record is its own; uncached, it is rebuilt equal from Places' shared objects
    const slot = siteId >= RETURN_SITE_BASE ? siteId - RETURN_SITE_BASE : siteId + 1;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: slot is never negative here, so these only skip the cache (a record rebuilt equal, from Places' shared objects)
    let at = slot >= 0 ? table[slot] : undefined;
    if (at !== undefined) return at;
    const source = this.#source;
    const site = siteId >= 0 ? source.getSite(siteId) : undefined;
    const fnId = site?.fn ?? -1;
    const fn = source.getSite(fnId);
    const kind = source.siteKindOf(siteId);
    at = {
      function: fn?.name ?? '<unknown>',
      kind: fn?.kind === 'generator' || fn?.kind === 'module' ? fn.kind : 'function',
      location: this.#places.location(fnId, fn),
      state: kind === SITE_RETURN ? 'returning' : kind === SITE_YIELD ? 'yielded' : 'awaiting',
      suspendedAt: site === undefined ? null : this.#places.suspension(siteId, site),
    };
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: these only cache fewer sites (a record rebuilt equal, from Places' shared objects)
    if (slot >= 0) table[slot] = at;
    return at;
  }

  /** Each leaf node's value (objects only), by node position: what the heap analysis looks for. */
  leafValues(): SafeMap<number, object> {
    const values = new SafeMap<number, object>();
    const nodes = this.#nodes;
    this.#valueIndex.forEach((index, v) => {
      // Stryker disable next-line LogicalOperator,OptionalChaining: equivalent: the value index holds objects only, at positions of nodes, and addHolders takes only promise leaves of what it is handed
      if (nodes[index]?.type === 'leaf' && typeof v === 'object' && v !== null) values.set(index, v);
    });
    return values;
  }

  resolveAll(): void {
    // Resolving can add frames (a yielded generator reached through a loop); keep going until done.
    for (let i = 0; i < this.#framed.length; i++) {
      const from = this.#framedNodes.at(i)!;
      const to = this.#targetOf(this.#framed[i]!, i, this.#framedAt.at(i)!);
      if (to !== undefined) this.#link(from, to);
    }
  }

  /** What the frame at `framed` in `#framed` (node `from`, position `position` of the discovered frames) waits for. */
  #targetOf(f: RuntimeFrame, framed: number, position: number): number | undefined {
    const source = this.#source;
    const siteId = position < 0 ? f.site : this.#state.site[position]!;
    const v = position < 0 ? awaitedValueOf(f) : this.#state.value[position];
    // A pending frame it awaits, found by discovery.
    const awaited = position < 0 ? -1 : this.#state.awaitedAt[position]!;
    if (awaited >= 0 && siteId >= 0 && source.siteKindOf(siteId) !== SITE_YIELD) return this.frameNodeAt(awaited);
    if (siteId < 0 || (source.siteKindOf(siteId) === SITE_YIELD && !this.#valuePending(v))) return undefined;
    const site = source.getSite(siteId);
    if (site === undefined) return undefined;
    const awaiter = this.#nodes[this.#framedNodes.at(framed)!] as FrameNode;
    if (site.kind === 'for-await' || site.kind === 'yield*') {
      const iteration = iterationAt(source.iterationsOf(f), siteId);
      const inner = this.#enteredBy(iteration);
      if (inner !== undefined && inner.site >= 0) return this.frameNode(inner);
      return this.#leaf(iteration?.iterable ?? v, 'async-iterable', site, awaiter);
    }
    if (site.kind === 'await-using') {
      const disposal = iterationAt(source.iterationsOf(f), siteId);
      const disposer = this.#enteredBy(disposal);
      // A frame a caller claimed is that caller's callee, entered first after a disposal whose disposer no instrumented code made.
      if (disposer !== undefined && !isClaimed(disposer) && this.isPending(disposer)) return this.frameNode(disposer);
      return this.#leaf(undefined, 'disposal', site, awaiter);
    }
    if (isFrameRecord(v)) return isDone(v) ? undefined : this.frameNode(v);
    if (isCombinatorCall(v)) return this.#combinator(v, v.promise);
    return this.#valueNode(v, site, awaiter);
  }

  /** The node for an awaited or returned value: its frame, a kept combinator, a group, or a leaf. */
  #valueNode(v: unknown, site: SiteInfo, awaiter: FrameNode): number {
    // Stryker disable next-line LogicalOperator: equivalent: a primitive is in no value index, no frame's kept promise, and no WeakMap of kept combinators or groups (WeakMap get answers undefined)
    if (typeof v === 'object' && v !== null) {
      // Values already seen first: a value shared by many awaiters is looked up once.
      const known = this.#valueIndex.get(v);
      if (known !== undefined) return known;
      const frame = this.#promiseFrame(v);
      if (frame !== undefined) return this.frameNode(frame);
      const kept = this.#source.keptCombinatorOf(v);
      if (kept !== undefined) return this.#combinator(kept, v);
      const group = this.#source.groupOf(v);
      if (group !== undefined) return this.#group(group, v, site);
    }
    const kind = awaitedKind(v);
    return this.#leaf(v, kind === 'async-iterable' ? 'value' : kind, site, awaiter);
  }

  /**
   * Every member is read and counted, however many; the first `MAX_LISTED_MEMBERS` are listed.
   * Members that are frames are linked whether listed or not: each already has a node (frames in
   * a combinator are registered), and unlinked it would be a root, a tree of its own.
   */
  #combinator(link: CombinatorCall, v: unknown): number {
    const known = this.#valueIndex.get(v);
    if (known !== undefined) return known;
    const site = this.#source.getSite(link.site);
    const members = readMembers(link.members);
    const states: Record<MemberState, number> = { pending: 0, fulfilled: 0, rejected: 0, value: 0, unknown: 0 };
    const node: CombinatorNode = {
      id: `c${++this.#counter}`,
      type: 'combinator',
      combinator: site?.combinator ?? 'all',
      members: [],
      pending: 0,
      total: members?.count ?? 0,
      states,
      membersKnown: members !== undefined,
      awaits: NO_LINKS,
      awaitedBy: NO_LINKS,
    };
    const index = this.#add(node, node.id);
    // Stryker disable next-line LogicalOperator: equivalent: v is the combinator's own result promise, always an object
    if (typeof v === 'object' && v !== null) this.#valueIndex.set(v, index);
    const linked = new SafeSet<number>();
    const count = members?.count ?? 0;
    for (let i = 0; i < count; i++) {
      const member = members!.at(i);
      const listed = i < MAX_LISTED_MEMBERS;
      const text = listed ? (site?.members?.[i] ?? '') : '';
      let state: MemberState;
      let to: number | undefined;
      const frame = this.#promiseFrame(member);
      if (frame !== undefined) {
        const pending = this.isPending(frame);
        state = pending ? 'pending' : isPromiseObject(member) ? promiseState(member) : 'unknown';
        if (pending) to = this.frameNode(frame);
      } else if (member === UNREADABLE) {
        state = 'unknown';
      } else if (isPromiseObject(member)) {
        state = promiseState(member);
        // A pending member that is itself a combinator's or a group's result (`Promise.race([Promise.all(…), timeout])`)
        // is that node, linked whether listed or not, like a frame: the frames behind it are awaited through it.
        if (state === 'pending') to = this.#innerNode(member, memberText(text, node.combinator, i)) ?? (listed ? this.#memberLeaf(member, 'promise', memberText(text, node.combinator, i), site) : undefined);
      } else if (awaitedKind(member) === 'thenable') {
        state = 'unknown';
        if (listed) to = this.#memberLeaf(member as object, 'thenable', memberText(text, node.combinator, i), site);
      } else {
        state = 'value';
      }
      states[state]++;
      if (to !== undefined && !linked.has(to)) {
        linked.add(to);
        this.#link(index, to);
      }
      if (listed) appendToArray(node.members, { index: i, text, state, node: to === undefined ? null : this.#ids[to]! } satisfies CombinatorMember);
    }
    node.pending = states.pending;
    return index;
  }

  /** The node of a combinator member that a recorded combinator or group call returned, if it is one. */
  #innerNode(member: object, text: string): number | undefined {
    const known = this.#valueIndex.get(member);
    if (known !== undefined && this.#nodes[known]!.type !== 'leaf') return known;
    const kept = this.#source.keptCombinatorOf(member);
    if (kept !== undefined) return this.#combinator(kept, member);
    const group = this.#source.groupOf(member);
    if (group !== undefined) return this.#group(group, member, text);
    return undefined;
  }

  #group(frames: readonly RuntimeFrame[], v: object, site: SiteInfo | string): number {
    const text = typeof site === 'string' ? site : operandText(site);
    const node: GroupNode = { id: `g${++this.#counter}`, type: 'group', text, calls: frames.length, awaits: NO_LINKS, awaitedBy: NO_LINKS };
    const index = this.#add(node, node.id);
    this.#valueIndex.set(v, index);
    for (let k = 0; k < frames.length; k++) if (this.isPending(frames[k]!)) this.#link(index, this.frameNode(frames[k]!));
    return index;
  }

  #leaf(v: unknown, valueKind: LeafNode['valueKind'], site: SiteInfo, awaiter: FrameNode): number {
    const shareable = typeof v === 'object' && v !== null;
    if (shareable) {
      const known = this.#valueIndex.get(v);
      if (known !== undefined) return known;
    }
    const leaf: LeafNode = {
      id: `l${++this.#counter}`,
      type: 'leaf',
      valueKind,
      text: operandText(site),
      location: awaiter.suspendedAt === null ? awaiter.location : { file: awaiter.suspendedAt.file, line: awaiter.suspendedAt.line, column: awaiter.suspendedAt.column },
      awaits: NO_LINKS,
      awaitedBy: NO_LINKS,
    };
    if (valueKind === 'promise') this.#noteCreation(leaf, shareable ? this.#source.promiseSiteOf(v as object) : undefined, site.created);
    const index = this.#add(leaf, leaf.id);
    if (shareable) this.#valueIndex.set(v, index);
    return index;
  }

  /** A promise leaf's `createdAt`: the `new Promise(…)` that made it, tagged at run time or named by the await's own site. */
  #noteCreation(leaf: LeafNode, tagged: number | undefined, operand: number | undefined): void {
    const id = tagged ?? operand;
    const site = id === undefined ? undefined : this.#source.getSite(id);
    if (site !== undefined) leaf.createdAt = this.#places.at(site);
  }

  #memberLeaf(v: object, valueKind: 'promise' | 'thenable', text: string, site: SiteInfo | undefined): number {
    const known = this.#valueIndex.get(v);
    if (known !== undefined) return known;
    const leaf: LeafNode = {
      id: `l${++this.#counter}`,
      type: 'leaf',
      valueKind,
      text,
      location: site === undefined ? UNKNOWN_LOCATION : this.#places.at(site),
      awaits: NO_LINKS,
      awaitedBy: NO_LINKS,
    };
    if (valueKind === 'promise') this.#noteCreation(leaf, this.#source.promiseSiteOf(v), undefined);
    const index = this.#add(leaf, leaf.id);
    this.#valueIndex.set(v, index);
    return index;
  }
}

/** Positions (ascending) of the first `count` promise fields that are array slots. */
/** The first of a frame's loop or disposal records at `siteId`, if any. */
function iterationAt(iterations: readonly IterationRecord[] | undefined, siteId: number): IterationRecord | undefined {
  if (iterations === undefined) return undefined;
  for (let k = 0; k < iterations.length; k++) if (iterations[k]!.site === siteId) return iterations[k];
  return undefined;
}

function slotPositionsOf(kept: readonly unknown[], count: number): Int32Array {
  const positions = new IntList();
  for (let k = 0; k < count; k++) if (isSlotField(kept[k])) positions.push(k);
  return positions.view();
}

/** The fields of a frame node that follow from its suspension site. */
type FrameSite = Pick<FrameNode, 'function' | 'kind' | 'location' | 'state' | 'suspendedAt'>;

/** Placeholder until `finish` gives each node its own arrays. */
// Stryker disable next-line ArrayDeclaration: equivalent: finish() gives every node its own lists before anything reads them
const NO_LINKS: string[] = [];

function idsOf(ids: List<string>, edges: Edges, i: number): string[] {
  const from = edges.start[i]!;
  const count = edges.start[i + 1]! - from;
  if (count === 0) return [];
  if (count === 1) return [ids[edges.to[from]!]!];
  // Stryker disable next-line ArrayDeclaration: equivalent: filled by index 0 to count - 1, the same array
  const list = newList<string>(count);
  for (let k = 0; k < count; k++) list[k] = ids[edges.to[from + k]!]!;
  return publish(list);
}

/** The awaited operand's text: `sleep(60_000)` for `await sleep(60_000)`. */
export function operandText(site: SiteInfo): string {
  const text = site.text;
  if (site.kind === 'await' && stringStartsWith(text, 'await')) return stringTrimStart(stringSlice(text, 5));
  if (site.kind === 'return' && stringStartsWith(text, 'return')) return stringTrimStart(stringSlice(text, 6));
  return text;
}

/** A member leaf's text: the member as written, or which member it is when the argument was not an array literal. */
function memberText(text: string, combinator: CombinatorNode['combinator'], i: number): string {
  return text === '' ? `Promise.${combinator} member [${i}]` : text;
}

/** A file URL as a path; anything else as it is. */
function asPath(file: string): string {
  // Stryker disable next-line StringLiteral: equivalent: every name then goes to fileURLToPath, which throws for any but file: URLs, and the catch returns those as given
  if (!stringStartsWith(file, 'file:')) return file;
  try {
    return fileURLToPath(file);
  } catch {
    return file;
  }
}
