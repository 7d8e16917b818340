// The chains the TypeScript fixtures hang on: a promise nobody resolves three calls deep. The
// types make the lines ts-jest emits differ from these: the report must name these.

export interface User {
  id: number;
  name: string;
}

type Row = Record<string, unknown>;

export async function fetchUser(id: number): Promise<User> {
  const row: Row = await queryUser(id);
  return { id, name: String(row.name) };
}

async function queryUser(id: number): Promise<Row> {
  return await connect(`SELECT name FROM users WHERE id = ${id}`);
}

async function connect(_query: string): Promise<Row> {
  return await new Promise<Row>(() => {});
}

export async function waitFor(ms: number): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/** A sum checked three calls deep: its failure's stack names these lines. */
export async function checkTotal(prices: readonly number[], expected: number): Promise<void> {
  await waitFor(1);
  const total: number = prices.reduce((sum, price) => sum + price, 0);
  expect(total).toBe(expected);
}
