const { fetchUser, waitFor } = require('./chains.js');

describe('concurrent', () => {
  test.concurrent('hangs on a user', async () => {
    await fetchUser();
  }, 300);

  test.concurrent('waits a little', async () => {
    await waitFor(50);
  });

  test.concurrent('hangs on a timer', async () => {
    await waitFor(4000);
  }, 300);
});
