// An error thrown after an await: the stack must still name the original line.
async function load(id) {
  await null;
  throw new Error(`cannot load ${id}`);
}

async function main() {
  await load(42);
}

main();
