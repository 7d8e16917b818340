export async function fetchAll(keys) {
  return Promise.all(keys.map(async (key) => fetchOne(key)));
}

async function fetchOne(key) {
  await new Promise(() => {});
}
