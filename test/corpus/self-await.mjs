// A function that awaits its own promise: a deadlock of one frame.
let self;

async function selfish() {
  await null;
  await self;
}

self = selfish();

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would
