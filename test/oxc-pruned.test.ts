/**
 * oxc's parse for the planner leaves out the bodies of the functions the planner skips (neither
 * async nor holding the text `async` or `Promise`): the transform's output must be what the whole
 * tree gives, which acorn's (never pruned) is. test/syntax.test.ts compares the two parsers' outputs
 * over test262-parser-tests too; here are the texts that decide what is left out.
 */

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { instrument, InstrumentSyntaxError, type SiteRecord } from '../dist/index.js';
import { parseProgram, resolveParser } from '../dist/transform/parse.js';
import { ROOT } from './support/run.ts';

type Format = 'module' | 'commonjs';

function transformed(source: string, format: Format, parser: 'oxc' | 'acorn'): unknown {
  const sites: SiteRecord[] = [];
  try {
    const result = instrument(source, { filename: '/app/case.js', format, parser, sourceMap: true, sites: { addSite: (site) => sites.push(site) - 1 } });
    return { code: result?.code ?? null, map: result?.map, sites };
  } catch (error) {
    assert.ok(error instanceof InstrumentSyntaxError, String(error));
    return { error: error.message };
  }
}

/** The body statements of each function of the oxc tree the planner gets, in source order, by the function's first character. */
function bodySizes(source: string, format: Format): number[] {
  const sizes: [number, number][] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as { type?: string; start: number; body?: { type: string; body: unknown[] } };
    if ((n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression') && n.body?.type === 'BlockStatement') {
      sizes.push([n.start, n.body.body.length]);
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'type') visit(value);
  };
  visit(parseProgram(source, format, '/app/case.js', 'oxc', true).program);
  return sizes.sort((a, b) => a[0] - b[0]).map(([, size]) => size);
}

const CASES: { name: string; format: Format; source: string; bodies: number[] }[] = [
  { name: 'a synchronous function beside an async one', format: 'module', source: 'function f() { g(); h(); }\nexport async function run() { await f(); }\n', bodies: [0, 1] },
  { name: '`async` in a string', format: 'module', source: 'function f() { return "async"; }\nawait f();\n', bodies: [1] },
  { name: '`async` in a comment', format: 'module', source: 'function f() { /* async */ g(); }\nawait f();\n', bodies: [1] },
  { name: '`await` alone in a string (not a word the planner looks for)', format: 'module', source: 'function f() { return "await"; }\nawait f();\n', bodies: [0] },
  { name: 'an identifier holding `async`', format: 'module', source: 'function f() { return isAsyncLike(x); }\nfunction g() { return x.asyncIterator; }\nawait f();\n', bodies: [0, 1] },
  { name: '`new Promise` in a synchronous function', format: 'module', source: 'function later(v) { return new Promise((r) => setTimeout(r, 1, v)); }\nawait later(1);\n', bodies: [1] },
  { name: 'an async arrow inside a synchronous function', format: 'module', source: 'function make() { return async (x) => { await x; }; }\nfunction other() { a(); }\nawait make()(1);\n', bodies: [1, 1, 0] },
  { name: 'an async method, whose value spans no `async` text', format: 'module', source: 'const o = { async m() { return 1; }, n() { return 2; } };\nawait o.m();\n', bodies: [1, 0] },
  { name: 'class members: async method, getter, static block, field arrow', format: 'module', source: 'class C {\n  async m() { return g(); }\n  get x() { return 1; }\n  static { h(); }\n  f = () => { k(); };\n}\nawait new C().m();\n', bodies: [1, 0, 0] },
  { name: 'block and expression arrows', format: 'module', source: 'const a = () => { g(); };\nconst b = () => g();\nawait a();\n', bodies: [0] },
  { name: 'a synchronous function declared at the top of an async body', format: 'module', source: 'async function outer() {\n  function inner() { return g(); }\n  var inner2 = 1;\n  await inner();\n}\nawait outer();\n', bodies: [3, 0] },
  { name: 'escaped identifiers (`\\u0061sync`, `Pr\\u006fmise`) are not the words', format: 'module', source: 'function f() { var \\u0061sync = 1; return \\u0061sync; }\nfunction p() { return new Pr\\u006fmise((r) => r()); }\nawait f();\n', bodies: [0, 0] },
  { name: 'text before it outside ASCII (offsets in UTF-16 code units)', format: 'module', source: 'const s = "h\u00e9llo \ud83d\ude00";\nfunction f() { return s; }\nasync function h() { await f(); }\nawait h();\n', bodies: [0, 1] },
  { name: 'a hashbang', format: 'module', source: '#!/usr/bin/env node\nfunction f() { g(); }\nasync function h() { await f(); }\n', bodies: [0, 1] },
  { name: 'a byte-order mark', format: 'module', source: '\ufefffunction f() { g(); }\nasync function h() { await f(); }\n', bodies: [0, 1] },
  { name: 'CommonJS: top-level calls claimed, bodies left out', format: 'commonjs', source: 'const conn = connect();\nfunction f() { return conn.query(); }\nexports.h = async () => { await f(); };\n', bodies: [0, 1] },
  { name: 'a sync `using` and a directive in a left-out body', format: 'module', source: 'function f() { "use strict"; using x = g(); }\nawait f();\n', bodies: [0] },
  { name: 'for await at module top level', format: 'module', source: 'function f() { return [1]; }\nfor await (const x of f()) g(x);\n', bodies: [0] },
];

// Errors inside a body left out: oxc reports them from the whole text, and acorn decides as before.
const ERRORS: { name: string; format: Format; source: string }[] = [
  { name: 'a redeclaration', format: 'module', source: 'function f() { let a; let a; }\nasync function h() { await f(); }\n' },
  { name: 'a syntax error', format: 'module', source: 'function f() { return 1 +; }\nasync function h() { await f(); }\n' },
  { name: '`await` as an identifier in a module', format: 'module', source: 'function f() { var await = 1; }\nasync function h() { await f(); }\n' },
];

const built = existsSync(join(ROOT, 'dist', 'transform', 'oxc-deserialize-pruned.js'));

describe('oxc tree for the planner without the bodies it skips', () => {
  it('is in use here: oxc is the parser and the build made the pruned deserialiser', () => {
    assert.equal(resolveParser('auto'), 'oxc');
    assert.ok(built, 'dist/transform/oxc-deserialize-pruned.js missing: npm run build');
  });

  for (const c of CASES) {
    it(`${c.name}: the output is acorn's, and only the skipped bodies are left out`, () => {
      assert.deepEqual(transformed(c.source, c.format, 'oxc'), transformed(c.source, c.format, 'acorn'));
      assert.deepEqual(bodySizes(c.source, c.format), c.bodies);
    });
  }

  for (const c of ERRORS) {
    it(`${c.name} in a body left out: the same error as acorn's`, () => {
      const oxc = transformed(c.source, c.format, 'oxc') as { error?: string };
      assert.ok(oxc.error !== undefined, 'expected a syntax error');
      assert.deepEqual(oxc, transformed(c.source, c.format, 'acorn'));
    });
  }

  it('a tree asked for whole (not for the planner) keeps every body', () => {
    const program = parseProgram('function f() { g(); h(); }\n', 'module', '/app/case.js', 'oxc').program as unknown as { body: { body: { body: unknown[] } }[] };
    assert.equal(program.body[0]!.body.body.length, 2);
  });
});
