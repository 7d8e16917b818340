/**
 * src/snapshot/holders.ts in this process (no program spawned): the cost estimate, the summary when
 * nothing is to be analysed or the heap is over the limit (its exact sentence), leaves awaited by
 * more than one function, a real heap snapshot of this test's own promises, and how a holder's
 * path reads.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import type { SnapshotNode } from '../dist/index.js';
import { NO_AWAITER_TEXT, SHARED_AWAIT_TEXT } from '../dist/heap/holders.js';
import { addHolders, estimateCost, holdersInProgress, leafHolderOf } from '../dist/snapshot/holders.js';
import { buildSnapshot } from '../dist/snapshot/build.js';
import type { SnapshotSource } from '../dist/snapshot/source.js';
import { Frame, KIND_AWAIT } from '../dist/runtime/frame.js';

const MB = 1024 * 1024;
const at = { file: 'a.mjs', line: 1, column: 1 };
const leaf = (id: string, valueKind: string, awaitedBy: string[] = ['f1']) => ({ id, type: 'leaf', valueKind, text: id, location: at, awaits: [], awaitedBy }) as unknown as SnapshotNode;
const frame = (id: string, awaits: string[]) => ({ id, type: 'frame', function: 'fn', kind: 'function', location: { file: 'a.mjs', line: 3, column: 1 }, state: 'awaiting', suspendedAt: null, pendingMs: 0, seq: 1, awaits, awaitedBy: [] }) as unknown as SnapshotNode;
const identity = (url: string) => url;
/** Settles the test's gated promise: a module variable, which the heap snapshot shows as its holder. */
let release: (() => void) | undefined;
/** The line declaring the variable above (the heap analysis finds it in this file's text: written here in two pieces so that it is found once). */
const RELEASE_LINE = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').findIndex((line) => line.startsWith('let ' + 'release:')) + 1;

