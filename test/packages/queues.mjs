/**
 * p-queue and p-map workloads for the transparency test: run plainly and with both packages'
 * own sources instrumented, they must log the same events in the same order. Work is simulated
 * with chains of event-loop turns (setImmediate) and microtask turns of differing lengths, never
 * with wall-clock time, so the order is deterministic; the one timeout runs with nothing else
 * pending. When probed (probe.mjs), snapshots are taken in the middle of each library's work.
 */

import { probeSnapshot } from './probe.mjs';
import { setImmediate as immediate } from 'node:timers/promises';
import PQueue, { TimeoutError } from 'p-queue';
import pMap, { pMapIterable, pMapSettled, pMapSkip, pMapStop } from 'p-map';

const log = (line) => console.log(line);

/** `steps` turns: odd ones go round the event loop, even ones through the microtask queue only. */
async function work(steps) {
  for (let i = 0; i < steps; i++) {
    if (i % 2 === 0) await immediate();
    else await Promise.resolve();
  }
}

/** Counts running mappers, to wait until every started one has ended after p-map settled early. */
function tracker() {
  let running = 0;
  let waiter;
  return {
    enter() {
      running++;
    },
    leave() {
      if (--running === 0) waiter?.();
    },
    drained() {
      return running === 0 ? Promise.resolve() : new Promise((resolve) => (waiter = resolve));
    },
  };
}

function describeError(error) {
  if (error instanceof AggregateError) return `AggregateError [${error.errors.map(describeError).join('; ')}]`;
  if (error instanceof Error || error instanceof DOMException) return `${error.name}: ${error.message}`;
  return `${typeof error} ${String(error)}`;
}

async function queueWithPriorities() {
  log('== p-queue: concurrency 3, priorities, events');
  const queue = new PQueue({ concurrency: 3 });
  const events = {};
  for (const name of ['add', 'active', 'next', 'completed', 'error', 'empty', 'idle', 'pendingZero']) {
    events[name] = 0;
    queue.addEventListener(name, () => events[name]++);
  }
  queue.addEventListener('error', (event) => log(`event error: ${describeError(event.detail)}`));
  queue.addEventListener('completed', (event) => log(`event completed: ${event.detail}`));

  const task = (name, steps, fail = false) =>
    async function run() {
      log(`start ${name} (running ${queue.pending}, waiting ${queue.size})`);
      if (name === 'p7') probeSnapshot('p-queue');
      await work(steps);
      if (fail) {
        log(`throw ${name}`);
        throw new Error(`${name} failed`);
      }
      log(`end ${name}`);
      return name.toUpperCase();
    };
  const settled = [];
  const add = (name, steps, options, fail) => {
    settled.push(
      queue.add(task(name, steps, fail), options).then(
        (value) => log(`resolved ${name}: ${value}`),
        (error) => log(`rejected ${name}: ${describeError(error)}`),
      ),
    );
  };

  const idleAtStart = queue.onIdle().then(() => log('onIdle before any task'));
  add('p0', 5);
  add('p1', 2);
  add('p2', 7, {}, true);
  for (let i = 3; i < 12; i++) add(`p${i}`, (i * 5) % 7, { priority: i % 3 }, i % 4 === 1);
  add('late', 1, { priority: -1, id: 'late' });
  queue.setPriority('late', 5);
  const whenEmpty = queue.onEmpty().then(() => log(`onEmpty (running ${queue.pending})`));
  const whenIdle = queue.onIdle().then(() => log('onIdle'));
  const sizeLow = queue.onSizeLessThan(4).then(() => log(`onSizeLessThan(4) (waiting ${queue.size})`));
  const empty = queue.onEmpty().then(() => log('onEmpty (second waiter)'));
  const batch = queue.addAll([task('b0', 3), task('b1', 1), task('b2', 4)], { priority: 1 }).then((values) => log(`addAll: ${values.join(',')}`));
  await queue.onIdle();
  log(`idle: size ${queue.size}, pending ${queue.pending}`);
  await Promise.all([...settled, idleAtStart, whenEmpty, whenIdle, sizeLow, empty, batch]);
  log(`events: ${Object.entries(events).map(([k, n]) => `${k}=${n}`).join(' ')}`);
}

