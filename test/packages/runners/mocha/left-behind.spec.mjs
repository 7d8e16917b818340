import { pollForever } from '../chains.mjs';

describe('poller', function () {
  it('starts polling and forgets it', function () {
    pollForever();
  });
});
