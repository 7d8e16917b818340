/**
 * The Jest integration's parts that need no Jest: command mode's change to Jest's configuration
 * (src/runners/jest/config.ts), the transformer's options, how tests, hooks and timeouts are named
 * (events.ts), and the site id blocks claimed in Jest's cache directory (sites.ts).
 */

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readConfigsWithAwaitwhat, watchJestConfig, withAwaitwhat, type JestProjectConfig } from '../src/runners/jest/config.ts';
import { hookName, testName, timeoutMessage } from '../src/runners/jest/events.ts';
import { BLOCK, FileSiteIds, fileVersionKey, SiteBlocks } from '../src/runners/jest/sites.ts';
import { readOptions } from '../src/runners/jest/transformer.ts';
import { FOREIGN_SITE_BASE, RETURN_SITE_BASE, type SiteRecord } from '../src/runtime/sites.ts';

const PATHS = { transformer: '/opt/awaitwhat/dist/jest.js', environment: '/opt/awaitwhat/dist/jest-environment.js' };
const BABEL = '/p/node_modules/babel-jest/build/index.js';
const NODE_ENV = '/p/node_modules/jest-environment-node/build/index.js';

function project(overrides: Partial<JestProjectConfig> = {}): JestProjectConfig {
  const transform: JestProjectConfig['transform'] = [['\\.[jt]sx?$', BABEL, {}]];
  return Object.freeze({ rootDir: '/p', transform, testEnvironment: NODE_ENV, testEnvironmentOptions: {}, ...overrides });
}

describe('command mode: the configuration Jest read, with awaitwhat added', () => {
  it('puts awaitwhat’s transformer in front of each transformer, with that transformer’s options, and its environment around the project’s', () => {
    const config = project({
      transform: [
        ['\\.[jt]sx?$', BABEL, {}],
        ['\\.mts$', '/p/node_modules/ts-jest/dist/index.js', { isolatedModules: true }],
      ],
      testEnvironmentOptions: { customExportConditions: ['node'] },
    });
    const changed = withAwaitwhat(config, PATHS);
    assert.deepEqual(changed, {
      rootDir: '/p',
      transform: [
        ['\\.[jt]sx?$', PATHS.transformer, { transformer: BABEL }],
        ['\\.mts$', PATHS.transformer, { transformer: '/p/node_modules/ts-jest/dist/index.js', options: { isolatedModules: true } }],
      ],
      testEnvironment: PATHS.environment,
      testEnvironmentOptions: { customExportConditions: ['node'], awaitwhatEnvironment: NODE_ENV },
    });
    assert.ok(Object.isFrozen(changed));
    assert.deepEqual(config.transform, [
      ['\\.[jt]sx?$', BABEL, {}],
      ['\\.mts$', '/p/node_modules/ts-jest/dist/index.js', { isolatedModules: true }],
    ]);
    assert.equal(config.testEnvironment, NODE_ENV);
  });

  it('instruments every script when the project transforms nothing (transform: {})', () => {
    assert.deepEqual(withAwaitwhat(project({ transform: [] }), PATHS).transform, [['\\.[cm]?[jt]sx?$', PATHS.transformer, { transformer: false }]]);
  });

  it('leaves a project that names awaitwhat’s transformer and environment already (another copy of awaitwhat included) as it is', () => {
    const config = project({
      transform: [['\\.js$', '/elsewhere/node_modules/awaitwhat/dist/jest.js', { transformer: 'babel-jest' }]],
      testEnvironment: '/elsewhere/node_modules/awaitwhat/dist/jest-environment.js',
    });
    assert.deepEqual(withAwaitwhat(config, PATHS), { ...config });
  });

  it('changes every project readConfigs returns, and nothing else of its result', () => {
    const result = { globalConfig: { rootDir: '/p' }, hasDeprecationConfig: false, configs: [project(), project({ rootDir: '/q' })] };
    const changed = readConfigsWithAwaitwhat(result, PATHS);
    assert.deepEqual(changed.globalConfig, { rootDir: '/p' });
    assert.equal(changed.hasDeprecationConfig, false);
    assert.deepEqual(
      changed.configs.map((c) => [c.rootDir, c.testEnvironment]),
      [
        ['/p', PATHS.environment],
        ['/q', PATHS.environment],
      ],
    );
  });

  it('wraps jest-config’s readConfigs once; a module without one is not changed and says so', async () => {
    const exports = { readConfigs: async (_argv: unknown, _paths: unknown) => ({ configs: [project()] }) };
    const faults: unknown[] = [];
    assert.equal(watchJestConfig(exports, PATHS, (e) => faults.push(e)), true);
    const wrapped = exports.readConfigs;
    assert.equal(watchJestConfig(exports, PATHS, (e) => faults.push(e)), true);
    assert.equal(exports.readConfigs, wrapped);
    const { configs } = await exports.readConfigs({}, ['/p']);
    assert.equal(configs[0]!.testEnvironment, PATHS.environment);
    assert.equal(watchJestConfig({ normalize() {} }, PATHS, (e) => faults.push(e)), false);
    assert.deepEqual(faults, []);
  });
});

