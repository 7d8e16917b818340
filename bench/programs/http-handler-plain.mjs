// The request handler of the HTTP benchmark: authentication, a cached service call, two repository
// reads in parallel and a write, each an async function awaiting I/O-like work (resolved on the
// next turn of the event loop). http-handler-plain.mjs is the same text, never instrumented.
const io = (value) => new Promise((resolve) => setImmediate(resolve, value));
const cache = new Map();

async function authenticate(req) {
  const token = req.headers.authorization ?? 'anonymous';
  const session = await io({ user: token.length + Math.floor(Math.random() * 20) });
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
  if (cache.size < 10) cache.set(user, result);
  return result;
}

export async function handle(req) {
  const user = await authenticate(req);
  const profile = await loadProfile(user);
  await repo.audit({ user, at: Date.now() });
  return JSON.stringify(profile);
}
