// events.once on an emitter that never emits.
import { EventEmitter, once } from 'node:events';

const bus = new EventEmitter();

async function waitForReady() {
  const [value] = await once(bus, 'ready');
  return value;
}

waitForReady();

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would
