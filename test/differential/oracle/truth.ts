/**
 * The true await graph at a pause, from the notes (notes.ts), the gates' states (gates.ts) and where
 * the printer put things (print.ts). What "true" means follows the snapshot schema
 * (src/snapshot/schema.ts) and the README, written out here independently:
 * - a frame is a call whose promise is pending: suspended at an await (`awaiting`) or finished by
 *   `return x` while x is pending (`returning`), at the `await`/`return` keyword;
 * - it awaits the node of what it awaits or returns: the frame of a call (also when the call's
 *   promise was kept, memoised, stored, passed as an argument, or came back through the library),
 *   one leaf per gate promise and per thenable, one combinator node per `Promise.*` call, one group
 *   node per library call that started two or more frames (one frame: that frame itself);
 * - a combinator lists every member (up to MEMBER_CAP) in argument order with its state: `value`
 *   for a non-promise, `unknown` for a thenable (nobody can tell without calling it), else the
 *   promise's state, and its node while pending; a group awaits its pending frames;
 * - roots are the frames nothing pending awaits; a cycle is every frame of one strongly connected
 *   component (a self-await included), oldest first.
 */

import type { Gates, SettleState } from './gates.ts';
import type { CallRecord, Entity, Notes } from './notes.ts';
import type { FnInfo, SiteInfo } from './print.ts';
import { suspension, type GraphView, type ViewMember, type ViewNode } from './view.ts';

/**
 * Members listed per combinator. The schema does not say; awaitwhat lists the first 1000 (and a
 * test must notice when that number moves, since a report then silently changes size).
 */
export const MEMBER_CAP = 1000;
/** Longest source text a report carries; longer text is cut to this many characters, the last an ellipsis. */
export const TEXT_CAP = 120;

export interface ProgramLayout {
  /** The file name the program runs under. */
  file: string;
  sites: SiteInfo[];
  fns: FnInfo[];
}

export interface Truth {
  view: GraphView;
  /** Notes that contradict each other: the oracle's fault, never awaitwhat's. */
  faults: string[];
}

/** Source text as a report shows it: whitespace collapsed, cut at TEXT_CAP. */
export function reportText(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return collapsed.length > TEXT_CAP ? `${collapsed.slice(0, TEXT_CAP - 1)}…` : collapsed;
}

export class TruthBuilder {
  readonly #notes: Notes;
  readonly #gates: Gates;
  readonly #layout: ProgramLayout;
  readonly #faults: string[];
  readonly #states = new Map<unknown, SettleState>();
  readonly #computing = new Set<unknown>();
  readonly nodes: ViewNode[] = [];
  /** Node index by identity: a call's tag, a gate's or thenable's key, or the entity object. */
  readonly #index = new Map<unknown, number>();

  constructor(notes: Notes, gates: Gates, layout: ProgramLayout) {
    this.#notes = notes;
    this.#gates = gates;
    this.#layout = layout;
    this.#faults = [...notes.faults];
  }

