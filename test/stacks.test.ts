/** Errors keep pointing at the user's code: lines never move, and with source maps columns do not either. */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { ROOT, run, runCli } from './support/run.ts';

const THROWS = join('test', 'corpus', 'throws.mjs');
const HOOKS = join(ROOT, 'dist', 'hooks.js');
const UNSETTLED = join('test', 'fixtures', 'texts', 'unsettled.mjs');
const QUOTED = 'if (main) /* the line Node quotes, as written */ await main();';
/** Node's warning before it exits with code 13, quoting a line of unsettled.mjs under the name given. */
const unsettledWarning = (name: string, line: string) =>
  `Warning: Detected unsettled top-level await at ${name}:6\n${line}\n${' '.repeat(QUOTED.indexOf('await'))}^\n\n\n\n`;
const frames = (stderr: string) => [...stderr.matchAll(/at (?:async )?(\w+) \(.*?throws\.mjs:(\d+):(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}:${m[3]}`);

describe('error stacks of instrumented code', { concurrency: 2 }, () => {
  it('name the original lines and columns (source maps on, the default)', async () => {
    const [plain, instrumented] = await Promise.all([run([THROWS]), runCli([THROWS])]);
    assert.deepEqual(frames(plain.stderr), ['load:4:9', 'main:8:3']);
    assert.deepEqual(frames(instrumented.stderr), frames(plain.stderr));
    assert.equal(instrumented.code, plain.code);
    // The excerpt Node prints is the user's line, not the instrumented one.
    assert.match(instrumented.stderr, /^\S*throws\.mjs:4\n {2}throw new Error\(`cannot load \$\{id\}`\);\n {8}\^\n/);
  });

  it('are byte-identical with --no-source-maps when nothing was inserted before the failing column', async () => {
    const [plain, instrumented] = await Promise.all([run([THROWS]), runCli(['--no-source-maps', THROWS])]);
    assert.equal(instrumented.stderr, plain.stderr);
    assert.equal(instrumented.code, plain.code);
  });

  it("Node's warning about an unsettled top-level await quotes the original line when source maps are on", async () => {
    const [plain, cli, hooks] = await Promise.all([run([UNSETTLED]), runCli([UNSETTLED]), run(['--enable-source-maps', '--import', HOOKS, UNSETTLED])]);
    assert.equal(plain.stderr, unsettledWarning(pathToFileURL(join(ROOT, UNSETTLED)).href, QUOTED));
    // With source maps, Node.js names the file by its path (as it does in mapped stack traces).
    const mapped = unsettledWarning(join(ROOT, UNSETTLED), QUOTED);
    assert.equal(hooks.stderr, mapped);
    assert.ok(cli.stderr.endsWith(`\n${mapped}`), cli.stderr);
    assert.deepEqual([plain.code, cli.code, hooks.code], [13, 13, 13]);
  });

  it('without source maps, that warning quotes the line Node compiled: the instrumented one (documented)', async () => {
    const r = await run(['--import', HOOKS, UNSETTLED]);
    const instrumented = QUOTED.replace('await main();', 'await __awf.c(4,__awf.q,main());;__awf.x();');
    assert.equal(r.stderr, unsettledWarning(pathToFileURL(join(ROOT, UNSETTLED)).href, instrumented));
    assert.equal(r.code, 13);
  });

  it('structured call sites (Error.prepareStackTrace) keep instrumented columns; findSourceMap and getCallSites map them back', async () => {
    const CALL_SITES = join('test', 'fixtures', 'texts', 'call-sites.mjs');
    const [plain, instrumented] = await Promise.all([run([CALL_SITES]), runCli([CALL_SITES])]);
    const mapped = ['getCallSites({ sourceMap: true }) 15:67', 'error.stack 15:118', ''];
    assert.equal(plain.stdout, ['CallSite 15:41', 'findSourceMap().findOrigin() no map', ...mapped].join('\n'));
    // V8 hands Error.prepareStackTrace the positions of the code it runs; Node.js maps only what it formats.
    assert.equal(instrumented.stdout, ['CallSite 15:76', 'findSourceMap().findOrigin() 15:41', ...mapped].join('\n'));
  });
});
