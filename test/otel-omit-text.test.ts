/**
 * Spans and pending reports when the transform keeps no await text (the omitText option): leaf
 * spans named by where they await, no awaitwhat.await.expression anywhere, chains of function
 * names only (src/otel/span-bridge.ts, src/otel/pending-sampler.ts, in the test's own process).
 */

import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { beforeEach, describe, it } from 'node:test';

(globalThis as { awaitwhatTestOmitText?: boolean }).awaitwhatTestOmitText = true;
const { app, at, configure, newSampler, pendingByFunction, reset, setLongest, spans, turn } = await import('./support/otel-in-process.ts');

const FILE = new URL('./fixtures/otel-unit/app-chains.mjs', import.meta.url).pathname;
const code = (fn: string, line: number, column: number) => ({ 'code.function.name': fn, 'code.file.path': FILE, 'code.line.number': line, 'code.column.number': column });
const at_ = (line: number, column: number) => ({ 'awaitwhat.await.location': `${FILE}:${line}:${column}` });

beforeEach(reset);

describe('without await text', () => {
  it('a leaf span is named "await at <file>:<line>"; no span has an await expression', async () => {
    configure({ minSpanDurationMs: 0 });
    const done = app.handler();
    await turn();
    app.releaseQuery();
    await done;
    assert.deepEqual(spans(), [
      { name: 'await at app-chains.mjs:21', kind: SpanKind.INTERNAL, parent: 'repo', attributes: at_(21, 10), links: [] },
      { name: 'repo', kind: SpanKind.INTERNAL, parent: 'service', attributes: { ...code('repo', 20, 1), ...at_(21, 10) }, links: [] },
      { name: 'service', kind: SpanKind.INTERNAL, parent: 'handler', attributes: { ...code('service', 16, 1), ...at_(17, 16) }, links: [] },
      { name: 'handler', kind: SpanKind.INTERNAL, parent: null, attributes: { ...code('handler', 13, 8), ...at_(14, 10) }, links: [] },
    ]);
  });

  it('a pending report: the chain names its functions only, the frames say no await', async () => {
    const done = app.handler();
    await turn();
    pendingByFunction.set('repo', 2000);
    setLongest(2000);
    const report = at(1e9, () => newSampler().tick());
    assert.deepEqual(report?.chains[0]?.frames.map((f) => [f.function, f.await]), [['handler', ''], ['service', ''], ['repo', '']]);
    const pending = spans()[0]!;
    assert.equal(pending.name, 'pending await');
    assert.deepEqual(pending.attributes['awaitwhat.chain'], ['handler', 'service', 'repo']);
    assert.equal('awaitwhat.await.expression' in pending.attributes, false);
    assert.equal(pending.attributes['awaitwhat.await.location'], `${FILE}:21:10`);
    app.releaseQuery();
    await done;
  });
});
