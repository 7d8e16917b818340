// The fastify service benchmark's server (bench/fastify.mjs): one route, seven async functions and
// five awaited queries per request — route handler → order service → session, user, order,
// pricing and product repositories, the user and their orders read in parallel, an audit row
// written last — against the fake pool of fastify-pool.mjs. Started bare, under awaitwhat/hooks,
// or after fastify-tracing.mjs (the SDK with HTTP instrumentation, with or without
// AwaitInstrumentation); fastify comes from bench/service (npm ci --prefix bench/service).
//
// Prints {"port":…} once listening on loopback. With an IPC channel (bench/fastify.mjs), answers
// each 'cpu' message with the process's CPU time in µs, so that the measured window can be read
// without a request of its own, and 'awaitwhat' with whether awaitwhat's runtime is installed.
import { createRequire } from 'node:module';
import { Pool } from './fastify-pool.mjs';

// From bench/service's own node_modules (the repository's root has no fastify).
const fastify = createRequire(new URL('../service/package.json', import.meta.url))('fastify');
// 16 connections: the benchmark's 10 concurrent requests hold at most one each, except during their
// two parallel reads (up to 20), when a query now and then waits for one, as in a busy service.
const pool = new Pool(16);

const sessions = {
  async userFor(token) {
    const [session] = await pool.query('sessions', token);
    return session.userId;
  },
};

const users = {
  async findById(id) {
    const [user] = await pool.query('users', id);
    return user;
  },
};

const orders = {
  async recentFor(userId) {
    return await pool.query('orders', userId);
  },
};

const products = {
  async pricesFor(productIds) {
    const rows = await pool.query('prices', productIds);
    return new Map(rows.map((row) => [row.productId, row.cents]));
  },
};

const pricing = {
  async totalCents(lines) {
    const prices = await products.pricesFor([...new Set(lines.map((line) => line.productId))]);
    let total = 0;
    for (const line of lines) total += prices.get(line.productId) * line.quantity;
    return total;
  },
};

const orderService = {
  async summary(token, userId) {
    const sessionUser = await sessions.userFor(token);
    const [user, lines] = await Promise.all([users.findById(userId), orders.recentFor(userId)]);
    const totalCents = await pricing.totalCents(lines);
    await pool.query('audit', { sessionUser, userId });
    return { user: user.name, tier: user.tier, orders: lines.length, totalCents };
  },
};

const app = fastify({ logger: false });
app.get('/users/:id/orders/summary', async function orderSummary(request) {
  return orderService.summary(request.headers.authorization ?? 'anonymous', Number(request.params.id));
});

const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ port: Number(new URL(address).port) }));
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.(user + system);
  } else if (message === 'awaitwhat') {
    // For `bench/fastify.mjs --check`: whether awaitwhat's runtime is installed in this variant.
    process.send?.(typeof globalThis.__awaitwhat === 'object');
  }
});
// A server whose benchmark is gone (killed, crashed) does not outlive it.
process.on('disconnect', () => process.exit(0));
