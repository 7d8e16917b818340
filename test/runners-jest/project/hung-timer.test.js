const { waitFor } = require('./chains.js');

describe('timer', () => {
  test('waits longer than its timeout', async () => {
    await waitFor(4000);
  }, 300);
});
