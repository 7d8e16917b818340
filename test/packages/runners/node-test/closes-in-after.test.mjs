import { after, before, it } from 'node:test';

// A server started before the tests and stopped by the file's own root `after` hook, which runs after awaitwhat's.
let stop;
async function serve() {
  await new Promise((resolve) => {
    stop = resolve;
  });
}
before(() => {
  serve();
});
after(() => stop());

it('uses the server', () => {});
