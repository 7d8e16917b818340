// ESM across two files, with the callee's promise kept in a variable before it is awaited.
import { fetchAll } from './store.mjs';

async function render() {
  const pending = fetchAll(['a', 'b']);
  console.log('rendering');
  const rows = await pending;
  return rows;
}

render();

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would
