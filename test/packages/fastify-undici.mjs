/**
 * A fastify server driven by an undici client, for the transparency test: run plainly and with
 * fastify's and undici's own sources instrumented, it must print the same summary. Everything it
 * prints is deterministic: status counts, a hash of every response in request order, hook call
 * counts and the error handler's messages. AWAITWHAT_PACKAGES_REQUESTS sets the number of requests.
 *
 * Before closing, it holds a few requests pending on the server and in the client (two
 * `fetch()`es, a `request()`, an upload whose body is an async generator) and, when probed
 * (probe.mjs), records the pending frames then.
 */

import { probeSnapshot } from './probe.mjs';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { setImmediate as immediate } from 'node:timers/promises';
import Fastify from 'fastify';
import { Agent, Pool, fetch } from 'undici';

const REQUESTS = Number(process.env.AWAITWHAT_PACKAGES_REQUESTS || 2400);
const WORKERS = 16;

/** `n` turns of the event loop, alternating with microtask turns. */
async function ticks(n) {
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) await immediate();
    else await Promise.resolve();
  }
}

const sha = (text) => createHash('sha256').update(text).digest('hex');

const counts = {
  onReady: 0,
  onListen: 0,
  onRequest: 0,
  pluginOnRequest: 0,
  preHandler: 0,
  onSend: 0,
  onResponse: 0,
  onError: 0,
  onClose: 0,
  uploads: 0,
};
const responseStatuses = new Map();
const errorMessages = [];

const app = Fastify({ logger: false });

app.addHook('onReady', async function onReady() {
  await immediate();
  counts.onReady++;
});
app.addHook('onListen', async function onListen() {
  await ticks(2);
  counts.onListen++;
});
app.addHook('onClose', async () => {
  await immediate();
  counts.onClose++;
});
app.addHook('onRequest', async (request) => {
  counts.onRequest++;
  if (request.url.length % 3 === 0) await immediate();
});
app.addHook('preHandler', async (request, reply) => {
  counts.preHandler++;
  await Promise.resolve();
  reply.header('x-seen', String(counts.preHandler > 0));
});
app.addHook('onSend', async (request, reply, payload) => {
  counts.onSend++;
  reply.header('x-hooked', 'yes');
  if (typeof payload === 'string' && request.url.startsWith('/text/')) {
    await immediate();
    return payload.toUpperCase();
  }
  return payload;
});
app.addHook('onResponse', async (request, reply) => {
  counts.onResponse++;
  responseStatuses.set(reply.statusCode, (responseStatuses.get(reply.statusCode) ?? 0) + 1);
});
app.addHook('onError', async () => {
  counts.onError++;
});

app.setErrorHandler(async function errorHandler(error, request, reply) {
  errorMessages.push(error.message);
  await immediate();
  reply.code(error.statusCode ?? 500);
  return { error: error.message, url: request.url };
});

app.setNotFoundHandler(async (request, reply) => {
  await Promise.resolve();
  reply.code(404);
  return { missing: request.url };
});

// An async plugin, encapsulated under a prefix, with its own hook and decorator.
app.register(
  async function itemsPlugin(instance, options) {
    instance.decorate('scale', options.scale);
    instance.addHook('onRequest', async () => {
      counts.pluginOnRequest++;
    });
    await ticks(3);
    instance.get('/item/:id', async function item(request) {
      const id = Number(request.params.id);
      await ticks(id % 4);
      return { id, scaled: id * this.scale, plugin: true };
    });
  },
  { prefix: '/api', scale: 3 },
);

app.get('/echo/:id', async (request) => {
  const id = Number(request.params.id);
  await ticks(id % 3);
  return { id, square: id * id };
});

app.get('/text/:id', async (request, reply) => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  reply.type('text/plain; charset=utf-8');
  return `text for ${request.params.id}`;
});

app.get('/boom/:id', async (request) => {
  const id = Number(request.params.id);
  await ticks(id % 2);
  const error = new Error(`boom ${id % 7}`);
  if (Math.floor(id / 12) % 3 === 0) error.statusCode = 418;
  throw error;
});

async function* streamChunks(id) {
  for (let i = 0; i < 1 + (id % 5); i++) {
    await ticks(i);
    yield `chunk ${i} of ${id}\n`;
  }
}

app.get('/stream/:id', async (request, reply) => {
  reply.type('text/plain');
  return Readable.from(streamChunks(Number(request.params.id)));
});

app.post('/upload', async (request) => {
  counts.uploads++;
  const body = String(request.body);
  await ticks(body.length % 3);
  return { length: body.length, sha: sha(body).slice(0, 16) };
});

