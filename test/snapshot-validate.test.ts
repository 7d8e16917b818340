/**
 * assertSnapshot: what a renderer says when it is given something that is not a snapshot — the
 * caller's name, what was expected, what it got (described, long strings cut at 40 characters),
 * and what is wrong with it.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertSnapshot } from '../dist/snapshot/validate.js';

function messageFor(value: unknown): string {
  try {
    assertSnapshot(value, 'render');
  } catch (err) {
    assert.ok(err instanceof TypeError);
    return err.message;
  }
  return 'accepted';
}

const head = 'render: expected a snapshot (awaitwhat.snapshot/1, from snapshot()), got ';
const schema = 'awaitwhat.snapshot/1';

describe('assertSnapshot', () => {
  it('accepts a snapshot with nodes, roots and cycles arrays', () => {
    assert.equal(messageFor({ schema, nodes: [], roots: [], cycles: [] }), 'accepted');
  });

  it('names each kind of value it got', () => {
    const x40 = 'x'.repeat(40);
    const cases: [unknown, string][] = [
      [undefined, 'undefined undefined: not an object'],
      [7, 'number 7: not an object'],
      [true, 'boolean true: not an object'],
      ['snap', '"snap": not an object'],
      [x40, `"${x40}": not an object`],
      [`${x40}yz`, `"${x40}…": not an object`],
      [null, 'null: not an object'],
      [[1, 2, 3], 'an array of 3: its schema is undefined undefined'],
      [{ schema: `${x40}!` }, `an object: its schema is "${x40}…"`],
      [{ schema: null }, 'an object: its schema is null'],
      [{ schema, nodes: [] }, 'an object: its roots is undefined undefined, not an array'],
      [{ schema, nodes: [], roots: ['f1'], cycles: 'none' }, 'an object: its cycles is "none", not an array'],
      [{ schema, nodes: [], roots: {}, cycles: [] }, 'an object: its roots is an object, not an array'],
      [{ schema, nodes: [[]], roots: [], cycles: [] }, 'accepted'],
    ];
    assert.deepEqual(
      cases.map(([value]) => messageFor(value)),
      cases.map(([, got]) => (got === 'accepted' ? got : head + got)),
    );
  });
});
