/**
 * The runs of tests and hooks in one process, as frame-counter ranges: each test or hook is
 * recorded when it starts (the frame counter then) and when it ends, so that any frame can be
 * traced to the test (or hook) that started it, and a test's part of the graph be cut out of a
 * snapshot (scope.ts). Runner integrations (node-test.ts, mocha.ts) fill it from their runner's
 * events; tests of one process run one at a time in every runner supported, so ranges do not
 * overlap (a test that timed out keeps running in the background, but its range ends at its end:
 * what its chains start later belongs to no test). A run may start inside another one that is
 * still open and end before it (Jest's concurrent tests are recorded as the synchronous call of
 * their function, which can come while another test runs): ranges are then nested, never
 * crossing, and a frame belongs to the innermost run it was created in.
 */

import { runtimeGlobal } from '../runtime/runtime.ts';
import type { Snapshot, SnapshotScope } from '../snapshot/schema.ts';
import { frameCount, inRange, subSnapshot, type SeqRange } from './scope.ts';

export interface TestRun {
  /** `suite > test` (node:test's `fullName`), `suite test` (Mocha's `fullTitle()`): as the runner names it. */
  readonly name: string;
  /** `test`, or the hook's kind as the runner says it (`before all` hook…). */
  readonly kind: 'test' | 'hook';
  readonly range: SeqRange;
  /** The run that was open when this one started, if any: this one's range is inside its range. */
  readonly enclosing?: TestRun | undefined;
}

/** The frame counter now: frames created from here on have a greater `seq`. */
export function frameCounter(): number {
  return runtimeGlobal()?.q ?? 0;
}

export class TestLog {
  readonly #runs: TestRun[] = [];
  /** Recorded runs beyond this many are forgotten, oldest first (a suite of 100k tests keeps memory flat). */
  readonly #limit: number;
  readonly #counter: () => number;

  constructor(counter: () => number = frameCounter, limit = 100_000) {
    this.#counter = counter;
    this.#limit = limit;
  }

  /**
   * A run starts now. `nested`: it may start while another is open (and will end before it),
   * as the synchronous call of a Jest concurrent test's function does; other runs start after the
   * last one ended, or, where a runner starts one before the last ended, take over from it.
   */
  start(name: string, kind: TestRun['kind'], nested = false): TestRun {
    const run: TestRun = { name, kind, range: { from: this.#counter(), to: undefined }, enclosing: nested ? this.#innermostOpen() : undefined };
    if (this.#runs.length >= this.#limit) this.#runs.splice(0, this.#runs.length - this.#limit + 1);
    this.#runs.push(run);
    return run;
  }

  /** Whether any test or hook was recorded. */
  started(): boolean {
    return this.#runs.length > 0;
  }

  end(run: TestRun): void {
    if (run.range.to === undefined) run.range.to = this.#counter();
  }

  /** The innermost run still open: the last one started, or one it was nested in. */
  #innermostOpen(): TestRun | undefined {
    let run = this.#runs.at(-1);
    while (run !== undefined && run.range.to !== undefined) run = run.enclosing;
    return run;
  }

  /** The run that started the frame with this `seq`, if any. */
  startedBy(seq: number): TestRun | undefined {
    // Ranges are in start order and do not cross: the last one starting before `seq`, found by
    // bisection, or the innermost of the runs it was started in that contains `seq`.
    let low = 0;
    let high = this.#runs.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#runs[mid]!.range.from < seq) low = mid + 1;
      else high = mid;
    }
    let run = this.#runs[low - 1];
    while (run !== undefined && !inRange(seq, run.range)) run = run.enclosing;
    return run;
  }

  /** The part of `snapshot` that `run` started (and what that awaits); not what runs nested in it started. */
  scope(snapshot: Snapshot, run: TestRun): Snapshot {
    return subSnapshot(snapshot, (seq) => inRange(seq, run.range) && !isNestedIn(this.startedBy(seq), run));
  }

  /**
   * `snapshot` cut by the run that started each pending frame: one part per test or hook with
   * frames still pending, in the order they ran, then the frames no test or hook started (module
   * code, or a timed-out chain that went on after its test), if any.
   */
  byRun(snapshot: Snapshot): { run: TestRun | undefined; snapshot: Snapshot }[] {
    const runs: (TestRun | undefined)[] = [];
    for (const node of snapshot.nodes) {
      if (node.type !== 'frame') continue;
      const run = this.startedBy(node.seq);
      if (!runs.includes(run)) runs.push(run);
    }
    const parts: { run: TestRun | undefined; snapshot: Snapshot }[] = [];
    for (const run of this.#runs) {
      if (!runs.includes(run)) continue;
      const part = subSnapshot(snapshot, (seq) => this.startedBy(seq) === run);
      if (frameCount(part) > 0) parts.push({ run, snapshot: part });
    }
    if (runs.includes(undefined)) parts.push({ run: undefined, snapshot: subSnapshot(snapshot, (seq) => this.startedBy(seq) === undefined) });
    return parts;
  }
}

/** Whether `inner` is a run nested in `outer` (started while it was open). */
function isNestedIn(inner: TestRun | undefined, outer: TestRun): boolean {
  for (let run = inner?.enclosing; run !== undefined; run = run.enclosing) if (run === outer) return true;
  return false;
}

/** How a report names a run: `test "a > b"`, `"before all" hook: "x"`. */
export function describeRun(run: TestRun | undefined): string {
  if (run === undefined) return 'outside any test or hook';
  return run.kind === 'test' ? `test "${run.name}"` : run.name;
}

/** `started by test "a > b"`, `started outside any test or hook`. */
export function startedBy(run: TestRun | undefined): string {
  return run === undefined ? 'started outside any test or hook' : `started by ${describeRun(run)}`;
}

/** `snapshot` marked as the part of the graph `run` started, reported for `reason` (schema.ts, `scope`). */
export function scoped(snapshot: Snapshot, run: TestRun | undefined, reason: SnapshotScope['reason']): Snapshot {
  return { ...snapshot, scope: { kind: run === undefined ? 'outside' : run.kind, name: run?.name ?? '', reason } };
}
