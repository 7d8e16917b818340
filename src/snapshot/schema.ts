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
  /** Frames nothing in the snapshot awaits (no frame, combinator or group), oldest first: where each tree of the report starts. */
  roots: string[];
  /**
   * Await cycles (deadlocks): each lists frame ids in await order, starting with the oldest, each
   * awaiting the next (directly or through combinators and groups) and the last the first; a frame
   * awaiting its own promise is a cycle of one.
   */
  cycles: string[][];
  stats: SnapshotStats;
  /**
   * Present only when holders were asked for (`snapshot({ holders: true })`, the CLI's `--holders`
   * and its default for `--once`, Ctrl-C and exit-13 reports): whether the heap was analysed, and
   * what it found in sum. Each analysed leaf has its `holder`. Added without a schema change: a
   * consumer that does not know these fields can ignore them.
   */
  holders?: HoldersSummary;
  /**
   * Only in the reports of a process running tests (src/runners): the snapshot holds the part of the
   * graph that one test or hook started (its frames still pending, and everything they await), not
   * the whole thread's. Absent from `snapshot()` and every other report.
   */
  scope?: SnapshotScope;
  /**
   * Where the snapshot comes from. Absent: the program's own runtime (`snapshot()`, the CLI, the
   * OpenTelemetry sampler), with every frame's `pendingMs`. Present for `awaitwhat attach <pid>`.
   */
  source?: SnapshotSource;
}

export interface SnapshotScope {
  /** `test`, `hook`, or `outside`: the frames no test or hook started (module code, or chains that went on after their test ended). */
  kind: 'test' | 'hook' | 'outside';
  /** The test's full name as its runner gives it (`users > loads a user`, Mocha's `users loads a user`), the hook's (`"before all" hook for "queries" in "db"`); empty for `outside`. */
  name: string;
  /**
   * Why the report was made: the test `timed out`, was `cancelled` (still running when its suite
   * timed out or failed), or `failed`; `after the last test` (a failed run about to exit), `did not
   * exit`, `threshold` (the `--after` report, Ctrl-C, exit 13).
   */
  reason: 'timed out' | 'cancelled' | 'failed' | 'after the last test' | 'did not exit' | 'threshold';
}

/**
 * A snapshot taken from outside the process (`awaitwhat attach`). `mode`: `runtime` — the target
 * was instrumented (`--import awaitwhat/hooks`, AwaitInstrumentation) and its runtime answered, so
 * the snapshot is the in-process one, durations included; `fast` — read through the inspector from
 * V8's async stack walker: exact functions, suspension points, chains and `Promise.all` member
 * indexes, but every `pendingMs` is null (unknown) and `limits` says what else it cannot see;
 * `full` — fast mode plus the target's heap snapshot: each promise leaf
 * has its `holder` and the snapshot its `holders` summary, as in-process with holders. In fast mode, frame `seq` is the order the report lists
 * them in (creation order is not known), `stats.collected` and `stats.evicted` are 0 (not known),
 * a frame's `state` is never `returning` (such frames are not seen), combinator members the walk
 * did not reach are `unknown`, and a promise several frames settle that is not a recognisable
 * `Promise.race`/`any` is a group whose `calls` counts the frames reached.
 */
export interface SnapshotSource {
  via: 'attach';
  mode: 'runtime' | 'fast' | 'full';
  /** What this mode could not see, one sentence each, for the report to say; empty when nothing. */
  limits: string[];
}