async function queueAbortTimeoutClear() {
  log('== p-queue: abort, timeout, clear');
  const queue = new PQueue({ concurrency: 1 });
  const controller = new AbortController();
  const endedR1 = Promise.withResolvers();
  const results = [];
  const note = (name, promise) =>
    results.push(
      promise.then(
        (value) => log(`resolved ${name}: ${value}`),
        (error) => log(`rejected ${name}: ${describeError(error)}`),
      ),
    );
  note(
    'r1',
    queue.add(
      async ({ signal }) => {
        log(`start r1 (signal ${signal === controller.signal ? 'given' : 'missing'})`);
        await work(2);
        log('r1 aborts its signal');
        controller.abort(new Error('stop r1'));
        await work(3);
        log(`end r1 (aborted: ${signal.aborted})`);
        endedR1.resolve();
        return 'r1 value';
      },
      { signal: controller.signal },
    ),
  );
  note('w1', queue.add(async () => log('w1 must not run'), { signal: controller.signal }));
  note(
    'w2',
    queue.add(async () => {
      log('start w2');
      await work(1);
      return 'w2 value';
    }),
  );
  note('pre-aborted', queue.add(async () => log('must not run'), { signal: AbortSignal.abort(new Error('already')) }));
  await queue.onIdle();
  await endedR1.promise;
  await Promise.all(results.splice(0));

  // The only timer of the program: nothing else is pending while it runs.
  const timed = new PQueue({ concurrency: 1, timeout: 20 });
  note(
    'hang',
    timed.add(
      ({ signal }) =>
        new Promise((resolve) => {
          log('start hang');
          signal.addEventListener('abort', () => {
            log(`hang saw abort: ${signal.reason instanceof TimeoutError} ${describeError(signal.reason)}`);
            resolve('too late');
          });
        }),
    ),
  );
  note('after-hang', timed.add(async () => 'after-hang value'));
  await timed.onIdle();
  await Promise.all(results.splice(0));

  const cleared = new PQueue({ concurrency: 1 });
  note(
    'c0',
    cleared.add(async () => {
      log(`start c0 (waiting ${cleared.size})`);
      await work(1);
      cleared.clear();
      log(`c0 cleared the queue (waiting ${cleared.size})`);
      await work(2);
      return 'c0 value';
    }),
  );
  note('c1', cleared.add(async () => 'c1 must not run'));
  note('c2', cleared.add(async () => 'c2 must not run', { priority: 3 }));
  await cleared.onIdle();
  await Promise.all(results);
}

async function mapWithConcurrency() {
  log('== p-map: concurrency 3');
  const result = await pMap(
    Array.from({ length: 10 }, (_, i) => i),
    async (item, index) => {
      log(`map start ${item}`);
      if (item === 5) probeSnapshot('p-map');
      await work((item * 3) % 5);
      log(`map end ${item}`);
      return item * 10 + index;
    },
    { concurrency: 3 },
  );
  log(`p-map result: ${result.join(',')}`);
}

async function mapStopOnError(stopOnError) {
  log(`== p-map: stopOnError ${stopOnError}`);
  const running = tracker();
  try {
    const result = await pMap(
      [0, 1, 2, 3, 4, 5, 6, 7],
      async (item) => {
        running.enter();
        try {
          log(`map start ${item}`);
          await work(1 + ((item * 2) % 3));
          if (item === 2 || item === 5) throw new Error(`item ${item} failed`);
          log(`map end ${item}`);
          return item;
        } finally {
          running.leave();
        }
      },
      { concurrency: 2, stopOnError },
    );
    log(`resolved: ${result.join(',')}`);
  } catch (error) {
    log(`rejected: ${describeError(error)}`);
  }
  await running.drained();
  log('all started mappers ended');
}

async function mapAbort() {
  log('== p-map: AbortSignal');
  const controller = new AbortController();
  const running = tracker();
  try {
    await pMap(
      [0, 1, 2, 3, 4, 5],
      async (item) => {
        running.enter();
        log(`map start ${item}`);
        if (item === 3) controller.abort(new Error('enough'));
        await work(2);
        log(`map end ${item}`);
        running.leave();
        return item;
      },
      { concurrency: 2, signal: controller.signal },
    );
  } catch (error) {
    log(`rejected: ${describeError(error)}`);
  }
  await running.drained();
  try {
    await pMap([1], async () => log('must not run'), { signal: controller.signal });
  } catch (error) {
    log(`already aborted: ${describeError(error)}`);
  }
}

async function mapSettledAndIterables() {
  log('== p-map: pMapSettled, async iterable input, pMapIterable');
  const settled = await pMapSettled(
    [3, 1, 4, 1, 5],
    async (n, i) => {
      await work(n);
      if (n === 1) throw new Error(`one at ${i}`);
      return n * n;
    },
    { concurrency: 2 },
  );
  log(`settled: ${settled.map((s) => (s.status === 'fulfilled' ? `ok ${s.value}` : `err ${s.reason.message}`)).join('; ')}`);

  async function* source() {
    for (let i = 0; i < 6; i++) {
      await work(i % 3);
      log(`source yields ${i}`);
      yield i;
    }
  }
  const fromIterable = await pMap(
    source(),
    async (n) => {
      log(`map start ${n}`);
      await work(3 - (n % 3));
      log(`map end ${n}`);
      return n % 2 === 0 ? n : pMapSkip;
    },
    { concurrency: 2 },
  );
  log(`from async iterable: ${fromIterable.join(',')}`);

  for (const preserveOrder of [true, false]) {
    const values = [];
    for await (const value of pMapIterable(
      Array.from({ length: 12 }, (_, i) => i),
      async (n) => {
        log(`iterable map start ${n}`);
        await work((n * 7) % 4);
        if (n % 4 === 1) return pMapSkip;
        if (n === 10) return pMapStop;
        return `v${n}`;
      },
      { concurrency: 2, preserveOrder },
    )) {
      log(`consumer got ${value}`);
      values.push(value);
      await work(1);
    }
    log(`pMapIterable preserveOrder ${preserveOrder}: ${values.join(',')}`);
  }
}

await queueWithPriorities();
await queueAbortTimeoutClear();
await mapWithConcurrency();
await mapStopOnError(true);
await mapStopOnError(false);
await mapAbort();
await mapSettledAndIterables();
log('== done');
