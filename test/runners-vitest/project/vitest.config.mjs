import awaitwhat from 'awaitwhat/vitest';

const plugins = process.env.WITHOUT_AWAITWHAT === '1' ? [] : [awaitwhat()];
export default { plugins, test: { include: [process.env.TEST_FILES ?? 'test/*.spec.ts'], pool: process.env.POOL ?? 'forks', testTimeout: 300, hookTimeout: 300 } };
