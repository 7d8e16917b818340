/**
 * The one shape both sides of the comparison are brought to: the oracle's true graph (truth.ts) and
 * awaitwhat's snapshot (snapshot-view.ts). Nodes carry no ids: identity is decided by canonical.ts
 * from creation order and from who refers to whom, so that neither side's numbering matters.
 */

export interface ViewMember {
  index: number;
  state: 'pending' | 'fulfilled' | 'rejected' | 'value' | 'unknown';
  text: string;
  /** The member's node (an index into `nodes`) when pending, else null. */
  node: number | null;
}

export type ViewNode =
  | {
      type: 'frame';
      /** Creation order (the snapshot's seq): frames of one function are told apart by it. */
      order: number;
      fn: string;
      kind: string;
      /** `file:line:column` of the function. */
      location: string;
      state: 'awaiting' | 'returning' | 'yielded';
      /** `kind file:line:column text`, or null. */
      suspendedAt: string | null;
      awaits: number[];
      awaitedBy: number[];
    }
  | {
      type: 'combinator';
      combinator: string;
      total: number;
      pending: number;
      /** Every member counted by state, listed or not. */
      states: Record<string, number>;
      membersKnown: boolean;
      members: ViewMember[];
      awaits: number[];
      awaitedBy: number[];
    }
  /** `calls`: frames the library call started, pending or not. */
  | { type: 'group'; calls: number; awaits: number[]; awaitedBy: number[] }
  | { type: 'leaf'; valueKind: string; awaits: number[]; awaitedBy: number[] };

export interface GraphView {
  nodes: ViewNode[];
  /** Frames no pending frame awaits, oldest first. */
  roots: number[];
  /** Each cycle's frames as the side lists them, in await order (canonical.ts checks that they are a cycle). */
  cycles: number[][];
}

/** `kind file:line:column text`: how both sides write a suspension point. */
export function suspension(kind: string, file: string, line: number, column: number, text: string): string {
  return `${kind} ${file}:${line}:${column} ${JSON.stringify(text)}`;
}
