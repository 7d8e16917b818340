/**
 * Syntax coverage of the transform.
 *
 * Corpus: every program of test262-parser-tests (pass/, pass-explicit/, fail/, early/; `*.module.js`
 * are ES modules, the rest CommonJS scripts), as it is and in contexts that give the transform work:
 * inside an async function, an async generator and an async arrow; with every function made async;
 * in a module with top-level await; with `async`/`await` in a comment, which makes the transform
 * parse it. (The corpus predates async functions: as it is, no program contains either word.)
 * V8 — the Node.js under test, in one child process — compiles every input and output, and:
 * - V8 judges the output as it judges the input: a program it accepts is never broken, and one it
 *   rejects is never made acceptable;
 * - an output parses with the transform's own parser, goal and options, each inserted
 *   `await`/`yield`/`return` call is the operand of its keyword, the line count is kept, text is
 *   only inserted, and instrumenting the output again changes nothing;
 * - a program without async code comes back untouched, apart from claims of top-level call results
 *   (one with async code may come back untouched too, when wrapping a function body would change
 *   its scoping: those are counted);
 * - a program the transform cannot parse makes it throw InstrumentSyntaxError; the load hook then
 *   loads the file untouched, so Node's error is the one it gives without awaitwhat (checked for a
 *   few through the real hook).
 *
 * Fixtures (test/fixtures/syntax): modern syntax, run plainly and through the real hook, prints
 * exactly the same (stdout, stderr, exit code) — instrumented when the parser accepts it, untouched with
 * the hook's note when it does not.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { instrument, InstrumentSyntaxError, type InstrumentResult, type SiteRecord } from '../dist/index.js';
import { parseProgram, resolveParser } from '../dist/transform/parse.js';
import { adaptWholeTree, loadOxc, parseWithOxc } from '../dist/transform/parse-oxc.js';
import { NODE, NODE_MAJOR, ROOT, run } from './support/run.ts';

type Format = 'module' | 'commonjs';
type Goal = 'module' | 'script';
type Dir = (typeof DIRS)[number];
/** An acorn node, as data. */
type Node = Record<string, unknown> & { type: string };

const CORPUS = join(ROOT, 'node_modules', 'test262-parser-tests');
const DIRS = ['pass', 'pass-explicit', 'fail', 'early'] as const;
const FIXTURES = join(ROOT, 'test', 'fixtures', 'syntax');
const HOOKS = join(ROOT, 'dist', 'hooks.js');
const V8_HELPER = join(ROOT, 'test', 'support', 'syntax-v8.ts');
const MAX_LISTED = 25;

/** Where a corpus program is put, so that the transform has something to do with it; null: no different from as is. */
interface Context {
  name: string;
  wrap: (source: string) => string | null;
}

// Every function and generator of the program becomes async: the corpus's function syntax (and its
// `yield` corner cases) inside async functions and async generators.
const allAsync = (s: string) => (/\bfunction\b/.test(s) ? s.replace(/\bfunction\b/g, 'async function') : null);

const CONTEXTS: Record<Format, Context[]> = {
  commonjs: [
    { name: 'as is', wrap: (s) => s },
    { name: 'async in a comment', wrap: (s) => `${s}\n/* async */` },
    { name: 'async function body', wrap: (s) => `async function probe() {${s}\n}` },
    { name: 'async generator body', wrap: (s) => `async function* probe() {${s}\n}` },
    { name: 'async arrow body', wrap: (s) => `(async () => {${s}\n});` },
    { name: 'functions made async', wrap: allAsync },
  ],
  module: [
    { name: 'as is', wrap: (s) => s },
    { name: 'await in a comment', wrap: (s) => `${s}\n/* await */` },
    { name: 'top-level await', wrap: (s) => `${s}\n;await 0;` },
    { name: 'functions made async', wrap: allAsync },
  ],
};

// What the load hook sees: a runtime site table. The sites themselves are not checked here.
const SITES = { addSite: (_site: SiteRecord) => 0 };

const goalOf = (format: Format): Goal => (format === 'module' ? 'module' : 'script');

// The parser the transform uses here (oxc where its binary is installed, or AWAITWHAT_PARSER):
// outputs are checked with it, in the tree shape both parsers give.
const PARSER = resolveParser();

