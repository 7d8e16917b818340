const { pollForever } = require('./chains.js');

describe('poller', () => {
  test('starts polling and forgets it', () => {
    pollForever();
  });
});
