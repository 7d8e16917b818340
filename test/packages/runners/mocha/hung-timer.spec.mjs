import { waitFor } from '../chains.mjs';

describe('timer', function () {
  it('waits longer than its timeout', async function () {
    this.timeout(300);
    await waitFor(4000);
  });
});
