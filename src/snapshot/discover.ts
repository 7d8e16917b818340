/**
 * Finding the frames a snapshot shows: the registered ones, plus the frames they await (claimed
 * frames are reachable only that way), oldest first, each read once.
 */

import { awaitedValueOf, isDone, isFrameRecord, type RuntimeFrame } from './frame-records.ts';
import { seqOrder } from './seq-order.ts';
import type { SnapshotSource } from './source.ts';

export interface Discovered {
  /** Oldest first, each once. */
  frames: RuntimeFrame[];
  state: FrameState;
}

/** Fields of the discovered frames, by position in `frames` (arrays may be longer), as read once by discovery. */
export interface FrameState {
  seq: Float64Array;
  site: Int32Array;
  since: Float64Array;
  value: unknown[];
  /** The position of the frame each one awaits (its `value`, a pending frame), or -1. */
  awaitedAt: Int32Array;
}

/**
 * No map: a claimed frame always entered after its awaiter (greater seq), so following `value`
 * links cannot loop, and a frame reached twice sorts next to itself and is kept once. Each frame's
 * fields are read here, once: at 100k frames every further pass over the records themselves costs
 * a cache miss per frame.
 */
export function discoverFrames(source: SnapshotSource): Discovered {
  const found: RuntimeFrame[] = [];
  source.forEachRegistered((f) => {
    found.push(f);
  });
  // Found here once, the frame each frame awaits needs no lookup when the graph is linked.
  const awaited: number[] = [];
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    const next = awaitedValueOf(f);
    if (isFrameRecord(next) && !isDone(next) && next.seq > f.seq) {
      awaited.push(found.length);
      found.push(next);
    } else awaited.push(-1);
  }
  const count = found.length;
  const seqs = new Float64Array(count);
  for (let i = 0; i < count; i++) seqs[i] = found[i]!.seq;
  const order = seqOrder(seqs);
  const frames: RuntimeFrame[] = [];
  const rank = new Int32Array(count);
  const state: FrameState = { seq: new Float64Array(count), site: new Int32Array(count), since: new Float64Array(count), value: [], awaitedAt: new Int32Array(count).fill(-1) };
  for (let k = 0; k < count; k++) {
    const i = order[k]!;
    const f = found[i]!;
    if (frames.length === 0 || frames[frames.length - 1] !== f) {
      const at = frames.length;
      frames.push(f);
      state.seq[at] = seqs[i]!;
      state.site[at] = f.site;
      state.since[at] = f.since;
      state.value.push(awaitedValueOf(f));
    }
    rank[i] = frames.length - 1;
  }
  for (let i = 0; i < count; i++) if (awaited[i]! >= 0) state.awaitedAt[rank[i]!] = rank[awaited[i]!]!;
  return { frames, state };
}
