/**
 * The snapshot: a plain, JSON-serialisable picture of every pending async function at one instant
 * and of what each one waits for. This is the contract between the runtime and every renderer,
 * exporter and user script; it is versioned by `schema`.
 *
 * Graph shape: `nodes` holds frames (pending async function calls), combinators
 * (`Promise.all` and friends), groups (several frames behind one call of uninstrumented code) and
 * leaves (what no instrumented code produced: a timer, a socket read, a promise nobody resolves).
 * Every node lists what it waits for in `awaits` (node ids) and who waits for it in `awaitedBy`.
 */

export const SNAPSHOT_SCHEMA = 'awaitwhat.snapshot/1';

export interface Snapshot {
  /** Schema identifier; changes whenever a field changes meaning. */
  schema: typeof SNAPSHOT_SCHEMA;
  /** Capture time, milliseconds since the Unix epoch. */
  capturedAt: number;
  pid: number;
  /** `worker_threads.threadId`; 0 on the main thread. */
  threadId: number;
  /** Frames first (oldest call first), then the other nodes in discovery order. */
  nodes: SnapshotNode[];
  /** Frames no other pending frame awaits, oldest first: where each tree of the report starts. */
  roots: string[];
  /** Await cycles (deadlocks): each lists frame ids in await order, the first awaiting the second, and so on back to the first. */
  cycles: string[][];
  stats: SnapshotStats;
}

export interface SnapshotStats {
  /** Pending frames in this snapshot. */
  frames: number;
  /** Frames the garbage collector reclaimed while pending: nothing could ever have resumed them. */
  collected: number;
  /** Frames dropped because more than the configured maximum were pending at once. */
  evicted: number;
  /** Frames left out of this snapshot because of the `maxFrames` option of `snapshot()`. */
  omitted: number;
}

export interface SourceLocation {
  /** Path relative to the working directory when inside it, else absolute path or URL. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export type SnapshotNode = FrameNode | CombinatorNode | GroupNode | LeafNode;

interface NodeBase {
  /** Unique within the snapshot: `f<seq>` for frames, `c<n>`, `g<n>`, `l<n>` for the others. */
  id: string;
  /** Ids of the nodes this one waits for, in order. */
  awaits: string[];
  /** Ids of the frames and combinators waiting for this node. */
  awaitedBy: string[];
}

export interface FrameNode extends NodeBase {
  type: 'frame';
  /** `Repo.findUser`, `handler`, `<anonymous>`, `<module>`. */
  function: string;
  /** `function` (async function, method, arrow), `generator` (async generator), `module` (top-level await). */
  kind: 'function' | 'generator' | 'module';
  /** Where the function is defined. */
  location: SourceLocation;
  /**
   * `awaiting`: suspended at `suspendedAt`; `returning`: finished, but returned a promise that has
   * not settled; `yielded`: an async generator waiting for its consumer. (A snapshot taken from
   * inside the program shows the frames on the stack at their last suspension point.)
   */
  state: 'awaiting' | 'returning' | 'yielded';
  /** The suspension point, when not running. */
  suspendedAt: SuspensionPoint | null;
  /** Milliseconds spent at the current suspension point (clock resolution: about 50 ms). */
  pendingMs: number;
  /** Creation order among all frames of the thread. */
  seq: number;
}

export interface SuspensionPoint extends SourceLocation {
  /** `await`, `for-await`, `yield`, `yield*`, `await-using`, `return`. */
  kind: 'await' | 'for-await' | 'yield' | 'yield*' | 'await-using' | 'return';
  /** The source text at that point, e.g. `await sleep(60_000)`; empty when omitted by configuration. */
  text: string;
}

export interface CombinatorNode extends NodeBase {
  type: 'combinator';
  combinator: 'all' | 'allSettled' | 'race' | 'any';
  /** One entry per member, in argument order. */
  members: CombinatorMember[];
  /** Members still pending. */
  pending: number;
  /** All members. */
  total: number;
  /** False when the argument was not an array or set, so members are unknown. */
  membersKnown: boolean;
}

export interface CombinatorMember {
  index: number;
  /** The member's source text when the argument was an array literal, else empty. */
  text: string;
  state: 'pending' | 'fulfilled' | 'rejected' | 'value' | 'unknown';
  /** The member's node when it is pending; null otherwise. */
  node: string | null;
}

export interface GroupNode extends NodeBase {
  type: 'group';
  /** Several frames called by uninstrumented code during one call, whose result this awaits. */
  text: string;
}

export interface LeafNode extends NodeBase {
  type: 'leaf';
  /** `promise` (native), `thenable`, `async-iterable`, `value` (awaiting a plain value), `disposal` (`await using`). */
  valueKind: 'promise' | 'thenable' | 'async-iterable' | 'value' | 'disposal';
  /** The await expression's operand as written, e.g. `sleep(60_000)`. */
  text: string;
  /** Where it is awaited (first awaiter). */
  location: SourceLocation;
}
