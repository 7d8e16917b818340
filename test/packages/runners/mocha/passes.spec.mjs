import { waitFor } from '../chains.mjs';

describe('quick', function () {
  it('waits a little', async function () {
    await waitFor(10);
  });
  it('does nothing', function () {});
});
