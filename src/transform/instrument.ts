/**
 * The transform's public face: source text in, instrumented source text (and its map) out.
 * Pure apart from registering sites in the given sink; the load hook decides what to feed it.
 */

import { pathToFileURL } from 'node:url';
import { DEFAULT_MAX_TEXT_LENGTH, FRAME_VARIABLE, INSTRUMENTED_MARKER, RUNTIME_GLOBAL } from './constants.ts';
import { applyInsertions } from './edits.ts';
import { LineIndex } from './lines.ts';
import { OriginMapper } from './origin.ts';
import { parseProgram, resolveParser, type ParserChoice } from './parse.ts';
import { buildMap, composeMap, type RawSourceMap } from './sourcemap.ts';
import { escapedIdentifierNames } from './escaped-names.ts';
import { plan, type SiteSink } from './visitor.ts';

export { InstrumentSyntaxError } from './parse.ts';

export interface InstrumentOptions {
  /** File path or URL recorded in every site and in the source map. */
  filename: string;
  /** Module goal to parse with. */
  format: 'module' | 'commonjs';
  /** Receives the sites found, and gives them ids. */
  sites: SiteSink;
  /** Longest suspension-point text kept. @default 120 */
  maxTextLength?: number;
  /** Keep no source text of suspension points, nor literals in function names (they may hold secrets). @default false */
  omitText?: boolean;
  /** Produce a source map. @default false */
  sourceMap?: boolean;
  /** The name the map gives the original source: what Node.js prints for it (a URL for ES modules, a path for CommonJS). @default filename */
  sourceName?: string;
  /** The input's own source map, composed into the result's; reports then name the original positions. */
  inputMap?: RawSourceMap;
  /** URL the input map's relative sources resolve against. @default the filename as a file URL */
  inputMapBase?: string;
  /** Text quoted in reports when it differs from `source` at the same offsets (TypeScript before type stripping). */
  displaySource?: string;
  /** Which parser: both give the same result; `auto` takes oxc-parser where its binary is installed. @default AWAITWHAT_PARSER, else 'auto' */
  parser?: ParserChoice;
}

export interface InstrumentResult {
  code: string;
  /** Present when `sourceMap` was requested or an `inputMap` given. */
  map?: RawSourceMap;
  /** Async functions (and modules with top-level await) instrumented. */
  functions: number;
  /** Suspension points instrumented. */
  suspensions: number;
}

/** Whether the text could contain anything to instrument: a cheap test that spares parsing most files. */
export function mayNeedInstrumenting(source: string, format: 'module' | 'commonjs'): boolean {
  if (source.includes(INSTRUMENTED_MARKER)) return false;
  return source.includes('async') || (format === 'module' && source.includes('await'));
}

/**
 * Instruments `source`, or returns null when nothing was inserted or the text was instrumented
 * already. Text without `async` (nor, in a module, `await`) is not even parsed. A parsed file gets
 * its top-level call results claimed even without async functions of its own, so that a promise it
 * keeps (`const conn = connect()`) leads to its function. Throws `InstrumentSyntaxError` when the
 * text does not parse. `source` is the text as V8 will compile it: a byte-order mark in it is a
 * column of line 1, as V8 counts it (and a hashbang behind it a syntax error, as for V8).
 */
export function instrument(source: string, options: InstrumentOptions): InstrumentResult | null {
  if (!mayNeedInstrumenting(source, options.format)) return null;
  // Type stripping drops a byte-order mark: the typed text quoted at the stripped text's offsets loses it too.
  const display = options.displaySource;
  if (display !== undefined && hasByteOrderMark(display) && !hasByteOrderMark(source)) options = { ...options, displaySource: display.slice(1) };
  const program = parseProgram(source, options.format, options.filename, resolveParser(options.parser));
  const lines = new LineIndex(source);
  // A name written with escapes (`\u005f_awf`) is the same name: those count too.
  const escapedNames = escapedIdentifierNames(source);
  let frameVariable = FRAME_VARIABLE;
  for (let i = 1; source.includes(frameVariable) || escapedNames?.has(frameVariable) === true; i++) frameVariable = `${FRAME_VARIABLE}${i}`;
  const planned = plan(program, source, lines, options.sites, {
    file: options.filename,
    displaySource: options.displaySource,
    origin: options.inputMap === undefined ? undefined : new OriginMapper(options.inputMap, options.inputMapBase ?? pathToFileURL(options.filename).href, source, lines),
    runtimeGlobal: RUNTIME_GLOBAL,
    frameVariable,
    maxTextLength: options.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH,
    omitText: options.omitText ?? false,
  });
  if (planned.edits.isEmpty) return null;
  const sorted = planned.edits.sorted();
  const code = applyInsertions(source, sorted) + INSTRUMENTED_MARKER;
  const result: InstrumentResult = { code, functions: planned.functions, suspensions: planned.suspensions };
  if (options.inputMap !== undefined) result.map = composeMap(options.inputMap, sorted, lines);
  else if (options.sourceMap === true) result.map = buildMap(options.displaySource ?? source, sorted, lines, options.sourceName ?? options.filename);
  return result;
}

function hasByteOrderMark(text: string): boolean {
  return text.charCodeAt(0) === 0xfeff;
}
