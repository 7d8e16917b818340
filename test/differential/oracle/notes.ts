/**
 * The harness side of a graph program's notes (see print.ts): each note is turned into records of
 * what every call is doing and of the promises involved, as `Entity` values. Nothing here looks at
 * awaitwhat; the notes are the program's own account of itself, written by the printer, which knows
 * the program it wrote.
 *
 * Call promises are named by tag (unique per call: the caller's tag, `/`, the site) and resolved
 * only when the graph is built, since a note comes before the call it describes.
 */

import type { Combinator } from './model.ts';

export type Entity =
  | { e: 'value' }
  | { e: 'resolved' }
  | { e: 'rejected' }
  | { e: 'gate'; gate: number }
  | { e: 'thenable'; gate: number }
  | { e: 'call'; tag: string }
  /** `lib.then(f, …)`: a promise of its own that follows call `tag`. */
  | { e: 'derived'; tag: string }
  /** Calls made by the library during one call (`lib.all`, `lib.race`), behind one promise. */
  | { e: 'group'; tags: string[]; race: boolean }
  /** `texts[i]` is member i's source text ('' when the argument was not an array literal). */
  | { e: 'combinator'; which: Combinator; items: Entity[]; texts: string[] };

export interface Suspension {
  site: number;
  what: Entity;
  kind: 'await' | 'return';
  /** `return await …`: resuming ends the call. */
  final: boolean;
}

export interface CallRecord {
  tag: string;
  fn: number;
  /** Creation order among the program's calls. */
  order: number;
  /** The latest await or return; null before the first. */
  at: Suspension | null;
  ended: 'end' | 'throw' | null;
  readonly kept: Map<number, Entity>;
}

const VALUE: Entity = { e: 'value' };

type Descriptor = Record<string, unknown>;

export class Notes {
  readonly calls = new Map<string, CallRecord>();
  /** Every combinator, group and derived promise made, settled or not: V8 sees their reactions. */
  readonly made: Entity[] = [];
  readonly slots = new Map<number, Entity>();
  /** What each call was passed as `a` and `b`, by callee tag. */
  readonly #args = new Map<string, Entity[]>();
  readonly #gates = new Map<number, Entity>();
  readonly #thenables = new Map<number, Entity>();
  readonly #memberTexts: string[][];
  /** Notes that made no sense: an oracle fault, reported rather than thrown into the program. */
  readonly faults: string[] = [];

  constructor(memberTexts: string[][]) {
    this.#memberTexts = memberTexts;
  }

  /** The helpers a graph program's notes call (added to `h`). */
  readonly api = {
    in: (tag: string, fn: number) => {
      if (this.calls.has(tag)) this.faults.push(`two calls tagged ${tag}`);
      this.calls.set(tag, { tag, fn, order: this.calls.size, at: null, ended: null, kept: new Map() });
    },
    at: (tag: string, site: number, desc: Descriptor, final = false) => {
      const call = this.#call(tag);
      if (call !== undefined) call.at = { site, what: this.#resolve(desc, call), kind: 'await', final };
    },
    ret: (tag: string, site: number, desc: Descriptor) => {
      const call = this.#call(tag);
      if (call !== undefined) call.at = { site, what: this.#resolve(desc, call), kind: 'return', final: true };
    },
    keep: (tag: string, ref: number, desc: Descriptor) => {
      const call = this.#call(tag);
      if (call !== undefined) call.kept.set(ref, this.#resolve(desc, call));
    },
    drop: (tag: string, desc: Descriptor) => {
      this.#resolve(desc, tag === '' ? undefined : this.#call(tag));
    },
    store: (slot: number, desc: Descriptor) => {
      this.slots.set(slot, this.#resolve(desc, undefined));
    },
    throws: (tag: string) => {
      const call = this.#call(tag);
      if (call !== undefined) call.ended = 'throw';
    },
    end: (tag: string) => {
      const call = this.#call(tag);
      if (call !== undefined) call.ended = 'end';
    },
  };

  #call(tag: string): CallRecord | undefined {
    const call = this.calls.get(tag);
    if (call === undefined) this.faults.push(`a note for ${tag}, which never began`);
    return call;
  }

  gate(k: number): Entity {
    let gate = this.#gates.get(k);
    if (gate === undefined) this.#gates.set(k, (gate = { e: 'gate', gate: k }));
    return gate;
  }

  #resolve(desc: Descriptor, caller: CallRecord | undefined): Entity {
    const num = (key: string) => desc[key] as number;
    const str = (key: string) => desc[key] as string;
    if ('v' in desc) return VALUE;
    if ('res' in desc) return { e: 'resolved' };
    if ('rej' in desc) return { e: 'rejected' };
    if ('g' in desc && !('wide' in desc)) return this.gate(num('g'));
    if ('th' in desc) {
      const k = num('th');
      let thenable = this.#thenables.get(k);
      if (thenable === undefined) this.#thenables.set(k, (thenable = { e: 'thenable', gate: k }));
      return thenable;
    }
    if ('c' in desc) {
      const args = (desc['a'] as Descriptor[]).map((a) => this.#resolve(a, caller));
      this.#args.set(str('c'), args);
      return { e: 'call', tag: str('c') };
    }
    if ('via' in desc) {
      if (desc['then'] !== true) return { e: 'call', tag: str('via') };
      return this.#made({ e: 'derived', tag: str('via') });
    }
    if ('grp' in desc) return this.#made({ e: 'group', tags: tagsOf(str('grp'), num('n')), race: desc['race'] === true });
    if ('map' in desc) {
      const items = tagsOf(str('map'), num('n')).map((tag): Entity => ({ e: 'call', tag }));
      return this.#made({ e: 'combinator', which: str('w') as Combinator, items, texts: items.map(() => '') });
    }
    if ('kept' in desc) {
      const kept = caller?.kept.get(num('kept'));
      if (kept === undefined) this.faults.push(`${caller?.tag} awaits p${num('kept')}, which it never kept`);
      return kept ?? VALUE;
    }
    if ('par' in desc) return (caller === undefined ? undefined : this.#args.get(caller.tag)?.[num('par')]) ?? VALUE;
    if ('memo' in desc) return { e: 'call', tag: `m${num('memo')}` };
    if ('slot' in desc) return this.slots.get(num('slot')) ?? VALUE;
    if ('comb' in desc) {
      const items = (desc['items'] as Descriptor[]).map((item) => this.#resolve(item, caller));
      return this.#made({ e: 'combinator', which: str('comb') as Combinator, items, texts: this.#memberTexts[num('id')] ?? [] });
    }
    if ('wide' in desc) {
      const gate = this.gate(num('g'));
      const items = Array.from({ length: num('n') }, (_, i) => (i === num('at') ? gate : VALUE));
      return this.#made({ e: 'combinator', which: str('wide') as Combinator, items, texts: items.map(() => '') });
    }
    this.faults.push(`a descriptor the oracle does not know: ${JSON.stringify(desc)}`);
    return VALUE;
  }

  #made(entity: Entity): Entity {
    this.made.push(entity);
    return entity;
  }
}

function tagsOf(tag: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${tag}.${i}`);
}
