import { fetchUser } from './chains.js';

describe('users', () => {
  test('loads a user', async () => {
    await fetchUser();
  }, 300);
});
