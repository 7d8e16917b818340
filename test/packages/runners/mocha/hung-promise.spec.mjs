import { fetchUser } from '../chains.mjs';

describe('users', function () {
  it('loads a user', async function () {
    this.timeout(300);
    await fetchUser();
  });
  it('passes', function () {});
});
