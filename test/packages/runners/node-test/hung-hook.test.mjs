import { before, describe, it } from 'node:test';
import { fetchUser } from '../chains.mjs';

describe('with a database', () => {
  before(async () => {
    await fetchUser();
  }, { timeout: 300 });
  it('queries', () => {});
});
