/**
 * Finding the frames a snapshot shows: the registered ones, plus the frames they await (claimed
 * frames are reachable only that way), oldest first, each read once.
 */

import { awaitedValueOf, isDone, isFrameRecord, keptFieldOf, type RuntimeFrame } from './frame-records.ts';
import { FloatList, IntList } from './int-list.ts';
import { Float64ArrayConstructor, Int32ArrayConstructor, newList, publish, typedArrayFill } from '../runtime/intrinsics.ts';
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
  /** Each frame's promise field as stored (see `keptFieldOf`): what scans for a kept promise compare. */
  kept: unknown[];
  /** The position of the frame each one awaits (its `value`, a pending frame), or -1. */
  awaitedAt: Int32Array;
}

/**
 * No map: a claimed frame always entered after its awaiter (greater seq), so following `value`
 * links cannot loop, and a frame reached twice sorts next to itself and is kept once. Each frame
 * record is touched in one pass that reads every field the builder needs: at 100k frames each
 * further pass over the records themselves (spread over the heap) costs a cache miss per frame;
 * the sort and everything after it work on the columns read here.
 */
export function discoverFrames(source: SnapshotSource): Discovered {
  // Lists (no prototype): appending reaches no setter the program may have put on Array.prototype.
  const found = newList<RuntimeFrame>();
  source.forEachRegistered((f) => {
    found[found.length] = f;
  });
  // Stryker disable next-line ArithmeticOperator: equivalent (speed only): a smaller initial capacity, and the list grows
  const seqs = new FloatList(found.length * 2);
  // Stryker disable next-line ArithmeticOperator: equivalent (speed only): a smaller initial capacity, and the list grows
  const sites = new IntList(found.length * 2);
  // Stryker disable next-line ArithmeticOperator: equivalent (speed only): a smaller initial capacity, and the list grows
  const sinces = new FloatList(found.length * 2);
  const values = newList<unknown>();
  const kepts = newList<unknown>();
  // Found here once, the frame each frame awaits needs no lookup when the graph is linked.
  // Stryker disable next-line ArithmeticOperator: equivalent (speed only): a smaller initial capacity, and the list grows
  const awaited = new IntList(found.length * 2);
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    const seq = f.seq;
    const next = awaitedValueOf(f);
    seqs.push(seq);
    sites.push(f.site);
    sinces.push(f.since);
    values[values.length] = next;
    kepts[kepts.length] = keptFieldOf(f);
    if (isFrameRecord(next) && !isDone(next) && next.seq > seq) {
      awaited.push(found.length);
      found[found.length] = next;
    } else awaited.push(-1);
  }
  const count = found.length;
  const seqOf = seqs.view();
  const siteOf = sites.view();
  const sinceOf = sinces.view();
  const awaitedOf = awaited.view();
  const order = seqOrder(seqOf);
  // Sized once (a frame reached twice leaves the tail unused, cut below): growing three arrays
  // of 100k entries by pushes cost more than the sort.
  // Stryker disable next-line ArrayDeclaration: equivalent: filled by index up to n, then cut to n
  const frames = newList<RuntimeFrame>(count);
  // Stryker disable next-line ArrayDeclaration: equivalent: filled by index up to n, then cut to n
  const value = newList<unknown>(count);
  // Stryker disable next-line ArrayDeclaration: equivalent: filled by index up to n, then cut to n
  const kept = newList<unknown>(count);
  const seq = new Float64ArrayConstructor(count);
  const site = new Int32ArrayConstructor(count);
  const since = new Float64ArrayConstructor(count);
  const awaitedAt = typedArrayFill(new Int32ArrayConstructor(count), -1);
  const rank = new Int32ArrayConstructor(count);
  let n = 0;
  for (let k = 0; k < count; k++) {
    const i = order[k]!;
    const f = found[i]!;
    // A pointer comparison: the record itself is not read again.
    if (n === 0 || frames[n - 1] !== f) {
      frames[n] = f;
      seq[n] = seqOf[i]!;
      site[n] = siteOf[i]!;
      since[n] = sinceOf[i]!;
      value[n] = values[i];
      kept[n] = kepts[i];
      n++;
    }
    rank[i] = n - 1;
  }
  if (n < count) {
    frames.length = n;
    value.length = n;
    kept.length = n;
  }
  for (let i = 0; i < count; i++) if (awaitedOf[i]! >= 0) awaitedAt[rank[i]!] = rank[awaitedOf[i]!]!;
  // Filled, the lists become ordinary arrays for the builder and the tests.
  const state: FrameState = { seq, site, since, value: publish(value), kept: publish(kept), awaitedAt };
  return { frames: publish(frames), state };
}
