/**
 * snapshot()'s options in this process, on the frames of test/fixtures/snapshot/options.mjs:
 * `maxFrames` (the oldest roots kept with everything they await, the rest counted in
 * `stats.omitted`; a clear error for anything but a number >= 0), `cwd` and `absolutePaths` (how
 * every file path is written), and the leaf texts taken from an `await` or a `return` operand.
 */

import assert from 'node:assert/strict';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { installHooks, snapshot } from '../dist/index.js';
import type { Snapshot } from '../dist/index.js';
import { graphProblems } from '../dist/snapshot/invariants.js';

installHooks({ cache: false });
await import(new URL('./fixtures/snapshot/options.mjs', import.meta.url).href);
await new Promise((resolve) => setImmediate(resolve));

const FIXTURE = 'test/fixtures/snapshot/options.mjs';

/** Each node as id, what it is, where it waits, and what it awaits. */
function shape(s: Snapshot): string[] {
  return s.nodes.map((n) =>
    n.type === 'frame'
      ? `${n.id} ${n.function} ${n.state} ${n.suspendedAt?.kind}:${n.suspendedAt?.line} "${n.suspendedAt?.text}" → ${n.awaits.join(',')}`
      : `${n.id} ${n.type} "${'text' in n ? n.text : ''}" ← ${n.awaitedBy.join(',')}`,
  );
}

/** Every file path a snapshot writes. */
function files(s: Snapshot): Set<string> {
  const out = new Set<string>();
  for (const n of s.nodes) {
    if ('location' in n && n.location) out.add(n.location.file);
    if (n.type === 'frame' && n.suspendedAt) out.add(n.suspendedAt.file);
    if (n.type === 'leaf' && n.createdAt) out.add(n.createdAt.file);
  }
  return out;
}

const ALL = [
  'f1 root awaiting await:8 "await middle()" → f2',
  'f2 middle awaiting await:11 "await inner()" → f3',
  'f3 inner awaiting await:14 "await forever" → l1',
  'f4 loneA awaiting await:17 "await forever" → l1',
  'f5 loneB awaiting await:21 "await forever" → l1',
  'f6 awaitsReturn awaiting await:27 "await returns()" → f7',
  'f7 returns returning return:24 "return never" → l2',
  'l1 leaf "forever" ← f3,f4,f5',
  'l2 leaf "never" ← f7',
];

describe('snapshot() options', () => {
  it('without options: every frame, leaf texts from the await and the return operand, paths relative to the working directory', () => {
    const s = snapshot();
    assert.deepEqual(graphProblems(s), []);
    assert.deepEqual(shape(s), ALL);
    assert.deepEqual(s.roots, ['f1', 'f4', 'f5', 'f6']);
    assert.deepEqual(s.stats, { frames: 7, collected: 0, evicted: 0, omitted: 0 });
    assert.deepEqual(files(s), new Set([FIXTURE]));
  });

  it('maxFrames: 0 keeps no frame and counts every one omitted', () => {
    const s = snapshot({ maxFrames: 0 });
    assert.deepEqual([s.nodes, s.roots, s.cycles], [[], [], []]);
    assert.deepEqual(s.stats, { frames: 0, collected: 0, evicted: 0, omitted: 7 });
  });

  it('maxFrames keeps the oldest roots with what they await, up to the cap; at or above the count of frames, all of them', () => {
    const four = snapshot({ maxFrames: 4 });
    assert.deepEqual(graphProblems(four), []);
    assert.deepEqual(shape(four), [...ALL.slice(0, 4), 'l1 leaf "forever" ← f3,f4']);
    assert.deepEqual(four.roots, ['f1', 'f4']);
    assert.deepEqual(four.stats, { frames: 4, collected: 0, evicted: 0, omitted: 3 });
    const five = snapshot({ maxFrames: 5 });
    assert.deepEqual(five.roots, ['f1', 'f4', 'f5']);
    assert.deepEqual(five.stats.omitted, 2);
    for (const maxFrames of [7, 8, Infinity]) {
      const s = snapshot({ maxFrames });
      assert.deepEqual(shape(s), ALL, `maxFrames ${maxFrames}`);
      assert.deepEqual(s.stats, { frames: 7, collected: 0, evicted: 0, omitted: 0 }, `maxFrames ${maxFrames}`);
    }
  });

  it('maxFrames below a root\'s chain: the chain is kept whole, and only the frames left out are counted omitted (the frames of a kept chain listed after its root were counted too: omitted 6, with 3 of the 7 frames in the snapshot)', () => {
    const s = snapshot({ maxFrames: 1 });
    assert.deepEqual(shape(s), [...ALL.slice(0, 3), 'l1 leaf "forever" ← f3']);
    assert.deepEqual(s.stats, { frames: 3, collected: 0, evicted: 0, omitted: 4 });
  });

  it('maxFrames other than a number >= 0: a TypeError naming the value', () => {
    for (const [bad, shown] of [
      [-1, '-1'],
      [-Infinity, '-Infinity'],
      [Number.NaN, 'NaN'],
      [-0.5, '-0.5'],
      ['3', '"3"'],
    ] as const) {
      assert.throws(() => snapshot({ maxFrames: bad as number }), { name: 'TypeError', message: `maxFrames: expected a number >= 0, got ${shown}` });
    }
  });

  it('cwd: paths relative to it; absolutePaths: paths as recorded, whatever cwd says', () => {
    const parent = dirname(process.cwd());
    assert.deepEqual(files(snapshot({ cwd: parent })), new Set([`${basename(process.cwd())}/${FIXTURE}`]));
    assert.deepEqual(files(snapshot({ cwd: parent, absolutePaths: false })), new Set([`${basename(process.cwd())}/${FIXTURE}`]));
    assert.deepEqual(files(snapshot({ absolutePaths: true })), new Set([join(process.cwd(), FIXTURE)]));
    assert.deepEqual(files(snapshot({ absolutePaths: true, cwd: parent })), new Set([join(process.cwd(), FIXTURE)]));
    assert.deepEqual(shape(snapshot({ absolutePaths: true })), ALL);
  });
});
