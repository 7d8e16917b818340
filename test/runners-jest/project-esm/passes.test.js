import { fetchUser } from './chains.js';

test('a module loads', async () => {
  expect(typeof fetchUser).toBe('function');
  await Promise.resolve();
});
