// An HTTP service whose profile endpoint hangs, four calls deep, on a database query that waits for
// a lock nobody releases until GET /release.
import http from 'node:http';

let releaseLock;
let lock = new Promise((resolve) => (releaseLock = resolve));

const db = {
  async query(sql, params) {
    await lock; // the terminal thing: a lock held elsewhere
    return { id: params[0], name: `user ${params[0]}` };
  },
};

class Repo {
  async findUser(id) {
    const row = await db.query('select * from users where id = $1', [id]);
    return row;
  }
}

const repo = new Repo();

async function loadProfile(id) {
  const user = await repo.findUser(id);
  return { ...user, plan: 'free' };
}

async function handleProfile(id) {
  const profile = await loadProfile(id);
  return JSON.stringify(profile);
}

const server = http.createServer((req, res) => {
  const profile = /^\/profile\/(\d+)$/.exec(req.url ?? '');
  if (profile) {
    handleProfile(Number(profile[1])).then(
      (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(body),
      (error) => res.writeHead(500).end(String(error)),
    );
  } else if (req.url === '/release') {
    releaseLock();
    lock = new Promise((resolve) => (releaseLock = resolve));
    res.end('released\n');
  } else {
    res.writeHead(404).end();
  }
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(JSON.stringify({ listening: server.address().port }));
});
