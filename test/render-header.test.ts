/**
 * renderText's header, and a leaf's line, exactly (issue 15.5: src/render/text.ts's `droppedLine`, `sourceLines` and
 * `holdersLine`, which only the attach and holders tests reached before): what the report cannot
 * show (frames collected, evicted, left out), where an attached snapshot comes from and what its
 * mode could not see, and the holder analysis in sum — each branch and each plural. The header is
 * every line before the first blank one; the tree under it is render-exact's, but for the leaf's
 * line with each holder state (`holderText`, which only the holders tests reached) and where a
 * promise was created.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderText, type FrameNode, type LeafNode, type Snapshot } from '../dist/index.js';

type Holders = NonNullable<Snapshot['holders']>;
type Holder = NonNullable<LeafNode['holder']>;

const FRAME: FrameNode = {
  id: 'f1',
  type: 'frame',
  function: 'wait',
  kind: 'function',
  location: { file: 'app.mjs', line: 1, column: 1 },
  state: 'awaiting',
  suspendedAt: { file: 'app.mjs', line: 2, column: 3, kind: 'await', text: 'await p' },
  pendingMs: 1500,
  seq: 1,
  awaits: ['l1'],
  awaitedBy: [],
};

function leaf(id: string, holder?: Holder): LeafNode {
  const l: LeafNode = { id, type: 'leaf', valueKind: 'promise', text: 'p', location: { file: 'app.mjs', line: 2, column: 9 }, awaits: [], awaitedBy: ['f1'] };
  if (holder !== undefined) l.holder = holder;
  return l;
}

const UNKNOWN: Holder = { state: 'unknown', text: 'not told', holder: '', package: null, facts: {}, alternatives: 0, path: [] };

function snapshot(more: Partial<Snapshot> = {}, leaves: LeafNode[] = [leaf('l1')]): Snapshot {
  return { schema: 'awaitwhat.snapshot/1', capturedAt: 0, pid: 42, threadId: 0, nodes: [FRAME, ...leaves], roots: ['f1'], cycles: [], stats: { frames: 1, collected: 0, evicted: 0, omitted: 0 }, ...more };
}

function header(s: Snapshot, durations = false): string[] {
  const text = renderText(s, { durations });
  return text.slice(0, text.indexOf('\n\n')).split('\n');
}

const TITLE = 'awaitwhat: 1 pending async function';

function holders(more: Partial<Holders>): Holders {
  return { state: 'done', reason: '', heapUsedBytes: 1, estimatedPauseMs: 1, estimatedPeakBytes: 1, analysed: 1, neverSettle: 0, tookMs: 1234, ...more } as Holders;
}

describe('renderText: what the report cannot show', () => {
  it('nothing dropped: the title alone', () => {
    assert.deepEqual(header(snapshot()), [TITLE]);
  });

  it('frames collected, evicted and left out, each alone and all three, singular and plural', () => {
    const stats = (collected: number, evicted: number, omitted: number) => snapshot({ stats: { frames: 1, collected, evicted, omitted } });
    assert.deepEqual(header(stats(1, 0, 0)), [TITLE, 'awaitwhat: not shown: 1 pending frame reclaimed by the garbage collector (nothing could resume them: waits that could never end)']);
    assert.deepEqual(header(stats(0, 1, 0)), [TITLE, 'awaitwhat: not shown: 1 frame evicted over the limit of pending frames']);
    assert.deepEqual(header(stats(0, 0, 1)), [TITLE, 'awaitwhat: not shown: 1 frame left out of this snapshot']);
    assert.deepEqual(header(stats(2, 3, 4)), [
      TITLE,
      'awaitwhat: not shown: 2 pending frames reclaimed by the garbage collector (nothing could resume them: waits that could never end); 3 frames evicted over the limit of pending frames; 4 frames left out of this snapshot',
    ]);
  });
});

describe('renderText: an attached snapshot', () => {
  it('from the process\'s own runtime, nothing it could not see', () => {
    assert.deepEqual(header(snapshot({ source: { via: 'attach', mode: 'runtime', limits: [] } })), [TITLE, "awaitwhat: attached to process 42 (from the process's own awaitwhat runtime)"]);
  });

  it('fast and full mode through the inspector, each limit on its own line, after what was dropped', () => {
    assert.deepEqual(header(snapshot({ source: { via: 'attach', mode: 'fast', limits: ['no pending times', 'no frames collected while pending'] }, stats: { frames: 1, collected: 0, evicted: 0, omitted: 1 } })), [
      TITLE,
      'awaitwhat: not shown: 1 frame left out of this snapshot',
      'awaitwhat: attached to process 42 (fast mode, through the inspector)',
      'awaitwhat: not seen: no pending times',
      'awaitwhat: not seen: no frames collected while pending',
    ]);
    assert.deepEqual(header(snapshot({ source: { via: 'attach', mode: 'full', limits: [] } })), [TITLE, 'awaitwhat: attached to process 42 (full mode, through the inspector)']);
  });
});

describe('renderText: the holder analysis in sum', () => {
  it('skipped or failed: why; nothing analysed, or no analysis asked for: no line', () => {
    assert.deepEqual(header(snapshot({ holders: holders({ state: 'skipped', reason: 'the heap in use (612 MB) is above the limit (256 MB)', analysed: 0, tookMs: 0 }) })), [
      TITLE,
      'awaitwhat: holders not analysed: the heap in use (612 MB) is above the limit (256 MB)',
    ]);
    assert.deepEqual(header(snapshot({ holders: holders({ state: 'failed', reason: 'out of memory' }) })), [TITLE, 'awaitwhat: holders not analysed: the heap analysis failed (out of memory)']);
    assert.deepEqual(header(snapshot({ holders: holders({ analysed: 0 }) })), [TITLE]);
    assert.deepEqual(header(snapshot({ holders: null as never })), [TITLE]);
  });

  it('every wait held, with the analysis time only when durations are shown', () => {
    assert.deepEqual(header(snapshot({ holders: holders({}) }), true), [TITLE, 'awaitwhat: every awaited promise is held by something that can settle it (heap analysed in 1.2s)']);
    assert.deepEqual(header(snapshot({ holders: holders({}) })), [TITLE, 'awaitwhat: every awaited promise is held by something that can settle it']);
  });

  it('holders that could not be told: none proven endless, one and several', () => {
    assert.deepEqual(header(snapshot({ holders: holders({}) }, [leaf('l1', UNKNOWN)])), [TITLE, 'awaitwhat: no wait is proven endless; the holder of 1 wait could not be told']);
    const two = snapshot({ holders: holders({ analysed: 2 }), roots: ['f1'] }, [leaf('l1', UNKNOWN), { ...leaf('l2', UNKNOWN), awaitedBy: [] }]);
    assert.deepEqual(header(two, true), [TITLE, 'awaitwhat: no wait is proven endless; the holders of 2 waits could not be told (heap analysed in 1.2s)']);
  });

  it('waits that can never end: one and several, with the untold ones after them', () => {
    assert.deepEqual(header(snapshot({ holders: holders({ neverSettle: 1 }) })), [TITLE, 'awaitwhat: 1 wait can never end: nothing can settle what it waits for']);
    assert.deepEqual(header(snapshot({ holders: holders({ neverSettle: 3, analysed: 4 }) }, [leaf('l1', UNKNOWN)]), true), [
      TITLE,
      'awaitwhat: 3 waits can never end: nothing can settle what they wait for; the holder of 1 wait could not be told (heap analysed in 1.2s)',
    ]);
  });
});

describe('renderText: a leaf\'s line', () => {
  /** The leaf's line (the last of the report), `l` awaited by the one frame. */
  const leafLineOf = (l: LeafNode): string => {
    const lines = renderText(snapshot({}, [l]), { durations: false }).trimEnd().split('\n');
    return lines[lines.length - 1]!;
  };
  const holder = (state: Holder['state'], text: string): Holder => ({ state, text, holder: '', package: null, facts: {}, alternatives: 0, path: [] });

  it('each holder state in its own words; no holder, or a null one: the kind alone', () => {
    assert.equal(leafLineOf(leaf('l1', holder('held', 'Timeout._onTimeout (timer 60s, 58s left)'))), '└─ p  — a promise no instrumented code created; held by Timeout._onTimeout (timer 60s, 58s left)');
    assert.equal(leafLineOf(leaf('l1', holder('native', 'native code (FSReqPromise)'))), '└─ p  — a promise no instrumented code created; settled by native code (FSReqPromise)');
    assert.equal(leafLineOf(leaf('l1', holder('never', 'nothing can settle this promise: no one holds its resolve function'))), '└─ p  — a promise no instrumented code created; NEVER SETTLES: nothing can settle this promise: no one holds its resolve function');
    assert.equal(leafLineOf(leaf('l1', holder('unknown', 'not told: 2 calls of readAll are suspended'))), '└─ p  — a promise no instrumented code created; holder not told: 2 calls of readAll are suspended');
    assert.equal(leafLineOf(leaf('l1')), '└─ p  — a promise no instrumented code created');
    assert.equal(leafLineOf({ ...leaf('l1'), holder: null as never }), '└─ p  — a promise no instrumented code created');
  });

  it('where a promise was created, for a promise only; text omitted: the placeholder', () => {
    const at = { file: 'src/db.mjs', line: 12, column: 5 };
    assert.equal(leafLineOf({ ...leaf('l1'), createdAt: at }), '└─ p  — a new Promise at src/db.mjs:12');
    assert.equal(leafLineOf({ ...leaf('l1'), valueKind: 'thenable', createdAt: at }), '└─ p  — a thenable (its state cannot be read)');
    assert.equal(leafLineOf({ ...leaf('l1'), text: '' }), '└─ <text omitted>  — a promise no instrumented code created');
  });
});