/** A tree in acorn's shape from the transform's parser, adapted whole (the planner adapts it node by node). */
function parseAs(code: string, format: Format): Node {
  const parsed = parseProgram(code, format, 'checked', PARSER);
  if (parsed.inspect !== undefined && !adaptWholeTree({ program: parsed.program, inspect: parsed.inspect })) return parseProgram(code, format, 'checked', 'acorn').program as unknown as Node;
  return parsed.program as unknown as Node;
}

function parseError(code: string, format: Format): string | null {
  try {
    parseAs(code, format);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The node's child nodes. */
function* childrenOf(node: Node): Generator<Node> {
  for (const key of Object.keys(node)) {
    const value = node[key];
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child !== null && typeof child === 'object' && typeof (child as Node).type === 'string') yield child as Node;
    }
  }
}

/** Whether a program has what the transform instruments: an async function, or (module) a top-level await. */
function hasAsyncWork(program: Node, format: Format): boolean {
  const visit = (node: Node, topLevel: boolean): boolean => {
    if (node.type.includes('Function') && node.async === true) return true;
    const nested = !topLevel || /Function|StaticBlock|PropertyDefinition/.test(node.type);
    const suspends = node.type === 'AwaitExpression' || (node.type === 'ForOfStatement' && node.await === true) || (node.type === 'VariableDeclaration' && node.kind === 'await using');
    if (format === 'module' && !nested && suspends) return true;
    for (const child of childrenOf(node)) if (visit(child, !nested)) return true;
    return false;
  };
  return visit(program, true);
}

/** Inserted frame calls that must be the operand of an `await`, `yield`, `yield*`, `for await` or `return`. */
const FRAME_OPERAND: Record<string, (call: Node, parent: Node) => boolean> = {
  a: (call, parent) => parent.type === 'AwaitExpression' && parent.argument === call,
  c: (call, parent) => parent.type === 'AwaitExpression' && parent.argument === call,
  ac: (call, parent) => parent.type === 'AwaitExpression' && parent.argument === call,
  y: (call, parent) => parent.type === 'YieldExpression' && !parent.delegate && parent.argument === call,
  fa: (call, parent) => (parent.type === 'ForOfStatement' && parent.await === true && parent.right === call) || (parent.type === 'YieldExpression' && parent.delegate === true && parent.argument === call),
  r: (call, parent) => parent.type === 'ReturnStatement' && parent.argument === call,
  rc: (call, parent) => parent.type === 'ReturnStatement' && parent.argument === call,
};

/**
 * The first such call that is not the operand of its keyword — text inserted where the next token
 * joins it, or outside its statement — or undefined.
 */
function misplacedCall(program: Node, code: string): string | undefined {
  const frame = /const (__awf\d*)=typeof __awaitwhat===/.exec(code)?.[1];
  if (frame === undefined) return undefined;
  const visit = (node: Node, parent: Node | undefined): string | undefined => {
    const callee = node.callee as Node | undefined;
    if (node.type === 'CallExpression' && callee?.type === 'MemberExpression' && (callee.object as Node).name === frame) {
      const isOperand = FRAME_OPERAND[(callee.property as Node).name as string];
      if (isOperand !== undefined && (parent === undefined || !isOperand(node, parent))) {
        const line = lineCount(code.slice(0, node.start as number));
        return `line ${line}: ${code.slice(node.start as number, node.end as number)} is not the operand of its ${parent?.type ?? 'program'}`;
      }
    }
    for (const child of childrenOf(node)) {
      const found = visit(child, node);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return visit(program, undefined);
}

/** The transform only inserts text: the input is a subsequence of the output. */
function onlyInserts(input: string, output: string): boolean {
  let i = 0;
  for (let j = 0; j < output.length && i < input.length; j++) if (output[j] === input[i]) i++;
  return i === input.length;
}

const lineCount = (text: string) => text.split(/\r\n|[\n\r\u2028\u2029]/).length;

/** Compiles every [goal, code] in one child process of the Node.js under test; null where V8 accepts. */
function judgeWithV8(batch: ReadonlyArray<readonly [Goal, string]>): Promise<Array<string | null>> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', V8_HELPER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`V8 helper exited with ${code}: ${stderr}`));
      const verdicts = JSON.parse(stdout) as Array<string | null>;
      if (verdicts.length !== batch.length) return reject(new Error(`V8 helper judged ${verdicts.length} of ${batch.length} programs`));
      resolve(verdicts);
    });
    child.stdin.end(JSON.stringify(batch));
  });
}

