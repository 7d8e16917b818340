import { describe, it } from 'node:test';
import { fetchUser, waitFor } from '../chains.mjs';

describe('users', () => {
  it('loads a user, without a timeout', async () => {
    await fetchUser();
  });
});

// Keeps the process alive, as a server would: node:test would otherwise end the run when the event loop empties.
waitFor(60_000);
