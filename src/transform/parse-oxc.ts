/**
 * oxc-parser (native, optional): the fast path, adapted here — and only here — to the tree acorn
 * gives, so that the planner sees one shape whichever parser ran and instruments byte for byte the
 * same (test/syntax.test.ts compares both over test262-parser-tests).
 *
 * oxc's ESTree output already counts positions in UTF-16 code units, as acorn does. What differs:
 * - parentheses around an assignment target (`(a) = f`) are dropped by oxc and kept by acorn as a
 *   ParenthesizedExpression, which decides names (`(a) = async () => {}` is anonymous to V8):
 *   they are put back from the source text;
 * - oxc accepts more than acorn: decorators, `accessor` fields, `import defer`/`import source`,
 *   `new.target` at CommonJS top level (it wraps like Node.js does), regular expressions this V8
 *   cannot build. Such a program is handed to acorn, which decides as it always did; so is every
 *   program oxc rejects, so that error messages are acorn's too;
 * - a leading byte-order mark is read by oxc as no character at all, by acorn (and V8, when it is
 *   in the string) as one column of whitespace: it is parsed as a space.
 */

import { createRequire } from 'node:module';
import { clearTimeout as nodeClearTimeout, setTimeout as nodeSetTimeout } from 'node:timers';
import { CHILD_KEYS, type AnyNode } from './ast.ts';
import { WordOffsets } from './words.ts';

interface OxcComment {
  start: number;
  end: number;
}

interface OxcResult {
  program: AnyNode;
  errors: readonly unknown[];
  comments: readonly OxcComment[];
}

interface OxcModule {
  parseSync(filename: string, source: string, options: object): OxcResult;
  rawTransferSupported(): boolean;
}

/** What the pruned parse needs of oxc-parser's raw transfer (src-js/raw-transfer/common.js). */
interface OxcRawTransfer {
  parseSyncRawImpl(filename: string, source: string, options: object, convert: (buffer: Uint8Array, sourceText: string, sourceStartPos: number, sourceByteLen: number) => OxcResult): OxcResult;
  isJsAst(buffer: Uint8Array): boolean;
  returnBufferToCache(buffer: Uint8Array): void;
}

/** dist/transform/oxc-deserialize-pruned.js, made at build time by scripts/oxc-pruned.mjs. */
interface PrunedDeserializer {
  OXC_VERSION: string;
  deserialize(buffer: Uint8Array, sourceText: string, sourceStartPos: number, sourceByteLen: number, skipBody: (start: number, end: number) => boolean): OxcResult;
}

interface PrunedParse {
  raw: OxcRawTransfer;
  deserializer: PrunedDeserializer;
}

let oxc: OxcModule | null | undefined;
let unavailable: string | undefined;

/** oxc-parser, loaded on first use; undefined when it (or its binary for this platform) is missing. */
export function loadOxc(): OxcModule | undefined {
  if (oxc === undefined) {
    try {
      oxc = createRequire(import.meta.url)('oxc-parser') as OxcModule;
    } catch (error) {
      oxc = null;
      unavailable = (error as Error)?.message ?? String(error);
    }
  }
  return oxc ?? undefined;
}

/** Why oxc-parser could not be loaded, once `loadOxc()` failed. */
export function oxcUnavailableReason(): string | undefined {
  return unavailable;
}

/** Thrown by the inspector where oxc accepted what acorn may reject: acorn decides instead. */
export class NeedsAcorn extends Error {
  constructor(what: string) {
    super(`oxc accepted ${what}; acorn decides`);
    this.name = 'NeedsAcorn';
  }
}

interface OxcParsed {
  program: AnyNode;
  /** The text's word offsets (words.ts), for the planner: found for the parse already. */
  words: WordOffsets;
  /**
   * Adapts each node to acorn's shape as the planner reaches it (no walk of its own: a second
   * walk over a fresh tree cost as much as the planning), and throws NeedsAcorn where acorn must judge.
   */
  inspect: (node: AnyNode, ancestors: readonly AnyNode[]) => void;
}

/**
 * The program, or undefined when oxc rejects it (acorn then decides, and reports). With
 * `leaveOutSkipped`, the functions the planner skips get an empty body (parsePruned): for the
 * planner only; a tree compared node for node (the tests) is built whole.
 */
export function parseWithOxc(parser: OxcModule, source: string, format: 'module' | 'commonjs', leaveOutSkipped = false): OxcParsed | undefined {
  const text = source.charCodeAt(0) === 0xfeff ? ` ${source.slice(1)}` : source;
  // The byte-order mark, read as a space, keeps every offset: the words are where the planner looks for them.
  const words = new WordOffsets(source);
  const result = parseOnce(parser, format, text, leaveOutSkipped ? words : undefined);
  if (result.errors.length > 0) return undefined;
  const program = result.program;
  if (format === 'commonjs') program.sourceType = 'script';
  // A hashbang is a comment to acorn; oxc keeps it apart.
  const hashbangEnd = (program.hashbang as AnyNode | null | undefined)?.end ?? 0;
  const adapter = new Adapter(source, result.comments, format, hashbangEnd);
  return { program, words, inspect: (node, ancestors) => adapter.inspect(node, ancestors) };
}

