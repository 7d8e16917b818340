/**
 * No silent failure in the runtime (issue 15): every error it catches is counted by kind, and the
 * first of each kind goes to the reporter whoever installed awaitwhat wires up — never to the
 * program, which runs on unchanged.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, run } from './support/run.ts';
import { freshInstanceUrl } from './support/fresh.ts';

const HOOKS = join(ROOT, 'dist', 'hooks.js');
const PROGRAM = join('test', 'fixtures', 'runtime', 'faults', 'program.mjs');

interface Faults {
  reportFault(kind: string, error: unknown): void;
  setFaultReporter(reporter: ((fault: { kind: string; message: string }) => void) | undefined): void;
  faultCounts(): Record<string, number>;
}
let instances = 0;
const freshFaults = async (): Promise<Faults> => (await import(freshInstanceUrl('runtime/faults.js', `instance=${++instances}`))) as Faults;

describe('the runtime fault sink', () => {
  it('counts every fault, and hands the first of each kind to the reporter, once', async () => {
    const f = await freshFaults();
    const got: unknown[] = [];
    f.setFaultReporter((fault) => got.push(fault));
    f.reportFault('maintenance', new Error('one'));
    f.reportFault('maintenance', new Error('two'));
    f.reportFault('observer', new TypeError('three'));
    assert.deepEqual(got, [
      { kind: 'maintenance', message: 'one' },
      { kind: 'observer', message: 'three' },
    ]);
    assert.deepEqual(f.faultCounts(), { handoffs: 0, maintenance: 2, observer: 1 });
  });

  it('keeps faults seen before a reporter is set, for the first one set', async () => {
    const f = await freshFaults();
    f.reportFault('handoffs', new RangeError('early'));
    const got: unknown[] = [];
    f.setFaultReporter((fault) => got.push(fault));
    f.setFaultReporter((fault) => got.push(['again', fault]));
    assert.deepEqual(got, [{ kind: 'handoffs', message: 'early' }]);
  });

  it('contains a reporter that throws', async () => {
    const f = await freshFaults();
    f.setFaultReporter(() => {
      throw new Error('reporter down');
    });
    assert.doesNotThrow(() => f.reportFault('observer', new Error('x')));
    assert.equal(f.faultCounts().observer, 1);
  });

  it('describes what was thrown without running any of its code', async () => {
    const f = await freshFaults();
    const got: { message: string }[] = [];
    f.setFaultReporter((fault) => got.push(fault));
    let ran = 0;
    const getter = Object.defineProperty({}, 'message', {
      get() {
        ran++;
        return 'from a getter';
      },
    });
    const proxy = new Proxy(new Error('behind a proxy'), {
      get() {
        ran++;
        return 'trap';
      },
      getOwnPropertyDescriptor() {
        ran++;
        return undefined;
      },
    });
    f.reportFault('handoffs', getter);
    f.reportFault('maintenance', proxy);
    f.reportFault('observer', 42);
    assert.deepEqual(
      got.map((g) => g.message),
      ['an object without a message was thrown', 'a proxy was thrown', '42'],
    );
    assert.equal(ran, 0);
  });

  it('a throwing observer and a failing maintenance reach neither the program nor its output; each is reported once', async () => {
    const [plain, instrumented] = await Promise.all([run([PROGRAM]), run(['--import', HOOKS, PROGRAM])]);
    assert.deepEqual({ code: plain.code, stdout: plain.stdout, stderr: plain.stderr }, { code: 0, stdout: 'work 20\nstill running 20\n', stderr: '' });
    assert.equal(instrumented.code, 0);
    assert.equal(instrumented.stdout, plain.stdout);
    const [counts, received] = instrumented.stderr.trim().split('\n').map((line) => JSON.parse(line) as unknown);
    const c = counts as Record<string, number>;
    assert.ok(c.observer! > 10 && c.maintenance! >= 1 && c.handoffs === 0, JSON.stringify(c));
    assert.deepEqual(received, [
      { kind: 'observer', message: 'the observer failed' },
      { kind: 'maintenance', message: 'Invalid array length' },
    ]);
  });
});
