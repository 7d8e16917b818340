/**
 * Faults (src/otel/faults.ts): counted per kind and owner, each kind reported once through diag,
 * nothing thrown, nothing of the program's code run to describe an error.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeError, Faults } from '../dist/otel/faults.js';

function logger(): { warnings: string[]; warn: (m: string) => void; error(): void; info(): void; debug(): void; verbose(): void } {
  const warnings: string[] = [];
  return { warnings, warn: (m: string) => warnings.push(m), error() {}, info() {}, debug() {}, verbose() {} };
}

describe('Faults', () => {
  it('.report(): the user\'s faults apart from awaitwhat\'s own, each kind reported the first time and counted every time', () => {
    const log = logger();
    const faults = new Faults(log);
    faults.report('onPending failed', new Error('first'));
    faults.report('onPending failed', new Error('second'));
    faults.report('sampler', new Error('internal'));
    faults.report('onPending unsettled', 1500);
    faults.report('span', 'a string');
    faults.report('span', undefined);
    faults.report('metrics', new RangeError('no meter'));
    assert.deepEqual(log.warnings, [
      'onPending callback failed (first); the program is unaffected, later failures of the callback are counted, not reported',
      'the pending-await sampler failed (internal); the program is unaffected, later sampler failures are counted, not reported',
      'an onPending call has not settled for 1.5s; calls go on, later ones that do not settle are counted, not reported',
      'could not record a span ("a string"); the program is unaffected, later span failures are counted, not reported',
      'could not observe the pending-await metrics (no meter); the program is unaffected, later metric failures are counted, not reported',
    ]);
    assert.deepEqual(faults.counts(), { user: { 'onPending failed': 2, 'onPending unsettled': 1 }, internal: { sampler: 1, span: 2, metrics: 1 } });
  });

  it('.reportRuntimeFault(): the runtime\'s faults count as awaitwhat\'s own, once per kind', () => {
    const log = logger();
    const faults = new Faults(log);
    // The runtime hands over its own description of the error: shown as it is (not quoted as a string value).
    faults.reportRuntimeFault('sweep', 'x is not a function');
    faults.reportRuntimeFault('sweep', 'again');
    faults.reportRuntimeFault('handoff', 'dropped');
    assert.deepEqual(log.warnings, [
      'the awaitwhat runtime failed (sweep: x is not a function); the program is unaffected, later failures of this kind are counted, not reported',
      'the awaitwhat runtime failed (handoff: dropped); the program is unaffected, later failures of this kind are counted, not reported',
    ]);
    assert.deepEqual(faults.counts(), { user: {}, internal: { 'runtime: sweep': 2, 'runtime: handoff': 1 } });
  });

  it('.counts() is a copy', () => {
    const faults = new Faults(logger());
    faults.report('sampler', new Error('x'));
    const counts = faults.counts();
    counts.internal.sampler = 99;
    assert.deepEqual(faults.counts(), { user: {}, internal: { sampler: 1 } });
  });

  it('a logger that throws: nothing reaches the caller, and the fault is still counted', () => {
    const faults = new Faults({ ...logger(), warn: () => { throw new Error('logger down'); } });
    assert.doesNotThrow(() => faults.report('sampler', new Error('x')));
    assert.deepEqual(faults.counts(), { user: {}, internal: { sampler: 1 } });
  });
});

describe('describeError()', () => {
  it("describes an error without running the program's code", () => {
    let ran = 0;
    const getter = new Error('hidden');
    Object.defineProperty(getter, 'message', { get: () => String(++ran) });
    const proxy = new Proxy(new Error('proxied'), { get: () => String(++ran), getOwnPropertyDescriptor: () => { ran++; return undefined; } });
    const thing = { message: 'not an Error', toString: () => String(++ran) };
    class Custom extends Error {}
    assert.deepEqual(
      [new Custom('custom'), getter, proxy, thing, 'text', 42, null, () => {}, Object.assign(new Error(), { message: undefined }), new Error()].map(describeError),
      ['custom', 'an Error without a message', 'a thrown object that is not an Error', 'a thrown object that is not an Error', '"text"', '42', 'null', 'a function', 'an Error without a message', 'an Error without a message'],
    );
    assert.equal(ran, 0);
  });
});
