/**
 * acorn, the pure-JavaScript parser: the fallback wherever oxc-parser's native binary is missing,
 * and the reference whose tree the oxc adapter reproduces. Loaded on first use, so that a process
 * whose transforms all come from the cache never loads a parser.
 */

import { createRequire } from 'node:module';
import type { AnyNode } from './ast.ts';

type AcornParse = (input: string, options: object) => unknown;

let acornParse: AcornParse | undefined;

/** A syntax error as acorn reports it: the reason and a 1-based line and column. */
interface ParseFailure {
  reason: string;
  line: number;
  column: number;
}

/** The program, or why it does not parse. */
export function parseWithAcorn(source: string, format: 'module' | 'commonjs'): AnyNode | ParseFailure {
  acornParse ??= (createRequire(import.meta.url)('acorn') as { parse: AcornParse }).parse;
  try {
    return acornParse(source, {
      ecmaVersion: 'latest',
      sourceType: format === 'module' ? 'module' : 'script',
      allowHashBang: true,
      allowReturnOutsideFunction: format === 'commonjs',
      preserveParens: true,
    }) as AnyNode;
  } catch (error) {
    const e = error as SyntaxError & { loc?: { line: number; column: number } };
    if (!(e instanceof SyntaxError)) throw error;
    return { reason: e.message.replace(/\s*\(\d+:\d+\)$/, ''), line: e.loc?.line ?? 0, column: (e.loc?.column ?? -1) + 1 };
  }
}
