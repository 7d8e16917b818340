/**
 * Runtime records → snapshot. Starts from the registered frames, follows what each pending
 * frame waits for (another frame, a combinator, a group, or a leaf), and finds await cycles.
 * Values the program awaited are only inspected through property descriptors and `util.inspect`
 * with custom inspection off, so no user code runs. Built for 100k frames: nodes are indexed by
 * position, looked up by object identity, and location records are shared per site.
 */

import { relative, sep } from 'node:path';
import { threadId } from 'node:worker_threads';
import { ArraySlot, CombinatorLink, DONE, Frame, KIND_RETURN, KIND_YIELD, UNCLAIMABLE } from '../runtime/frame.ts';
import type { RuntimeInternals } from '../runtime/runtime.ts';
import { RETURN_SITE_BASE, type SiteRecord } from '../runtime/sites.ts';
import { getOwnPropertyDescriptor, isArray, isSet, setElements } from '../runtime/intrinsics.ts';
import { isOwnInstance, isPromiseObject, isProxyObject, promiseState, valueKind } from '../runtime/values.ts';
import { findCycles } from './cycles.ts';
import { edgesFrom, type Edges } from './edges.ts';
import { seqOrder } from './seq-order.ts';
import {
  SNAPSHOT_SCHEMA,
  type CombinatorMember,
  type CombinatorNode,
  type FrameNode,
  type GroupNode,
  type LeafNode,
  type Snapshot,
  type SnapshotNode,
  type SourceLocation,
  type SuspensionPoint,
} from './schema.ts';

export interface SnapshotOptions {
  /** Keep at most this many frames (the oldest), counting the rest in `stats.omitted`. @default Infinity */
  maxFrames?: number;
  /** Base directory for relative file paths. @default process.cwd() */
  cwd?: string;
  /** Write file paths as recorded (absolute), not relative to `cwd`. @default false */
  absolutePaths?: boolean;
}

const MAX_MEMBERS = 1000;
/** Distinct values looked up by scanning the frames before a promise → frame map is built instead. */
const SCANNED_VALUES = 8;
/** How many frames after a loop began may precede the generator it iterates. */
const GENERATOR_SEARCH = 64;
const UNKNOWN_LOCATION: SourceLocation = Object.freeze({ file: '<unknown>', line: 0, column: 0 });

/** A snapshot, its edges by node position, and the runtime record behind each frame node. */
export interface Graph {
  snapshot: Snapshot;
  /** Each node's `awaits` and `awaitedBy`, in the same order, as positions in `snapshot.nodes`. */
  awaits: Edges;
  awaitedBy: Edges;
  /** The runtime record of the frame node with this seq. */
  frameOf(seq: number): Frame | undefined;
}

export function buildSnapshot(rt: RuntimeInternals, options: SnapshotOptions = {}): Snapshot {
  return build(rt, options).snapshot;
}

export function buildGraph(rt: RuntimeInternals, options: SnapshotOptions = {}): Graph {
  const { snapshot, builder, links } = build(rt, options);
  return { snapshot, awaits: links.awaits, awaitedBy: links.awaitedBy, frameOf: (seq) => builder.frameOf(seq) };
}

function build(rt: RuntimeInternals, options: SnapshotOptions): { snapshot: Snapshot; builder: Builder; links: { awaits: Edges; awaitedBy: Edges } } {
  const maxFrames = options.maxFrames ?? Infinity;
  if (!(maxFrames >= 0)) throw new TypeError(`maxFrames: expected a number >= 0, got ${String(options.maxFrames)}`);
  const discovered = discoverFrames(rt);
  const frames = discovered.frames;
  const builder = new Builder(rt, discovered, options.absolutePaths === true ? undefined : (options.cwd ?? process.cwd()), performance.now());
  let omitted = 0;
  for (let k = 0; k < frames.length; k++) {
    if (!builder.isPendingAt(k)) continue;
    if (builder.frameCount >= maxFrames) {
      omitted++;
      continue;
    }
    builder.frameNodeAt(k);
  }
  builder.resolveAll();
  const links = builder.finishLinks();
  const nodes = builder.nodes;
  const roots: string[] = [];
  for (const node of nodes) if (node.type === 'frame' && node.awaitedBy.length === 0) roots.push(node.id);
  const snapshot: Snapshot = {
    schema: SNAPSHOT_SCHEMA,
    capturedAt: Date.now(),
    pid: process.pid,
    threadId,
    nodes,
    roots,
    cycles: findCycles(nodes, links.awaits, links.awaitedBy),
    stats: { frames: builder.frameCount, collected: rt.counters.collected, evicted: rt.counters.evicted, omitted },
  };
  return { snapshot, builder, links };
}

