// await using: the block is done, and its resource's disposal never finishes.
class Connection {
  async [Symbol.asyncDispose]() {
    await new Promise(() => {});
  }
}

async function withConnection() {
  await using conn = new Connection();
  console.log('using', typeof conn);
}

withConnection();

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would
