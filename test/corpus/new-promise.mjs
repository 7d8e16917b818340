// Promises the program creates itself with `new Promise(…)` are named by where they were created,
// whether awaited on the spot or kept and awaited elsewhere; others are "no instrumented code's".
import { once } from 'node:events';
import { EventEmitter } from 'node:events';

const ready = new Promise(() => {}); // kept at top level, awaited in a function

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms)); // created in a synchronous function
}

async function waitReady() {
  await ready;
}

async function inline() {
  await new Promise(() => {}); // known at the await itself
}

async function keptHere() {
  const gate = new Promise(() => {});
  await sleep(1);
  await gate;
}

async function main() {
  await Promise.all([waitReady(), inline(), keptHere(), sleep(60_000), once(new EventEmitter(), 'never')]);
}

await main();
