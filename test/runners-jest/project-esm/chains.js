// The chain the ESM fixtures hang on: a promise nobody resolves three calls deep.
export async function fetchUser() {
  return await queryUser();
}
async function queryUser() {
  return await connect();
}
async function connect() {
  await new Promise(() => {});
}
