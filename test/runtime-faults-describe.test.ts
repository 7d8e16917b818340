/**
 * What the runtime's fault sink (src/runtime/faults.ts) says of each kind of thrown value, and
 * that removing the reporter keeps the faults it has not delivered. A fresh instance of the module
 * per case: only the first fault of each kind is described.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshInstanceUrl } from './support/fresh.ts';

interface Faults {
  reportFault(kind: string, error: unknown): void;
  setFaultReporter(reporter: ((fault: { kind: string; message: string }) => void) | undefined): void;
}
let instances = 0;
const freshFaults = async (): Promise<Faults> => (await import(freshInstanceUrl('runtime/faults.js', `describe=${++instances}`))) as Faults;

/** The message the reporter receives for `thrown`, reported as the first fault of its kind. */
async function described(thrown: unknown): Promise<string> {
  const f = await freshFaults();
  const got: string[] = [];
  f.setFaultReporter((fault) => got.push(fault.message));
  f.reportFault('observer', thrown);
  assert.equal(got.length, 1);
  return got[0]!;
}

describe('the runtime fault sink: describing what was thrown', () => {
  it('primitives, null and undefined by their string form', async () => {
    assert.equal(await described(null), 'null');
    assert.equal(await described(undefined), 'undefined');
    assert.equal(await described('plain text'), 'plain text');
    assert.equal(await described(7n), '7');
  });

  it('a function by its own message, never by its source', async () => {
    const thrown = Object.assign(function secretSource() {}, { message: 'from a function' });
    assert.equal(await described(thrown), 'from a function');
    assert.equal(await described(() => 'secret'), 'an object without a message was thrown');
  });

  it('an object whose message is missing, not a string, or a getter: the same fixed sentence', async () => {
    assert.equal(await described({}), 'an object without a message was thrown');
    assert.equal(await described({ message: 42 }), 'an object without a message was thrown');
    assert.equal(await described(Object.create({ message: 'inherited' })), 'an object without a message was thrown');
    const getter = Object.defineProperty({}, 'message', { get: () => 'from a getter' });
    assert.equal(await described(getter), 'an object without a message was thrown');
    assert.equal(await described({ message: 'own' }), 'own');
  });

  it('removing the reporter keeps the faults not yet delivered, for the next one set', async () => {
    const f = await freshFaults();
    f.reportFault('handoffs', new Error('early'));
    f.setFaultReporter(undefined);
    const got: unknown[] = [];
    f.setFaultReporter((fault) => got.push(fault));
    assert.deepEqual(got, [{ kind: 'handoffs', message: 'early' }]);
  });
});