interface Case {
  dir: Dir;
  file: string;
  context: string;
  format: Format;
  input: string;
  /** null: untouched. */
  result?: InstrumentResult | null;
  /** The transform's InstrumentSyntaxError. */
  rejection?: InstrumentSyntaxError;
  /** Anything else it threw. */
  crash?: string;
  v8Input?: string | null;
  v8Output?: string | null;
}

function transformCorpus(): Case[] {
  const cases: Case[] = [];
  for (const dir of DIRS) {
    for (const file of readdirSync(join(CORPUS, dir)).sort()) {
      const format: Format = file.endsWith('.module.js') ? 'module' : 'commonjs';
      const source = readFileSync(join(CORPUS, dir, file), 'utf8');
      for (const context of CONTEXTS[format]) {
        const input = context.wrap(source);
        if (input === null) continue;
        const c: Case = { dir, file, context: context.name, format, input };
        try {
          c.result = instrument(c.input, { filename: `${dir}/${file}`, format, sites: SITES });
        } catch (error) {
          if (error instanceof InstrumentSyntaxError) c.rejection = error;
          else c.crash = String((error as Error)?.stack ?? error);
        }
        cases.push(c);
      }
    }
  }
  return cases;
}

async function judgeCorpus(cases: Case[]): Promise<void> {
  const batch: Array<readonly [Goal, string]> = [];
  const index = new Map<string, number>();
  const slot = (format: Format, code: string): number => {
    const key = `${format}\0${code}`;
    let i = index.get(key);
    if (i === undefined) index.set(key, (i = batch.push([goalOf(format), code]) - 1));
    return i;
  };
  const slots = cases.map((c) => [slot(c.format, c.input), c.result ? slot(c.format, c.result.code) : -1] as const);
  const verdicts = await judgeWithV8(batch);
  cases.forEach((c, i) => {
    const [input, output] = slots[i]!;
    c.v8Input = verdicts[input]!;
    if (output !== -1) c.v8Output = verdicts[output]!;
  });
}

interface Verdict {
  /** What is wrong, if anything. */
  problem?: string;
  /** Left untouched though it has async code. */
  asyncUntouched: boolean;
}

function check(c: Case): Verdict {
  const verdict = (problem?: string, asyncUntouched = false): Verdict => (problem === undefined ? { asyncUntouched } : { problem, asyncUntouched });
  if (c.crash !== undefined) return verdict(`the transform crashed: ${c.crash.split('\n').slice(0, 2).join(' ')}`);
  const v8Accepts = c.v8Input === null;
  if (c.rejection !== undefined) {
    // The corpus's valid programs, unchanged or with a comment, are valid for any parser.
    const mustParse = (c.dir === 'pass' || c.dir === 'pass-explicit') && (c.context === 'as is' || c.context.endsWith('in a comment'));
    return verdict(mustParse ? `the transform rejects a valid program: ${c.rejection.message}` : undefined);
  }
  const result = c.result;
  // Untouched is always safe; async code is sometimes left so on purpose (see src/transform/hoisting.ts).
  if (result === null || result === undefined) return verdict(undefined, parseError(c.input, c.format) === null && hasAsyncWork(parseAs(c.input, c.format), c.format));
  // Without async code, only top-level call results are claimed (they may be another file's promises).
  if (!hasAsyncWork(parseAs(c.input, c.format), c.format) && (result.functions > 0 || result.suspensions > 0)) return verdict('instrumented functions though it has none');
  let output: Node;
  try {
    output = parseAs(result.code, c.format);
  } catch (error) {
    return verdict(`the output does not parse: ${(error as Error).message}`);
  }
  const misplaced = misplacedCall(output, result.code);
  if (misplaced !== undefined) return verdict(misplaced);
  if (v8Accepts && c.v8Output !== null) return verdict(`V8 accepts the input and rejects the output: ${c.v8Output}`);
  if (!v8Accepts && c.v8Output === null) return verdict(`V8 rejects the input (${c.v8Input}) and accepts the output`);
  if (lineCount(result.code) !== lineCount(c.input)) return verdict(`line count ${lineCount(c.input)} became ${lineCount(result.code)}`);
  if (!onlyInserts(c.input, result.code)) return verdict('the output does not contain the input: text was changed, not only inserted');
  if (instrument(result.code, { filename: 'again', format: c.format, sites: SITES }) !== null) return verdict('instrumenting the output again changed it');
  return verdict();
}

