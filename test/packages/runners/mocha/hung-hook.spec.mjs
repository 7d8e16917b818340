import { fetchUser } from '../chains.mjs';

describe('with a database', function () {
  before(async function () {
    this.timeout(300);
    await fetchUser();
  });
  it('queries', function () {});
});