describe('awaitwhat/jest options', () => {
  it('default to babel-jest; take a transformer by name with its options, or none', () => {
    assert.deepEqual(readOptions(undefined), { transformer: 'babel-jest', options: undefined });
    assert.deepEqual(readOptions({}), { transformer: 'babel-jest', options: undefined });
    assert.deepEqual(readOptions({ transformer: 'ts-jest', options: { isolatedModules: true } }), { transformer: 'ts-jest', options: { isolatedModules: true } });
    assert.deepEqual(readOptions({ transformer: false }), { transformer: false, options: undefined });
  });

  it('a bad value is an error naming it and what was expected', () => {
    assert.throws(() => readOptions('babel-jest'), { name: 'TypeError', message: 'awaitwhat/jest: its options must be an object like { transformer: \'babel-jest\' }, not "babel-jest"' });
    assert.throws(() => readOptions({ transformer: 3 }), {
      name: 'TypeError',
      message: "awaitwhat/jest: option transformer must be a package name or path (such as 'babel-jest' or 'ts-jest'), or false for none, not 3",
    });
  });
});

describe('names of tests, hooks and timeouts, as Jest prints them', () => {
  const root = { name: 'ROOT_DESCRIBE_BLOCK' };
  const users = { name: 'users', parent: root };
  it('a test by its describe blocks and its name, with Jest’s › between them', () => {
    assert.equal(testName({ name: 'loads a user', parent: { name: 'by id', parent: users } }), 'users › by id › loads a user');
    assert.equal(testName({ name: 'top level', parent: root }), 'top level');
  });
  it('a hook by its kind and its describe block', () => {
    assert.equal(hookName({ type: 'beforeAll', parent: users }), '"beforeAll" hook in "users"');
    assert.equal(hookName({ type: 'afterAll', parent: root }), '"afterAll" hook');
  });
  it('a timeout by the first sentence of jest-circus’s message (a string or an error’s), anything else is none', () => {
    const message = 'Exceeded timeout of 300 ms for a test.\nAdd a timeout value to this test to increase the timeout, if this is a long-running test. See https://jestjs.io/docs/api#testname-fn-timeout.';
    assert.equal(timeoutMessage(message), 'Exceeded timeout of 300 ms for a test');
    assert.equal(timeoutMessage(new Error(message)), 'Exceeded timeout of 300 ms for a test');
    assert.equal(timeoutMessage(new Error('expect(received).toBe(expected)')), undefined);
    assert.equal(timeoutMessage(undefined), undefined);
  });
});

describe('site id blocks in Jest’s cache directory', () => {
  const site = (kind: SiteRecord['kind']): SiteRecord => ({ kind, file: 'a.js', line: 1, column: 1, name: 'f', text: '' });
  const withDir = (task: (dir: string) => void): void => {
    const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-jest-sites-'));
    try {
      task(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('two processes claiming blocks in one directory never get the same block, even from the same starting point', () =>
    withDir((dir) => {
      const a = new SiteBlocks(dir, 5);
      const b = new SiteBlocks(dir, 5);
      assert.deepEqual([a.claim(), b.claim(), a.claim(), b.claim()], [5, 6, 7, 8]);
      assert.deepEqual(readdirSync(join(dir, 'blocks')).sort(), ['5', '6', '7', '8']);
    }));

  it('a file’s ids come from its block, in the foreign ranges; the next file gets another block', () =>
    withDir((dir) => {
      const store = new SiteBlocks(dir, 3);
      const first = new FileSiteIds(store, fileVersionKey('a.js', 'one'));
      assert.deepEqual([first.addSite(site('function')), first.addSite(site('await')), first.addSite(site('return'))], [FOREIGN_SITE_BASE + 3 * BLOCK, FOREIGN_SITE_BASE + 3 * BLOCK + 1, RETURN_SITE_BASE + FOREIGN_SITE_BASE + 3 * BLOCK]);
      first.done();
      const second = new FileSiteIds(store, fileVersionKey('b.js', 'two'));
      assert.equal(second.addSite(site('function')), FOREIGN_SITE_BASE + 4 * BLOCK);
    }));

  it('a file with more sites than a block takes another block', () =>
    withDir((dir) => {
      const ids = new FileSiteIds(new SiteBlocks(dir, 0), 'k');
      const given: number[] = [];
      for (let i = 0; i <= BLOCK; i++) given.push(ids.addSite(site('await')));
      assert.equal(given[BLOCK - 1], FOREIGN_SITE_BASE + BLOCK - 1);
      assert.equal(given[BLOCK], FOREIGN_SITE_BASE + BLOCK);
      ids.done();
      assert.deepEqual(readdirSync(join(dir, 'blocks')).sort(), ['0', '1']);
    }));

  it('the same file version transformed again (another process, --no-cache) gets the same ids and claims nothing', () =>
    withDir((dir) => {
      const key = fileVersionKey('a.js', 'one');
      const first = new FileSiteIds(new SiteBlocks(dir, 9), key);
      const ids = [first.addSite(site('function')), first.addSite(site('return'))];
      first.done();
      const again = new FileSiteIds(new SiteBlocks(dir, 100), key);
      assert.deepEqual([again.addSite(site('function')), again.addSite(site('return'))], ids);
      again.done();
      assert.deepEqual(readdirSync(join(dir, 'blocks')), ['9']);
    }));
});