describe('snapshot holders', () => {
  it('estimates 150 ms per MB of heap and a peak of 14 times the heap', () => {
    assert.deepEqual(estimateCost(0), { pauseMs: 0, peakBytes: 0 });
    assert.deepEqual(estimateCost(2 * MB), { pauseMs: 300, peakBytes: 28 * MB });
    assert.deepEqual(estimateCost(MB / 3), { pauseMs: 50, peakBytes: (MB / 3) * 14 });
  });

  it('with no promise, thenable, for await or await using leaf: done, nothing analysed, no heap snapshot, and says why', () => {
    const nodes = [frame('f1', ['l1']), leaf('l1', 'value')];
    // A value leaf handed over (not a promise) is not a target either.
    const summary = addHolders(nodes, new Map([[1, {}]]), {}, identity);
    const { heapUsedBytes, estimatedPauseMs, estimatedPeakBytes, ...rest } = summary;
    assert.deepEqual(rest, { state: 'done', reason: 'no leaf is a promise, a thenable, a for await or an await using', analysed: 0, neverSettle: 0, tookMs: 0 });
    assert.ok(heapUsedBytes > 0);
    assert.deepEqual({ pauseMs: estimatedPauseMs, peakBytes: estimatedPeakBytes }, estimateCost(heapUsedBytes));
    assert.equal((nodes[1] as { holder?: unknown }).holder, undefined);
  });

  it('over maxHeapBytes: skipped, with the heap, the limit, the pause and the memory in the sentence; a leaf more than one function awaits is not told', () => {
    const nodes = [frame('f1', ['l1', 'l2']), frame('f2', ['l2']), leaf('l1', 'promise'), leaf('l2', 'thenable', ['f1', 'f2'])];
    const summary = addHolders(nodes, new Map([[2, Promise.resolve()]]), { maxHeapBytes: 1 }, identity);
    const used = summary.heapUsedBytes;
    const { pauseMs, peakBytes } = estimateCost(used);
    const mb = (b: number) => (b >= 1024 * MB ? `${(b / (1024 * MB)).toFixed(1)} GB` : `${Math.round(b / MB)} MB`);
    const pause = pauseMs < 1000 ? `${pauseMs} ms` : `${(pauseMs / 1000).toFixed(1)} s`;
    assert.deepEqual(summary, {
      state: 'skipped',
      reason: `the heap in use (${mb(used)}) is above the limit (0 MB); a heap snapshot would stop the program for about ${pause} and need about ${mb(peakBytes)} of memory`,
      heapUsedBytes: used,
      estimatedPauseMs: pauseMs,
      estimatedPeakBytes: peakBytes,
      analysed: 0,
      neverSettle: 0,
      tookMs: 0,
    });
    assert.deepEqual((nodes[3] as { holder?: unknown }).holder, { state: 'unknown', text: SHARED_AWAIT_TEXT, holder: '', package: null, facts: {}, alternatives: 0, path: [] });
    assert.equal((nodes[2] as { holder?: unknown }).holder, undefined);
  });

  it('takes a heap snapshot of this process: a promise nothing can settle never settles, one held by a variable is held; the marker is gone after', () => {
    const never = new Promise(() => {});
    const gated = new Promise<void>((r) => (release = r));
    const nodes = [frame('f1', ['l1']), frame('f2', ['l2']), leaf('l1', 'promise'), leaf('l2', 'promise', ['f2'])];
    const summary = addHolders(nodes, new Map<number, object>([[2, never], [3, gated]]), {}, (url) => (url === import.meta.url ? 'this test' : url));
    assert.deepEqual([summary.state, summary.reason, summary.analysed, summary.neverSettle], ['done', '', 2, 1]);
    const holders = nodes.slice(2).map((n) => (n as { holder?: { state: string } }).holder?.state);
    assert.deepEqual(holders, ['never', 'held']);
    const held = (nodes[3] as { holder: { text: string; holder: string; package: unknown; path: string[] } }).holder;
    const line = RELEASE_LINE;
    assert.deepEqual([held.text, held.holder, held.package, held.path.at(-1)], [`module variable release (this test:${line})`, `module variable release (this test:${line})`, null, 'variable release → closure (anonymous)']);
    assert.equal(holdersInProgress(), false);
    release!();
  });

  it('buildSnapshot({ holders: true }): the holder names its file as the snapshot names paths, relative to cwd', () => {
    const gated = new Promise<void>((r) => (release = r));
    const f = new Frame(undefined);
    f.seq = 1;
    f.site = 0;
    f.a(1, gated);
    const sites = new Map([
      [0, { kind: 'function', file: '/app/a.mjs', line: 1, column: 1, name: 'alpha', text: '' }],
      [1, { kind: 'await', file: '/app/a.mjs', line: 2, column: 3, name: '', text: 'await gate', fn: 0 }],
    ]);
    const source = {
      forEachRegistered: (visit: (frame: Frame) => void) => visit(f),
      getSite: (id: number) => sites.get(id),
      siteKindOf: () => KIND_AWAIT,
      iterationsOf: () => undefined,
      keptCombinatorOf: () => undefined,
      groupOf: () => undefined,
      promiseSiteOf: () => undefined,
      elapsed: () => 0,
      counters: { collected: 0, evicted: 0 },
    } as unknown as SnapshotSource;
    const s = buildSnapshot(source, { holders: true, cwd: fileURLToPath(new URL('..', import.meta.url)) });
    const l1 = s.nodes[1] as { holder: { state: string; text: string } };
    assert.deepEqual([s.holders!.state, s.holders!.analysed, l1.holder.state, l1.holder.text], ['done', 1, 'held', `module variable release (test/snapshot-holders.test.ts:${RELEASE_LINE})`]);
    release!();
  });

  it('thenable, for await and await using leaves: what their one suspended call awaits is analysed; two calls at that line cannot be told apart; no call is not found', () => {
    void stuckOnce();
    void stuckTwice();
    void stuckTwice();
    const lineOf = (name: string) => readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').findIndex((line) => line.startsWith(`async function ${name}(`)) + 1;
    const at = (line: number) => ({ file: 'this test', line, column: 1 });
    const waiter = (id: string, fn: string, line: number, awaits: string) => ({ ...(frame(id, [awaits]) as object), function: fn, location: at(line) }) as unknown as SnapshotNode;
    const nodes = [
      waiter('f1', 'stuckOnce', lineOf('stuckOnce'), 'l4'),
      waiter('f2', 'stuckTwice', lineOf('stuckTwice'), 'l5'),
      waiter('f3', 'gone', 1, 'l6'),
      leaf('l4', 'thenable', ['f1']),
      leaf('l5', 'async-iterable', ['f2']),
      leaf('l6', 'disposal', ['f3']),
    ];
    const summary = addHolders(nodes, new Map(), {}, (url) => (url === import.meta.url ? 'this test' : url));
    assert.deepEqual([summary.state, summary.reason, summary.analysed, summary.neverSettle], ['done', '', 1, 1]);
    assert.deepEqual(
      nodes.slice(3).map((n) => {
        const h = (n as { holder: { state: string; text: string } }).holder;
        return [h.state, h.text];
      }),
      [
        ['never', 'nothing can settle this promise: no one holds its resolve function'],
        ['unknown', 'not told: 2 calls of stuckTwice are suspended and the heap does not say which one this is'],
        ['unknown', NO_AWAITER_TEXT],
      ],
    );
  });

  it('which leaves are looked up through their awaiting call: thenable, for await and await using ones awaited by one frame; awaited by more, or by no frame, they are not told', () => {
    const nodes = [
      frame('f1', ['l3', 'l4', 'l5', 'l6', 'l7', 'l9']),
      frame('f2', ['l3', 'l4', 'l5', 'l6', 'l7']),
      { id: 'c8', type: 'combinator', awaits: ['l9', 'l10'], awaitedBy: [] } as unknown as SnapshotNode,
      leaf('l3', 'thenable', ['f1', 'f2']),
      leaf('l4', 'async-iterable', ['f1', 'f2']),
      leaf('l5', 'disposal', ['f1', 'f2']),
      leaf('l6', 'promise', ['f1', 'f2']),
      leaf('l7', 'value', ['f1', 'f2']),
      leaf('l9', 'thenable', ['f1']),
      leaf('l10', 'thenable', ['c8']),
    ];
    const summary = addHolders(nodes, new Map(), { maxHeapBytes: 1 }, identity);
    assert.equal(summary.state, 'skipped');
    const untoldShared = { state: 'unknown', text: SHARED_AWAIT_TEXT, holder: '', package: null, facts: {}, alternatives: 0, path: [] };
    assert.deepEqual(
      nodes.map((n) => (n as { holder?: unknown }).holder),
      [undefined, undefined, undefined, untoldShared, untoldShared, untoldShared, undefined, undefined, undefined, untoldShared],
    );
  });

  it('a holder\'s path reads step by step: property, element, Map entry, variable, anything else in parentheses', () => {
    const steps = [
      { kind: 'property', name: 'waiters', to: 'Array' },
      { kind: 'element', name: '0', to: 'Object' },
      { kind: 'entry', name: '"job-1"', to: 'Object' },
      { kind: 'variable', name: 'release', to: 'closure (anonymous)' },
      { kind: 'internal', name: 'context', to: 'system / Context' },
    ];
    const result = { state: 'held', text: 't', holder: 'h', package: 'p-queue', facts: { listeners: 1 }, alternatives: 2, steps };
    assert.deepEqual(leafHolderOf(result as never), {
      state: 'held',
      text: 't',
      holder: 'h',
      package: 'p-queue',
      facts: { listeners: 1 },
      alternatives: 2,
      path: ['.waiters → Array', '[0] → Object', '.get("job-1") → Object', 'variable release → closure (anonymous)', '(context) → system / Context'],
    });
  });
});

/** Suspended for good on a thenable that never calls back: their calls are what the heap analysis finds by line. */
async function stuckOnce(): Promise<void> {
  await ({ then() {} } as unknown);
}

async function stuckTwice(): Promise<void> {
  await ({ then() {} } as unknown);
}
