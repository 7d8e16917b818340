import { describe, expect, it } from 'vitest';
import { connect, sleep } from '../src/db.ts';

async function findUser(id: number): Promise<number> {
  await connect(`db://${id}`);
  return id;
}

describe('users', () => {
  it('finds a user', async () => {
    expect(await findUser(1)).toBe(1);
  });

  it('waits for a timer', async () => {
    await sleep(60_000);
  });

  it('passes', async () => {
    expect(await Promise.resolve(2)).toBe(2);
  });
});
