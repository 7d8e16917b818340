/**
 * The pending-await sampler's holders option (src/otel/pending-sampler.ts, holders.ts) in the
 * test's own process: who can settle the chain's leaf, from a heap snapshot (seconds: apart from
 * test/otel-sampler.test.ts, so that mutation runs try the fast file first).
 */

import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { app, at, configure, exporter, newSampler, pendingByFunction, reset, setLongest, turn } from './support/otel-in-process.ts';

const FILE = new URL('./fixtures/otel-unit/app-chains.mjs', import.meta.url).pathname;

beforeEach(reset);

describe('PendingSampler: holders', () => {
  it('holders: who can settle the leaf, on the pending span of the first report only', async () => {
    configure({ holders: true });
    const done = app.handler();
    await turn();
    pendingByFunction.set('repo', 2000);
    setLongest(2000);
    const sampler = newSampler();
    at(1e9, () => sampler.tick());
    const first = exporter.getFinishedSpans()[0]!;
    assert.equal(first.name, 'pending await');
    assert.deepEqual([first.attributes['awaitwhat.holder'], first.attributes['awaitwhat.holder.state'], first.attributes['awaitwhat.holder.package']], [`held by module variable db (${FILE}:12).open`, 'held', undefined]);
    exporter.reset();
    at(1e9 + 1000, () => sampler.tick());
    const again = exporter.getFinishedSpans()[0]!;
    assert.equal(again.name, 'pending await');
    assert.equal(again.attributes['awaitwhat.holder'], undefined);
    app.releaseQuery();
    await done;
  });

});
