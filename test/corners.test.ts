/**
 * Language corners: what an async function can observe of itself and its surroundings is the same
 * instrumented and plain — `this`, `arguments`, `super`, `new.target`, direct `eval`, `with`,
 * sloppy-mode hoisting, its name, length and kind, its source text evaluated elsewhere, and the
 * error messages V8 builds from source text — and worker threads are instrumented and reported in
 * their own right.
 */

// Holders (on by default in --once reports, tested in heap-cli.test.ts) are off here: these tests are
// about the await graph, and a heap snapshot per run would only slow them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, run, runCli } from './support/run.ts';
import { instrumentSnippet } from './support/transform.ts';

const FIXTURES = join('test', 'fixtures', 'corners');

interface Corner {
  file: string;
  format: 'module' | 'commonjs';
  /** Async functions the transform instruments: the others would change meaning (see src/transform/hoisting.ts). */
  instrumented: number;
  stdout: string[];
}

const CORNERS: Corner[] = [
  {
    file: 'sloppy.cjs',
    format: 'commonjs',
    // All but two: hoisting (var and function g) and evalDeclaresFunctionName (eval beside
    // function k) stay as they are, as does what lies inside `with`.
    instrumented: 7,
    stdout: [
      "thisAndArguments [ true, 3, 10, 2, 'function' ]",
      "directEval [ 'local', 42, 'object' ]",
      "hoisting [ 1, 'inner' ]",
      'evalDeclaresFunctionName 2',
      'withStatement 5 p,q,Promise,r',
      'legacy 8',
      'asyncArrow true',
      'thisAndArguments 2 true true',
      'directEval 1 true true',
      'hoisting 0 true true',
      'withStatement 1 true true',
      'asyncArrow 1 true true',
    ],
  },
  {
    file: 'strict.mjs',
    format: 'module',
    // Every async function, method and generator (the module's own frame is counted apart).
    instrumented: 15,
    stdout: [
      'ready [ true, true, true ]',
      'greet base x via child 7',
      'probe [ true, 1, true ]',
      'static make true',
      'items [ 1, 2, 3 ]',
      'getter 7',
      'literal proto hello through literal 6',
      'defaults [ 1, 2, 4, 1 ] [ 1, 5, 9, 3 ]',
      'stack Error: failing at line 41 |     at failing (strict.mjs:41:9)',
      'props greet 1 true false',
      'props make 0 true false',
      'props hello 0 true false',
      'props computed1 2 true false',
      'props defaults 1 true false',
      'props failing 0 true false',
      'props items 0 true true',
      'new Function 1',
      'vm realm [2,3,6,1]',
      'worker from a string 1',
    ],
  },
  {
    file: 'errors.cjs',
    format: 'commonjs',
    instrumented: 19,
    stdout: [
      "top level threw Cannot destructure property 'y' of 'nothing(...)' as it is undefined.",
      "destructureObject threw TypeError Cannot destructure property 'a' of 'nothing(...)' as it is undefined.",
      'destructureArray threw TypeError nothing is not a function or its return value is not iterable',
      "destructureAssign threw TypeError Cannot destructure property 'a' of 'nothing(...)' as it is undefined.",
      "destructureLogical threw TypeError Cannot destructure property 'a' of '(nothing(...) || nothing(...))' as it is undefined.",
      "destructureParam threw TypeError Cannot destructure property 'a' of '(intermediate value)(intermediate value)(intermediate value)' as it is undefined.",
      'callResultCalled threw TypeError nothing(...) is not a function',
      'forAwaitNumber threw TypeError 5 is not async iterable',
      'forAwaitCall threw TypeError five(...) is not a function or its return value is not async iterable',
      "forAwaitLabelled threw TypeError Cannot read properties of undefined (reading 'Symbol(Symbol.asyncIterator)')",
      'forOfCall threw TypeError five is not a function or its return value is not iterable',
      'spreadCall threw TypeError Spread syntax requires ...iterable[Symbol.iterator] to be a function',
      'yieldStarNumber threw TypeError undefined is not a function',
      "yieldStarUndefined threw TypeError Cannot read properties of undefined (reading 'Symbol(Symbol.asyncIterator)')",
      'returnSequence returned second',
      'returnComma returned comma',
      'combinator threw TypeError number 5 is not iterable (cannot read property Symbol(Symbol.iterator))',
    ],
  },
];

