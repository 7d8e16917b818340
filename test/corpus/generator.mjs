// An async generator consumed with for await; the generator is stuck inside its second item.
async function* lines() {
  yield 'first';
  await new Promise(() => {});
  yield 'second';
}

async function consume() {
  for await (const line of lines()) {
    console.log(line);
  }
}

consume();

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would