/**
 * Registered frames, plus the frames they await (claimed frames are reachable only that way),
 * oldest first. No map: a claimed frame always entered after its awaiter (greater seq), so following
 * `value` links cannot loop, and a frame reached twice sorts next to itself and is kept once.
 * Each frame's fields are read here, once: at 100k frames every further pass over the records
 * themselves costs a cache miss per frame.
 */
function discoverFrames(rt: RuntimeInternals): Discovered {
  const found: Frame[] = [];
  rt.forEachRegistered((f) => {
    found.push(f);
  });
  // Found here once, the frame each frame awaits needs no lookup when the graph is linked.
  const awaited: number[] = [];
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    const next = f.value;
    if (isOwnInstance(next, Frame) && next.site !== DONE && next.seq > f.seq) {
      awaited.push(found.length);
      found.push(next);
    } else awaited.push(-1);
  }
  const count = found.length;
  const seqs = new Float64Array(count);
  for (let i = 0; i < count; i++) seqs[i] = found[i]!.seq;
  const order = seqOrder(seqs);
  const frames: Frame[] = [];
  const rank = new Int32Array(count);
  const state: FrameState = { seq: new Float64Array(count), site: new Int32Array(count), since: new Float64Array(count), value: [], awaitedAt: new Int32Array(count).fill(-1) };
  for (let k = 0; k < count; k++) {
    const i = order[k]!;
    const f = found[i]!;
    if (frames.length === 0 || frames[frames.length - 1] !== f) {
      const at = frames.length;
      frames.push(f);
      state.seq[at] = seqs[i]!;
      state.site[at] = f.site;
      state.since[at] = f.since;
      state.value.push(f.value);
    }
    rank[i] = frames.length - 1;
  }
  for (let i = 0; i < count; i++) if (awaited[i]! >= 0) state.awaitedAt[rank[i]!] = rank[awaited[i]!]!;
  return { frames, state };
}

interface Discovered {
  /** Oldest first, each once. */
  frames: Frame[];
  state: FrameState;
}

/** Fields of the discovered frames, by position in `frames` (arrays may be longer), as read once by discovery. */
interface FrameState {
  seq: Float64Array;
  site: Int32Array;
  since: Float64Array;
  value: unknown[];
  /** The position of the frame each one awaits (its `value`, a pending frame), or -1. */
  awaitedAt: Int32Array;
}

class Builder {
  readonly nodes: SnapshotNode[] = [];
  /** Link k goes from node `linkFrom[k]` to node `linkTo[k]`; `awaits`/`awaitedBy` are filled from these at the end, at their exact size. */
  readonly #linkFrom: number[] = [];
  readonly #linkTo: number[] = [];
  frameCount = 0;
  readonly #rt: RuntimeInternals;
  readonly #cwd: string | undefined;
  readonly #now: number;
  readonly #frames: readonly Frame[];
  readonly #state: FrameState;
  /** Node index of the frame at each position of `#frames`, -1 until it has one. */
  readonly #nodeAt: Int32Array;
  /** Node indices of frames not found by discovery (reached some other way). */
  readonly #otherFrames = new Map<Frame, number>();
  /** Frames that have a node, in node order. */
  readonly #framed: Frame[] = [];
  readonly #valueIndex = new Map<unknown, number>();
  #byPromise: Map<unknown, Frame> | undefined;
  /** Values looked up by scanning, before `#byPromise` is worth building. */
  readonly #scanned = new Map<unknown, Frame | undefined>();
  /** By site id (return sites, numbered from RETURN_SITE_BASE, in their own array), read once per frame. */
  readonly #locations: SourceLocation[] = [];
  readonly #suspensions: SuspensionPoint[] = [];
  readonly #returnSuspensions: SuspensionPoint[] = [];
  readonly #files = new Map<string, string>();
  readonly #pendingMemo = new Map<Frame, boolean>();
  /** The node index of each frame in `#framed`. */
  readonly #framedNodes: number[] = [];
  /** The position in `#frames` of each frame in `#framed`, -1 for frames found otherwise. */
  readonly #framedAt: number[] = [];
  #counter = 0;

