/**
 * `awaitwhat attach <pid>`: the await graph of a running Node.js process that was started
 * without awaitwhat. Checks the target (proc.ts), opens its inspector (session.ts), and either asks
 * an instrumented target's runtime for its own snapshot, or — fast mode — after saying what the
 * walk will cost and refusing past `maxPauseMs`, walks every promise (walker.ts) and builds the
 * snapshot from the walks (graph.ts). The target is left as it was (session.ts).
 */

import { readlinkSync } from 'node:fs';
import type { LeafNode, Snapshot } from '../snapshot/schema.ts';
import { formatDuration } from '../util/duration.ts';
import { AttachError, refuse } from './errors.ts';
import { buildAttachSnapshot } from './graph.ts';
import { addHeapHolders, leafRemoteObjects } from './full.ts';
import { inspectTarget } from './proc.ts';
import { estimateCost } from '../snapshot/holders.ts';
import { estimateAttachCost, loadFactor } from './estimate.ts';
import { OBJECT_GROUP, withInspector, type Inspector } from './session.ts';
import { SiteTables } from './sites.ts';
import { FIRST_LIMIT, SECOND_LIMIT, walkPromises, type WalkEntry, type WalkResult } from './walker.ts';

export interface AttachOptions {
  pid: number;
  /** Refuse a walk estimated to pause the target longer than this, unless `yes`. */
  maxPauseMs: number;
  yes: boolean;
  /** Also take a heap snapshot: holders of each leaf promise, and the waits that can never end. */
  full?: boolean;
  /** Deadline of each step but the walk (whose deadline grows with the estimate). */
  stepTimeoutMs: number;
  log: (line: string) => void;
  /** Ctrl-C: fails the step in flight and stops before the next; the target is still left as it was. */
  signal: AbortSignal;
}

const SHARED_LIMIT = 'the async functions awaiting a promise that several functions await (the chains above them are shown';

/** What fast mode cannot see, said in every fast-mode report. */
export const FAST_LIMITS: readonly string[] = [
  'how long anything has been pending (durations are unknown: the process was not instrumented)',
  `${SHARED_LIMIT}; use --full)`,
  'async functions that already returned a still-pending promise (their awaiter is shown awaiting it directly)',
  'separate calls of one function suspended at the same place under the same awaiters (shown once)',
  'async generators suspended at a yield, and worker threads',
  // A promise collected while pending is gone from the heap; only awaitwhat's runtime counts them (stats.collected).
  'async functions the garbage collector reclaimed while still pending (stats.collected is 0: only a process started with awaitwhat counts them)',
];

/** What full mode cannot see: fast mode's limits, less the shared promises' awaiters (the heap snapshot gives them, shared.ts). */
export const FULL_LIMITS: readonly string[] = FAST_LIMITS.filter((l) => !l.startsWith(SHARED_LIMIT));

