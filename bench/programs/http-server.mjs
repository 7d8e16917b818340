// A realistic handler: authentication, a cached service call, two repository reads and a write,
// each an async function awaiting I/O-like work (resolved on the next turn of the event loop).
import http from 'node:http';

const io = (value) => new Promise((resolve) => setImmediate(resolve, value));
const cache = new Map();

async function authenticate(req) {
  const token = req.headers.authorization ?? 'anonymous';
  const session = await io({ user: token.length });
  return session.user;
}

class Repo {
  async findUser(id) {
    const row = await io({ id, name: `user${id}` });
    return row;
  }
  async findOrders(id) {
    const rows = await io([{ id: 1, user: id }, { id: 2, user: id }]);
    return rows;
  }
  async audit(entry) {
    await io(entry);
  }
}
const repo = new Repo();

async function loadProfile(user) {
  if (cache.has(user)) return cache.get(user);
  const [profile, orders] = await Promise.all([repo.findUser(user), repo.findOrders(user)]);
  const result = { ...profile, orders: orders.length };
  cache.set(user % 10, result);
  return result;
}

async function handle(req) {
  const user = await authenticate(req);
  const profile = await loadProfile(user);
  await repo.audit({ user, at: Date.now() });
  return JSON.stringify(profile);
}

const server = http.createServer((req, res) => {
  handle(req).then((body) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
