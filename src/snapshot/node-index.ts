/**
 * Snapshot nodes by id, and their edges by position, for consumers that walk whole graphs: a walk
 * over 100k nodes on integer indices costs a few milliseconds, on id strings and sets far more.
 * Ids naming no node (a snapshot edited by hand, or cut short) are left out of the edges; where
 * two nodes share an id, the later one is the one the id names, as in a lookup table.
 *
 * Ids of the builder's form (`f<seq>`, `c<n>`, `g<n>`, `l<n>`) are found through a table per
 * letter, indexed by the number: a `Map` of a million id strings costs about a second to fill and
 * grows worse than linearly on this machine (0.7 s for 1M ids, 2.7 s for 2M), a table a few
 * milliseconds. Other ids, and numbers too sparse for a table, go to a `Map`.
 */

import { Int32ArrayConstructor, SafeMap, stringCharCodeAt, int32Part } from '../runtime/intrinsics.ts';
import type { Edges } from './edges.ts';
import type { SnapshotNode } from './schema.ts';

/** A table may have this many slots per id it holds (seqs of pending frames have gaps). */
const SPARSENESS = 4;
/** Digits in an id number that stay exact as a double. */
const MAX_DIGITS = 15;

interface Table {
  min: number;
  max: number;
  /** Ids with this letter. */
  count: number;
  /** Position + 1 of the node whose id has number `min + k`, 0 for none. */
  slots: Int32Array | undefined;
}

export class NodeIndex {
  readonly nodes: readonly SnapshotNode[];
  /** Ids that are not a letter and a number, or whose letter's numbers are too sparse for a table. */
  readonly #others = new SafeMap<string, number>();
  // Safe maps, indexed loops: a report builds an index inside the program, which may have replaced built-ins.
  readonly #tables = new SafeMap<number, Table>();
  /** No two nodes share an id (as in every snapshot the builder makes): each node is the one its id names. */
  readonly unique: boolean;

