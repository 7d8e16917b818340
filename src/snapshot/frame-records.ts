/**
 * The one place that knows how the runtime encodes what the snapshot builder reads from a frame
 * record: which values are frames, combinator calls or array slots, and what a site id or a kept
 * promise field holds. Should the runtime store frames differently, this file (and the
 * `SnapshotSource` it answers for) is what follows.
 */

import { arraySlotIndex, CombinatorLink, DONE, Frame, framePromise, frameValue, GENERATOR, isArraySlot, isFrame, IterationLink, KIND_RETURN, KIND_YIELD, UNCLAIMABLE } from '../runtime/frame.ts';
import { getOwnPropertyDescriptor, hasOwn } from '../runtime/intrinsics.ts';
export { RETURN_SITE_BASE } from '../runtime/sites.ts';
import { isOwnInstance, isProxyObject } from '../runtime/values.ts';

/**
 * A pending async call as the runtime records it. The builder reads `seq`, `site` (a suspension
 * site id when >= 0; see `isDone`), `since` (only through `SnapshotSource.elapsed`), what it waits for (through `awaitedValueOf`:
 * a frame, a combinator call, or the program's value) and its kept promise (through
 * `keptPromiseOf`).
 */
export type RuntimeFrame = Frame;
export type CombinatorCall = CombinatorLink;
export type IterationRecord = IterationLink;

/** Suspension kinds, as `SnapshotSource.siteKindOf` reports them; any other number is an await. */
export const SITE_RETURN = KIND_RETURN;
export const SITE_YIELD = KIND_YIELD;

/** `v` is a frame record (what an awaiter holds once it claimed its callee). Never runs program code. */
export function isFrameRecord(v: unknown): v is RuntimeFrame {
  return isFrame(v);
}

/** What the frame waits for (a frame, a combinator call, or the program's value): a private field of the record, read through the runtime's accessor. */
export function awaitedValueOf(f: RuntimeFrame): unknown {
  return frameValue(f);
}

/** `v` is a `Promise.all(…)`-style call the runtime recorded. */
export function isCombinatorCall(v: unknown): v is CombinatorCall {
  return isOwnInstance(v, CombinatorLink);
}

/** The frame finished and did not return anything still pending. */
export function isDone(f: RuntimeFrame): boolean {
  return f.site === DONE;
}

/** A frame no caller can claim: an async generator's or a module's. */
export function isUnclaimable(f: RuntimeFrame): boolean {
  const p = framePromise(f);
  return p === UNCLAIMABLE || p === GENERATOR;
}

/** Whether a caller claimed the frame (awaited it, kept its promise, or took it as a member of an array). */
export function isClaimed(f: RuntimeFrame): boolean {
  const p = framePromise(f);
  return p !== undefined && p !== UNCLAIMABLE && p !== GENERATOR;
}

/** `isUnclaimable` from the frame's promise field as discovery read it (`keptFieldOf`). */
export function isUnclaimableField(p: unknown): boolean {
  return p === UNCLAIMABLE || p === GENERATOR;
}

/** The frame's promise when a caller kept it (for an array of call results, its element), read without running program code. */
export function keptPromiseOf(f: RuntimeFrame): unknown {
  return keptPromiseFrom(framePromise(f), f.seq);
}

/** A frame's promise field as stored: `keptPromiseFrom` turns it into the kept promise; read once per frame by discovery. */
export function keptFieldOf(f: RuntimeFrame): unknown {
  return framePromise(f);
}

/**
 * The kept promise a promise field (`keptFieldOf`) of the frame with seq `seq` stands for, if any
 * (an array slot is shared by the callees of one claim: the seq picks the element).
 */
export function keptPromiseFrom(p: unknown, seq: number): unknown {
  if (p === undefined || p === UNCLAIMABLE || p === GENERATOR) return undefined;
  if (isArraySlot(p)) {
    const index = arraySlotIndex(p, seq);
    if (index < 0) return undefined;
    const element = elementOf(p.array, index);
    return typeof element === 'object' && element !== null ? element : undefined;
  }
  return p;
}

/** Whether a promise field (`keptFieldOf`) is an array slot, whose kept promise is an element of the array it names. */
export function isSlotField(p: unknown): boolean {
  return isArraySlot(p);
}

/** An array element read through its descriptor (no getter runs); undefined for holes, accessors and proxies. */
function elementOf(array: unknown, index: number): unknown {
  if (typeof array !== 'object' || array === null || isProxyObject(array)) return undefined;
  const d = getOwnPropertyDescriptor(array, index);
  return d !== undefined && hasOwn(d, 'value') ? d.value : undefined;
}
