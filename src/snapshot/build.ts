/**
 * Runtime records → snapshot. Reads the registry once, maps each claimed promise back to its
 * frame, and resolves what every pending frame waits for into a node: another frame, a
 * combinator, a group, or a leaf. Values the program awaited are only ever inspected through
 * property descriptors and `util.inspect` with custom inspection off, so no user code runs.
 */

import { relative, sep } from 'node:path';
import { threadId } from 'node:worker_threads';
import { ArraySlot, CombinatorLink, DONE, Frame, KIND_RETURN, KIND_YIELD, UNCLAIMABLE } from '../runtime/frame.ts';
import type { RuntimeInternals } from '../runtime/runtime.ts';
import type { SiteRecord } from '../runtime/sites.ts';
import { isPromiseObject, isProxyObject, promiseState, valueKind } from '../runtime/values.ts';
import { findCycles } from './cycles.ts';
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
}

const MAX_MEMBERS = 1000;

export function buildSnapshot(rt: RuntimeInternals, options: SnapshotOptions = {}): Snapshot {
  const maxFrames = options.maxFrames ?? Infinity;
  if (!(maxFrames >= 0)) throw new TypeError(`maxFrames: expected a number >= 0, got ${String(options.maxFrames)}`);
  const now = performance.now();
  const builder = new Builder(rt, options.cwd ?? process.cwd(), now);
  const frames = discoverFrames(rt);
  builder.index(frames);

  let omitted = 0;
  for (const f of frames) {
    if (!builder.isPending(f)) continue;
    if (builder.frameCount >= maxFrames) {
      omitted++;
      continue;
    }
    builder.frameNode(f);
  }
  builder.resolveAll();
  const nodes = builder.nodes;
  const roots: string[] = [];
  for (const node of nodes) if (node.type === 'frame' && node.awaitedBy.length === 0) roots.push(node.id);
  return {
    schema: SNAPSHOT_SCHEMA,
    capturedAt: Date.now(),
    pid: process.pid,
    threadId,
    nodes,
    roots,
    cycles: findCycles(nodes),
    stats: {
      frames: builder.frameCount,
      collected: rt.counters.collected,
      evicted: rt.counters.evicted,
      omitted,
    },
  };
}

/** Registered frames, plus the frames they await (claimed frames are reachable only that way), oldest first. */
function discoverFrames(rt: RuntimeInternals): Frame[] {
  const seen = new Set<Frame>();
  const queue: Frame[] = [];
  rt.forEachRegistered((f) => {
    if (!seen.has(f)) {
      seen.add(f);
      queue.push(f);
    }
  });
  for (let i = 0; i < queue.length; i++) {
    const next = queue[i]!.value;
    if (next instanceof Frame && !seen.has(next) && next.site !== DONE) {
      seen.add(next);
      queue.push(next);
    }
  }
  return queue.sort((a, b) => a.seq - b.seq);
}

class Builder {
  readonly nodes: SnapshotNode[] = [];
  readonly #byNodeId = new Map<string, SnapshotNode>();
  frameCount = 0;
  readonly #rt: RuntimeInternals;
  readonly #cwd: string;
  readonly #now: number;
  readonly #byPromise = new Map<unknown, Frame>();
  readonly #bySeq = new Map<number, Frame>();
  readonly #frameNodes = new Map<Frame, FrameNode>();
  readonly #leaves = new Map<unknown, LeafNode>();
  readonly #valueNodes = new Map<unknown, SnapshotNode>();
  readonly #locations = new Map<number, SourceLocation>();
  readonly #pendingMemo = new Map<Frame, boolean>();
  /** Frames added as nodes whose targets are not resolved yet. */
  readonly #unresolved: Frame[] = [];
  #counter = 0;

  constructor(rt: RuntimeInternals, cwd: string, now: number) {
    this.#rt = rt;
    this.#cwd = cwd;
    this.#now = now;
  }

  index(frames: readonly Frame[]): void {
    for (const f of frames) {
      this.#bySeq.set(f.seq, f);
      const p = f.promise;
      if (p === undefined || p === UNCLAIMABLE) continue;
      if (p instanceof ArraySlot) {
        const element = elementOf(p.array, p.index);
        if (typeof element === 'object' && element !== null) this.#byPromise.set(element, f);
      } else if (typeof p === 'object' && p !== null) this.#byPromise.set(p, f);
    }
  }

