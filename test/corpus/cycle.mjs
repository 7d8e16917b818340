// Two async functions awaiting each other's promise: a deadlock.
let first;
let second;

async function a() {
  await null;
  await second;
}

async function b() {
  await null;
  await first;
}

first = a();
second = b();

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would