function summary(cases: readonly Case[], verdicts: readonly Verdict[]): string {
  const count = (f: (c: Case) => boolean) => cases.filter(f).length;
  const programs = new Set(cases.map((c) => c.file)).size;
  const rejected = cases.filter((c) => c.rejection !== undefined);
  return [
    `${programs} programs in ${cases.length} contexts; V8 accepts ${count((c) => c.v8Input === null)} inputs`,
    `instrumented ${count((c) => !!c.result)} (V8 accepts ${count((c) => !!c.result && c.v8Input === null)}), untouched ${count((c) => c.result === null)} (${verdicts.filter((v) => v.asyncUntouched).length} with async code)`,
    `InstrumentSyntaxError ${rejected.length} (V8 rejects ${rejected.filter((c) => c.v8Input !== null).length}, accepts ${rejected.filter((c) => c.v8Input === null).length}: left untouched)`,
  ].join('; ');
}

/** The note the load hook prints for a file it cannot parse. */
const rejectionNote = (error: InstrumentSyntaxError) => `awaitwhat: ${error.message}; loaded without instrumentation\n`;

describe('test262-parser-tests through the transform', () => {
  let cases: Case[] = [];
  before(async () => {
    cases = transformCorpus();
    await judgeCorpus(cases);
  });

  for (const dir of DIRS) {
    it(`${dir}/: V8 judges every output as its input; outputs parse, keep their lines and are stable`, (t) => {
      const mine = cases.filter((c) => c.dir === dir);
      assert.ok(mine.length > 0, `no programs found in ${join(CORPUS, dir)}`);
      const verdicts = mine.map(check);
      t.diagnostic(summary(mine, verdicts));
      const problems = mine.flatMap((c, i) => {
        const problem = verdicts[i]!.problem;
        return problem === undefined ? [] : [`${c.dir}/${c.file} [${c.context}]: ${problem}`];
      });
      assert.equal(problems.length, 0, `${problems.length} of ${mine.length} cases fail:\n${problems.slice(0, MAX_LISTED).join('\n')}`);
    });
  }

  it('a program the transform rejects loads untouched through the load hook: the same error as without it', async (t) => {
    const rejected = (dir: Dir, format: Format) => cases.find((c) => c.dir === dir && c.format === format && c.rejection !== undefined && c.v8Input !== null);
    const chosen = [rejected('fail', 'commonjs'), rejected('fail', 'module'), rejected('early', 'commonjs'), rejected('early', 'module')];
    t.diagnostic(chosen.map((c) => (c === undefined ? 'none' : `${c.dir}/${c.file} [${c.context}]`)).join(', '));
    const dir = mkdtempSync(join(tmpdir(), 'awaitwhat-syntax-'));
    try {
      await Promise.all(
        chosen.map(async (c, i) => {
          assert.ok(c !== undefined, `case ${i}: no program the transform rejects`);
          const ext = c.format === 'module' ? 'mjs' : 'cjs';
          const file = join(dir, `case${i}.${ext}`);
          const main = join(dir, `main${i}.${ext}`);
          writeFileSync(file, c.input);
          writeFileSync(main, c.format === 'module' ? `import './case${i}.mjs';\n` : `require('./case${i}.cjs');\n`);
          const note = (() => {
            try {
              instrument(c.input, { filename: file, format: c.format, sites: SITES });
            } catch (error) {
              if (error instanceof InstrumentSyntaxError) return rejectionNote(error);
            }
            assert.fail(`${c.dir}/${c.file} [${c.context}] was not rejected again`);
          })();
          const [plain, hooked] = await Promise.all([run([main], { cwd: dir }), run(['--import', HOOKS, main], { cwd: dir })]);
          const label = `${c.dir}/${c.file} [${c.context}]`;
          assert.match(plain.stderr, /SyntaxError/, `${label}: Node.js accepted it`);
          assert.equal(hooked.stderr, note + plain.stderr, `${label}: stderr differs`);
          assert.equal(hooked.stdout, plain.stdout, `${label}: stdout differs`);
          assert.equal(hooked.code, plain.code, `${label}: exit code differs`);
        }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** What instrumenting gives with one parser: the text (or the error) and every site registered. */
function outcomeWith(parser: 'oxc' | 'acorn', input: string, format: Format, filename: string): string {
  const sites: SiteRecord[] = [];
  const sink = { addSite: (site: SiteRecord) => sites.push(site) - 1 };
  let outcome: string;
  try {
    outcome = instrument(input, { filename, format, sites: sink, parser })?.code ?? 'untouched';
  } catch (error) {
    outcome = `${(error as Error).name}: ${(error as Error).message}`;
  }
  return `${outcome}\n${JSON.stringify(sites)}`;
}

/** A tree as data, without what only oxc adds (all empty) and with its goal named as acorn names it. */
function comparable(node: unknown): unknown {
  return JSON.parse(
    JSON.stringify(node, (key, value) => {
      if (typeof value === 'bigint') return `${value}n`;
      if (value instanceof RegExp) return String(value);
      if ((key === 'hashbang' || key === 'phase') && (value === null || typeof value === 'object')) return undefined;
      if (key === 'decorators' && Array.isArray(value) && value.length === 0) return undefined;
      return value;
    }),
  );
}

describe('oxc-parser and acorn instrument identically', () => {
  const programs = () =>
    DIRS.flatMap((dir) =>
      readdirSync(join(CORPUS, dir))
        .sort()
        .flatMap((file) => {
          const format: Format = file.endsWith('.module.js') ? 'module' : 'commonjs';
          const source = readFileSync(join(CORPUS, dir, file), 'utf8');
          return CONTEXTS[format].flatMap((context) => {
            const input = context.wrap(source);
            return input === null ? [] : [{ name: `${dir}/${file} [${context.name}]`, format, input }];
          });
        }),
    );

  it('test262-parser-tests in every context: the same text, sites and errors, byte for byte, but where acorn rejects valid code', async (t) => {
    const all = programs();
    const differing = all.filter((p) => outcomeWith('oxc', p.input, p.format, p.name) !== outcomeWith('acorn', p.input, p.format, p.name));
    t.diagnostic(`${all.length} programs compared; differing: ${differing.map((p) => p.name).join(', ') || 'none'}`);
    assert.ok(all.length > 10_000, `only ${all.length} programs`);
    // acorn 8.19 misreads `/` after an async function expression as a regular expression
    // (`(async function () {} / 1)`): such a file stays untouched with acorn and is instrumented with oxc.
    const verdicts = await judgeWithV8(differing.map((p) => [goalOf(p.format), p.input] as const));
    const unexplained = differing.filter((p, i) => verdicts[i] !== null || !outcomeWith('acorn', p.input, p.format, p.name).startsWith('InstrumentSyntaxError'));
    assert.deepEqual(unexplained.map((p) => p.name).slice(0, MAX_LISTED), []);
  });

  it('the fixtures of modern syntax: the same text and sites, through oxc\'s raw transfer and its JSON (taken under fake timers)', () => {
    for (const file of readdirSync(FIXTURES).filter((f) => /\.[mc]js$/.test(f))) {
      const format: Format = file.endsWith('.cjs') ? 'commonjs' : 'module';
      const source = readFileSync(join(FIXTURES, file), 'utf8');
      const expected = outcomeWith('acorn', source, format, file);
      assert.equal(outcomeWith('oxc', source, format, file), expected, file);
      const { setTimeout } = globalThis;
      let timers = 0;
      globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => (timers++, setTimeout(...args))) as typeof setTimeout;
      try {
        assert.equal(outcomeWith('oxc', source, format, file), expected, `${file}, JSON`);
      } finally {
        globalThis.setTimeout = setTimeout;
      }
      assert.equal(timers, 0, 'a replaced setTimeout was called');
    }
  });

  it('where both accept a program, oxc\'s adapted tree is acorn\'s, node for node', () => {
    let compared = 0;
    const differing: string[] = [];
    for (const p of programs()) {
      let fromAcorn: unknown;
      try {
        fromAcorn = parseProgram(p.input, p.format, p.name, 'acorn').program;
      } catch {
        continue;
      }
      const parsed = parseWithOxc(loadOxc()!, p.input, p.format);
      if (parsed === undefined || !adaptWholeTree(parsed)) continue;
      const fromOxc = parsed.program;
      compared++;
      if (!isDeepStrictEqual(comparable(fromOxc), comparable(fromAcorn))) differing.push(p.name);
    }
    assert.ok(compared > 8_000, `only ${compared} programs compared`);
    assert.deepEqual(differing.slice(0, MAX_LISTED), []);
  });

  it('the parser in use is oxc here (CI installs its linux-x64 binary), and acorn when asked for', () => {
    assert.equal(resolveParser('auto'), 'oxc');
    assert.equal(resolveParser('acorn'), 'acorn');
  });
});

interface Fixture {
  file: string;
  /** Node.js major from which a plain run succeeds; on older ones it fails, the same way through the hook. */
  runsFrom?: number;
  /** Neither acorn nor Node.js parses it: the hook must leave it untouched. */
  rejected?: true;
}

const FIXTURE_CASES: Fixture[] = [
  { file: 'classes.mjs' },
  { file: 'using.mjs', runsFrom: 24 },
  { file: 'top-level-await.mjs' },
  { file: 'import-attributes.mjs' },
  { file: 'hashbang.mjs' },
  { file: 'hashbang.cjs' },
  { file: 'regex-v.mjs' },
  { file: 'commonjs.cjs' },
  { file: 'async-arrows.mjs' },
  { file: 'generators.mjs' },
  { file: 'escaped-names.mjs' },
  { file: 'decorators.mjs', rejected: true },
  { file: 'import-defer.mjs', rejected: true },
];
// Loaded by the fixtures, not run on their own.
const FIXTURE_DEPENDENCIES = ['data.json', 'reexport-json.mjs'];

// Preloaded after the hooks: writes the hook's counters to a file at exit, so a run shows whether
// the fixture was instrumented without printing anything a plain run does not.
const STATS_PRELOAD = `data:text/javascript,${encodeURIComponent(
  "import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(process.env.AWAITWHAT_SYNTAX_STATS,JSON.stringify(globalThis[Symbol.for('awaitwhat.hooks')].stats)))",
)}`;

describe('modern syntax through the load hook', { concurrency: 2 }, () => {
  const statsDir = mkdtempSync(join(tmpdir(), 'awaitwhat-syntax-stats-'));
  after(() => rmSync(statsDir, { recursive: true, force: true }));

  it('every fixture is listed', () => {
    assert.deepEqual(readdirSync(FIXTURES).sort(), [...FIXTURE_CASES.map((f) => f.file), ...FIXTURE_DEPENDENCIES].sort());
  });

  for (const f of FIXTURE_CASES) {
    it(`${f.file}: ${f.rejected ? 'rejected by the parser, runs untouched' : 'instrumented'}, with the output of a plain run`, async () => {
      const path = join(FIXTURES, f.file);
      const format: Format = f.file.endsWith('.cjs') ? 'commonjs' : 'module';
      const source = readFileSync(path, 'utf8');
      let result: InstrumentResult | null = null;
      let rejection: InstrumentSyntaxError | undefined;
      try {
        result = instrument(source, { filename: path, format, sites: SITES });
      } catch (error) {
        if (!(error instanceof InstrumentSyntaxError)) throw error;
        rejection = error;
      }
      if (result !== null) {
        assert.equal(parseError(result.code, format), null, 'the output does not parse with the same goal');
        assert.equal(misplacedCall(parseAs(result.code, format), result.code), undefined);
        assert.equal(lineCount(result.code), lineCount(source), 'line count changed');
        assert.equal(instrument(result.code, { filename: path, format, sites: SITES }), null, 'instrumenting twice changed the text');
      }
      const statsFile = join(statsDir, `${f.file}.json`);
      const [plain, hooked] = await Promise.all([
        run([path]),
        run(['--import', HOOKS, '--import', STATS_PRELOAD, path], { env: { ...process.env, AWAITWHAT_SYNTAX_STATS: statsFile } }),
      ]);
      const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as { instrumented: number; failed: number };
      assert.equal(hooked.stdout, plain.stdout, 'stdout differs');
      assert.equal(hooked.code, plain.code, 'exit code differs');
      if (f.rejected) {
        assert.ok(rejection !== undefined, 'the transform parsed it: update the fixture list');
        assert.match(plain.stderr, /SyntaxError/, 'Node.js parsed it: update the fixture list');
        assert.equal(hooked.stderr, rejectionNote(rejection) + plain.stderr, 'stderr differs by more than the note');
        assert.deepEqual([stats.instrumented, stats.failed], [0, 1]);
        return;
      }
      assert.ok(rejection === undefined, `the transform rejects it: ${rejection?.message}`);
      assert.ok(result !== null, 'nothing was instrumented');
      assert.equal(hooked.stderr, plain.stderr, 'stderr differs');
      assert.deepEqual([stats.instrumented, stats.failed], [1, 0]);
      if (NODE_MAJOR >= (f.runsFrom ?? 0)) {
        assert.equal(plain.stderr, '', 'the plain run failed');
        assert.equal(plain.code, 0, 'the plain run failed');
        assert.notEqual(plain.stdout, '');
      }
    });
  }
});
