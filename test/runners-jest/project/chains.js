// The chains the Jest fixtures hang on: a promise nobody resolves three calls deep, and a timer.
async function fetchUser() {
  return await queryUser();
}
async function queryUser() {
  return await connect();
}
async function connect() {
  await new Promise(() => {});
}

async function waitFor(ms) {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls forever, a minute apart: what a test leaves behind when it starts this and does not stop it. */
async function pollForever() {
  for (;;) await waitFor(60_000);
}

module.exports = { fetchUser, waitFor, pollForever };