/**
 * Raw transfer (the tree built in JavaScript from oxc's own memory rather than through JSON) made
 * loading the dense test application about 25% faster. It reserves a 6 GiB virtual buffer, kept
 * 10 s after the last parse by an unref'd timer of the global setTimeout: used only while that
 * is Node's own (never a program's fake timers), and given up for JSON where the buffer cannot be had.
 */
let rawTransfer: boolean | undefined;

function parseOnce(parser: OxcModule, format: 'module' | 'commonjs', text: string, words: WordOffsets | undefined): OxcResult {
  const filename = format === 'module' ? 'input.mjs' : 'input.cjs';
  // Early errors acorn reports (redeclarations, `eval` as a binding in strict code) need showSemanticErrors.
  const options = { lang: 'js', sourceType: format, preserveParens: true, showSemanticErrors: true, experimentalRawTransfer: false };
  rawTransfer ??= parser.rawTransferSupported();
  if (rawTransfer && globalThis.setTimeout === nodeSetTimeout && globalThis.clearTimeout === nodeClearTimeout) {
    const pruned = words === undefined ? undefined : loadPruned();
    if (pruned !== undefined && words !== undefined) {
      try {
        return parsePruned(pruned, filename, text, { ...options, experimentalRawTransfer: true }, words);
      } catch {
        prunedParse = null; // harmless: pruning is only faster; the whole tree is built below
      }
    }
    try {
      return parser.parseSync(filename, text, { ...options, experimentalRawTransfer: true });
    } catch {
      rawTransfer = false; // harmless: raw transfer is only faster; the same parse runs below without it
    }
  }
  return parser.parseSync(filename, text, options);
}

/**
 * The parse whose tree leaves out the bodies the planner would not walk (the functions neither
 * async nor holding the text `async` or `Promise`: words.ts), each an empty block with the body's
 * span. The rest of the tree, the comments and the errors are what oxc-parser's own raw transfer
 * gives (its deserialiser, changed in that one place: scripts/oxc-pruned.mjs); the errors come from
 * the whole text, which oxc parsed whole. Most of a library's tree is in such bodies (about three
 * quarters of prettier's index.mjs), and building it was most of the parse and of the GC after it.
 */
function parsePruned(pruned: PrunedParse, filename: string, text: string, options: object, words: WordOffsets): OxcResult {
  const skipBody = (start: number, end: number): boolean => !words.worthWalking(start, end);
  return pruned.raw.parseSyncRawImpl(filename, text, options, (buffer, sourceText, sourceStartPos, sourceByteLen) => {
    if (!pruned.raw.isJsAst(buffer)) throw new Error('oxc-parser gave a TypeScript tree'); // never with lang: 'js'
    const data = pruned.deserializer.deserialize(buffer, sourceText, sourceStartPos, sourceByteLen, skipBody);
    // As oxc-parser's own raw transfer does for JavaScript (raw-transfer/eager.js): the hashbang as a line comment too.
    const hashbang = data.program.hashbang as AnyNode | null;
    if (hashbang !== null) (data.comments as OxcComment[]).unshift({ type: 'Line', value: hashbang.value, start: hashbang.start, end: hashbang.end } as OxcComment);
    pruned.raw.returnBufferToCache(buffer);
    return data;
  });
}

let prunedParse: PrunedParse | null | undefined;

/**
 * The pruned deserialiser and oxc's raw transfer, loaded on first use; undefined where the build
 * made none (oxc-parser was not installed), when running from the sources, or when the installed
 * oxc-parser is not the version it was made from (its tree's layout in memory may differ).
 */
function loadPruned(): PrunedParse | undefined {
  if (prunedParse === undefined) {
    prunedParse = null;
    try {
      const require = createRequire(import.meta.url);
      const deserializer = require('./oxc-deserialize-pruned.js') as PrunedDeserializer;
      const { version } = require('oxc-parser/package.json') as { version: string };
      if (deserializer.OXC_VERSION === version) prunedParse = { deserializer, raw: require('oxc-parser/src-js/raw-transfer/common.js') as OxcRawTransfer };
    } catch {
      // not built, or not loadable: the whole tree, as oxc-parser builds it
    }
  }
  return prunedParse ?? undefined;
}

/** Adapts a whole tree at once, as the planner would node by node (for tests); false where acorn must judge. */
export function adaptWholeTree(parsed: Pick<OxcParsed, 'program' | 'inspect'>): boolean {
  const ancestors: AnyNode[] = [];
  const visit = (node: AnyNode): void => {
    parsed.inspect(node, ancestors);
    ancestors.push(node);
    for (const key of CHILD_KEYS[node.type] ?? Object.keys(node)) {
      const child = node[key];
      if (Array.isArray(child)) {
        for (const c of child) if (c !== null && typeof c === 'object' && typeof c.type === 'string') visit(c);
      } else if (child !== null && typeof child === 'object' && typeof child.type === 'string') visit(child);
    }
    ancestors.pop();
  };
  try {
    visit(parsed.program);
    return true;
  } catch (error) {
    if (error instanceof NeedsAcorn) return false;
    throw error;
  }
}

