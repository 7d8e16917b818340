/**
 * What attach says an attach will cost, before it stops the target (src/attach/estimate.ts): the
 * fitted figures, the heap snapshot's share in full mode, and the load factor.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateAttachCost, loadFactor } from '../src/attach/estimate.ts';

const MB = 1048576;

describe('attach cost estimate', () => {
  it('is 25 ms + 10.5 ms per MB for the walk, 42 ms per MB more for the heap snapshot, times the load factor', () => {
    assert.deepEqual(estimateAttachCost(52 * MB, false, 1), { pauseMs: 571, snapshotMs: 0, peakBytes: 104 * MB });
    assert.deepEqual(estimateAttachCost(52 * MB, true, 1), { pauseMs: 2755, snapshotMs: 2184, peakBytes: 624 * MB });
    assert.deepEqual(estimateAttachCost(52 * MB, true, 2), { pauseMs: 5510, snapshotMs: 4368, peakBytes: 624 * MB });
    assert.deepEqual(estimateAttachCost(0, false, 1), { pauseMs: 25, snapshotMs: 0, peakBytes: 0 });
  });

  it('takes the load factor from AWAITWHAT_ATTACH_LOAD, else from the load per core (1 to 8)', () => {
    assert.equal(loadFactor({ AWAITWHAT_ATTACH_LOAD: '2.5' }), 2.5);
    assert.equal(loadFactor({ AWAITWHAT_ATTACH_LOAD: '1' }), 1);
    // Unset or empty: 0.65 × the load average per core, from 1 to 8.
    assert.equal(loadFactor({}, 20, 2), 6.5);
    assert.equal(loadFactor({ AWAITWHAT_ATTACH_LOAD: '' }, 4, 2), 1.3);
    assert.equal(loadFactor({}, 0.4, 2), 1);
    assert.equal(loadFactor({}, 40, 2), 8);
    // Unset or empty, read from this machine: measured (the machine's load moves, so only its bounds are fixed).
    for (const env of [{}, { AWAITWHAT_ATTACH_LOAD: '' }]) {
      const measured = loadFactor(env);
      assert.ok(measured >= 1 && measured <= 8, String(measured));
    }
  });

  it('refuses a load factor that is not a number of at least 1, naming it', () => {
    for (const bad of ['0.5', 'fast', '-1', 'NaN', 'Infinity']) {
      assert.throws(() => loadFactor({ AWAITWHAT_ATTACH_LOAD: bad }), { message: `AWAITWHAT_ATTACH_LOAD=${JSON.stringify(bad)}: expected a number of at least 1 (the factor the estimated pause is multiplied by)` });
    }
  });
});