  #functionOf(f: Frame): SiteRecord | undefined {
    return this.#rt.getSite(this.#rt.getSite(f.site)?.fn ?? -1);
  }

  #kind(f: Frame): number {
    return this.#rt.siteKindOf(f.site);
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
    if (v instanceof Frame) return this.isPending(v);
    const frame = typeof v === 'object' && v !== null ? this.#byPromise.get(v) : undefined;
    if (frame !== undefined) return this.isPending(frame);
    return isPromiseObject(v) && promiseState(v) === 'pending';
  }

  frameNode(f: Frame): FrameNode {
    const existing = this.#frameNodes.get(f);
    if (existing !== undefined) return existing;
    const site = f.site >= 0 ? this.#rt.getSite(f.site) : undefined;
    const fnId = site?.fn ?? -1;
    const fn = this.#rt.getSite(fnId);
    const node: FrameNode = {
      id: `f${f.seq}`,
      type: 'frame',
      function: fn?.name ?? '<unknown>',
      kind: fn?.kind === 'generator' || fn?.kind === 'module' ? fn.kind : 'function',
      location: this.#location(fnId, fn),
      state: this.#kind(f) === KIND_RETURN ? 'returning' : this.#kind(f) === KIND_YIELD ? 'yielded' : 'awaiting',
      suspendedAt: site === undefined ? null : this.#suspension(f.site, site),
      pendingMs: Math.max(0, Math.round(this.#now - f.since)),
      seq: f.seq,
      awaits: [],
      awaitedBy: [],
    };
    this.#frameNodes.set(f, node);
    this.#add(node);
    this.frameCount++;
    this.#unresolved.push(f);
    return node;
  }

  resolveAll(): void {
    // Resolving can add frames (a yielded generator reached through a loop); keep going until done.
    for (let i = 0; i < this.#unresolved.length; i++) {
      const f = this.#unresolved[i]!;
      const node = this.#frameNodes.get(f)!;
      const target = this.#targetOf(f, node);
      if (target !== undefined) link(node, target);
    }
  }

  #targetOf(f: Frame, node: FrameNode): SnapshotNode | undefined {
    if (f.site < 0 || (this.#kind(f) === KIND_YIELD && !this.#valuePending(f.value))) return undefined;
    const site = f.site >= 0 ? this.#rt.getSite(f.site) : undefined;
    if (site === undefined) return undefined;
    if (site.kind === 'for-await' || site.kind === 'yield*') {
      const iteration = this.#rt.iterationsOf(f)?.find((l) => l.site === f.site);
      const inner = iteration === undefined ? undefined : this.#bySeq.get(iteration.firstSeq);
      if (inner !== undefined && inner.site >= 0 && this.#functionOf(inner)?.kind === 'generator') return this.frameNode(inner);
      return this.#leaf(iteration?.iterable ?? f.value, 'async-iterable', site, node);
    }
    if (site.kind === 'await-using') {
      const disposal = this.#rt.iterationsOf(f)?.find((l) => l.site === f.site);
      const disposer = disposal === undefined ? undefined : this.#bySeq.get(disposal.firstSeq);
      if (disposer !== undefined && this.isPending(disposer)) return this.frameNode(disposer);
      return this.#leaf(undefined, 'disposal', site, node);
    }
    const v = f.value;
    if (v instanceof Frame) return v.site === DONE ? undefined : this.frameNode(v);
    if (v instanceof CombinatorLink) return this.#combinator(v, v.promise);
    return this.#valueNode(v, site, node);
  }

  /** The node for an awaited or returned value: its frame, a kept combinator, a group, or a leaf. */
  #valueNode(v: unknown, site: SiteRecord, awaiter: FrameNode): SnapshotNode {
    if (typeof v === 'object' && v !== null) {
      const frame = this.#byPromise.get(v);
      if (frame !== undefined) return this.frameNode(frame);
      const known = this.#valueNodes.get(v);
      if (known !== undefined) return known;
      const kept = this.#rt.keptCombinatorOf(v);
      if (kept !== undefined) return this.#combinator(kept, v);
      const group = this.#rt.groupOf(v);
      if (group !== undefined) return this.#group(group, v, site);
    }
    const kind = valueKind(v);
    return this.#leaf(v, kind === 'async-iterable' ? 'value' : kind, site, awaiter);
  }

  #combinator(link: CombinatorLink, v: unknown): CombinatorNode {
    const known = this.#valueNodes.get(v);
    if (known !== undefined) return known as CombinatorNode;
    const site = this.#rt.getSite(link.site);
    const elements = membersOf(link.members);
    const node: CombinatorNode = {
      id: `c${++this.#counter}`,
      type: 'combinator',
      combinator: site?.combinator ?? 'all',
      members: [],
      pending: 0,
      total: Array.isArray(link.members) && !isProxyObject(link.members) ? link.members.length : (elements?.length ?? 0),
      membersKnown: elements !== undefined,
      awaits: [],
      awaitedBy: [],
    };
    if (typeof v === 'object' && v !== null) this.#valueNodes.set(v, node);
    this.#add(node);
    (elements ?? []).forEach((member, index) => {
      const entry: CombinatorMember = { index, text: site?.members?.[index] ?? '', state: 'unknown', node: null };
      const frame = typeof member === 'object' && member !== null ? this.#byPromise.get(member) : undefined;
      if (frame !== undefined) {
        const pending = this.isPending(frame);
        entry.state = pending ? 'pending' : isPromiseObject(member) ? promiseState(member) : 'unknown';
        if (pending) entry.node = this.frameNode(frame).id;
      } else if (isPromiseObject(member)) {
        entry.state = promiseState(member);
        if (entry.state === 'pending') {
          entry.node = this.#memberLeaf(member, entry.text === '' ? `Promise.${node.combinator} member [${index}]` : entry.text, site).id;
        }
      } else if (typeof member !== 'object' || member === null || valueKind(member) === 'value') {
        entry.state = 'value';
      }
      if (entry.state === 'pending') node.pending++;
      node.members.push(entry);
      if (entry.node !== null) node.awaits.push(entry.node);
    });
    for (const id of node.awaits) this.#byNodeId.get(id)?.awaitedBy.push(node.id);
    return node;
  }

  #group(frames: readonly Frame[], v: object, site: SiteRecord): GroupNode {
    const node: GroupNode = { id: `g${++this.#counter}`, type: 'group', text: operandText(site), awaits: [], awaitedBy: [] };
    this.#valueNodes.set(v, node);
    this.#add(node);
    for (const f of frames) {
      if (f.site < 0) continue;
      link(node, this.frameNode(f));
    }
    return node;
  }

  #leaf(v: unknown, valueKind: LeafNode['valueKind'], site: SiteRecord, awaiter: FrameNode): LeafNode {
    const shareable = typeof v === 'object' && v !== null;
    if (shareable) {
      const known = this.#leaves.get(v);
      if (known !== undefined) return known;
    }
    const leaf: LeafNode = {
      id: `l${++this.#counter}`,
      type: 'leaf',
      valueKind,
      text: operandText(site),
      location: awaiter.suspendedAt === null ? awaiter.location : pick(awaiter.suspendedAt),
      awaits: [],
      awaitedBy: [],
    };
    if (shareable) {
      this.#leaves.set(v, leaf);
      this.#valueNodes.set(v, leaf);
    }
    this.#add(leaf);
    return leaf;
  }

  #memberLeaf(v: object, text: string, site: SiteRecord | undefined): LeafNode {
    const known = this.#leaves.get(v);
    if (known !== undefined) return known;
    const leaf: LeafNode = {
      id: `l${++this.#counter}`,
      type: 'leaf',
      valueKind: 'promise',
      text,
      location: site === undefined ? { file: '<unknown>', line: 0, column: 0 } : { file: this.#file(site.file), line: site.line, column: site.column },
      awaits: [],
      awaitedBy: [],
    };
    this.#leaves.set(v, leaf);
    this.#add(leaf);
    return leaf;
  }

  #add(node: SnapshotNode): void {
    this.nodes.push(node);
    this.#byNodeId.set(node.id, node);
  }

  #location(id: number, site: SiteRecord | undefined): SourceLocation {
    let loc = this.#locations.get(id);
    if (loc === undefined) {
      loc = site === undefined ? { file: '<unknown>', line: 0, column: 0 } : { file: this.#file(site.file), line: site.line, column: site.column };
      this.#locations.set(id, loc);
    }
    return { ...loc };
  }

  #suspension(id: number, site: SiteRecord): SuspensionPoint {
    const loc = this.#location(id, site);
    return { ...loc, kind: site.kind === 'combinator' ? 'await' : (site.kind as SuspensionPoint['kind']), text: site.text };
  }

  #file(file: string): string {
    const rel = relative(this.#cwd, file);
    if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return file;
    return rel.split(sep).join('/');
  }
}

function link(from: SnapshotNode, to: SnapshotNode): void {
  if (!from.awaits.includes(to.id)) from.awaits.push(to.id);
  if (!to.awaitedBy.includes(from.id)) to.awaitedBy.push(from.id);
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
  const d = Object.getOwnPropertyDescriptor(array, index);
  return d !== undefined && 'value' in d ? d.value : undefined;
}

/** A combinator argument's elements when they can be read without running user code. */
function membersOf(members: unknown): unknown[] | undefined {
  if (typeof members !== 'object' || members === null || isProxyObject(members)) return undefined;
  if (Array.isArray(members)) {
    const out: unknown[] = [];
    const length = Math.min(members.length, MAX_MEMBERS);
    for (let i = 0; i < length; i++) out.push(elementOf(members, i));
    return out;
  }
  if (members instanceof Set) return [...Set.prototype.values.call(members)].slice(0, MAX_MEMBERS);
  return undefined;
}
