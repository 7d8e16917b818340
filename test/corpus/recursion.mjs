// 200-deep recursion of one async function: collapsed in the report.
async function descend(n) {
  if (n === 0) return new Promise(() => {});
  await descend(n - 1);
}

descend(199);

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would
