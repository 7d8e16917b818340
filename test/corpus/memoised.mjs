// One memoised connection promise awaited by two callers: one node, two awaiters.
let connecting;

async function connect() {
  await new Promise(() => {});
}

function connection() {
  connecting ??= connect();
  return connecting;
}

async function query(sql) {
  const conn = await connection();
  return conn.run(sql);
}

query('select 1');
query('select 2');

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would