describe('renderText: fields a snapshot read from JSON carries where they do not belong', () => {
  it('a holder summary or a leaf holder that is not an object: no line, no holder text', () => {
    assert.deepEqual(header(snapshot({ holders: 'done' as never })), [TITLE]);
    const lines = renderText(snapshot({}, [{ ...leaf('l1'), holder: 'held' as never }]), { durations: false }).trimEnd().split('\n');
    assert.equal(lines[lines.length - 1], '└─ p  — a promise no instrumented code created');
  });

  it('a holder on a frame is not a leaf\'s: not counted among the untold', () => {
    const frame = { ...FRAME, holder: { state: 'unknown', text: 'not told' } } as FrameNode;
    assert.deepEqual(header(snapshot({ holders: holders({}), nodes: [frame, leaf('l1')] })), [TITLE, 'awaitwhat: every awaited promise is held by something that can settle it']);
  });

  it('a pending time on a leaf is not a suspension: the threshold counts frames only', () => {
    const s = snapshot({}, [{ ...leaf('l1'), pendingMs: 5000 } as LeafNode]);
    assert.deepEqual(renderText({ ...s, nodes: [{ ...FRAME, pendingMs: 10 }, s.nodes[1]!] }, { durations: false, minPendingMs: 1000 }).split('\n'), [
      'awaitwhat: 1 pending async function, 0 suspensions pending 1.0s or longer',
      '',
      '1 other pending tree, each pending less than 1.0s, one line each (first frame → innermost await → what it waits for):',
      'wait  app.mjs:2:3  await p → p  — a promise no instrumented code created',
      '',
    ]);
  });
});
