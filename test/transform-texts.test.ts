/**
 * Texts and names as the user wrote them, when the code comes from another tool with a source
 * map (tsx, a bundler): await texts whole, renamed identifiers under their source names.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeMappings } from '../dist/transform/sourcemap.js';
import { instrumentSnippet } from './support/transform.ts';
import { ROOT, run } from './support/run.ts';

const HOOKS = join(ROOT, 'dist', 'hooks.js');

/**
 * A map as esbuild writes one: a segment where each listed generated token starts (found in
 * order), pointing at the 0-based original line and column given, optionally with a name.
 */
function tokenMap(generated: string, original: string, tokens: [string, number, number, string?][]) {
  const names: string[] = [];
  const segments: number[][] = [];
  let from = 0;
  for (const [token, line, column, name] of tokens) {
    const at = generated.indexOf(token, from);
    assert.notEqual(at, -1, `token ${token} not found`);
    from = at + token.length;
    if (name === undefined) segments.push([at, 0, line, column]);
    else segments.push([at, 0, line, column, names.push(name) - 1]);
  }
  return { version: 3 as const, sources: ['orig.ts'], sourcesContent: [original], names, mappings: encodeMappings([segments as never]) };
}

const ORIGINAL = ['class Svc {', '  async fetch(id) {', '    await sleep(id);', '  }', '}', 'await main();'].join('\n');
// What esbuild makes of it when the method is decorated: one line, the class renamed.
const GENERATED = 'const _Svc=class _Svc{async fetch(id){await sleep(id)}};let Svc=_Svc;await main();';
const TOKENS: [string, number, number, string?][] = [
  ['const ', 0, 0],
  ['_Svc=', 0, 6],
  ['class ', 0, 0],
  ['_Svc', 0, 6],
  ['{', 0, 10],
  ['async ', 1, 2],
  ['fetch(', 1, 8],
  ['id)', 1, 14],
  ['{', 1, 18],
  ['await ', 2, 4],
  ['sleep(', 2, 10],
  ['id)', 2, 16],
  ['}', 3, 2],
  ['};', 4, 0],
  ['let ', 0, 0],
  ['Svc=', 0, 6],
  ['_Svc;', 0, 0],
  ['await ', 5, 0],
  ['main(', 5, 6],
  [');', 5, 11],
];

const described = (sites: { kind: string; name: string; text: string; line: number; column: number }[]) =>
  sites.map((s) => `${s.kind} ${s.name || s.text} ${s.line}:${s.column}`);

describe('texts and names through an input source map', () => {
  it('an await text ends with its last token, whose segment starts it (`await main()`, not `await main(`)', () => {
    const { sites } = instrumentSnippet(GENERATED, 'module', { inputMap: tokenMap(GENERATED, ORIGINAL, TOKENS) });
    assert.deepEqual(described(sites), ['function Svc.fetch 2:3', 'await await sleep(id) 3:5', 'module <module> 1:1', 'await await main() 6:1']);
  });

  it('a renamed identifier takes the name the map gives its segment', () => {
    const tokens = TOKENS.map(([token, line, column]): [string, number, number, string?] => (token === '_Svc' ? [token, line, column, 'Service'] : [token, line, column]));
    const { sites } = instrumentSnippet(GENERATED, 'module', { inputMap: tokenMap(GENERATED, ORIGINAL, tokens) });
    assert.equal(sites[0]!.name, 'Service.fetch');
  });

  it('an identifier mapped to anything but a name keeps its generated name', () => {
    // `_Svc` pointing at `class` (esbuild does so for `let Svc=_Svc`) says nothing about its name.
    const tokens = TOKENS.map(([token, line, column]): [string, number, number, string?] => (token === '_Svc' ? [token, 0, 0] : [token, line, column]));
    const { sites } = instrumentSnippet(GENERATED, 'module', { inputMap: tokenMap(GENERATED, ORIGINAL, tokens) });
    assert.equal(sites[0]!.name, '_Svc.fetch');
  });

  it('under the real tsx: whole texts, and a decorated class under its own name', async () => {
    const r = await run(['--import', 'tsx', '--import', HOOKS, join('test', 'fixtures', 'tsx', 'decorated.mts')]);
    assert.equal(
      r.stdout,
      [
        'awaitwhat: 4 pending async functions',
        '',
        '<module>  test/fixtures/tsx/decorated.mts:25:1  await main()',
        '└─ main  test/fixtures/tsx/decorated.mts:21:3  await loadUser(7)',
        '   └─ loadUser  test/fixtures/tsx/decorated.mts:17:3  await new Svc().fetch(id)',
        '      └─ Svc.fetch  test/fixtures/tsx/decorated.mts:12:5  await new Promise<void>(() => {})',
        '         └─ new Promise<void>(() => {})  — a new Promise at test/fixtures/tsx/decorated.mts:12',
        '',
      ].join('\n'),
    );
    assert.equal(r.code, 13);
  });
});