  constructor(rt: RuntimeInternals, discovered: Discovered, cwd: string | undefined, now: number) {
    this.#rt = rt;
    this.#frames = discovered.frames;
    this.#state = discovered.state;
    this.#nodeAt = new Int32Array(discovered.frames.length).fill(-1);
    this.#cwd = cwd;
    this.#now = now;
  }

  #kind(f: Frame): number {
    return this.#rt.siteKindOf(f.site);
  }

  #functionOf(f: Frame): SiteRecord | undefined {
    return this.#rt.getSite(this.#rt.getSite(f.site)?.fn ?? -1);
  }

  /** `isPending` for the frame at position `k`, from the fields discovery read. */
  isPendingAt(k: number): boolean {
    const site = this.#state.site[k]!;
    if (site < 0) return false;
    const kind = this.#rt.siteKindOf(site);
    if (kind === KIND_YIELD) return false;
    if (kind !== KIND_RETURN) return true;
    return this.isPending(this.#frames[k]!);
  }

  /** Awaiting frames always; returning frames while what they returned is pending; yielded generators never. */
  isPending(f: Frame): boolean {
    if (f.site < 0) return false;
    const kind = this.#kind(f);
    if (kind === KIND_YIELD) return false;
    if (kind !== KIND_RETURN) return true;
    const memo = this.#pendingMemo.get(f);
    if (memo !== undefined) return memo;
    this.#pendingMemo.set(f, false);
    const pending = this.#valuePending(f.value);
    this.#pendingMemo.set(f, pending);
    return pending;
  }

  #valuePending(v: unknown): boolean {
    if (isOwnInstance(v, Frame)) return this.isPending(v);
    const frame = this.#promiseFrame(v);
    if (frame !== undefined) return this.isPending(frame);
    return isPromiseObject(v) && promiseState(v) === 'pending';
  }

  /**
   * The frame whose promise `v` is, if a caller kept it. The first few distinct values are found
   * by a scan (a pointer comparison per frame); a map of every frame's promise costs far more on a
   * large graph and is built only once many distinct values are asked about.
   */
  #promiseFrame(v: unknown): Frame | undefined {
    if (typeof v !== 'object' || v === null) return undefined;
    if (this.#byPromise !== undefined) return this.#byPromise.get(v);
    if (this.#scanned.has(v)) return this.#scanned.get(v);
    const frames = this.#frames;
    if (this.#scanned.size < SCANNED_VALUES) {
      let found: Frame | undefined;
      for (let k = 0; k < frames.length; k++) {
        const p = frames[k]!.promise;
        if (p === v || (isOwnInstance(p, ArraySlot) && promiseOf(frames[k]!) === v)) {
          found = frames[k];
          break;
        }
      }
      this.#scanned.set(v, found);
      return found;
    }
    const map = new Map<unknown, Frame>();
    for (const f of frames) {
      const p = promiseOf(f);
      if (p !== undefined && !map.has(p)) map.set(p, f);
    }
    this.#byPromise = map;
    return map.get(v);
  }

  /** A frame that has a node, by seq. */
  frameOf(seq: number): Frame | undefined {
    const f = this.#frameBySeq(seq);
    if (f !== undefined) return f;
    for (const other of this.#otherFrames.keys()) if (other.seq === seq) return other;
    return undefined;
  }

  #frameBySeq(seq: number): Frame | undefined {
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

  /**
   * The async generator a loop iterates: the first one entered after the loop began (calls made
   * while evaluating its iterable come before it; a generator's body is entered by the loop).
   */
  #generatorFrom(firstSeq: number): Frame | undefined {
    for (let seq = firstSeq; seq < firstSeq + GENERATOR_SEARCH; seq++) {
      const f = this.#frameBySeq(seq);
      if (f !== undefined && f.site >= 0 && this.#functionOf(f)?.kind === 'generator') return f;
    }
    return undefined;
  }

  #add(node: SnapshotNode): number {
    this.nodes.push(node);
    return this.nodes.length - 1;
  }

  #link(from: number, to: number): void {
    this.#linkFrom.push(from);
    this.#linkTo.push(to);
  }

  /** Fills every node's `awaits` and `awaitedBy` (in link order) and returns them by index. */
  finishLinks(): { awaits: Edges; awaitedBy: Edges } {
    const nodes = this.nodes;
    const outgoing = edgesFrom(nodes.length, this.#linkFrom, this.#linkTo);
    const incoming = edgesFrom(nodes.length, this.#linkTo, this.#linkFrom);
    for (let i = 0; i < nodes.length; i++) {
      nodes[i]!.awaits = idsOf(nodes, outgoing, i);
      nodes[i]!.awaitedBy = idsOf(nodes, incoming, i);
    }
    return { awaits: outgoing, awaitedBy: incoming };
  }

  /** The node of the frame at position `k` of the discovered frames, made on first use. */
  frameNodeAt(k: number): number {
    const known = this.#nodeAt[k]!;
    if (known >= 0) return known;
    const index = this.#newFrameNode(this.#frames[k]!, k);
    this.#nodeAt[k] = index;
    return index;
  }

  frameNode(f: Frame): number {
    const position = this.#positionOf(f.seq);
    if (position >= 0 && this.#frames[position] === f) return this.frameNodeAt(position);
    const known = this.#otherFrames.get(f);
    if (known !== undefined) return known;
    const index = this.#newFrameNode(f, -1);
    this.#otherFrames.set(f, index);
    return index;
  }

  #newFrameNode(f: Frame, position: number): number {
    const state = this.#state;
    const siteId = position < 0 ? f.site : state.site[position]!;
    const seq = position < 0 ? f.seq : state.seq[position]!;
    const since = position < 0 ? f.since : state.since[position]!;
    const site = siteId >= 0 ? this.#rt.getSite(siteId) : undefined;
    const fnId = site?.fn ?? -1;
    const fn = this.#rt.getSite(fnId);
    const kind = this.#rt.siteKindOf(siteId);
    const node: FrameNode = {
      id: `f${seq}`,
      type: 'frame',
      function: fn?.name ?? '<unknown>',
      kind: fn?.kind === 'generator' || fn?.kind === 'module' ? fn.kind : 'function',
      location: this.#location(fnId, fn),
      state: kind === KIND_RETURN ? 'returning' : kind === KIND_YIELD ? 'yielded' : 'awaiting',
      suspendedAt: site === undefined ? null : this.#suspension(siteId, site),
      pendingMs: this.#rt.elapsed(since, this.#now),
      seq,
      awaits: NO_LINKS,
      awaitedBy: NO_LINKS,
    };
    const index = this.#add(node);
    this.frameCount++;
    this.#framed.push(f);
    this.#framedNodes.push(index);
    this.#framedAt.push(position);
    return index;
  }

  resolveAll(): void {
    // Resolving can add frames (a yielded generator reached through a loop); keep going until done.
    for (let i = 0; i < this.#framed.length; i++) {
      const from = this.#framedNodes[i]!;
      const to = this.#targetOf(this.#framed[i]!, from, this.#framedAt[i]!);
      if (to !== undefined) this.#link(from, to);
    }
  }

  #targetOf(f: Frame, from: number, position: number): number | undefined {
    const siteId = position < 0 ? f.site : this.#state.site[position]!;
    const v = position < 0 ? f.value : this.#state.value[position];
    // A pending frame it awaits, found by discovery.
    const awaited = position < 0 ? -1 : this.#state.awaitedAt[position]!;
    if (awaited >= 0 && siteId >= 0 && this.#rt.siteKindOf(siteId) !== KIND_YIELD) return this.frameNodeAt(awaited);
    if (siteId < 0 || (this.#rt.siteKindOf(siteId) === KIND_YIELD && !this.#valuePending(v))) return undefined;
    const site = this.#rt.getSite(siteId);
    if (site === undefined) return undefined;
    const awaiter = this.nodes[from] as FrameNode;
    if (site.kind === 'for-await' || site.kind === 'yield*') {
      const iteration = this.#rt.iterationsOf(f)?.find((l) => l.site === siteId);
      const inner = iteration === undefined ? undefined : this.#generatorFrom(iteration.firstSeq);
      if (inner !== undefined) return this.frameNode(inner);
      return this.#leaf(iteration?.iterable ?? v, 'async-iterable', site, awaiter);
    }
    if (site.kind === 'await-using') {
      const disposal = this.#rt.iterationsOf(f)?.find((l) => l.site === siteId);
      const disposer = disposal === undefined ? undefined : this.#frameBySeq(disposal.firstSeq);
      if (disposer !== undefined && this.isPending(disposer)) return this.frameNode(disposer);
      return this.#leaf(undefined, 'disposal', site, awaiter);
    }
    if (isOwnInstance(v, Frame)) return v.site === DONE ? undefined : this.frameNode(v);
    if (isOwnInstance(v, CombinatorLink)) return this.#combinator(v, v.promise);
    return this.#valueNode(v, site, awaiter);
  }

  /** The node for an awaited or returned value: its frame, a kept combinator, a group, or a leaf. */
  #valueNode(v: unknown, site: SiteRecord, awaiter: FrameNode): number {
    if (typeof v === 'object' && v !== null) {
      // Values already seen first: a value shared by many awaiters is looked up once.
      const known = this.#valueIndex.get(v);
      if (known !== undefined) return known;
      const frame = this.#promiseFrame(v);
      if (frame !== undefined) return this.frameNode(frame);
      const kept = this.#rt.keptCombinatorOf(v);
      if (kept !== undefined) return this.#combinator(kept, v);
      const group = this.#rt.groupOf(v);
      if (group !== undefined) return this.#group(group, v, site);
    }
    const kind = valueKind(v);
    return this.#leaf(v, kind === 'async-iterable' ? 'value' : kind, site, awaiter);
  }

  #combinator(link: CombinatorLink, v: unknown): number {
    const known = this.#valueIndex.get(v);
    if (known !== undefined) return known;
    const site = this.#rt.getSite(link.site);
    const elements = membersOf(link.members);
    const node: CombinatorNode = {
      id: `c${++this.#counter}`,
      type: 'combinator',
      combinator: site?.combinator ?? 'all',
      members: [],
      pending: 0,
      total: !isProxyObject(link.members) && isArray(link.members) ? link.members.length : (elements?.length ?? 0),
      membersKnown: elements !== undefined,
      awaits: NO_LINKS,
      awaitedBy: NO_LINKS,
    };
    const index = this.#add(node);
    if (typeof v === 'object' && v !== null) this.#valueIndex.set(v, index);
    (elements ?? []).forEach((member, i) => {
      const entry: CombinatorMember = { index: i, text: site?.members?.[i] ?? '', state: 'unknown', node: null };
      const frame = this.#promiseFrame(member);
      let to: number | undefined;
      if (frame !== undefined) {
        const pending = this.isPending(frame);
        entry.state = pending ? 'pending' : isPromiseObject(member) ? promiseState(member) : 'unknown';
        if (pending) to = this.frameNode(frame);
      } else if (isPromiseObject(member)) {
        entry.state = promiseState(member);
        if (entry.state === 'pending') to = this.#memberLeaf(member, entry.text === '' ? `Promise.${node.combinator} member [${i}]` : entry.text, site);
      } else if (typeof member !== 'object' || member === null || valueKind(member) === 'value') {
        entry.state = 'value';
      }
      if (to !== undefined) {
        entry.node = this.nodes[to]!.id;
        this.#link(index, to);
      }
      if (entry.state === 'pending') node.pending++;
      node.members.push(entry);
    });
    return index;
  }

  #group(frames: readonly Frame[], v: object, site: SiteRecord): number {
    const node: GroupNode = { id: `g${++this.#counter}`, type: 'group', text: operandText(site), awaits: NO_LINKS, awaitedBy: NO_LINKS };
    const index = this.#add(node);
    this.#valueIndex.set(v, index);
    for (const f of frames) if (f.site >= 0) this.#link(index, this.frameNode(f));
    return index;
  }

  #leaf(v: unknown, valueKind: LeafNode['valueKind'], site: SiteRecord, awaiter: FrameNode): number {
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
      location: awaiter.suspendedAt === null ? awaiter.location : pick(awaiter.suspendedAt),
      awaits: NO_LINKS,
      awaitedBy: NO_LINKS,
    };
    const index = this.#add(leaf);
    if (shareable) this.#valueIndex.set(v, index);
    return index;
  }

  #memberLeaf(v: object, text: string, site: SiteRecord | undefined): number {
    const known = this.#valueIndex.get(v);
    if (known !== undefined) return known;
    const leaf: LeafNode = {
      id: `l${++this.#counter}`,
      type: 'leaf',
      valueKind: 'promise',
      text,
      location: site === undefined ? UNKNOWN_LOCATION : { file: this.#file(site.file), line: site.line, column: site.column },
      awaits: NO_LINKS,
      awaitedBy: NO_LINKS,
    };
    const index = this.#add(leaf);
    this.#valueIndex.set(v, index);
    return index;
  }

  /** One location object per function site, shared by its frames. */
  #location(id: number, site: SiteRecord | undefined): SourceLocation {
    let loc = this.#locations[id + 1];
    if (loc === undefined) {
      loc = site === undefined ? UNKNOWN_LOCATION : { file: this.#file(site.file), line: site.line, column: site.column };
      this.#locations[id + 1] = loc;
    }
    return loc;
  }

  /** One suspension point object per site, shared by the frames suspended there. */
  #suspension(id: number, site: SiteRecord): SuspensionPoint {
    const table = id >= RETURN_SITE_BASE ? this.#returnSuspensions : this.#suspensions;
    const slot = id >= RETURN_SITE_BASE ? id - RETURN_SITE_BASE : id;
    let point = table[slot];
    if (point === undefined) {
      point = { file: this.#file(site.file), line: site.line, column: site.column, kind: site.kind === 'combinator' ? 'await' : (site.kind as SuspensionPoint['kind']), text: site.text };
      table[slot] = point;
    }
    return point;
  }

  #file(file: string): string {
    if (this.#cwd === undefined) return file;
    let shown = this.#files.get(file);
    if (shown === undefined) {
      const rel = relative(this.#cwd, file);
      shown = rel === '' || rel.startsWith('..') || rel.startsWith(sep) ? file : rel.split(sep).join('/');
      this.#files.set(file, shown);
    }
    return shown;
  }
}

