import { waitFor } from './chains';

interface Sum {
  a: number;
  b: number;
}

describe('arithmetic', () => {
  test('adds after a while', async () => {
    const sum: Sum = { a: 1, b: 1 };
    await waitFor(10);
    expect(sum.a + sum.b).toBe(2);
  });
});
