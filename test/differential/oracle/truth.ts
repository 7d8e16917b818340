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
 * - a combinator lists its first MEMBER_CAP members in argument order with their states: `value`
 *   for a non-promise, `unknown` for a thenable (nobody can tell without calling it), else the
 *   promise's state; its node while pending, and a thenable's node; it counts every member by
 *   state, and awaits each listed member's node and every pending frame among the others, each
 *   node once, in argument order;
 * - a group counts the frames the library call started and awaits those still pending;
 * - roots are the frames nothing awaits; each strongly connected component with a cycle (a
 *   self-await included) has one cycle listed, from its oldest frame.
 *
 * Where the notes are reliable: everywhere a graph program goes, since the program writes them
 * itself as it runs, and V8 confirms them wherever its walker can see (v8-walk.ts). They cannot
 * tell which member of a race settles first within one turn, so a program with a race rejects
 * nothing (print.ts); what graph programs never do is not modelled: library callbacks made later
 * (the README says they show as separate trees), async generators, `for await`, `await using`
 * (the other random programs check that these behave the same instrumented, not their graph).
 */

import type { Gates, SettleState } from './gates.ts';
import type { CallRecord, Entity, Notes } from './notes.ts';
import type { FnInfo, SiteInfo } from './print.ts';
import { componentsOf } from './components.ts';
import { suspension, type GraphView, type ViewMember, type ViewNode } from './view.ts';

/**
 * Members listed per combinator (the schema's MAX_LISTED_MEMBERS, written out again here: a test
 * must notice when that number moves, since every report then silently changes size).
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
  /** Every call's state, by tag (see #settle). */
  readonly #callStates = new Map<string, SettleState>();
  readonly nodes: ViewNode[] = [];
  /** Node index by identity: a call's tag, a gate's or thenable's key, or the entity object. */
  readonly #index = new Map<unknown, number>();

  constructor(notes: Notes, gates: Gates, layout: ProgramLayout) {
    this.#notes = notes;
    this.#gates = gates;
    this.#layout = layout;
    this.#faults = [...notes.faults];
    this.#settle();
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

  /** The settled state of anything a note named. */
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
        return combine(what.race ? 'race' : 'all', what.tags.map((tag) => this.callState(tag)));
      case 'combinator':
        return combine(what.which, what.items.map((item) => this.state(item)));
    }
  }

  callState(tag: string): SettleState {
    const state = this.#callStates.get(tag);
    if (state === undefined) this.#faults.push(`call ${tag} was named but never began`);
    return state ?? 'pending';
  }

  /**
   * Every call's state, as the least fixpoint: all start pending, and each pass settles the calls
   * whose awaited or returned value has settled, until a pass settles none. So a call waiting
   * (through anything) on itself stays pending, and nothing settles on the strength of a guess.
   */
  #settle(): void {
    const calls = [...this.#notes.calls.values()];
    for (const call of calls) this.#callStates.set(call.tag, 'pending');
    for (let settled = true; settled; ) {
      settled = false;
      for (const call of calls) {
        if (this.#callStates.get(call.tag) !== 'pending') continue;
        const state = this.#step(call);
        if (state === 'pending') continue;
        this.#callStates.set(call.tag, state);
        settled = true;
      }
    }
    for (const call of calls) {
      if (call.ended !== null || this.#callStates.get(call.tag) !== 'pending') continue;
      if (call.at === null) this.#faults.push(`call ${call.tag} is running at a pause`);
      else if (!call.at.final && this.state(call.at.what) === 'fulfilled') this.#faults.push(`call ${call.tag} should have resumed after site ${call.at.site}, but noted nothing since`);
    }
  }

  /** A call's state, given the states known so far of what it awaits or returns. */
  #step(call: CallRecord): SettleState {
    if (call.ended === 'end') return 'fulfilled';
    if (call.ended === 'throw') return 'rejected';
    if (call.at === null) return 'pending';
    // Resolving a promise with itself rejects it (a TypeError); through another promise, it never settles.
    if (call.at.kind === 'return' && call.at.what.e === 'call' && call.at.what.tag === call.tag) return 'rejected';
    const awaited = this.state(call.at.what);
    return awaited === 'rejected' || (awaited === 'fulfilled' && call.at.final) ? awaited : 'pending';
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
        const index = this.#add(what, { type: 'group', calls: what.tags.length, awaits: [], awaitedBy: [] });
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
      states: { pending: 0, fulfilled: 0, rejected: 0, value: 0, unknown: 0 },
      membersKnown: true,
      members: [],
      awaits: [],
      awaitedBy: [],
    };
    const index = this.#add(what, node);
    const awaits = (to: number | null) => {
      if (to !== null && !node.awaits.includes(to)) node.awaits.push(to);
    };
    what.items.forEach((item, i) => {
      const state = this.#memberState(item);
      node.states[state]!++;
      if (state === 'pending') node.pending++;
      const linked = state === 'pending' || state === 'unknown';
      if (i >= MEMBER_CAP) {
        if (state === 'pending' && (item.e === 'call' || item.e === 'derived')) awaits(this.#nodeOf(item));
        return;
      }
      const member: ViewMember = { index: i, state, text: reportText(what.texts[i] ?? ''), node: linked ? this.#nodeOf(item) : null };
      awaits(member.node);
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

/**
 * One cycle per strongly connected component that has one, as frames in await order from the
 * component's oldest frame: a shortest way back to it (breadth first), through any nodes.
 */
function cyclesOf(nodes: readonly ViewNode[]): number[][] {
  const component = componentsOf(nodes);
  const cycles: number[][] = [];
  const done = new Set<number>();
  const byAge = nodes.map((_, i) => i).filter((i) => nodes[i]!.type === 'frame').sort((a, b) => frameOrder(nodes[a]!) - frameOrder(nodes[b]!));
  for (const oldest of byAge) {
    const home = component[oldest]!;
    if (done.has(home)) continue;
    done.add(home);
    const from = new Map<number, number>();
    const queue = [oldest];
    let closed = false;
    for (let q = 0; q < queue.length && !closed; q++) {
      const v = queue[q]!;
      for (const w of nodes[v]!.awaits) {
        if (component[w] !== home) continue;
        if (w === oldest) {
          from.set(oldest, v);
          closed = true;
          break;
        }
        if (!from.has(w)) {
          from.set(w, v);
          queue.push(w);
        }
      }
    }
    if (!closed) continue;
    const path: number[] = [];
    for (let v = from.get(oldest)!; ; v = from.get(v)!) {
      if (nodes[v]!.type === 'frame') path.push(v);
      if (v === oldest) break;
    }
    cycles.push(path.reverse());
  }
  return cycles;
}

function frameOrder(node: ViewNode): number {
  return node.type === 'frame' ? node.order : Number.MAX_SAFE_INTEGER;
}
