/**
 * What an attach will cost the target, said before anything stops it, from its heap in use
 * (`Runtime.getHeapUsage`) and how busy the machine is. BENCHMARKS.md has the measurements the
 * constants come from (`node bench/attach.mjs`, Node.js 24, quiet machine).
 */

import { availableParallelism, loadavg } from 'node:os';

/**
 * Fast mode: Runtime.queryObjects (full garbage collections, then a test of every object) is almost
 * all of it. Measured on a quiet machine (load < 0.5), Node.js 22, 24 and 26: 83–161 ms at 7–9 MB,
 * 436–646 ms at 45–53 MB, 2.1 s at 189 MB.
 */
const WALK_BASE_MS = 25;
const WALK_MS_PER_MB = 10.5;
/** Full mode adds the heap snapshot, generated and sent by the target (parsed here, not there): the whole pause 267–360 ms at 7 MB, 2.8–3.3 s at 52 MB. */
export const SNAPSHOT_MS_PER_MB = 42;
/** The target's memory rises while it writes the snapshot into the inspector's queue: 10–12× its heap in use (73 MB at 7 MB, 600 MB at 52 MB). */
const SNAPSHOT_PEAK_FACTOR = 12;
/** The promise query's rise: the array of every promise and the marking bitmaps, about twice the heap in use. */
const WALK_PEAK_FACTOR = 2;
/** The load factor is capped: past it the estimate would only say "long". */
const MAX_LOAD_FACTOR = 8;
/** The share of the load per core the pause grows by (fitted at loads of 2 and 10 per core). */
const LOAD_SLOPE = 0.65;

export interface AttachCost {
  pauseMs: number;
  peakBytes: number;
  /** The part of `pauseMs` the heap snapshot takes (0 in fast mode). */
  snapshotMs: number;
}

/**
 * The pause scales with how much CPU the target gets: with more runnable threads than cores it
 * waits its turn. Measured at 50 MB (BENCHMARKS.md): the pause was 0.8–1.5× the quiet one at a load
 * of 2 per core and 5.5–7.6× at 10 per core — about proportional to the load, as a fair scheduler
 * gives each runnable thread its share. The factor is 0.65 × the load per core, at least 1, at
 * most 8; `AWAITWHAT_ATTACH_LOAD` sets it (tests pin it to 1, so that an estimate does not depend
 * on what else the machine runs).
 */
export function loadFactor(env: NodeJS.ProcessEnv = process.env, load: number = loadavg()[0]!, cores: number = availableParallelism()): number {
  const pinned = env.AWAITWHAT_ATTACH_LOAD;
  if (pinned !== undefined && pinned !== '') {
    const value = Number(pinned);
    if (!Number.isFinite(value) || value < 1) throw new Error(`AWAITWHAT_ATTACH_LOAD=${JSON.stringify(pinned)}: expected a number of at least 1 (the factor the estimated pause is multiplied by)`);
    return value;
  }
  const perCore = load / cores;
  return Math.min(MAX_LOAD_FACTOR, Math.max(1, perCore * LOAD_SLOPE));
}

/** The estimated pause and memory rise of an attach to a target with `usedBytes` of heap in use; `full` adds the heap snapshot. */
export function estimateAttachCost(usedBytes: number, full: boolean, factor: number): AttachCost {
  const mb = usedBytes / 1048576;
  const walkMs = (WALK_BASE_MS + mb * WALK_MS_PER_MB) * factor;
  const snapshotMs = full ? mb * SNAPSHOT_MS_PER_MB * factor : 0;
  return {
    pauseMs: Math.round(walkMs + snapshotMs),
    snapshotMs: Math.round(snapshotMs),
    peakBytes: Math.round(usedBytes * (full ? SNAPSHOT_PEAK_FACTOR : WALK_PEAK_FACTOR)),
  };
}
