import { fetchUser, type User } from './chains';

const wanted: Pick<User, 'id'> = { id: 7 };

describe('users', () => {
  test('loads a user', async () => {
    await fetchUser(wanted.id);
  }, 300);
});
