// A program that finishes: its output and exit code must be byte-identical under awaitwhat.
const order = [];
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function step(name, ms) {
  order.push(`enter ${name}`);
  await tick();
  order.push(`resume ${name}`);
  if (name === 'b') throw new Error(`failure in ${name}`);
  return name.toUpperCase();
}

async function main() {
  const results = await Promise.allSettled([step('a'), step('b'), step('c')]);
  for (const r of results) order.push(r.status === 'fulfilled' ? r.value : r.reason.message);
  for await (const x of (async function* () { yield 1; yield 2; })()) order.push(`item ${x}`);
  console.log(order.join('\n'));
  console.error('done on stderr');
  process.exitCode = 3;
}

main();
