/**
 * The fast-mode snapshot, from the walks V8's async stack walker gave (walker.ts): each walk is a
 * chain, awaitee first, of async functions (with their resume positions) and combinator steps
 * (with member indexes). Read root first, the walks form a tree: a frame is identified by the
 * path from its root — the same function at the same place under the same awaiters is one node.
 *
 * What a walk cannot tell, and so what this mode cannot show: two calls suspended at the same
 * place under the same awaiters are one node; an async function that already returned a promise
 * (`return other()`) is skipped (its awaiter is shown awaiting `other` directly); awaiters of a
 * promise awaited by several functions are not reached (their chain is cut there); how long
 * anything has been pending; combinator members that settled (their state is `unknown`).
 */

import { operandText } from '../snapshot/build.ts';
import { SNAPSHOT_SCHEMA, type CombinatorMember, type CombinatorNode, type FrameNode, type GroupNode, type LeafNode, type MemberStates, type Snapshot, type SnapshotNode, type SourceLocation } from '../snapshot/schema.ts';
import type { SiteRecord } from '../runtime/sites.ts';
import { SiteTables } from './sites.ts';
import type { WalkEntry } from './walker.ts';

export interface GraphInput {
  /** `cut`: the walk stopped at its limit (a cycle, or a chain deeper than the limit). */
  walks: ReadonlyArray<{ entries: WalkEntry[]; count: number; cut: boolean; first?: number }>;
  sites: SiteTables;
  /** The target's working directory: files inside it are shown relative to it, as in-process. */
  cwd: string | undefined;
  pid: number;
  capturedAt: number;
  limits: string[];
  /** Filled, when given, with each promise leaf and the first promise whose walk ended there (the `first` of that walk): the promise the leaf stands for. */
  leafPromises?: Map<LeafNode, number>;
}

export type FrameEntry = Extract<WalkEntry, ['f', ...unknown[]]>;

interface TrieNode {
  key: string;
  entry: WalkEntry | undefined;
  children: Map<string, TrieNode>;
  /** Walks that started here: promises this step awaits that no further walk explains. */
  ends: number;
  /** The `first` promise of the first walk that started here. */
  endFirst?: number;
  node?: SnapshotNode;
}

export function buildAttachSnapshot(input: GraphInput): Snapshot {
  const root: TrieNode = { key: '', entry: undefined, children: new Map(), ends: 0 };
  const cycles: FrameEntry[][] = [];
  const cycleKeys = new Set<string>();
  // A chain's root-most step ends some walk that was not cut; no step of a cycle ever does.
  const tops = new Set<string>();
  const shown = input.walks.map((walk) => walk.entries.filter((e) => e[0] === 'c' || SiteTables.pathOf(e[3] ?? '') !== undefined));
  input.walks.forEach((walk, i) => {
    if (!walk.cut && shown[i]!.length > 0) tops.add(entryKey(shown[i]!.at(-1)!));
  });
  // A deep chain's walks from successive promises are the same chain shifted by one call: keep
  // the innermost (whose first call awaits what none of the others shows).
  const cycleOfWalk = input.walks.map((walk, i) => {
    const cycle = walk.cut ? cycleOf(shown[i]!) : undefined;
    return cycle !== undefined && !cycle.some((e) => tops.has(entryKey(e))) ? cycle : undefined;
  });
  const shiftedKeys = new Set<string>();
  input.walks.forEach((walk, i) => {
    if (walk.cut && cycleOfWalk[i] === undefined) shiftedKeys.add(shown[i]!.slice(1).map(entryKey).join('\n'));
  });
  let deep = false;
  for (const [i, walk] of input.walks.entries()) {
    const entries = shown[i]!;
    const cycle = cycleOfWalk[i];
    if (walk.cut && cycle === undefined) {
      deep = true;
      if (entries.length > 1 && shiftedKeys.has(entries.slice(0, -1).map(entryKey).join('\n'))) continue;
    } else if (cycle !== undefined) {
      const key = rotationKey(cycle);
      if (!cycleKeys.has(key)) {
        cycleKeys.add(key);
        cycles.push(cycle);
      }
      continue;
    }
    let at = root;
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!;
      const key = entryKey(entry);
      let next = at.children.get(key);
      if (next === undefined) {
        next = { key, entry, children: new Map(), ends: 0 };
        at.children.set(key, next);
      }
      at = next;
    }
    if (at !== root) {
      at.ends += walk.count;
      at.endFirst ??= walk.first;
    }
  }

  const builder = new Builder(input);
  const roots: string[] = [];
  for (const child of root.children.values()) {
    if (child.entry?.[0] !== 'f') continue; // A combinator step with no awaiter seen: nothing to hang it on.
    roots.push(builder.frameTree(child).id);
  }
  const cycleIds = cycles.map((cycle) => builder.cycle(cycle));
  const frames = builder.nodes.filter((n) => n.type === 'frame');
  const others = builder.nodes.filter((n) => n.type !== 'frame');
  return {
    schema: SNAPSHOT_SCHEMA,
    capturedAt: input.capturedAt,
    pid: input.pid,
    threadId: 0,
    nodes: [...frames, ...others],
    roots,
    cycles: cycleIds,
    stats: { frames: frames.length, collected: 0, evicted: 0, omitted: 0 },
    source: { via: 'attach', mode: 'fast', limits: deep ? [...input.limits, 'the outer part of chains deeper than 2000 async calls (their innermost 2000 calls are shown)'] : input.limits },
  };
}

