const { fetchUser } = require('./chains.js');

describe('with a database', () => {
  beforeAll(async () => {
    await fetchUser();
  }, 300);

  test('queries', () => {
    expect(true).toBe(true);
  });
});
