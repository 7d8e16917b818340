/**
 * The cycle named for a strongly connected component is a real one: in a figure of eight (two
 * await cycles sharing a frame) it is the loop through the oldest frame, each frame awaiting the
 * next and the last the first. The walk that named it once only went forward, took the shared
 * frame's first member into the other loop, and listed `one → two → three` although `three`
 * awaits `two`, not `one`.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installHooks, renderText, snapshot } from '../dist/index.js';

installHooks({ cache: false });
await import(new URL('./fixtures/snapshot/figure-of-eight.mjs', import.meta.url).href);
await new Promise((resolve) => setImmediate(resolve));

describe('await cycles sharing a frame', () => {
  const taken = snapshot();

  it('names the loop through the oldest frame, not a walk into the other loop', () => {
    const names = new Map(taken.nodes.map((n) => [n.id, n.type === 'frame' ? n.function : n.type]));
    assert.deepEqual(taken.cycles.map((cycle) => cycle.map((id) => names.get(id))), [['one', 'two']]);
    assert.deepEqual(
      taken.nodes.map((n) => [n.type === 'frame' ? n.function : n.type, n.awaits.map((id) => names.get(id))]),
      [
        ['one', ['two']],
        ['two', ['combinator']],
        ['three', ['two']],
        ['combinator', ['three', 'one']],
      ],
    );
  });

  it('reports that deadlock as two frames awaiting each other', () => {
    assert.equal(
      renderText(taken, { durations: false }),
      [
        'awaitwhat: 3 pending async functions',
        '',
        'DEADLOCK: 2 frames await each other',
        '   one  test/fixtures/snapshot/figure-of-eight.mjs:9:3  await second',
        ' → two  test/fixtures/snapshot/figure-of-eight.mjs:14:3  await Promise.all([three(), first])',
        ' → one (again)',
        '',
        'one  test/fixtures/snapshot/figure-of-eight.mjs:9:3  await second',
        '└─ two  test/fixtures/snapshot/figure-of-eight.mjs:14:3  await Promise.all([three(), first])',
        '   └─ Promise.all: 2 of 2 pending',
        '      ├─ [0] three  test/fixtures/snapshot/figure-of-eight.mjs:19:3  await second',
        '      │  └─ two  test/fixtures/snapshot/figure-of-eight.mjs:14:3 (shown above)',
        '      └─ [1] one  test/fixtures/snapshot/figure-of-eight.mjs:9:3 (shown above)',
        '',
      ].join('\n'),
    );
  });
});
