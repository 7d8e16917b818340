/**
 * discoverFrames: the frames a snapshot shows (the registered ones and the frames they await,
 * which claimed callees are only reachable through), oldest first, each once, with the columns
 * the builder reads from them and the position of the frame each one awaits.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverFrames } from '../dist/snapshot/discover.js';
import type { SnapshotSource } from '../dist/snapshot/source.js';
import { DONE, Frame } from '../dist/runtime/frame.js';

/** A frame record with the given seq, suspended at `site` since `since`, awaiting `value`. */
function frame(seq: number, site: number, value: unknown, since = seq * 10, promise: unknown = undefined): Frame {
  const f = new Frame(promise);
  f.seq = seq;
  f.site = 0; // not running: `a()` would hand a running frame off to the registry
  f.a(site, value);
  f.since = since;
  return f;
}

function sourceOf(registered: Frame[]): SnapshotSource {
  return { forEachRegistered: (visit: (f: Frame) => void) => registered.forEach((f) => visit(f)) } as unknown as SnapshotSource;
}

function columns(registered: Frame[]) {
  const { frames, state } = discoverFrames(sourceOf(registered));
  // The typed columns may be longer than `frames` (a frame reached twice leaves their tail unused).
  const n = frames.length;
  return {
    seqs: frames.map((f) => f.seq),
    seq: [...state.seq.subarray(0, n)],
    site: [...state.site.subarray(0, n)],
    since: [...state.since.subarray(0, n)],
    value: state.value,
    kept: state.kept,
    awaitedAt: [...state.awaitedAt.subarray(0, n)],
  };
}

describe('discoverFrames', () => {
  it('nothing registered: no frames', () => {
    assert.deepEqual(columns([]), { seqs: [], seq: [], site: [], since: [], value: [], kept: [], awaitedAt: [] });
  });

  it('follows awaited frames (claimed callees) oldest first, with each frame\'s columns and the position of the frame it awaits', () => {
    const leaf = { leaf: true };
    const c = frame(7, 4, leaf);
    const b = frame(5, 3, c);
    const kept = Promise.resolve();
    const a = frame(1, 2, b, 100, kept);
    const d = frame(3, 9, 42);
    assert.deepEqual(columns([d, a]), {
      seqs: [1, 3, 5, 7],
      seq: [1, 3, 5, 7],
      site: [2, 9, 3, 4],
      since: [100, 30, 50, 70],
      value: [b, 42, c, leaf],
      kept: [kept, undefined, undefined, undefined],
      awaitedAt: [2, -1, 3, -1],
    });
  });

  it('a frame both registered and awaited is kept once, and its awaiter points at that one position', () => {
    const c = frame(8, 1, 'x');
    const b = frame(6, 1, c);
    const a = frame(2, 1, b);
    // b is reached twice (registered and through a), c twice through b.
    const r = columns([b, a, c]);
    assert.deepEqual(r.seqs, [2, 6, 8]);
    assert.deepEqual(r.awaitedAt, [1, 2, -1]);
    assert.deepEqual(r.value, [b, c, 'x']);
  });

  it('does not follow a done frame, an older frame, nor the frame itself', () => {
    const done = frame(9, 1, undefined);
    done.site = DONE;
    const older = frame(1, 1, 'older');
    const awaitsDone = frame(4, 1, done);
    const awaitsOlder = frame(5, 1, older);
    const self = frame(6, 1, undefined);
    self.a(1, self);
    const r = columns([awaitsDone, awaitsOlder, self]);
    assert.deepEqual(r.seqs, [4, 5, 6]);
    assert.deepEqual(r.awaitedAt, [-1, -1, -1]);
  });
});
