// Frames started by uninstrumented code during one call whose own promise is awaited: a group
// (several frames), or the awaited call itself (one frame). load(2) finishes at once: the group
// counts it among its calls, but does not wait for it.
import { pMap } from './uninstrumented/p-map.mjs';

async function load(id) {
  if (id === 2) return id;
  await new Promise(() => {});
}

async function loadAll() {
  await pMap([1, 2, 3], load);
}

async function loadOne() {
  await pMap([4], load);
}

loadAll();
loadOne();

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would
