const { setTimeout: sleep } = require('node:timers/promises');

async function readFromDisk(name) {
  await sleep(60_000, name);
}

exports.loadConfig = async function loadConfig(name) {
  return readFromDisk(name);
};