export interface HoldersSummary {
  /** `done`: analysed; `skipped`: no heap snapshot was taken (see `reason`); `failed`: it was, and the analysis failed (`reason`). */
  state: 'done' | 'skipped' | 'failed';
  /** Why it was skipped or failed (`the heap in use (612 MB) is above the limit (256 MB); …`), or why nothing was analysed; '' otherwise. */
  reason: string;
  /** The heap in use before the snapshot (`v8.getHeapStatistics().used_heap_size`). */
  heapUsedBytes: number;
  /** The pause and the peak memory estimated from `heapUsedBytes` before deciding. */
  estimatedPauseMs: number;
  estimatedPeakBytes: number;
  /** Leaves whose holder the heap walk looked for (promise leaves, and thenable, `async-iterable`, `disposal` leaves whose awaiting call was found). */
  analysed: number;
  /** Leaves nothing can settle (`holder.state === 'never'`): waits that can never end. */
  neverSettle: number;
  /** Time taken by the snapshot and the analysis (the program's pause), ms; 0 when skipped. */
  tookMs: number;
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
  /** Ids of the nodes this one waits for, each once, in order (a combinator: its members' nodes in argument order). */
  awaits: string[];
  /** Ids of the nodes (frames, combinators, groups) that have this one in their `awaits`, each once. */
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
  /**
   * Milliseconds spent at the current suspension point: a lower bound, never more than the true
   * time, and less by at most one tick of the runtime's clock (about 50 ms, longer when the
   * program ran synchronously through the tick: see src/runtime/clock.ts). Null when unknown: a
   * snapshot taken by `awaitwhat attach` in fast or full mode (nothing recorded when the
   * suspension began).
   */
  pendingMs: number | null;
  /** Creation order among all frames of the thread. */
  seq: number;
}

export interface SuspensionPoint extends SourceLocation {
  /** `await`, `for-await`, `yield`, `yield*`, `await-using`, `return`. */
  kind: 'await' | 'for-await' | 'yield' | 'yield*' | 'await-using' | 'return';
  /** The source text at that point, e.g. `await sleep(60_000)`; empty when omitted by configuration. */
  text: string;
}

/** Members a combinator node lists one by one; any others are only counted, in `states`. */
export const MAX_LISTED_MEMBERS = 1000;

export interface CombinatorNode extends NodeBase {
  type: 'combinator';
  combinator: 'all' | 'allSettled' | 'race' | 'any';
  /**
   * The first members, in argument order: all of them up to `MAX_LISTED_MEMBERS` (1000), then only
   * the first 1000 (the others are counted in `states`). `awaits` still holds the node of every pending member that is
   * a frame, listed here or not, so that no member of a large combinator appears as a tree of its own.
   */
  members: CombinatorMember[];
  /** Members still pending, among all members (`states.pending`). */
  pending: number;
  /** All members. */
  total: number;
  /** All members counted by state; the counts add up to `total`. */
  states: MemberStates;
  /** False when the argument was not an array or set (or was a proxy), so members are unknown and `total` is 0. */
  membersKnown: boolean;
}

export interface CombinatorMember {
  index: number;
  /** The member's source text when the argument was an array literal, else empty. */
  text: string;
  /**
   * `pending`: a promise or frame not settled; `fulfilled`, `rejected`: settled; `value`: not a
   * promise or thenable, taken as is; `unknown`: a thenable (or an element defined by a getter),
   * whose state cannot be read without running the program's code.
   */
  state: MemberState;
  /** The member's node when it is pending, or a thenable that may be (state `unknown`); null otherwise. */
  node: string | null;
}

export type MemberState = 'pending' | 'fulfilled' | 'rejected' | 'value' | 'unknown';

/** How many members are in each state. */
export type MemberStates = Record<MemberState, number>;

export interface GroupNode extends NodeBase {
  type: 'group';
  /**
   * Several frames that uninstrumented code started during one call, whose result this node's
   * awaiters await (`await pMap(ids, async (id) => …)`): the awaited expression, e.g.
   * `pMap(ids, async (id) => …)`; empty when source text is omitted. `awaits` lists the frames still pending.
   */
  text: string;
  /** How many frames were started during that call, pending or not. */
  calls: number;
}

