import { describe, it } from 'node:test';
import { waitFor } from '../chains.mjs';

describe('quick', () => {
  it('waits a little', async () => {
    await waitFor(10);
  });
  it('does nothing', () => {});
});
