/**
 * Parsing for the transform: oxc-parser when its native binary is installed (several times faster
 * than acorn), acorn otherwise. Both give the planner the same tree (see parse-oxc.ts). The choice
 * is the `parser` option, else AWAITWHAT_PARSER (`auto`, `oxc`, `acorn`), else `auto`; forcing
 * `oxc` where it cannot load is an error rather than a silent fallback, so that a test of the
 * native path cannot pass on acorn.
 */

import type { AnyNode } from './ast.ts';
import { parseWithAcorn } from './parse-acorn.ts';
import { loadOxc, oxcUnavailableReason, parseWithOxc } from './parse-oxc.ts';
import type { NodeInspector } from './visitor.ts';
import type { WordOffsets } from './words.ts';
import { PARSER_CHOICES, type ParserChoice, type ParserName } from './parser-choice.ts';

export { NeedsAcorn } from './parse-oxc.ts';

export { PARSER_CHOICES, type ParserChoice, type ParserName } from './parser-choice.ts';

export class InstrumentSyntaxError extends SyntaxError {
  readonly filename: string;
  readonly line: number;
  readonly column: number;
  constructor(filename: string, line: number, column: number, reason: string) {
    super(`${filename}:${line}:${column}: ${reason}`);
    this.name = 'InstrumentSyntaxError';
    this.filename = filename;
    this.line = line;
    this.column = column;
  }
}

export class ParserUnavailableError extends Error {
  constructor(reason: string) {
    super(`the oxc parser was asked for (parser: 'oxc' or AWAITWHAT_PARSER=oxc) but cannot be loaded: ${reason}`);
    this.name = 'ParserUnavailableError';
  }
}

/** Throws a TypeError naming the value unless it is a parser choice. */
function checkParserChoice(value: unknown, name: string): ParserChoice {
  if (typeof value === 'string' && (PARSER_CHOICES as readonly string[]).includes(value)) return value as ParserChoice;
  throw new TypeError(`${name}: expected ${PARSER_CHOICES.map((c) => `"${c}"`).join(', ')}, got ${JSON.stringify(value)}`);
}

/** The choice when none is given: AWAITWHAT_PARSER, else auto. */
function defaultParserChoice(): ParserChoice {
  const env = process.env.AWAITWHAT_PARSER;
  return env === undefined || env === '' ? 'auto' : checkParserChoice(env, 'AWAITWHAT_PARSER');
}

/** The parser a choice comes to on this machine; throws ParserUnavailableError for `oxc` without its binary. */
export function resolveParser(choice: ParserChoice = defaultParserChoice()): ParserName {
  if (choice === 'acorn') return 'acorn';
  if (loadOxc() !== undefined) return 'oxc';
  if (choice === 'oxc') throw new ParserUnavailableError(oxcUnavailableReason() ?? 'unknown reason');
  return 'acorn';
}

export interface ParsedProgram {
  program: AnyNode;
  /** For the planner to call on every node: oxc's adapter, which may throw NeedsAcorn (then parse with acorn). */
  inspect?: NodeInspector;
  /** The text's word offsets, when the parse needed them (oxc's, to leave out bodies the planner skips). */
  words?: WordOffsets;
}

/**
 * The program's tree in acorn's shape; throws InstrumentSyntaxError (acorn's message) when it does
 * not parse. `forPlanner`: oxc may leave out the bodies of functions the planner skips (parse-oxc.ts).
 */
export function parseProgram(source: string, format: 'module' | 'commonjs', filename: string, parser: ParserName, forPlanner = false): ParsedProgram {
  if (parser === 'oxc') {
    const parsed = parseWithOxc(loadOxc()!, source, format, forPlanner);
    if (parsed !== undefined) return parsed;
  }
  const parsed = parseWithAcorn(source, format);
  if ('type' in parsed) return { program: parsed };
  throw new InstrumentSyntaxError(filename, parsed.line, parsed.column, parsed.reason);
}
