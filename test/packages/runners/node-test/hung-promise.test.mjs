import { describe, it } from 'node:test';
import { fetchUser } from '../chains.mjs';

describe('users', () => {
  it('loads a user', { timeout: 300 }, async () => {
    await fetchUser();
  });
  it('passes', () => {});
});
