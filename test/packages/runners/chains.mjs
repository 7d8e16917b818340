// The chains the runner fixtures hang on: a promise nobody resolves three calls deep, and a timer.
export async function fetchUser() {
  return await queryUser();
}
async function queryUser() {
  return await connect();
}
async function connect() {
  await new Promise(() => {});
}

export async function waitFor(ms) {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls forever, a minute apart: what a test leaves behind when it starts this and does not stop it. */
export async function pollForever() {
  for (;;) await waitFor(60_000);
}