const TEXTS = join('test', 'fixtures', 'texts');
const NO_OP_HOOKS = join(ROOT, TEXTS, 'no-op-hooks.mjs');

/** What a fixture of test/fixtures/texts prints: the position of an Error made on line `at`, then its graph. */
function bomOutput(file: string, stack: string, at: number, mainColumn: number, promise = 'new Promise(() => {})'): string {
  return [
    stack,
    'awaitwhat: 2 pending async functions',
    '',
    `main  ${TEXTS}/${file}:${at}:${mainColumn}  await load()`,
    `└─ load  ${TEXTS}/${file}:${at + 1}:25  await ${promise}`,
    `   └─ ${promise}  — a new Promise at ${TEXTS}/${file}:${at + 1}`,
    '',
  ].join('\n');
}

describe('a byte-order mark, with or without a hashbang behind it', () => {
  // Columns as Node.js counts them once a load hook is installed: bytes are decoded without the
  // mark (an entry point, ES modules, TypeScript), a string from require() keeps it (a column).
  const CASES: [string, string, string][] = [
    ['bom.mjs', 'bom.mjs', bomOutput('bom.mjs', 'bom.mjs:1:15', 1, 59)],
    ['bom-hashbang.mjs', 'bom-hashbang.mjs', bomOutput('bom-hashbang.mjs', 'bom-hashbang.mjs:2:15', 2, 59)],
    ['bom.cjs', 'bom.cjs', bomOutput('bom.cjs', 'bom.cjs:1:15)', 1, 59)],
    ['bom-hashbang.cjs', 'bom-hashbang.cjs', bomOutput('bom-hashbang.cjs', 'bom-hashbang.cjs:2:15)', 2, 59)],
    ['bom.cjs loaded by require()', 'require-bom.cjs', bomOutput('bom.cjs', 'bom.cjs:1:16)', 1, 60)],
    ['bom.mts', 'bom.mts', bomOutput('bom.mts', 'bom.mts:1:22', 1, 81, 'new Promise<void>(() => {})')],
    ['bom.cts', 'bom.cts', bomOutput('bom.cts', 'bom.cts:1:22)', 1, 81, 'new Promise<void>(() => {})')],
  ];
  for (const [name, entry, expected] of CASES) {
    it(`${name}: instrumented, with the columns Node.js gives its stack traces`, async () => {
      const [hooked, baseline] = await Promise.all([run(['--import', HOOKS, join(TEXTS, entry)]), run(['--import', NO_OP_HOOKS, join(TEXTS, entry)])]);
      assert.equal(hooked.stderr, '');
      assert.equal(hooked.stdout, expected);
      assert.equal(hooked.stdout.split('\n')[0], baseline.stdout.split('\n')[0]);
    });
  }

  it('typed text quoted at the offsets of text whose type stripping dropped the mark', () => {
    const typed = '\uFEFFasync function f(): Promise<void> { await g<number>(1); }';
    const blank = (text: string) => ' '.repeat(text.length);
    const stripped = typed.slice(1).replace(': Promise<void>', blank(': Promise<void>')).replace('<number>', blank('<number>'));
    const { sites } = instrumentSnippet(stripped, 'module', { displaySource: typed });
    assert.deepEqual(described(sites), ['function f 1:1', 'await await g<number>(1) 1:37']);
  });
});
