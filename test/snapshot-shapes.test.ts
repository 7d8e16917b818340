/**
 * The snapshot builder in this process (issue 15.3 and 15.5): the shapes that a wrong edge or a
 * wrong count would show — a self-await, a deadlock of two and a frame awaiting it (stuck, not on
 * the cycle), a group, every member state in every combinator, the member cap, thenable and
 * for-await targets, a kept promise, a returning frame, a generator's consumer (the generator, idle
 * at a yield, is not pending), a chain — started by test/fixtures/snapshot/shapes.mjs, instrumented
 * as it loads here, and compared as a whole canonical graph (shapes.expected.json: every field but
 * times, ids renamed) and as text (shapes.expected.txt).
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { installHooks, renderText, snapshot } from '../dist/index.js';
import { canonicalGraph, formatCanonical } from '../dist/snapshot/canonical.js';
import { graphProblems } from '../dist/snapshot/invariants.js';

// Modules loaded from here on are instrumented (awaitwhat's own code never is).
installHooks({ exclude: ['**/plain-*.mjs'], cache: false });
await import(new URL('./fixtures/snapshot/shapes.mjs', import.meta.url).href);
// Every shape has reached its await once the microtasks its loading queued have run.
await new Promise((resolve) => setImmediate(resolve));
const taken = snapshot();

describe('the snapshot of every shape, built in this process', () => {
  it('holds everything a snapshot must', () => {
    assert.deepEqual(graphProblems(taken), []);
  });

  it('is exactly the expected graph', () => {
    assert.equal(formatCanonical(canonicalGraph(taken)), readFileSync('test/fixtures/snapshot/shapes.expected.json', 'utf8'));
  });

  it('reads as the expected text', () => {
    assert.equal(renderText(taken, { durations: false, maxMembers: 3 }), readFileSync('test/fixtures/snapshot/shapes.expected.txt', 'utf8'));
  });
});
