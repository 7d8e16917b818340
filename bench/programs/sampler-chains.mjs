let open;
const blocked = new Promise((resolve) => (open = resolve));

async function driver(i) { await blocked; return i; }
async function repo(i) { return await driver(i); }
async function service(i) { await repo(i); }
async function handler(i) { await service(i); }

/** Starts `chains` chains of four pending frames; returns the function that releases them. */
export function start(chains) {
  for (let i = 0; i < chains; i++) handler(i);
  return open;
}
