import { expect, it } from 'vitest';
import { sleep } from '../src/db.ts';

it('adds', async () => {
  await sleep(1);
  expect(1 + 1).toBe(2);
});
