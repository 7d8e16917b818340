/**
 * What V8's walker (v8-walk.ts) must report from a promise, predicted from the notes: the reactions
 * each promise of a graph program has (who awaits it, which combinator holds it, which function
 * returned it, which `.then` follows it), walked by the walker's rules. Compared in the plain run,
 * where V8 runs the printed text itself, this checks the oracle's notes and positions against V8:
 * the oracle, not awaitwhat, is what is tested here.
 */

import type { SettleState } from './gates.ts';
import type { Entity, Notes } from './notes.ts';
import type { SiteInfo } from './print.ts';
import { WALK_LIMIT, type Walk, type WalkStep } from './v8-walk.ts';

type Reaction =
  | { kind: 'await'; fn: number; site: number; then: string }
  | { kind: 'return'; then: string }
  | { kind: 'member'; which: string; index: number; then: string }
  | { kind: 'then'; then: string };

export class ChainPredictor {
  readonly #reactions = new Map<string, Reaction[]>();
  readonly #entities = new Map<string, Entity>();
  readonly #sites: SiteInfo[];
  readonly #state: (what: Entity) => SettleState;
  /** Lines V8 counts before the program's first line (the wrapper the worker puts around it). */
  readonly #lineOffset: number;
  readonly #ids = new Map<Entity, number>();

  constructor(notes: Notes, sites: SiteInfo[], state: (what: Entity) => SettleState, lineOffset: number) {
    this.#sites = sites;
    this.#state = state;
    this.#lineOffset = lineOffset;
    for (const call of notes.calls.values()) {
      this.#entities.set(`call ${call.tag}`, { e: 'call', tag: call.tag });
      if (call.at === null || call.ended !== null) continue;
      const then = `call ${call.tag}`;
      const reaction: Reaction = call.at.kind === 'await' ? { kind: 'await', fn: call.fn, site: call.at.site, then } : { kind: 'return', then };
      this.#react(call.at.what, reaction);
    }
    for (const made of notes.made) {
      const then = this.#key(made)!;
      this.#entities.set(then, made);
      if (made.e === 'derived') this.#react({ e: 'call', tag: made.tag }, { kind: 'then', then });
      if (made.e === 'group') made.tags.forEach((tag, index) => this.#react({ e: 'call', tag }, { kind: 'member', which: made.race ? 'race' : 'all', index, then }));
      if (made.e === 'combinator') made.items.forEach((item, index) => this.#react(item, { kind: 'member', which: made.which, index, then }));
    }
  }

  /** The promise a note names, as a key (null for what has no promise of the program's: values, thenables). */
  #key(what: Entity): string | null {
    switch (what.e) {
      case 'gate':
        return `gate ${what.gate}`;
      case 'call':
        return `call ${what.tag}`;
      case 'derived':
      case 'group':
      case 'combinator': {
        let id = this.#ids.get(what);
        if (id === undefined) this.#ids.set(what, (id = this.#ids.size));
        return `${what.e} ${id}`;
      }
      default:
        return null;
    }
  }

  #react(what: Entity, reaction: Reaction): void {
    const key = this.#key(what);
    if (key === null) return;
    this.#entities.set(key, what);
    const list = this.#reactions.get(key);
    if (list === undefined) this.#reactions.set(key, [reaction]);
    else list.push(reaction);
  }

  /**
   * The steps V8 should report from the promise `what` names; null when V8 would never return:
   * its walker ends only at the end of a chain or when it has read WALK_LIMIT steps, so a cycle
   * of promises resolved with each other (`return other()` where other returns this one's promise),
   * which adds no step, keeps it walking for ever.
   */
  predict(what: Entity): WalkStep[] | null {
    const steps: WalkStep[] = [];
    let sinceStep = new Set<string>();
    let key = this.#key(what);
    while (key !== null && steps.length < WALK_LIMIT) {
      if (sinceStep.has(key)) return null;
      sinceStep.add(key);
      const entity = this.#entities.get(key);
      if (entity === undefined || this.#state(entity) !== 'pending') break;
      const reactions = this.#reactions.get(key) ?? [];
      if (reactions.length !== 1) break;
      const r = reactions[0]!;
      if (r.kind === 'await') {
        const site = this.#sites[r.site];
        // The worker runs a module's top level as an anonymous async function (function -1).
        const name = r.fn === -1 ? '<anonymous>' : `f${r.fn}`;
        steps.push(`${name} ${site === undefined ? '?' : `${site.line + this.#lineOffset}:${site.column}`}`);
        sinceStep = new Set();
      } else if (r.kind === 'member' && r.which !== 'race') {
        // A race member's reaction is the race's own resolve function: followed, with no step.
        steps.push(`${r.which}[${r.index}]`);
        sinceStep = new Set();
      }
      key = r.then;
    }
    return steps;
  }
}

/** Empty when the walk is what was predicted; else what differs. */
export function compareWalk(from: string, walk: Walk, predicted: WalkStep[]): string[] {
  const expected = walk.cut ? predicted.slice(0, walk.steps.length) : predicted;
  const same = expected.length === walk.steps.length && expected.every((s, i) => s === walk.steps[i]);
  return same ? [] : [`from ${from}: V8 walked [${walk.steps.join(' → ')}], the notes say [${expected.join(' → ')}]`];
}
