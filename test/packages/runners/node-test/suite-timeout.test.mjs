import { describe, it } from 'node:test';
import { fetchUser } from '../chains.mjs';

describe('slow suite', { timeout: 300 }, () => {
  it('loads a user', async () => {
    await fetchUser();
  });
});
