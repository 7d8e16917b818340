/** src/heap/holders: who can settle each kind of pending promise, read from a real heap snapshot. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { run } from './support/run.ts';

/** The major version of the Node.js the fixtures run on (AWAITWHAT_TEST_NODE), for what its own code changed. */
async function fixtureNodeMajor(): Promise<number> {
  return Number((await run(['-p', 'process.versions.node.split(".")[0]'])).stdout.trim());
}

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
      'cycle: never | nothing can settle this promise: only what waits for it holds its resolve function | {}',
    ]);
  });
});

describe('findHolders on I/O', () => {
  it('names sockets, children, workers, streams, interval iterators and native requests, with their facts', async () => {
    // Node.js 26's undici gives fetch's request handler the new handler methods (onRequestStart, …).
    const onComplete = (await fixtureNodeMajor()) >= 26 ? 'onRequestStart' : 'onComplete';
    const result = await run(['test/fixtures/heap/kinds-io.mjs'], { killAfterMs: 60_000 });
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.deepEqual(result.stdout.replace(/pid \d+/g, 'pid N').replace(/"pid":\d+/g, '"pid":N').trimEnd().split('\n'), [
      'socketRead: held | Socket._events.data (1 listener, readable not ended, flowing, 0 B to read, writable not ended, 0 B to write) | {"event":"data","listeners":1,"readableEnded":false,"readableFlowing":true,"readableBufferedBytes":0,"writableEnded":false,"writableFinished":false,"writableBufferedBytes":0}',
      `fetched: held | Request[Symbol(handler)].${onComplete} | {}`,
      'childExit: held | ChildProcess._events.exit (1 listener, pid N, running) | {"event":"exit","listeners":1,"pid":N,"exited":false}',
      'workerMessage: held | Worker._events.message (1 listener, thread 1) | {"event":"message","listeners":1,"threadId":1}',
      'piped: never | nothing can settle this promise: no one holds its resolve function | {}',
      'pipedKept: held | PassThrough._events.error[1] (3 listeners, readable not ended, flowing, 0 B to read, writable not ended, 0 B to write) | {"event":"error","listeners":3,"readableEnded":false,"readableFlowing":true,"readableBufferedBytes":0,"writableEnded":false,"writableFinished":false,"writableBufferedBytes":0}',
      'tick: held | Timeout._onTimeout (interval 3600s) | {"delayMs":3600000,"interval":true}',
      'fifoOpen: native | native code (FSReqPromise) | {}',
    ]);
  });
});

describe('findHolders on streams, iterator steps, thenables and file handles', () => {
  it('says what each stream holds and who can end a for await, a generator step, a thenable and a FileHandle close', async () => {
    const result = await run(['test/fixtures/heap/kinds-streams.mjs'], { killAfterMs: 60_000 });
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.deepEqual(result.stdout.replace(/fd \d+/g, 'fd N').replace(/"fd":\d+/g, '"fd":N').trimEnd().split('\n'), [
      'finishedRead: held | PassThrough._events.close (1 listener, readable not ended, not flowing, 5 B to read, writable not ended, 0 B to write) | {"event":"close","listeners":1,"readableEnded":false,"readableBufferedBytes":5,"writableEnded":false,"writableFinished":false,"writableBufferedBytes":0}',
      'finishedWrite: held | Writable._events.close (1 listener, writable not ended, 7 B to write) | {"event":"close","listeners":1,"writableEnded":false,"writableFinished":false,"writableBufferedBytes":7}',
      'forAwaitStream: held | PassThrough._events.readable (1 listener, readable not ended, paused, 0 B to read, writable not ended, 0 B to write) | {"event":"readable","listeners":1,"readableEnded":false,"readableFlowing":false,"readableBufferedBytes":0,"writableEnded":false,"writableFinished":false,"writableBufferedBytes":0}',
      'asyncGeneratorStep: held | module variable wake (kinds-streams.mjs:31) | {}',
      'thenableAwaited: held | module variable thenable (kinds-streams.mjs:35).callbacks.resolve | {}',
      'exportedVariable: held | module variable exportedResolve (kinds-streams.mjs:39) | {}',
      'fileRead: native | native code (FSReqPromise, FileHandle fd N) | {"fd":N}',
      'fileClose: held | FileHandle[Symbol(kCloseResolve)] (fd N) | {"fd":N}',
    ]);
  });
});

describe('snapshot({ holders: true }) on leaves that are not promises', () => {
  it('follows a for await, a thenable and an await using to what their function awaits, and says when it cannot', async () => {
    // `await using` parses from Node.js 24 on (V8 13.6): asked of the Node.js that runs the fixture.
    const probe = await run(['-e', `try { new Function('return async () => { await using x = null; }'); process.stdout.write('1'); } catch { process.stdout.write('0'); }`]);
    const awaitUsing = probe.stdout === '1';
    const result = await run(['--import', './dist/hooks.js', 'test/fixtures/heap/api-leaves.mjs'], { env: { ...process.env, AWAIT_USING: awaitUsing ? '1' : '0' } });
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    const using = `

useResource  test/fixtures/heap/api-using.mjs:7:3  await using held = resource
└─ await using held = resource  — disposal of its resources; held by module variable finishDisposal (test/fixtures/heap/api-using.mjs:3)`;
    assert.equal(
      result.stdout,
      `awaitwhat: ${awaitUsing ? 5 : 4} pending async functions
awaitwhat: no wait is proven endless; the holders of 2 waits could not be told

consume  test/fixtures/heap/api-leaves.mjs:11:3  for await (const chunk of feed)
└─ for await (const chunk of feed)  — an async iterator; held by PassThrough._events.readable (1 listener, readable not ended, paused, 0 B to read, writable not ended, 0 B to write)

awaitThenable  test/fixtures/heap/api-leaves.mjs:14:34  await thenable
└─ thenable  — a thenable (its state cannot be read); held by module variable thenable (test/fixtures/heap/api-leaves.mjs:13).resolve

readTwice  test/fixtures/heap/api-leaves.mjs:17:30  for await (const chunk of shared)
└─ for await (const chunk of shared)  — an async iterator; holder not told: 2 calls of readTwice are suspended and the heap does not say which one this is

readTwice  test/fixtures/heap/api-leaves.mjs:17:30  for await (const chunk of shared)
└─ for await (const chunk of shared)  — an async iterator; holder not told: 2 calls of readTwice are suspended and the heap does not say which one this is${awaitUsing ? using : ''}
`,
    );
  });
});