// The requests held pending while the probe looks.
let arrived = 0;
let allArrived;
const everyoneArrived = new Promise((resolve) => (allArrived = resolve));
let release;
const gate = new Promise((resolve) => (release = resolve));
const HELD = 3;

app.get('/hold/:id', async (request) => {
  if (++arrived === HELD) allArrived();
  await gate;
  return { held: Number(request.params.id) };
});

let origin;
let pool;
let agent;

async function* uploadBody(id) {
  for (let i = 0; i < 3; i++) {
    await ticks(i + (id % 2));
    yield `part ${i} of ${id};`;
  }
}

/** The i-th request of the load: what it asks, and how. */
async function send(i) {
  const kind = i % 12;
  let status;
  let body;
  let hooked;
  if (kind === 10) {
    const response = await fetch(`${origin}/api/item/${i}`, { dispatcher: pool });
    status = response.status;
    hooked = response.headers.get('x-hooked');
    body = await response.text();
  } else {
    const options = { method: 'GET', path: '' };
    if (kind <= 2) options.path = `/echo/${i}`;
    else if (kind === 3) options.path = `/api/item/${i}`;
    else if (kind === 4) options.path = `/text/${i}`;
    else if (kind === 5) options.path = `/boom/${i}`;
    else if (kind === 6) options.path = `/stream/${i}`;
    else if (kind === 11) options.path = `/missing/${i}`;
    else {
      Object.assign(options, { method: 'POST', path: '/upload', headers: { 'content-type': 'text/plain' } });
      if (kind === 7) options.body = `plain body ${i}`.repeat(1 + (i % 4));
      else if (kind === 8) options.body = uploadBody(i);
      else options.body = new Blob([`blob body ${i}`]);
    }
    const response = await pool.request(options);
    status = response.statusCode;
    hooked = response.headers['x-hooked'];
    body = await response.body.text();
  }
  return `${i} ${status} ${hooked} ${body}`;
}

async function load() {
  const results = new Array(REQUESTS);
  let next = 0;
  async function worker() {
    while (next < REQUESTS) {
      const i = next++;
      results[i] = await send(i);
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, () => worker()));
  return results;
}

async function holdAndProbe() {
  let bodyWaiting;
  const uploadWaiting = new Promise((resolve) => (bodyWaiting = resolve));
  async function* heldUpload() {
    yield 'held part 1;';
    bodyWaiting();
    await gate;
    yield 'held part 2;';
  }
  const held = [
    pool.request({ method: 'GET', path: '/hold/1' }).then((r) => r.body.text()),
    fetch(`${origin}/hold/2`, { dispatcher: agent }).then((r) => r.text()),
    fetch(`${origin}/hold/3`, { dispatcher: agent }).then((r) => r.text()),
    pool.request({ method: 'POST', path: '/upload', headers: { 'content-type': 'text/plain' }, body: heldUpload() }).then((r) => r.body.text()),
  ];
  await everyoneArrived;
  await uploadWaiting;
  probeSnapshot('held');
  release();
  return Promise.all(held);
}

async function main() {
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://127.0.0.1:${app.server.address().port}`;
    pool = new Pool(origin, { connections: 4, pipelining: 1 });
    agent = new Agent({ connections: 2 });
    const results = await load();
    const held = await holdAndProbe();
    const statuses = new Map();
    let hooked = 0;
    for (const line of results) {
      const [, status, header] = line.split(' ');
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (header === 'yes') hooked++;
    }
    console.log(`requests: ${REQUESTS}`);
    console.log(`client statuses: ${[...statuses].sort().map(([s, n]) => `${s}=${n}`).join(' ')}`);
    console.log(`x-hooked headers: ${hooked}`);
    console.log(`bodies sha256: ${sha(results.join('\n'))}`);
    console.log(`samples: ${[0, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => results[i]).join(' | ')}`);
    console.log(`held: ${held.join(' | ')}`);
  } finally {
    // Always closed, also when something above failed, so that the process can end.
    release?.();
    await pool?.close();
    await agent?.close();
    await app.close();
  }
  console.log(`server statuses: ${[...responseStatuses].sort().map(([s, n]) => `${s}=${n}`).join(' ')}`);
  console.log(`hooks: ${Object.entries(counts).map(([k, n]) => `${k}=${n}`).join(' ')}`);
  const messages = new Map();
  for (const m of errorMessages) messages.set(m, (messages.get(m) ?? 0) + 1);
  console.log(`error handler: ${errorMessages.length} calls; ${[...messages].sort().map(([m, n]) => `${m} x${n}`).join(', ')}`);
}

await main();
