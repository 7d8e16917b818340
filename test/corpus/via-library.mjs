// Frames started by code that is not instrumented (a mapper library) and awaited through it.
async function mapConcurrent(items, fn) {
  return Promise.all(items.map((item) => fn(item)));
}
const runner = { mapConcurrent };

async function fetchItem(id) {
  await new Promise(() => {});
}

async function main() {
  await runner.mapConcurrent([1, 2], fetchItem);
}

main();

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would