class Builder {
  readonly nodes: SnapshotNode[] = [];
  readonly #input: GraphInput;
  #seq = 0;
  #leaves = 0;
  #combinators = 0;
  #groups = 0;

  constructor(input: GraphInput) {
    this.#input = input;
  }

  /** The frame of trie node `t` and everything under it; returns the frame. */
  frameTree(t: TrieNode): FrameNode {
    const frame = this.#frame(t.entry as FrameEntry);
    const site = this.#suspension(t.entry as FrameEntry);
    const frameChildren: FrameNode[] = [];
    const byCombinator = new Map<string, TrieNode[]>();
    for (const child of t.children.values()) {
      if (child.entry![0] === 'f') frameChildren.push(this.frameTree(child));
      else {
        const name = child.entry![1];
        const list = byCombinator.get(name) ?? [];
        list.push(child);
        byCombinator.set(name, list);
      }
    }
    const targets: SnapshotNode[] = [...frameChildren];
    for (const [name, members] of byCombinator) targets.push(this.#combinator(name, members, site, frame));
    const race = frameChildren.length > 0 && byCombinator.size === 0 ? this.#race(frameChildren, site) : undefined;
    if (race !== undefined) link(frame, race);
    else if (targets.length === 1) link(frame, targets[0]!);
    else if (targets.length > 1) {
      // Several frames (or combinators) settle the one promise this frame awaits: a
      // `Promise.race`, or a promise chained on several; the walk cannot say which.
      const group: GroupNode = { id: `g${++this.#groups}`, type: 'group', text: site === undefined ? '' : operandText(site), calls: targets.length, awaits: [], awaitedBy: [] };
      this.nodes.push(group);
      for (const target of targets) link(group, target);
      link(frame, group);
    } else if (t.ends > 0 && site !== undefined) {
      const leaf = this.#leaf(operandText(site), frame);
      if (t.endFirst !== undefined) this.#input.leafPromises?.set(leaf, t.endFirst);
      link(frame, leaf);
    }
    return frame;
  }

  /** Frames of a deadlock (awaitee first, as walked): each awaits the one before it, the first the last. */
  cycle(cycle: FrameEntry[]): string[] {
    const frames = cycle.map((e) => this.#frame(e));
    for (let i = 0; i < frames.length; i++) link(frames[i]!, frames[(i + frames.length - 1) % frames.length]!);
    // Await order (each awaiting the next), starting — creation order being unknown — with the
    // frame defined first in the source, so that every attach lists a cycle the same way.
    const order = frames.reverse();
    const where = (f: FrameNode): string => `${f.location.file}\0${String(f.location.line).padStart(9, '0')}\0${String(f.location.column).padStart(9, '0')}`;
    let first = 0;
    for (let i = 1; i < order.length; i++) if (where(order[i]!) < where(order[first]!)) first = i;
    return [...order.slice(first), ...order.slice(0, first)].map((f) => f.id);
  }

  #frame(entry: FrameEntry): FrameNode {
    const node = frameNode(entry, this.#input.sites, this.#input.cwd, ++this.#seq);
    this.nodes.push(node);
    return node;
  }

  #suspension(entry: FrameEntry): SiteRecord | undefined {
    return suspensionSite(entry, this.#input.sites);
  }

  #combinator(name: string, members: TrieNode[], site: SiteRecord | undefined, awaiter: FrameNode): CombinatorNode {
    const kind = (/^Promise\.(all|allSettled|any)$/.exec(name)?.[1] ?? 'all') as CombinatorNode['combinator'];
    const texts = site?.combinator === kind ? site.members : undefined;
    const seen = new Map<number, TrieNode>();
    for (const m of members) seen.set(m.entry![2] as number, m);
    const total = texts?.length ?? 0;
    const node: CombinatorNode = {
      id: `c${++this.#combinators}`,
      type: 'combinator',
      combinator: kind,
      members: [],
      pending: seen.size,
      total: Math.max(total, seen.size),
      states: { pending: 0, fulfilled: 0, rejected: 0, value: 0, unknown: 0 },
      membersKnown: texts !== undefined,
      awaits: [],
      awaitedBy: [],
    };
    this.nodes.push(node);
    const count = Math.max(total, ...[...seen.keys()].map((i) => i + 1));
    for (let i = 0; i < count; i++) {
      const t = seen.get(i);
      const text = texts?.[i] ?? '';
      let member: CombinatorMember;
      if (t === undefined) member = { index: i, text, state: 'unknown', node: null };
      else {
        const frameChild = [...t.children.values()].find((c) => c.entry![0] === 'f');
        let target: SnapshotNode;
        if (frameChild !== undefined) target = this.frameTree(frameChild);
        else {
          const leaf = this.#leaf(text === '' ? `Promise.${kind} member [${i}]` : text, awaiter);
          // The member promise itself: the walk that gave this step started at it.
          if (t.endFirst !== undefined) this.#input.leafPromises?.set(leaf, t.endFirst);
          target = leaf;
        }
        link(node, target);
        member = { index: i, text, state: 'pending', node: target.id };
      }
      node.members.push(member);
      (node.states as MemberStates)[member.state]++;
    }
    node.total = node.members.length;
    return node;
  }

  /**
   * `await Promise.race([a(), b()])` (or `any`) on an array literal: the walk reaches the member
   * frames through the race's own resolve functions, without their indexes; each is matched to the
   * member whose text calls its function. Undefined (a group, then) when one does not match exactly one.
   */
  #race(frames: readonly FrameNode[], site: SiteRecord | undefined): CombinatorNode | undefined {
    if (site === undefined || (site.combinator !== 'race' && site.combinator !== 'any') || site.members === undefined) return undefined;
    const texts = site.members;
    const callee = (text: string): string | undefined => /^(?:new\s+)?(?:[\w$#]+\s*\.\s*)*([\w$#]+)\s*\(/.exec(text.trim())?.[1];
    const indexOf = new Map<FrameNode, number>();
    for (const f of frames) {
      const name = f.function.slice(f.function.lastIndexOf('.') + 1);
      const matches = texts.flatMap((text, i) => (callee(text) === name ? [i] : []));
      if (matches.length !== 1 || [...indexOf.values()].includes(matches[0]!)) return undefined;
      indexOf.set(f, matches[0]!);
    }
    const node: CombinatorNode = {
      id: `c${++this.#combinators}`,
      type: 'combinator',
      combinator: site.combinator,
      members: [],
      pending: frames.length,
      total: texts.length,
      states: { pending: 0, fulfilled: 0, rejected: 0, value: 0, unknown: 0 },
      membersKnown: true,
      awaits: [],
      awaitedBy: [],
    };
    this.nodes.push(node);
    const byIndex = new Map([...indexOf].map(([f, i]) => [i, f]));
    for (let i = 0; i < texts.length; i++) {
      const f = byIndex.get(i);
      const member: CombinatorMember = f === undefined ? { index: i, text: texts[i]!, state: 'unknown', node: null } : { index: i, text: texts[i]!, state: 'pending', node: f.id };
      if (f !== undefined) link(node, f);
      node.members.push(member);
      node.states[member.state]++;
    }
    return node;
  }

  #leaf(text: string, awaiter: FrameNode): LeafNode {
    const leaf = leafNode(text, awaiter, ++this.#leaves);
    this.nodes.push(leaf);
    return leaf;
  }


}

/**
 * The frame node of walk step `entry` (an async function at its resume position), named and
 * placed by awaitwhat's own transform of its file, as in-process; `seq` gives its id.
 */
export function frameNode(entry: FrameEntry, sites: SiteTables, cwd: string | undefined, seq: number): FrameNode {
  const [, fnName, typeName, file, line, column, fnLine, fnColumn] = entry;
  const path = SiteTables.pathOf(file ?? '')!;
  const fnSite = sites.functionAt(path, fnLine, fnColumn);
  const suspension = fnSite === undefined ? undefined : sites.suspensionAt(path, fnSite, line, column);
  const shown = cwd !== undefined && path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
  const name = fnSite?.name ?? (fnName === null ? '<anonymous>' : typeName !== null && typeName !== 'Object' ? `${typeName}.${fnName}` : fnName);
  const location: SourceLocation = { file: shown, line: fnSite?.line ?? fnLine, column: fnSite?.column ?? fnColumn };
  return {
    id: `f${seq}`,
    type: 'frame',
    function: name,
    kind: (fnSite?.kind as FrameNode['kind'] | undefined) ?? 'function',
    location,
    state: suspension?.kind === 'yield' ? 'yielded' : 'awaiting',
    suspendedAt: {
      file: shown,
      line: suspension?.line ?? line,
      column: suspension?.column ?? column,
      kind: (suspension?.kind as 'await' | undefined) ?? 'await',
      text: suspension?.text ?? '',
    },
    pendingMs: null,
    seq,
    awaits: [],
    awaitedBy: [],
  };
}

/** The suspension site (await, yield) walk step `entry` is resumed at, from the transform of its file. */
export function suspensionSite(entry: FrameEntry, sites: SiteTables): SiteRecord | undefined {
  const path = SiteTables.pathOf(entry[3] ?? '')!;
  const fnSite = sites.functionAt(path, entry[6], entry[7]);
  return fnSite === undefined ? undefined : sites.suspensionAt(path, fnSite, entry[4], entry[5]);
}

/** A promise no async function settles, awaited by `awaiter`, placed where it is awaited; `seq` gives its id. */
export function leafNode(text: string, awaiter: FrameNode, seq: number): LeafNode {
  return {
    id: `l${seq}`,
    type: 'leaf',
    valueKind: 'promise',
    text,
    location: awaiter.suspendedAt === null ? awaiter.location : { file: awaiter.suspendedAt.file, line: awaiter.suspendedAt.line, column: awaiter.suspendedAt.column },
    awaits: [],
    awaitedBy: [],
  };
}

export function link(from: SnapshotNode, to: SnapshotNode): void {
  if (!from.awaits.includes(to.id)) from.awaits.push(to.id);
  if (!to.awaitedBy.includes(from.id)) to.awaitedBy.push(from.id);
}

function entryKey(e: WalkEntry): string {
  return e[0] === 'c' ? `c:${e[1]}:${e[2]}` : `f:${e[3]}:${e[4]}:${e[5]}:${e[6]}:${e[7]}:${e[1]}`;
}

/** The frames of a deadlock when `entries` is one repeated to the walk's limit (awaitee first). */
function cycleOf(entries: readonly WalkEntry[]): FrameEntry[] | undefined {
  if (entries.length < 8) return undefined;
  const keys = entries.map(entryKey);
  const n = keys.length;
  for (let p = 1; p <= n / 3; p++) {
    let periodic = true;
    // The tail must repeat with period p (the head may be a chain into the cycle).
    for (let i = n - 1; i - p >= Math.floor(n / 3) && periodic; i--) periodic = keys[i] === keys[i - p];
    if (!periodic) continue;
    const start = n - p;
    const cycle = entries.slice(start, n);
    return cycle.every((e) => e[0] === 'f') ? (cycle as FrameEntry[]) : undefined;
  }
  return undefined;
}

function rotationKey(cycle: readonly FrameEntry[]): string {
  const keys = cycle.map(entryKey);
  let best: string | undefined;
  for (let r = 0; r < keys.length; r++) {
    const k = [...keys.slice(r), ...keys.slice(0, r)].join('\n');
    if (best === undefined || k < best) best = k;
  }
  return best!;
}