describe('language corners', { concurrency: 2 }, () => {
  for (const c of CORNERS) {
    it(`${c.file}: the same output instrumented, with ${c.instrumented} async functions instrumented`, async () => {
      const path = join(FIXTURES, c.file);
      assert.equal(instrumentSnippet(readFileSync(join(ROOT, path), 'utf8'), c.format).code?.match(/__awaitwhat\.[eg]\(/g)?.length, c.instrumented);
      const plain = await run([path]);
      const instrumented = await run(['--import', './dist/hooks.js', path]);
      assert.deepEqual(plain.stdout.split('\n'), [...c.stdout, '']);
      assert.equal(plain.stderr, '');
      assert.equal(plain.code, 0);
      assert.deepEqual(instrumented, plain);
    });
  }

  it("the program's proxies: no trap runs that the program does not run itself, under the command or AwaitInstrumentation", async () => {
    const path = join(FIXTURES, 'proxies.mjs');
    const plain = await run([path]);
    assert.equal(plain.stderr, '');
    assert.equal(plain.code, 0);
    assert.deepEqual(plain.stdout.split('\n'), [
      'value: get then',
      'awaitsIt true',
      'value: get then',
      'returnsIt true',
      'value: get then',
      'serve true',
      'array: get Symbol(Symbol.iterator)',
      'array: get length',
      'array: get 0',
      'array: get length',
      'array: get 1',
      'array: get length',
      'combines 1,2',
      'awaitsRevoked TypeError',
      'pending: get then',
      'pending: get then',
      'done',
      '',
    ]);
    // The command (plain frames, the watchdog) and AwaitInstrumentation (traced frames, the sampler
    // reading the graph every 20 ms) both sweep and read frames whose values are these proxies.
    assert.deepEqual(await runCli(['--after', '10m', path]), plain);
    assert.deepEqual(await run(['--import', './' + join(FIXTURES, 'traced.mjs'), path]), plain);
  });

  it('built-ins the program replaces later are never called by awaitwhat reading its values', async () => {
    const path = join(FIXTURES, 'intrinsics.mjs');
    const plain = await run([path]);
    assert.deepEqual(plain, { code: 0, signal: null, stdout: '[]\n', stderr: '', killed: false });
    assert.deepEqual(await runCli(['--after', '10m', path]), plain);
  });

  it('a worker thread is instrumented in its own right: its hang is reported, labelled, and --once ends the process', async () => {
    const r = await runCli(['--no-holders', '--once', '--after', '300ms', join(FIXTURES, 'worker-main.mjs')]);
    assert.equal(r.code, 124);
    assert.equal(r.stdout, 'main: started a worker\nworker 1: instrumented true\n');
    assert.equal(
      r.stderr.replace(/\d+(\.\d+)?(ms|s)\b/g, 'T'),
      [
        'awaitwhat report: worker thread 1: an await has been pending for T (threshold T)',
        'awaitwhat: 2 pending async functions, 2 suspensions pending T or longer',
        '',
        'boot  test/fixtures/corners/worker-hang.mjs:7:3  await fetchConfig()  T',
        '└─ fetchConfig  test/fixtures/corners/worker-hang.mjs:4:3  await new Promise((resolve) => setTimeout(resolve, 60_000))  T',
        '   └─ new Promise((resolve) => setTimeout(resolve, 60_000))  — a new Promise at test/fixtures/corners/worker-hang.mjs:4',
        '',
      ].join('\n'),
    );
  });
});
