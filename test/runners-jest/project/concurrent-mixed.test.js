const { fetchUser, waitFor } = require('./chains.js');

// A concurrent test and one that is not, in one block: Jest 29 calls the concurrent test's function
// before any test starts, and the other one after the concurrent one timed out, while it is still hung.
describe('mixed', () => {
  test.concurrent('hangs on a user', async () => {
    await fetchUser();
  }, 300);

  test('hangs on a timer', async () => {
    await waitFor(4000);
  }, 300);
});
