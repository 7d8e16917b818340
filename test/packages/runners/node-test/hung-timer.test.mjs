import { describe, it } from 'node:test';
import { waitFor } from '../chains.mjs';

describe('timer', () => {
  it('waits longer than its timeout', { timeout: 300 }, async () => {
    await waitFor(4000);
  });
});
