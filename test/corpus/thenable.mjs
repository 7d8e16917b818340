// Awaiting thenables whose then() never calls back: one with a then method, one whose then is
// defined by a getter, and two inside Promise.all. Each read of a then is logged: the output must
// be the same instrumented, so awaitwhat never reads one (it looks at property descriptors only).
const lazy = { then(resolve) { process.stdout.write('lazy.then called\n'); this.cb = resolve; } };
const byGetter = {
  get then() {
    process.stdout.write('byGetter.then read\n');
    return () => {};
  },
};
const first = { then() { process.stdout.write('first.then called\n'); } };
const second = { then() { process.stdout.write('second.then called\n'); } };

async function waitForLazy() {
  await lazy;
}

async function waitForGetter() {
  await byGetter;
}

async function waitForBoth() {
  await Promise.all([first, second]);
}

waitForLazy();
waitForGetter();
waitForBoth();

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would
