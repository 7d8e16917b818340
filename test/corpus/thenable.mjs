// Awaiting a thenable whose then() never calls back.
const lazy = { then(resolve) { /* keeps the callback, never calls it */ this.cb = resolve; } };

async function waitForLazy() {
  await lazy;
}

waitForLazy();

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would
