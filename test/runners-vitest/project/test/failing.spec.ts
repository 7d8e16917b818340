import { expect, it } from 'vitest';
import { sleep } from '../src/db.ts';

async function total(prices: number[]): Promise<number> {
  await sleep(1);
  return prices.reduce((sum, price) => sum + price, 0);
}

it('adds prices', async () => {
  const sum = await total([1, 2]);
  expect(sum).toBe(4);
});