describe('findHolders on a real package', () => {
  const installed = existsSync('test/packages/node_modules/p-queue');
  it('p-queue: a job waiting in the queue, and onIdle()', { skip: installed ? false : 'test/packages is not installed (.ci/run installs it)' }, async () => {
    const result = await run(['test/packages/holders-p-queue.mjs']);
    assert.equal(result.stderr, '');
    assert.equal(
      result.stdout,
      'held | PriorityQueue.#queue[0].run → closure variable function_ → closure variable resolve (p-queue)\n' + 'held | a WeakMap entry keyed by a PQueue\n',
    );
  });
});

describe('findHolders on a compiled package (async-mutex: tslib __awaiter)', () => {
  const installed = existsSync('test/packages/node_modules/async-mutex');
  it('a second acquire() waits in the semaphore queue', { skip: installed ? false : 'test/packages is not installed (.ci/run installs it)' }, async () => {
    const result = await run(['test/packages/holders-async-mutex.mjs']);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, 'held | Semaphore._queue[0].resolve (async-mutex)\n');
  });
});

describe('snapshot({ holders: true })', () => {
  it('adds each promise leaf its holder and the snapshot a summary, shown by renderText and renderDot', async () => {
    // The shortest path from the root: through the entry module up to Node.js 24; on 26, through the timer whose callback closes over the module scope
    // (held in V8's global handles at a position that counts every handle made before it, so the position is not compared).
    const path =
      (await fixtureNodeMajor()) >= 26
        ? '"[1] → (GC roots)","[10] → (Global handles)","(N) → Array","[1] → Timeout","._onTimeout → closure (anonymous)","(context) → system / Context","variable release → closure (anonymous)"'
        : '"(2) → global",".<symbol node:entry_point_module> → ModuleWrap","(2) → system / SourceTextModule","(4) → Generator","(context) → system / Context","variable release → closure (anonymous)"';
    const result = await run(['--import', './dist/hooks.js', 'test/fixtures/heap/api.mjs']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(
      result.stdout.replace(/\d+s left/g, 'N left').replace(/\(Global handles\)","\(\d+\) → /, '(Global handles)","(N) → '),
      `awaitwhat: 3 pending async functions
awaitwhat: 1 wait can never end: nothing can settle what it waits for

leaf  test/fixtures/heap/api.mjs:6:25  await sleep(3600_000)
└─ sleep(3600_000)  — a promise no instrumented code created; held by Timeout._onTimeout (timer 3600s, N left)

never  test/fixtures/heap/api.mjs:7:26  await new Promise(() => {})
└─ new Promise(() => {})  — a new Promise at test/fixtures/heap/api.mjs:7; NEVER SETTLES: nothing can settle this promise: no one holds its resolve function

gate  test/fixtures/heap/api.mjs:9:25  await new Promise((r) => { release = r; })
└─ new Promise((r) => { release = r; })  — a new Promise at test/fixtures/heap/api.mjs:9; held by module variable release (test/fixtures/heap/api.mjs:8)
digraph awaitwhat {
  rankdir=TB;
  node [fontname="monospace", fontsize=10];
  "f1" [shape=box, label="leaf\\ntest/fixtures/heap/api.mjs:6:25\\nawait sleep(3600_000)"];
  "f2" [shape=box, label="never\\ntest/fixtures/heap/api.mjs:7:26\\nawait new Promise(() => {})"];
  "f3" [shape=box, label="gate\\ntest/fixtures/heap/api.mjs:9:25\\nawait new Promise((r) => { release = r; })"];
  "l1" [shape=ellipse, label="sleep(3600_000)\\n(promise)\\nheld by Timeout._onTimeout (timer 3600s, N left)"];
  "l2" [shape=ellipse, color=red, fontcolor=red, label="new Promise(() => {})\\n(promise)\\nNEVER SETTLES: nothing can settle this promise: no one holds its resolve function"];
  "l3" [shape=ellipse, label="new Promise((r) => { release = r; })\\n(promise)\\nheld by module variable release (test/fixtures/heap/api.mjs:8)"];
  "f1" -> "l1";
  "f2" -> "l2";
  "f3" -> "l3";
}
{"state":"done","reason":"","heapUsedBytes":0,"estimatedPauseMs":0,"estimatedPeakBytes":0,"analysed":3,"neverSettle":1,"tookMs":0}
{"state":"held","text":"module variable release (test/fixtures/heap/api.mjs:8)","holder":"module variable release (test/fixtures/heap/api.mjs:8)","package":null,"facts":{},"alternatives":0,"path":[${path}]}
"the heap in use (X) is above the limit (X); a heap snapshot would stop the program for about X and need about X of memory"
`,
    );
  });
});