/** Where acorn keeps the parentheses around a simple assignment target. */
const TARGET_KEYS: Readonly<Record<string, string>> = {
  AssignmentExpression: 'left',
  AssignmentPattern: 'left',
  UpdateExpression: 'argument',
  ForInStatement: 'left',
  ForOfStatement: 'left',
  RestElement: 'argument',
};

class Adapter {
  readonly #source: string;
  readonly #comments: readonly OxcComment[];
  readonly #commonjs: boolean;
  readonly #hashbangEnd: number;

  constructor(source: string, comments: readonly OxcComment[], format: 'module' | 'commonjs', hashbangEnd: number) {
    this.#source = source;
    this.#comments = comments;
    this.#commonjs = format === 'commonjs';
    this.#hashbangEnd = hashbangEnd;
  }

  /** Adapts one node in place before anything reads its children; throws NeedsAcorn where acorn must judge. */
  inspect(node: AnyNode, ancestors: readonly AnyNode[]): void {
    switch (node.type) {
      case 'Literal':
        // oxc leaves `value` null where this V8 cannot build the expression; acorn checks the pattern itself.
        if (node.regex !== undefined && node.regex !== null && node.value === null) throw new NeedsAcorn('a regular expression this V8 cannot build');
        return;
      case 'AccessorProperty':
      case 'Decorator':
        throw new NeedsAcorn('decorators');
      case 'ImportDeclaration':
      case 'ImportExpression':
        if (node.phase !== undefined && node.phase !== null) throw new NeedsAcorn(`import ${String(node.phase)}`);
        return;
      case 'MetaProperty':
        if (this.#commonjs && node.meta.name === 'new' && !ancestors.some(allowsNewTarget)) throw new NeedsAcorn('new.target at top level');
        return;
      case 'ClassDeclaration':
      case 'ClassExpression':
      case 'MethodDefinition':
      case 'PropertyDefinition':
        if (node.decorators !== undefined && node.decorators.length > 0) throw new NeedsAcorn('decorators');
        return;
      case 'ArrayPattern':
        this.#parenthesizeElements(node.elements);
        return;
      case 'ObjectPattern':
        for (const property of node.properties as AnyNode[]) {
          if (property.type === 'Property') property.value = this.#parenthesized(property.value);
        }
        return;
      default: {
        const key = TARGET_KEYS[node.type];
        if (key !== undefined) node[key] = this.#parenthesized(node[key]);
      }
    }
  }

  #parenthesizeElements(elements: (AnyNode | null)[]): void {
    for (let i = 0; i < elements.length; i++) {
      const element = elements[i];
      if (element !== null && element !== undefined) elements[i] = this.#parenthesized(element);
    }
  }

  /** The target inside the parentheses the source has around it, as acorn nests them. */
  #parenthesized(target: AnyNode): AnyNode {
    if (target === null || target === undefined || target.type === 'VariableDeclaration') return target;
    let node = target;
    for (;;) {
      const open = this.#previousToken(node.start);
      const close = this.#nextToken(node.end);
      if (open === -1 || close === -1 || this.#source[open] !== '(' || this.#source[close] !== ')') return node;
      node = { type: 'ParenthesizedExpression', start: open, end: close + 1, expression: node };
    }
  }

  /** Offset of the last character before `at` that is neither whitespace nor in a comment; -1 if none. */
  #previousToken(at: number): number {
    let i = at - 1;
    for (;;) {
      while (i >= 0 && isSpace(this.#source.charCodeAt(i))) i--;
      if (i < this.#hashbangEnd) return -1;
      const comment = this.#commentAround(i);
      if (comment === undefined) return i;
      i = comment.start - 1;
    }
  }

  /** Offset of the first character from `at` on that is neither whitespace nor in a comment; -1 if none. */
  #nextToken(at: number): number {
    let i = at;
    for (;;) {
      while (i < this.#source.length && isSpace(this.#source.charCodeAt(i))) i++;
      if (i >= this.#source.length) return -1;
      const comment = this.#commentAround(i);
      if (comment === undefined) return i;
      i = comment.end;
    }
  }

  /** The comment holding offset `i`, by binary search over comments sorted by position. */
  #commentAround(i: number): OxcComment | undefined {
    const comments = this.#comments;
    let lo = 0;
    let hi = comments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = comments[mid]!;
      if (c.end <= i) lo = mid + 1;
      else if (c.start > i) hi = mid - 1;
      else return c;
    }
    return undefined;
  }
}

/** Where `new.target` may stand: in a function (not an arrow), a static block, a class field's initialiser. */
function allowsNewTarget(node: AnyNode): boolean {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'StaticBlock' || node.type === 'PropertyDefinition';
}

/** JavaScript's WhiteSpace and LineTerminator. */
function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c > 127 && /\s/.test(String.fromCharCode(c));
}
