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
import { CHILD_KEYS, type AnyNode } from './ast.ts';

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

/**
 * The program in acorn's shape, or undefined when oxc rejects it or accepts something acorn does
 * not (the caller then asks acorn).
 */
export function parseWithOxc(parser: OxcModule, source: string, format: 'module' | 'commonjs'): AnyNode | undefined {
  const text = source.charCodeAt(0) === 0xfeff ? ` ${source.slice(1)}` : source;
  const result = parser.parseSync(format === 'module' ? 'input.mjs' : 'input.cjs', text, {
    lang: 'js',
    sourceType: format,
    preserveParens: true,
    // Early errors acorn reports (redeclarations, `eval` as a binding in strict code).
    showSemanticErrors: true,
  });
  if (result.errors.length > 0) return undefined;
  const program = result.program;
  // A hashbang is a comment to acorn; oxc keeps it apart.
  const hashbangEnd = (program.hashbang as AnyNode | null | undefined)?.end ?? 0;
  const adapter = new Adapter(source, result.comments, format, hashbangEnd);
  if (!adapter.visit(program, false)) return undefined;
  if (format === 'commonjs') program.sourceType = 'script';
  return program;
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

  /** Adapts the subtree in place; false when it holds what acorn would reject. */
  visit(node: AnyNode, inFunction: boolean): boolean {
    switch (node.type) {
      case 'Literal':
        // oxc leaves `value` null where this V8 cannot build the expression; acorn checks the pattern itself.
        return node.regex === undefined || node.regex === null || node.value !== null;
      case 'AccessorProperty':
      case 'Decorator':
        return false;
      case 'ImportDeclaration':
      case 'ImportExpression':
        if (node.phase !== undefined && node.phase !== null) return false;
        break;
      case 'MetaProperty':
        if (this.#commonjs && !inFunction && node.meta.name === 'new') return false;
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
      case 'MethodDefinition':
      case 'PropertyDefinition':
        if (node.decorators !== undefined && node.decorators.length > 0) return false;
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'StaticBlock':
        inFunction = true;
        break;
      case 'ArrayPattern':
        this.#parenthesizeElements(node.elements);
        break;
      case 'ObjectPattern':
        for (const property of node.properties as AnyNode[]) {
          if (property.type === 'Property') property.value = this.#parenthesized(property.value);
        }
        break;
      default: {
        const key = TARGET_KEYS[node.type];
        if (key !== undefined) node[key] = this.#parenthesized(node[key]);
      }
    }
    const keys = CHILD_KEYS[node.type] ?? Object.keys(node);
    for (const key of keys) {
      const child = node[key];
      if (child === null || typeof child !== 'object') continue;
      // A class field's initialiser runs as a method: `new.target` is allowed there.
      const nested = inFunction || (node.type === 'PropertyDefinition' && key === 'value');
      if (Array.isArray(child)) {
        for (const c of child) if (c !== null && typeof c === 'object' && typeof c.type === 'string' && !this.visit(c, nested)) return false;
      } else if (typeof child.type === 'string' && !this.visit(child, nested)) return false;
    }
    return true;
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

/** JavaScript's WhiteSpace and LineTerminator. */
function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c > 127 && /\s/.test(String.fromCharCode(c));
}
