import { checkTotal } from './chains';

type Prices = readonly number[];

describe('cart', () => {
  test('totals the prices', async () => {
    const prices: Prices = [1, 2, 3];
    await checkTotal(prices, 7);
  });
});