export async function attach(options: AttachOptions): Promise<Snapshot> {
  let factor: number;
  try {
    factor = loadFactor();
  } catch (error) {
    throw refuse((error as Error).message);
  }
  const target = inspectTarget(options.pid);
  return withInspector(target, { stepTimeoutMs: options.stepTimeoutMs, log: options.log }, async (inspector) => {
    if (await hasRuntime(inspector)) return runtimeSnapshot(inspector, target, factor, options);
    await waitForIdle(inspector, target.pid, IDLE_TIMEOUT_MS);
    const usage = await inspector.cdp.call('Runtime.getHeapUsage', {}, options.stepTimeoutMs);
    const used = Number(usage.usedSize ?? 0);
    // Full mode: the walk, then the heap snapshot, generated in the target and parsed here.
    const full = options.full === true;
    const cost = estimateAttachCost(used, full, factor);
    const pause = cost.pauseMs;
    const memory = cost.peakBytes;
    const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;
    const what = !full ? 'the walk' : 'the walk and the heap snapshot';
    options.log(`awaitwhat: process ${target.pid} (Node.js ${target.version}, heap ${mb(used)} used): ${what} will pause it about ${formatDuration(pause)} and may raise its memory by about ${mb(memory)} for a moment`);
    if (pause > options.maxPauseMs && !options.yes) {
      throw refuse(`the estimated pause (${formatDuration(pause)}) is longer than --max-pause ${formatDuration(options.maxPauseMs)}; pass --yes to attach anyway, or a larger --max-pause`);
    }
    if (options.signal.aborted) throw new AttachError('interrupted');
    const started = Date.now();
    const budgetMs = Math.max(2000, options.maxPauseMs);
    const walked = await walk(inspector, Math.max(options.stepTimeoutMs, pause * 4 + 5000), budgetMs);
    options.log(`awaitwhat: walked ${walked.promises} promises in ${formatDuration(Date.now() - started)} (finding them: ${formatDuration(walked.queryMs)})`);
    const limits = [...(full ? FULL_LIMITS : FAST_LIMITS)];
    if (walked.replaced) limits.push('chains through Promise.prototype.then or Promise.all, which the program replaced (chains may stop early)');
    if (walked.skipped > 0) limits.push(`${walked.skipped} promises not walked: the walk stopped after ${formatDuration(budgetMs)} to keep the pause short (--max-pause)`);
    const cwd = targetCwd(target.pid);
    const sites = new SiteTables(`/proc/${target.pid}/root`);
    const leafPromises = new Map<LeafNode, number>();
    const snapshot = buildAttachSnapshot({
      walks: walked.walks,
      sites,
      cwd,
      pid: target.pid,
      capturedAt: started,
      limits,
      leafPromises,
    });
    if (!full) return snapshot;
    if (options.signal.aborted) throw new AttachError('interrupted');
    const leaves = [...leafPromises];
    const objectIds = await leafRemoteObjects(inspector, walked.arrayId, leaves.map(([, index]) => index), options.stepTimeoutMs);
    const heapStarted = Date.now();
    snapshot.holders = await addHeapHolders(
      inspector,
      leaves.map(([leaf], k) => ({ leaf, objectId: objectIds[k]! })),
      { pid: target.pid, cwd, snapshot, sites, heapUsedBytes: used, estimate: cost, stepTimeoutMs: options.stepTimeoutMs, snapshotTimeoutMs: Math.max(options.stepTimeoutMs, cost.snapshotMs * 4 + 10_000) },
    );
    options.log(`awaitwhat: heap snapshot taken and analysed in ${formatDuration(Date.now() - heapStarted)}`);
    snapshot.source = { via: 'attach', mode: 'full', limits: snapshot.source!.limits };
    return snapshot;
  }, options.signal);
}

/** How long the target's event loop may take to turn before attach gives up on it as busy. */
const IDLE_TIMEOUT_MS = 2000;

/**
 * The walk runs in microtasks, which a program busy in synchronous code never lets run: rather
 * than queue it behind that code, check first that the event loop turns (a setImmediate).
 */
async function waitForIdle(inspector: Inspector, pid: number, timeoutMs: number): Promise<void> {
  try {
    await inspector.cdp.call('Runtime.evaluate', { expression: 'new Promise((resolve) => setImmediate(resolve))', awaitPromise: true, silent: true }, timeoutMs);
  } catch (error) {
    if (error instanceof AttachError && error.kind === 'timeout') {
      throw new AttachError(`process ${pid} is busy in synchronous code (its event loop did not turn within ${formatDuration(timeoutMs)}), so nothing can be walked; attach again when it is idle`, 'timeout');
    }
    throw error;
  }
}

const RUNTIME = 'globalThis.__awaitwhat';

/** True when the target runs awaitwhat's runtime (started with awaitwhat/hooks or AwaitInstrumentation). */
async function hasRuntime(inspector: Inspector): Promise<boolean> {
  return (await inspector.evaluate(`(() => { const r = ${RUNTIME}; return r !== null && typeof r === 'object' && typeof r.snapshot === 'function'; })()`)) === true;
}

/**
 * An instrumented target's own snapshot (the same one it reports in-process, durations
 * included). With `full`, its holders too: the runtime takes and analyses its own heap snapshot
 * (`snapshot({ holders })`), so the cost is the in-process one (src/snapshot/holders.ts), said
 * first and refused past `maxPauseMs` like any other.
 */
