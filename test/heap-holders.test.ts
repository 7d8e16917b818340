/** src/heap/holders: who can settle each kind of pending promise, read from a real heap snapshot. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run } from './support/run.ts';

describe('findHolders', () => {
  it('names the holder of each terminal kind, or proves nothing can settle it', async () => {
    const result = await run(['test/fixtures/heap/kinds.mjs']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    // Time left depends on when the snapshot ran: checked as a range, then written as N.
    const lines = result.stdout.trimEnd().split('\n');
    for (const line of lines) {
      for (const m of line.matchAll(/"leftMs":(\d+)/g)) {
        const delay = Number(/"delayMs":(\d+)/.exec(line)![1]);
        assert.ok(Number(m[1]) <= delay && Number(m[1]) > delay - 60_000, line);
      }
    }
    const text = lines.map((l) => l.replace(/\d+(ms|s) left/g, 'N left').replace(/"leftMs":\d+/g, '"leftMs":N'));
    assert.deepEqual(text, [
      'timer: held | Timeout._onTimeout (timer 3600s, N left) | {"delayMs":3600000,"leftMs":N}',
      'timersPromises: held | Timeout._onTimeout (timer 3600s, N left) | {"delayMs":3600000,"leftMs":N}',
      'wrapped: held | Timeout._onTimeout → closure variable r (timer 5s, N left, unref\'d) | {"delayMs":5000,"leftMs":N,"unref":true}',
      'eventsOnce: held | EventEmitter._events.ready (1 listener) | {"event":"ready","listeners":1}',
      'moduleVariable: held | module variable neverResolve (kinds.mjs:13) | {}',
      'closureVariable: held | module variable gate (kinds.mjs:21).later → closure variable open | {}',
      'classField: held | Mutex.#waiters[0] | {}',
      'withResolvers: held | module variable pending (kinds.mjs:28).get("job-1").resolve | {}',
      'nothing: never | nothing can settle this promise: no one holds its resolve function | {}',
      'asyncFunction: held | Timeout._onTimeout (timer 3600s, N left) | {"delayMs":3600000,"leftMs":N}',
      'derived: held | Timeout._onTimeout (timer 3600s, N left) | {"delayMs":3600000,"leftMs":N}',
      'abort: held | AbortSignal listener of "abort" (not aborted) | {"aborted":false}',
      'deadlock: never | nothing can settle this promise: no one holds its resolve function | {}',
      'interval: held | Timeout.resolveLater (interval 1s) | {"delayMs":1000,"interval":true}',
    ]);
  });
});