  constructor(nodes: readonly SnapshotNode[]) {
    this.nodes = nodes;
    // Each id is parsed twice (here and below) rather than its number kept in a Float64Array: 8 MB
    // at 1M nodes of external memory, which counts toward V8's 64 MB that start a full collection of
    // the program's heap (a report inside a program holding 1M frames: about 1.3 s of CPU each); the
    // second parse costs about 30 ms at 1M.
    // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent: with no numbers read, no letter gets a table and every id goes to the Map: the same answers
    for (let i = 0; i < nodes.length; i++) {
      const id = nodes[i]!.id;
      const n = idNumber(id);
      // Stryker disable next-line ConditionalExpression: equivalent: `true` sends every id to the Map; `false` lets ids of no letter-number form (-1) widen their letter's table, whose slots they never take (both loops send -1 to the Map)
      if (n < 0) continue;
      const letter = stringCharCodeAt(id, 0);
      const table = this.#tables.get(letter);
      if (table === undefined) {
        // Stryker disable next-line ObjectLiteral,CallExpression: equivalent: a table without min, max or count gets no slots (NaN span), and a letter with no table (the set dropped) none either, so its ids go to the Map
        this.#tables.set(letter, { min: n, max: n, count: 1, slots: undefined });
        continue;
      }
      // Stryker disable next-line UpdateOperator: equivalent: a count too low only makes a table look sparse, and its ids go to the Map
      table.count++;
      if (n < table.min) table.min = n;
      else if (n > table.max) table.max = n;
    }
    // Stryker disable next-line BlockStatement: equivalent: no table gets slots, so every id goes to the Map
    this.#tables.forEach((table) => {
      const span = table.max - table.min + 1;
      // Stryker disable next-line ArithmeticOperator: equivalent: a different sparseness bound only decides between a table and the Map, both exact
      if (span <= SPARSENESS * table.count + 1024) table.slots = new Int32ArrayConstructor(span);
    });
    let unique = true;
    for (let i = 0; i < nodes.length; i++) {
      const id = nodes[i]!.id;
      const n = idNumber(id);
      const table = n < 0 ? undefined : this.#tables.get(stringCharCodeAt(id, 0))!;
      if (table?.slots !== undefined) {
        const k = n - table.min;
        if (table.slots[k] !== 0) unique = false;
        table.slots[k] = i + 1;
      } else {
        if (this.#others.has(id)) unique = false;
        this.#others.set(id, i);
      }
    }
    this.unique = unique;
  }

  /** The position of the node with this id, or -1. */
  indexOf(id: string): number {
    const n = idNumber(id);
    if (n >= 0) {
      const table = this.#tables.get(stringCharCodeAt(id, 0));
      if (table?.slots !== undefined) return n < table.min || n > table.max ? -1 : table.slots[n - table.min]! - 1;
    }
    return this.#others.get(id) ?? -1;
  }

  get(id: string): SnapshotNode | undefined {
    const i = this.indexOf(id);
    return i < 0 ? undefined : this.nodes[i];
  }

  has(id: string): boolean {
    return this.indexOf(id) >= 0;
  }

  /** Whether node i is the one its id names (false only for an earlier node with a repeated id). */
  isNamedBy(i: number): boolean {
    return this.unique || this.indexOf(this.nodes[i]!.id) === i;
  }

  /** Each node's `awaits` or `awaitedBy` (in their order), as positions. */
  edges(field: 'awaits' | 'awaitedBy'): Edges {
    const n = this.nodes.length;
    const start = new Int32ArrayConstructor(n + 1);
    // Sized by a first pass over the id lists: one array of the edges, not a growing list (its
    // doublings and the final copy were 12 MB of external memory at 1M edges, against 4 MB).
    let listed = 0;
    for (let i = 0; i < n; i++) listed += this.nodes[i]![field].length;
    const to = new Int32ArrayConstructor(listed);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const ids = this.nodes[i]![field];
      for (let k = 0; k < ids.length; k++) {
        const j = this.indexOf(ids[k]!);
        // `count < listed`: an id list that grew since it was counted (a getter) cannot write past the end.
        if (j >= 0 && count < listed) to[count++] = j;
      }
      start[i + 1] = count;
    }
    // Ids naming no node leave the end unused: a view of what was filled (no copy).
    return { start, to: count === listed ? to : int32Part(to, 0, count) };
  }
}

/**
 * The number in an id of the form letter + decimal digits (no leading zero, so that each number
 * has one spelling), or -1. Ids are whatever a snapshot holds, so anything else is possible.
 */
// Stryker disable next-line BlockStatement: equivalent: an undefined number is neither < 0 nor a table index (NaN), so the id goes to the Map
function idNumber(id: unknown): number {
  // Stryker disable next-line StringLiteral: equivalent: every id then reads as not a letter and number, and goes to the Map
  if (typeof id !== 'string') return -1;
  const length = id.length;
  // Stryker disable next-line ArithmeticOperator: equivalent: ids of 15 digits then go to the Map
  if (length < 2 || length > MAX_DIGITS + 1) return -1;
  const letter = stringCharCodeAt(id, 0);
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: equivalent: a wrong letter test sends ids to the Map, or gives ids of another first character a table of their own (tables are per character code)
  if (letter < 97 || letter > 122) return -1;
  // Stryker disable next-line LogicalOperator: equivalent: `||` sends every id longer than two characters, and ids like `f0`, to the Map
  if (stringCharCodeAt(id, 1) === 48 && length > 2) return -1;
  let n = 0;
  // Stryker disable next-line UpdateOperator: equivalent: counting down reaches the letter at k = 0, which is no digit: the id goes to the Map
  for (let k = 1; k < length; k++) {
    // Stryker disable next-line ArithmeticOperator: equivalent: every character then reads as no digit: the id goes to the Map
    const digit = stringCharCodeAt(id, k) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}