export interface LeafNode extends NodeBase {
  type: 'leaf';
  /**
   * `promise` (native; `createdAt` says where when instrumented code created it); `thenable`: an object with a `then` method (also one defined by a getter,
   * which is never run) or a proxy, whose state cannot be read; `async-iterable`; `value` (awaiting
   * a plain value); `disposal` (`await using`).
   */
  valueKind: 'promise' | 'thenable' | 'async-iterable' | 'value' | 'disposal';
  /** The await expression's operand as written, e.g. `sleep(60_000)`; empty when source text is omitted. */
  text: string;
  /** Where it is awaited (first awaiter). */
  location: SourceLocation;
  /**
   * For a `promise` created by instrumented code with `new Promise(…)`: where (the `new`). Absent
   * for any other promise (made by a library, Node.js, `Promise.resolve`, an uninstrumented file).
   * Added without a schema change: readers of `awaitwhat.snapshot/1` that do not know it ignore it.
   */
  createdAt?: SourceLocation;
  /**
   * Who can settle it, when holders were asked for: a promise leaf when the heap was analysed; a
   * thenable, `async-iterable` or `disposal` leaf through the promise its one suspended awaiting
   * call awaits (state `unknown`, with the reason, when that call cannot be told).
   */
  holder?: LeafHolder;
}

/**
 * Who holds a function that can settle a leaf promise, read from a heap snapshot: the shortest
 * path from a GC root to its resolve (else reject) function, not through what waits for it.
 */
export interface LeafHolder {
  /**
   * `held`: something reachable can settle it (`text` names it); `native`: native code holds it
   * (an fs request: `text` names the request); `never`: nothing reachable can settle it, a wait
   * that can never end; `unknown`: the chain went through an async function whose awaited promise
   * could not be found, or (a thenable, `for await`, `await using` leaf) the awaiting call could
   * not be told: `text` says why (`not told: 2 calls of readAll are suspended …`).
   */
  state: 'held' | 'native' | 'never' | 'unknown';
  /**
   * What a report shows: for `held`, the holder and its facts in parentheses
   * (`Timeout._onTimeout (timer 3600s, 3599s left)`, `Mutex.#waiters[0] (async-mutex)`,
   * `module variable neverResolve (app.mjs:12)`, `EventEmitter._events.ready (1 listener)`), with
   * `; one of several holders` when another object holds it at the same distance; for `never`,
   * `nothing can settle this promise: no one holds its resolve function` (or `… only what waits
   * for it holds its resolve function`).
   */
  text: string;
  /** The holder alone (`Timeout._onTimeout`); '' unless `held` or `native`. */
  holder: string;
  /** The npm package the holder's class or module variable comes from, or null (the program's own code, or Node.js). */
  package: string | null;
  /**
   * Facts read off the holder in the snapshot, only those present there: timers `delayMs`,
   * `leftMs` (against the thread's clock when the snapshot began, to about 50 ms), `interval`,
   * `unref`; emitters `event`, `listeners`; `AbortSignal` `aborted`; `ChildProcess` `pid`,
   * `exited`; `Worker` `threadId`; sockets `host`, `destroyed`; streams (sockets too), from
   * `_readableState`/`_writableState`: `readableEnded` (the end was pushed), `readableFlowing`
   * (absent while nothing has consumed it), `readableBufferedBytes` (or `readableBufferedObjects`
   * in object mode), `writableEnded` (`end()` called), `writableFinished`,
   * `writableBufferedBytes` (or `writableBufferedObjects`: written, not yet done, the write in
   * progress included), `destroyed`; `FileHandle` `fd` (-1 once closed), also for a `native`
   * request made by a FileHandle method. Added without a schema
   * change: readers ignore facts they do not know.
   */
  facts: Record<string, string | number | boolean>;
  /** How many other objects hold the settle function at the same distance (0: this is the only one). */
  alternatives: number;
  /** Every step from the root, e.g. `.EM → EventEmitter`, `._events → Object`, `variable resolve → closure (anonymous)`. */
  path: string[];
}
