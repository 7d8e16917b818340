const { waitFor } = require('./chains.js');

describe('arithmetic', () => {
  test('adds after a while', async () => {
    await waitFor(10);
    expect(1 + 1).toBe(2);
  });
});
