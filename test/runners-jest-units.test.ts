/**
 * The Jest integration's parts that need no Jest: command mode's change to Jest's configuration
 * (src/runners/jest/config.ts), the transformer's options, how tests, hooks and timeouts are named
 * (events.ts), the site id blocks claimed in Jest's cache directory (sites.ts), and how a
 * concurrent test's run is recorded: the call of its function (concurrent.ts), a run nested in
 * whatever test runs then (tests.ts).
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
import { watchConcurrentTests, type CircusNode } from '../src/runners/jest/concurrent.ts';
import { TestLog } from '../src/runners/tests.ts';
import { SNAPSHOT_SCHEMA, type FrameNode, type Snapshot } from '../src/snapshot/schema.ts';
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

/** Seven pending frames, seq 1 to 7, none awaiting another. */
function sevenFrames(): Snapshot {
  const nodes: FrameNode[] = [1, 2, 3, 4, 5, 6, 7].map((seq) => ({
    id: `f${seq}`,
    type: 'frame',
    function: `f${seq}`,
    kind: 'function',
    location: { file: 'a.js', line: seq, column: 1 },
    state: 'awaiting',
    suspendedAt: { file: 'a.js', line: seq, column: 3, kind: 'await', text: 'await x' },
    pendingMs: 0,
    seq,
    awaits: [],
    awaitedBy: [],
  }));
  return { schema: SNAPSHOT_SCHEMA, capturedAt: 0, pid: 1, threadId: 0, nodes, roots: nodes.map((node) => node.id), cycles: [], stats: { frames: 7, collected: 0, evicted: 0, omitted: 0 } };
}

describe('test.concurrent: a run recorded around the call of the test’s function', () => {
  /** jest-circus's tree: a root block with a concurrent test, a test that is not, and a block with another concurrent test. */
  function tree(fns: Record<'a' | 'b' | 'c', (...args: never[]) => unknown>): { root: CircusNode; tests: Record<'a' | 'b' | 'c', CircusNode> } {
    const root: CircusNode = { type: 'describeBlock', name: 'ROOT_DESCRIBE_BLOCK', children: [] };
    const inner: CircusNode = { type: 'describeBlock', name: 'inner', parent: root, children: [] };
    const tests = {
      a: { type: 'test', name: 'a', parent: root, concurrent: true, fn: fns.a },
      b: { type: 'test', name: 'b', parent: root, concurrent: false, fn: fns.b },
      c: { type: 'test', name: 'c', parent: inner, concurrent: true, fn: fns.c },
    };
    root.children = [tests.a, tests.b, inner];
    inner.children = [tests.c];
    return { root, tests };
  }

  it('wraps each concurrent test’s function, at any depth, once: same this, arguments, result, length and name; the call told before and its end after', () => {
    const said: string[] = [];
    const a = function named(this: unknown, x: number, y: number): unknown {
      said.push(`a(${x}, ${y}) on ${String(this)}`);
      return 'result';
    };
    const b = (): void => {};
    const c = (done: () => void): void => done();
    const { root, tests } = tree({ a, b, c });
    const onCall = (test: CircusNode): (() => void) => {
      said.push(`call ${test.name}`);
      return () => said.push(`end ${test.name}`);
    };
    watchConcurrentTests(root, onCall);
    const wrappedA = tests.a.fn as typeof a;
    watchConcurrentTests(root, onCall);
    assert.equal(tests.a.fn, wrappedA);
    assert.notEqual(wrappedA, a);
    assert.equal(tests.b.fn, b);
    assert.notEqual(tests.c.fn, c);
    assert.deepEqual([wrappedA.length, wrappedA.name, (tests.c.fn as typeof c).length], [2, 'named', 1]);
    assert.equal(wrappedA.call('ctx', 1, 2), 'result');
    (tests.c.fn as typeof c)(() => said.push('done'));
    assert.deepEqual(said, ['call a', 'a(1, 2) on ctx', 'end a', 'call c', 'done', 'end c']);
  });

  it('a function that throws: the throw reaches Jest as it is, the call’s end is told', () => {
    const error = new Error('in the test');
    const { root, tests } = tree({
      a: () => {
        throw error;
      },
      b: () => {},
      c: () => {},
    });
    const said: string[] = [];
    watchConcurrentTests(root, (test) => () => said.push(`end ${test.name}`));
    assert.throws(() => (tests.a.fn as () => void)(), (thrown) => thrown === error);
    assert.deepEqual(said, ['end a']);
  });

  it('no tree (a Jest that hands no state): nothing', () => {
    assert.doesNotThrow(() => watchConcurrentTests(undefined, () => () => {}));
  });

  it('a run nested in an open one: frames created during it are its own, the open run’s before and after it are the open run’s, and its scope leaves the nested run’s out', () => {
    let counter = 0;
    const log = new TestLog(() => counter);
    const outer = log.start('outer', 'test');
    counter = 2; // frames 1, 2: the outer test's
    const inner = log.start('inner', 'test', true);
    counter = 4; // frames 3, 4: the nested call's
    log.end(inner);
    counter = 5; // frame 5: the outer test's again
    log.end(outer);
    counter = 6; // frame 6: no test's
    const second = log.start('second', 'test', true);
    counter = 7; // frame 7: a nested call when no test is open
    log.end(second);
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((seq) => log.startedBy(seq)?.name),
      ['outer', 'outer', 'inner', 'inner', 'outer', undefined, 'second'],
    );
    assert.equal(inner.enclosing, outer);
    assert.equal(second.enclosing, undefined);
    const frames = (part: Snapshot): number[] => part.nodes.map((node) => (node.type === 'frame' ? node.seq : -1));
    assert.deepEqual([frames(log.scope(sevenFrames(), outer)), frames(log.scope(sevenFrames(), inner))], [[1, 2, 5], [3, 4]]);
  });

  it('runs that are not nested take over from the one before, as before: a run started while another is open ends that one’s frames, and what comes after it is no run’s', () => {
    let counter = 0;
    const log = new TestLog(() => counter);
    log.start('first', 'test');
    counter = 1;
    const next = log.start('next', 'test');
    counter = 2;
    log.end(next);
    counter = 3;
    assert.deepEqual([1, 2, 3].map((seq) => log.startedBy(seq)?.name), ['first', 'next', undefined]);
    assert.equal(next.enclosing, undefined);
  });
});
