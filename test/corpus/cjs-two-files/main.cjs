// CommonJS across two files: the caller in one, the hung callee in the other.
const { loadConfig } = require('./config.cjs');

async function main() {
  const config = await loadConfig('app.json');
  console.log(config);
}

main();
