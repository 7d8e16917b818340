import { describe, it } from 'node:test';
import { pollForever } from '../chains.mjs';

describe('poller', () => {
  it('starts polling and forgets it', () => {
    pollForever();
  });
});