  build(): Truth {
    const calls = [...this.#notes.calls.values()].sort((a, b) => a.order - b.order);
    for (const call of calls) if (this.callState(call.tag) === 'pending') this.#frame(call);
    this.nodes.forEach((node, i) => {
      for (const to of node.awaits) this.nodes[to]!.awaitedBy.push(i);
    });
    const frames = this.nodes.flatMap((n, i) => (n.type === 'frame' ? [i] : []));
    const roots = frames.filter((i) => this.nodes[i]!.awaitedBy.length === 0);
    return { view: { nodes: this.nodes, roots, cycles: cyclesOf(this.nodes) }, faults: this.#faults };
  }

  /** The settled state of anything a note named. A call waiting (through anything) on itself never settles. */
  state(what: Entity): SettleState {
    switch (what.e) {
      case 'value':
      case 'resolved':
        return 'fulfilled';
      case 'rejected':
        return 'rejected';
      case 'gate':
      case 'thenable':
        return this.#gates.state(what.gate);
      case 'call':
      case 'derived':
        return this.callState(what.tag);
      case 'group':
        return this.#memo(what, () => combine(what.race ? 'race' : 'all', what.tags.map((tag) => this.callState(tag))));
      case 'combinator':
        return this.#memo(what, () => combine(what.which, what.items.map((item) => this.state(item))));
    }
  }

  callState(tag: string): SettleState {
    return this.#memo(tag, () => {
      const call = this.#notes.calls.get(tag);
      if (call === undefined) {
        this.#faults.push(`call ${tag} was named but never began`);
        return 'pending';
      }
      if (call.ended === 'end') return 'fulfilled';
      if (call.ended === 'throw') return 'rejected';
      if (call.at === null) {
        this.#faults.push(`call ${tag} is running at a pause`);
        return 'pending';
      }
      // Resolving a promise with itself rejects it (a TypeError); through another promise, it never settles.
      if (call.at.kind === 'return' && call.at.what.e === 'call' && call.at.what.tag === tag) return 'rejected';
      const awaited = this.state(call.at.what);
      if (awaited === 'pending' || awaited === 'rejected' || call.at.final) return awaited;
      this.#faults.push(`call ${tag} should have resumed after site ${call.at.site}, but noted nothing since`);
      return 'pending';
    });
  }

  #memo(key: unknown, compute: () => SettleState): SettleState {
    const known = this.#states.get(key);
    if (known !== undefined) return known;
    if (this.#computing.has(key)) return 'pending';
    this.#computing.add(key);
    const state = compute();
    this.#computing.delete(key);
    this.#states.set(key, state);
    return state;
  }

  /** The node of what a frame awaits or a combinator holds, made on first use; null for what has none. */
  #nodeOf(what: Entity): number | null {
    switch (what.e) {
      case 'value':
      case 'resolved':
      case 'rejected':
        return null;
      case 'gate':
        return this.#leaf(`gate ${what.gate}`, 'promise');
      case 'thenable':
        return this.#leaf(`thenable ${what.gate}`, 'thenable');
      case 'call':
      case 'derived': {
        const call = this.#notes.calls.get(what.tag);
        return call !== undefined && this.callState(what.tag) === 'pending' ? this.#frame(call) : null;
      }
      case 'group': {
        if (what.tags.length === 1) return this.#nodeOf({ e: 'call', tag: what.tags[0]! });
        const known = this.#index.get(what);
        if (known !== undefined) return known;
        const index = this.#add(what, { type: 'group', awaits: [], awaitedBy: [] });
        for (const tag of what.tags) {
          const frame = this.#nodeOf({ e: 'call', tag });
          if (frame !== null) this.nodes[index]!.awaits.push(frame);
        }
        return index;
      }
      case 'combinator':
        return this.#combinator(what);
    }
  }

  #frame(call: CallRecord): number {
    const known = this.#index.get(call.tag);
    if (known !== undefined) return known;
    // Function -1 is the module's top level, which begins at the start of the file.
    const fn = call.fn === -1 ? { name: '<module>', line: 1, column: 1 } : this.#layout.fns[call.fn];
    const site = call.at === null ? undefined : this.#layout.sites[call.at.site];
    if (fn === undefined || (call.at !== null && site === undefined)) this.#faults.push(`call ${call.tag}: no layout for its function or site`);
    const index = this.#add(call.tag, {
      type: 'frame',
      order: call.order,
      fn: fn?.name ?? '?',
      kind: call.fn === -1 ? 'module' : 'function',
      location: fn === undefined ? '?' : `${this.#layout.file}:${fn.line}:${fn.column}`,
      state: call.at?.kind === 'return' ? 'returning' : 'awaiting',
      suspendedAt: site === undefined ? null : suspension(site.kind, this.#layout.file, site.line, site.column, reportText(site.text)),
      awaits: [],
      awaitedBy: [],
    });
    if (call.at !== null) {
      const target = this.#nodeOf(call.at.what);
      if (target !== null) this.nodes[index]!.awaits.push(target);
    }
    return index;
  }

  #leaf(key: string, valueKind: string): number {
    return this.#index.get(key) ?? this.#add(key, { type: 'leaf', valueKind, awaits: [], awaitedBy: [] });
  }

  #combinator(what: Extract<Entity, { e: 'combinator' }>): number {
    const known = this.#index.get(what);
    if (known !== undefined) return known;
    const node: Extract<ViewNode, { type: 'combinator' }> = {
      type: 'combinator',
      combinator: what.which,
      total: what.items.length,
      pending: 0,
      membersKnown: true,
      members: [],
      awaits: [],
      awaitedBy: [],
    };
    const index = this.#add(what, node);
    what.items.forEach((item, i) => {
      const state = this.#memberState(item);
      if (state === 'pending') node.pending++;
      if (i >= MEMBER_CAP) return;
      const member: ViewMember = { index: i, state, text: reportText(what.texts[i] ?? ''), node: null };
      if (state === 'pending') {
        member.node = this.#nodeOf(item);
        if (member.node !== null) node.awaits.push(member.node);
      }
      node.members.push(member);
    });
    return index;
  }

  #memberState(item: Entity): ViewMember['state'] {
    if (item.e === 'value') return 'value';
    if (item.e === 'thenable') return 'unknown';
    return this.state(item);
  }

  #add(key: unknown, node: ViewNode): number {
    this.nodes.push(node);
    this.#index.set(key, this.nodes.length - 1);
    return this.nodes.length - 1;
  }
}

