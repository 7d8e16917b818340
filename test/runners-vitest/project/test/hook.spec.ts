import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/db.ts';

describe('with a database', () => {
  beforeAll(async () => {
    await connect('db://setup');
  });

  it('queries', () => {
    expect(1).toBe(1);
  });
});