async function runtimeSnapshot(inspector: Inspector, target: { pid: number; version: string }, factor: number, options: AttachOptions): Promise<Snapshot> {
  let args = '';
  let timeoutMs = options.stepTimeoutMs;
  if (options.full === true) {
    const usage = await inspector.cdp.call('Runtime.getHeapUsage', {}, options.stepTimeoutMs);
    const used = Number(usage.usedSize ?? 0);
    const cost = estimateCost(used);
    const pause = Math.round(cost.pauseMs * factor);
    const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;
    options.log(`awaitwhat: process ${target.pid} (Node.js ${target.version}, heap ${mb(used)} used) runs awaitwhat: its heap snapshot will pause it about ${formatDuration(pause)} and may raise its memory by about ${mb(cost.peakBytes)} for a moment`);
    if (pause > options.maxPauseMs && !options.yes) {
      throw refuse(`the estimated pause (${formatDuration(pause)}) is longer than --max-pause ${formatDuration(options.maxPauseMs)}; pass --yes to attach anyway, or a larger --max-pause`);
    }
    if (options.signal.aborted) throw new AttachError('interrupted');
    // The user agreed to the pause: the runtime's own heap limit (a guard for unattended use) is lifted.
    args = `{ holders: { maxHeapBytes: ${Number.MAX_SAFE_INTEGER} } }`;
    timeoutMs = Math.max(timeoutMs, pause * 4 + 10_000);
  }
  const reply = await inspector.cdp.call('Runtime.evaluate', { expression: `JSON.stringify(${RUNTIME}.snapshot(${args}))`, returnByValue: true, silent: true, objectGroup: OBJECT_GROUP }, timeoutMs);
  const details = reply.exceptionDetails as { text?: string; exception?: { description?: string } } | undefined;
  if (details !== undefined) throw new AttachError(`the target's runtime failed to give its snapshot: ${details.exception?.description ?? details.text ?? 'exception'}`);
  const snapshot = JSON.parse(String((reply.result as { value?: unknown }).value)) as Snapshot;
  snapshot.source = { via: 'attach', mode: 'runtime', limits: [] };
  return snapshot;
}

export interface Walked {
  walks: Array<{ entries: WalkEntry[]; count: number; cut: boolean; first: number }>;
  promises: number;
  skipped: number;
  replaced: boolean;
  /** How long Runtime.queryObjects took: most of the pause. */
  queryMs: number;
  /** The remote array of every promise (object group OBJECT_GROUP): the walks' `first` index into it. */
  arrayId: string;
}

/**
 * Every promise (one heap walk, Runtime.queryObjects), then V8's async stack walker from each, in
 * two passes (walker.ts): short walks from all, then long ones from one promise per distinct walk
 * the first pass cut. Both stop capturing after `budgetMs`.
 */
async function walk(inspector: Inspector, timeoutMs: number, budgetMs: number): Promise<Walked> {
  const cdp = inspector.cdp;
  const proto = await cdp.call('Runtime.evaluate', { expression: '(async () => {})().constructor.prototype', objectGroup: OBJECT_GROUP, silent: true }, timeoutMs);
  const protoId = (proto.result as { objectId?: string }).objectId;
  if (protoId === undefined) throw new AttachError('the target did not give its Promise.prototype');
  const queryStart = Date.now();
  const query = await cdp.call('Runtime.queryObjects', { prototypeObjectId: protoId, objectGroup: OBJECT_GROUP }, timeoutMs);
  const queryMs = Date.now() - queryStart;
  const arrayId = (query.objects as { objectId?: string }).objectId;
  if (arrayId === undefined) throw new AttachError('Runtime.queryObjects returned no array');
  const pass = async (limit: number, indexes: number[] | null): Promise<WalkResult> => {
    const reply = await cdp.call(
      'Runtime.callFunctionOn',
      {
        objectId: arrayId,
        functionDeclaration: walkPromises.toString(),
        arguments: [{ value: limit }, { value: budgetMs }, { value: indexes }],
        returnByValue: true,
        awaitPromise: true,
        silent: true,
        objectGroup: OBJECT_GROUP,
      },
      timeoutMs,
    );
    const details = reply.exceptionDetails as { exception?: { description?: string }; text?: string } | undefined;
    if (details !== undefined) throw new AttachError(`the walk failed in the target: ${details.exception?.description ?? details.text}`);
    return (reply.result as { value: WalkResult }).value;
  };
  const first = await pass(FIRST_LIMIT, null);
  const walks: Walked['walks'] = first.walks.filter((w) => w.entries.length < FIRST_LIMIT).map((w) => ({ ...w, cut: false }));
  let skipped = first.skipped;
  const cutFirst = first.walks.filter((w) => w.entries.length >= FIRST_LIMIT);
  if (cutFirst.length > 0) {
    const second = await pass(SECOND_LIMIT, first.cutAt);
    skipped += second.skipped;
    const counts = new Map(cutFirst.map((w) => [JSON.stringify(w.entries), w.count]));
    for (const w of second.walks) {
      // Counted as often as the first pass saw its beginning: every promise that gave that walk.
      const count = counts.get(JSON.stringify(w.entries.slice(0, FIRST_LIMIT))) ?? w.count;
      walks.push({ entries: w.entries, count, cut: w.entries.length >= SECOND_LIMIT, first: w.first });
    }
    if (second.walks.length < cutFirst.length && second.skipped > 0) for (const w of cutFirst) walks.push({ ...w, cut: true });
  }
  return { walks, promises: first.promises, skipped, replaced: first.replaced, queryMs, arrayId };
}

function targetCwd(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}