/** How a combinator's promise stands, given its members' states (ECMAScript's rules). */
function combine(which: 'all' | 'allSettled' | 'race' | 'any', states: SettleState[]): SettleState {
  const some = (s: SettleState) => states.includes(s);
  switch (which) {
    case 'all':
      return some('rejected') ? 'rejected' : some('pending') ? 'pending' : 'fulfilled';
    case 'allSettled':
      return some('pending') ? 'pending' : 'fulfilled';
    case 'race':
      // Which member settled first is beyond the oracle; a program with a race rejects nothing
      // (see print.ts), so any settled member tells.
      return states.find((s) => s !== 'pending') ?? 'pending';
    case 'any':
      return some('fulfilled') ? 'fulfilled' : some('pending') ? 'pending' : 'rejected';
  }
}

/** Strongly connected components with a cycle (Tarjan, recursive: graph programs are small), as their frames oldest first. */
function cyclesOf(nodes: readonly ViewNode[]): number[][] {
  const order = new Array<number>(nodes.length).fill(-1);
  const low = new Array<number>(nodes.length).fill(0);
  const onStack = new Set<number>();
  const stack: number[] = [];
  const cycles: number[][] = [];
  let counter = 0;
  const visit = (v: number) => {
    order[v] = low[v] = counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of nodes[v]!.awaits) {
      if (order[w] === -1) {
        visit(w);
        low[v] = Math.min(low[v]!, low[w]!);
      } else if (onStack.has(w)) low[v] = Math.min(low[v]!, order[w]!);
    }
    if (low[v] !== order[v]) return;
    const component: number[] = [];
    let w: number;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || nodes[v]!.awaits.includes(v)) {
      const frames = component.filter((i) => nodes[i]!.type === 'frame');
      frames.sort((a, b) => frameOrder(nodes[a]!) - frameOrder(nodes[b]!));
      cycles.push(frames);
    }
  };
  for (let v = 0; v < nodes.length; v++) if (order[v] === -1) visit(v);
  return cycles;
}

function frameOrder(node: ViewNode): number {
  return node.type === 'frame' ? node.order : Number.MAX_SAFE_INTEGER;
}
