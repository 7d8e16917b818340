/**
 * Start-up cost: a start whose transforms all come from the cache never loads the transform nor a
 * parser (told by awaitwhat's own flag and, independently, by a load hook of the test's that sees
 * every module the process loads); a miss loads them; Node's compile cache is turned on beside the
 * transform cache, except where it must not be, and the program's environment never shows it.
 */

import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { Scope } from '../dist/hooks/scope.js';
import { ROOT, run, runCli } from './support/run.ts';

const HOOKS = join(ROOT, 'dist', 'hooks.js');
const scratch = mkdtempSync(join(tmpdir(), 'awaitwhat-startup-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let made = 0;
/** A fresh application of three modules (two with async functions) and a cache directory for it. */
function freshApp(): { dir: string; cacheDir: string } {
  const dir = join(scratch, `app${made++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.mjs'), 'export async function a(x) {\n  return await x;\n}\n');
  writeFileSync(join(dir, 'b.mjs'), 'export async function b(x) {\n  return (await x) + 1;\n}\n');
  writeFileSync(join(dir, 'main.mjs'), "import { a } from './a.mjs';\nimport { b } from './b.mjs';\nconsole.log(await a(1), await b(2));\n");
  return { dir, cacheDir: join(dir, 'cache') };
}

/**
 * Registered after awaitwhat's hooks, so that its load hook runs first for every module, those
 * awaitwhat loads included; at exit it writes what awaitwhat says of its start and what it saw.
 */
const PROBE = `data:text/javascript,${encodeURIComponent(`
import module from 'node:module';
import { writeFileSync } from 'node:fs';
const seen = [];
module.registerHooks({ load(url, context, nextLoad) { seen.push(url); return nextLoad(url, context); } });
const env = 'NODE_COMPILE_CACHE' in process.env ? process.env.NODE_COMPILE_CACHE : null;
process.on('exit', () => {
  const h = globalThis[Symbol.for('awaitwhat.hooks')];
  const parsers = [...new Set(seen.map((u) => /\\/node_modules\\/(oxc-parser|@oxc-parser\\/[^/]+|acorn)\\//.exec(u)?.[1]).filter((p) => p !== undefined))].sort();
  writeFileSync(process.env.PROBE_FILE, JSON.stringify({
    transformLoaded: h.load.transformLoaded,
    transformModules: seen.filter((u) => /\\/dist\\/transform\\/(instrument|parse|visitor)\\.js$/.test(u)).map((u) => u.replace(/^.*\\/dist\\//, '')).sort(),
    parsers: parsers.map((p) => p.startsWith('@oxc-parser/') ? '@oxc-parser/binding' : p),
    instrumented: h.stats.instrumented,
    cached: h.stats.cached,
    cache: h.load.cache ?? null,
    compileCacheDir: h.load.compileCacheDir ?? null,
    env,
  }));
});
`)}`;

interface Probe {
  transformLoaded: boolean;
  transformModules: string[];
  parsers: string[];
  instrumented: number;
  cached: number;
  cache: { hits: number; misses: number; writes: number } | null;
  compileCacheDir: string | null;
  env: string | null;
}

let probes = 0;
async function start(dir: string, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; probe: Probe }> {
  const file = join(scratch, `probe${probes++}.json`);
  const r = await run(['--import', HOOKS, '--import', PROBE, 'main.mjs'], { cwd: dir, env: { ...process.env, AWAITWHAT_CACHE: '1', PROBE_FILE: file, ...env } });
  assert.equal(r.code, 0, r.stderr);
  return { stdout: r.stdout, stderr: r.stderr, probe: JSON.parse(readFileSync(file, 'utf8')) as Probe };
}

// The parser that transforms here: oxc-parser (with its native binding) unless the run is told acorn.
const PARSERS = process.env.AWAITWHAT_PARSER === 'acorn' ? ['acorn'] : ['@oxc-parser/binding', 'oxc-parser'];
const TRANSFORM_MODULES = ['transform/instrument.js', 'transform/parse.js', 'transform/visitor.js'];

describe('start-up: the transform is loaded only on a cache miss', { concurrency: 2 }, () => {
  it('a cold start loads the transform and the parser; a warm one loads neither, and prints the same', async () => {
    const { dir, cacheDir } = freshApp();
    const cold = await start(dir, { AWAITWHAT_CACHE_DIR: cacheDir });
    assert.deepEqual(cold, {
      stdout: '1 3\n',
      stderr: '',
      probe: {
        transformLoaded: true,
        transformModules: TRANSFORM_MODULES,
        parsers: PARSERS,
        instrumented: 3,
        cached: 0,
        cache: { hits: 0, misses: 3, writes: 3 },
        compileCacheDir: `${cacheDir}-node-compile-cache`,
        env: null,
      },
    });
    const warm = await start(dir, { AWAITWHAT_CACHE_DIR: cacheDir });
    assert.deepEqual(warm, {
      stdout: '1 3\n',
      stderr: '',
      probe: {
        transformLoaded: false,
        transformModules: [],
        parsers: [],
        instrumented: 3,
        cached: 3,
        cache: { hits: 3, misses: 0, writes: 0 },
        compileCacheDir: `${cacheDir}-node-compile-cache`,
        env: null,
      },
    });
  });

  it("a program importing awaitwhat itself, everything instrumented, cold: no file of that module graph fails to load instrumented (Node.js 22 refused a require() of the half-loaded transform)", async () => {
    for (const [main, text] of [
      ['main.mjs', `import { snapshot } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)};\nconsole.log(typeof snapshot);\n`],
      ['main.cjs', `const { snapshot } = require(${JSON.stringify(join(ROOT, 'dist', 'index.js'))});\nconsole.log(typeof snapshot);\n`],
    ] as const) {
      // Nothing of the program's own needs a transform before awaitwhat's graph is fetched.
      const { dir, cacheDir } = freshApp();
      writeFileSync(join(dir, main), text);
      const r = await run(['--import', HOOKS, main], { cwd: dir, env: { ...process.env, AWAITWHAT_CACHE: '1', AWAITWHAT_CACHE_DIR: cacheDir, AWAITWHAT_INCLUDE: '**' } });
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 0, stdout: 'function\n', stderr: '' }, main);
    }
  });

  it('a warm start with one file changed loads the transform for that file only', async () => {
    const { dir, cacheDir } = freshApp();
    await start(dir, { AWAITWHAT_CACHE_DIR: cacheDir });
    appendFileSync(join(dir, 'b.mjs'), 'export const changed = true;\n');
    const changed = await start(dir, { AWAITWHAT_CACHE_DIR: cacheDir });
    assert.deepEqual(changed.probe, {
      transformLoaded: true,
      transformModules: TRANSFORM_MODULES,
      parsers: PARSERS,
      instrumented: 3,
      cached: 2,
      cache: { hits: 2, misses: 1, writes: 1 },
      compileCacheDir: `${cacheDir}-node-compile-cache`,
      env: null,
    });
  });

  it('reading load.parser loads the parser, and only then', async () => {
    const { dir, cacheDir } = freshApp();
    await start(dir, { AWAITWHAT_CACHE_DIR: cacheDir });
    const probe = `data:text/javascript,${encodeURIComponent("const h=globalThis[Symbol.for('awaitwhat.hooks')];const before=h.load.transformLoaded;const parser=h.load.parser;console.log(before,h.load.transformLoaded,parser)")}`;
    const r = await run(['--import', HOOKS, '--import', probe, 'main.mjs'], { cwd: dir, env: { ...process.env, AWAITWHAT_CACHE: '1', AWAITWHAT_CACHE_DIR: cacheDir } });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, `false true ${process.env.AWAITWHAT_PARSER === 'acorn' ? 'acorn' : 'oxc'}\n1 3\n`, '']);
  });
});

describe("start-up: Node's compile cache", { concurrency: 2 }, () => {
  it('is not turned on without the transform cache, nor under coverage', async () => {
    const { dir, cacheDir } = freshApp();
    const off = await start(dir, { AWAITWHAT_CACHE_DIR: cacheDir, AWAITWHAT_CACHE: '0' });
    assert.deepEqual([off.stdout, off.stderr, off.probe.cache, off.probe.compileCacheDir, off.probe.env], ['1 3\n', '', null, null, null]);
    const coverage = await start(dir, { AWAITWHAT_CACHE_DIR: cacheDir, NODE_V8_COVERAGE: join(dir, 'coverage') });
    assert.deepEqual([coverage.stdout, coverage.stderr, coverage.probe.compileCacheDir, coverage.probe.env], ['1 3\n', '', null, null]);
  });

  it("leaves a cache the user turned on as it is, and the user's variable with it", async () => {
    const { dir, cacheDir } = freshApp();
    const own = join(dir, 'own-compile-cache');
    const r = await start(dir, { AWAITWHAT_CACHE_DIR: cacheDir, NODE_COMPILE_CACHE: own });
    assert.deepEqual([r.stdout, r.stderr, r.probe.compileCacheDir, r.probe.env], ['1 3\n', '', null, own]);
  });

  it('is not turned on where NODE_DISABLE_COMPILE_CACHE forbids it', async () => {
    const { dir, cacheDir } = freshApp();
    const r = await start(dir, { AWAITWHAT_CACHE_DIR: cacheDir, NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.deepEqual([r.stdout, r.stderr, r.probe.compileCacheDir, r.probe.env], ['1 3\n', '', null, null]);
  });
});

describe("start-up: the awaitwhat command's preload and Node's compile cache", () => {
  /** awaitwhat's own modules whose code V8 took from Node's compile cache, as Node's debug output tells. */
  const fromCompileCache = (stderr: string): string[] => {
    const own = pathToFileURL(join(ROOT, 'dist')).href + '/';
    // Node 24 says "V8 code cache for ESM <url> was accepted", Node 22 "cache for <url> was accepted".
    const accepted = [...stderr.matchAll(/cache for (?:ESM )?(\S+) was accepted/g)].map((m) => m[1]!);
    return accepted.filter((url) => url.startsWith(own)).map((url) => url.slice(own.length)).sort();
  };

  it('a warm start takes the modules the preload loads from the cache; only the entry and what it needs first compile again', async () => {
    const { dir, cacheDir } = freshApp();
    const env = { ...process.env, AWAITWHAT_CACHE_DIR: cacheDir, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' };
    const cold = await runCli(['--after', '10m', 'main.mjs'], { cwd: dir, env });
    const warm = await runCli(['--after', '10m', 'main.mjs'], { cwd: dir, env });
    assert.deepEqual([cold.code, cold.stdout, warm.code, warm.stdout], [0, '1 3\n', 0, '1 3\n']);
    assert.deepEqual(fromCompileCache(cold.stderr), []);
    const warmModules = fromCompileCache(warm.stderr);
    // Loaded before the cache is on: compiled at every start (small, and few; the entry is one
    // file with what turns the cache on, scripts/bundle.mjs). After it: the entry's bundle and the
    // shared bundle (runtime/, runners/ and what shares state), nothing else.
    assert.deepEqual(warmModules, ['cli/preload-run.js', 'runtime/shared.js']);
  });

  /** A module registered first (before awaitwhat's entry) whose load hook sees every module the program's process loads; it writes awaitwhat's own, in order, at exit. */
  const LOAD_PROBE = `import module from 'node:module';
import { writeFileSync } from 'node:fs';
const seen = [];
module.registerHooks({ load(url, context, nextLoad) { seen.push(url); return nextLoad(url, context); } });
if (process.argv[1]?.endsWith('main.mjs')) process.on('exit', () => writeFileSync(process.env.PROBE_FILE, JSON.stringify(seen)));
`;
  const own = (file: string): string[] => {
    const root = pathToFileURL(join(ROOT, 'dist')).href + '/';
    return (JSON.parse(readFileSync(file, 'utf8')) as string[]).filter((url) => url.startsWith(root)).map((url) => url.slice(root.length).replace(/\?.*$/, ''));
  };

  it("loads four files of awaitwhat's: the entry, the early file, the entry's bundle and the shared bundle (scripts/bundle.mjs), warm and instrumenting", async () => {
    const { dir, cacheDir } = freshApp();
    const probe = join(dir, 'load-probe.mjs');
    writeFileSync(probe, LOAD_PROBE);
    const files = { cli: join(dir, 'cli.json'), hooks: join(dir, 'hooks.json') };
    const env = { ...process.env, AWAITWHAT_CACHE_DIR: cacheDir };
    // The command's preload comes after the user's NODE_OPTIONS, so the probe is registered before it.
    const cliEnv = { ...env, NODE_OPTIONS: `--import=${pathToFileURL(probe).href}`, PROBE_FILE: files.cli };
    const hooksArgs = ['--import', pathToFileURL(probe).href, '--import', HOOKS, 'main.mjs'];
    await runCli(['--after', '10m', 'main.mjs'], { cwd: dir, env: cliEnv });
    await run(hooksArgs, { cwd: dir, env: { ...env, PROBE_FILE: files.hooks } });
    const cli = await runCli(['--after', '10m', 'main.mjs'], { cwd: dir, env: cliEnv });
    const hooks = await run(hooksArgs, { cwd: dir, env: { ...env, PROBE_FILE: files.hooks } });
    assert.deepEqual([cli.code, cli.stdout, cli.stderr, hooks.code, hooks.stdout, hooks.stderr], [0, '1 3\n', '', 0, '1 3\n', '']);
    assert.deepEqual(
      { cli: own(files.cli), hooks: own(files.hooks) },
      {
        cli: ['cli/preload.js', 'hooks/compile-cache.js', 'cli/preload-run.js', 'runtime/shared.js'],
        hooks: ['hooks.js', 'hooks/compile-cache.js', 'hooks/start.js', 'runtime/shared.js'],
      },
    );
  });
});

describe("start-up: the parser's own packages", () => {
  it('are never instrumented, even opted in by name; other packages are', () => {
    const scope = new Scope({ packages: ['oxc-parser', '@oxc-parser/binding-linux-x64-gnu', 'acorn', 'fastify'] }, '/app', '/opt/awaitwhat/dist');
    const url = (path: string) => pathToFileURL(path).href;
    assert.deepEqual(
      [
        scope.fileFor(url('/app/node_modules/oxc-parser/src-js/index.js')),
        scope.fileFor(url('/app/node_modules/@oxc-parser/binding-linux-x64-gnu/index.js')),
        scope.fileFor(url('/app/node_modules/acorn/dist/acorn.js')),
        scope.fileFor(url('/app/node_modules/fastify/fastify.js')),
      ],
      [undefined, undefined, undefined, '/app/node_modules/fastify/fastify.js'],
    );
  });
});
