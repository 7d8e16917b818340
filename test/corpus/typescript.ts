// TypeScript run by Node's type stripping: annotations, interfaces, generics.
interface User { id: number; name: string }

class Users {
  async find(id: number): Promise<User> {
    const row = await this.query<User>(`select * from users where id = ${id}`);
    return row;
  }
  private async query<T>(sql: string): Promise<T> {
    return new Promise<T>(() => {});
  }
}

async function main(): Promise<void> {
  const user: User = await new Users().find(1);
  console.log(user.name);
}

main();

setTimeout(() => {}, 60_000); // keeps the process alive, as a server would
