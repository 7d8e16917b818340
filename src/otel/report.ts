/** What the pending-await sampler reports, as plain data (for `onPending`). */

export interface PendingReport {
  /** Capture time, ms since the Unix epoch. */
  capturedAt: number;
  thresholdMs: number;
  /** Chains whose innermost await has been pending at least `thresholdMs`, longest first. */
  chains: PendingChain[];
  /** Await cycles seen for the first time in this sample. */
  cycles: PendingCycle[];
}

export interface PendingChain {
  /** How long the innermost await has been pending, in ms. */
  pendingMs: number;
  /** Outermost first: the awaiter above the awaitee. */
  frames: PendingFrameInfo[];
  /** What the innermost frame awaits, when no instrumented code produced it. */
  leaf: { text: string; kind: string } | null;
  /** The real trace of these frames, when they have spans. */
  traceId?: string;
  /** The snapshot trace of this chain (every report of one hung chain goes to the same one), when exported. */
  snapshotTraceId?: string;
}

export interface PendingFrameInfo {
  function: string;
  file: string;
  line: number;
  column: number;
  /** The await it is suspended at: `await db.query(…)`. */
  await: string;
  pendingMs: number;
  /** The frame's real span, when it has one. */
  spanId?: string;
}

export interface PendingCycle {
  /** The frames that await each other, in await order. */
  frames: PendingFrameInfo[];
}