/** The promise a caller kept of a frame (for an array of call results, its element), if any. */
function promiseOf(f: Frame): unknown {
  const p = f.promise;
  if (p === undefined || p === UNCLAIMABLE) return undefined;
  if (isOwnInstance(p, ArraySlot)) {
    const element = elementOf(p.array, p.index);
    return typeof element === 'object' && element !== null ? element : undefined;
  }
  return p;
}

/** Placeholder until `finishLinks` gives each node its own arrays. */
const NO_LINKS: string[] = [];

function idsOf(nodes: readonly SnapshotNode[], edges: Edges, i: number): string[] {
  const from = edges.start[i]!;
  const count = edges.start[i + 1]! - from;
  if (count === 0) return [];
  if (count === 1) return [nodes[edges.to[from]!]!.id];
  const ids = new Array<string>(count);
  for (let k = 0; k < count; k++) ids[k] = nodes[edges.to[from + k]!]!.id;
  return ids;
}

function pick(point: SuspensionPoint): SourceLocation {
  return { file: point.file, line: point.line, column: point.column };
}

/** The awaited operand's text: `sleep(60_000)` for `await sleep(60_000)`. */
function operandText(site: SiteRecord): string {
  const text = site.text;
  if (site.kind === 'await' && text.startsWith('await')) return text.slice(5).trimStart();
  if (site.kind === 'return' && text.startsWith('return')) return text.slice(6).trimStart();
  return text;
}

/** An array element read through its descriptor (no getter runs); undefined for holes and accessors. */
function elementOf(array: unknown[], index: number): unknown {
  if (isProxyObject(array)) return undefined;
  const d = getOwnPropertyDescriptor(array, index);
  return d !== undefined && 'value' in d ? d.value : undefined;
}

/** A combinator argument's elements when they can be read without running user code. */
function membersOf(members: unknown): unknown[] | undefined {
  if (typeof members !== 'object' || members === null || isProxyObject(members)) return undefined;
  if (isArray(members)) {
    const out: unknown[] = [];
    const length = Math.min(members.length, MAX_MEMBERS);
    for (let i = 0; i < length; i++) out.push(elementOf(members, i));
    return out;
  }
  if (isSet(members)) return setElements(members, MAX_MEMBERS);
  return undefined;
}
