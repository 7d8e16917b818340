/**
 * The transform's public face: source text in, instrumented source text (and its map) out.
 * Pure apart from registering sites in the given sink; the load hook decides what to feed it.
 */

import { pathToFileURL } from 'node:url';
import { DEFAULT_MAX_TEXT_LENGTH, FRAME_VARIABLE, INSTRUMENTED_MARKER, RUNTIME_GLOBAL } from './constants.ts';
import { applyInsertions } from './edits.ts';
import { LineIndex } from './lines.ts';
import { OriginMapper } from './origin.ts';
import { NeedsAcorn, parseProgram, resolveParser, type ParserChoice, type ParsedProgram } from './parse.ts';
import { buildMap, composeMap, type RawSourceMap } from './sourcemap.ts';
import { escapedIdentifierNames } from './escaped-names.ts';
import { plan, type PlanResult, type SiteSink } from './visitor.ts';
import { isForeignSiteId, type SiteRecord } from '../runtime/sites.ts';
import { mayNeedInstrumenting, registerSites } from './precheck.ts';
import { defineStatement } from './self-contained.ts';

// The load hook requires this module alone (hooks/lazy-transform.ts): what it needs of parse.ts is here too.
export { InstrumentSyntaxError, ParserUnavailableError, resolveParser } from './parse.ts';
export { mayNeedInstrumenting, registerSites } from './precheck.ts';

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
  /** Produce a source map (composed with `inputMap` when there is one). @default false */
  sourceMap?: boolean;
  /** The name the map gives the original source: what Node.js prints for it (a URL for ES modules, a path for CommonJS). @default filename */
  sourceName?: string;
  /** The input's own source map: sites name the original positions and text, and a requested map is composed with it. */
  inputMap?: RawSourceMap;
  /** URL the input map's relative sources resolve against. @default the filename as a file URL */
  inputMapBase?: string;
  /** Text quoted in reports when it differs from `source` at the same offsets (TypeScript before type stripping). */
  displaySource?: string;
  /** Which parser: both give the same result; `auto` takes oxc-parser where its binary is installed. @default AWAITWHAT_PARSER, else 'auto' */
  parser?: ParserChoice;
  /**
   * The code carries its own sites (self-contained.ts): a statement at its top defines them in the
   * thread that runs it. `sites` must then give ids from the foreign ranges (a `ForeignSiteIds`).
   * For code transformed in one process and run in another. @default false
   */
  selfContained?: boolean;
  /**
   * With `inputMap`: the map produced goes from `source` to the code instead of through `inputMap`
   * (sites still name the original positions), for a tool that chains maps itself, as Vite does. @default false
   */
  mapToInput?: boolean;
}

export interface InstrumentResult {
  code: string;
  /** Present when `sourceMap` was requested. */
  map?: RawSourceMap;
  /** Async functions (and modules with top-level await) instrumented. */
  functions: number;
  /** Suspension points instrumented. */
  suspensions: number;
  /**
   * The file's sites in registration order, each suspension site's `fn` an index into this list;
   * the ids they were given; and where each id is written in `code` (offset, index into `sites`,
   * in pairs). Enough to register the file again elsewhere and patch the ids (the transform cache).
   * @internal
   */
  sites: SiteRecord[];
  /** @internal */
  ids: number[];
  /** @internal */
  slots: number[];
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
  const lines = new LineIndex(source);
  const parser = resolveParser(options.parser);
  let planned: PlanResult;
  try {
    planned = planFor(parseProgram(source, options.format, options.filename, parser, true), source, lines, options);
  } catch (error) {
    if (!(error instanceof NeedsAcorn)) throw error;
    planned = planFor(parseProgram(source, options.format, options.filename, 'acorn'), source, lines, options);
  }
  if (planned.edits.isEmpty) return null;
  const ids = registerSites(planned.sites, options.sites);
  if (options.selfContained === true) {
    checkForeignIds(planned.sites, ids, options.filename);
    planned.edits.insert(planned.head.pos, planned.head.prefix + defineStatement(planned.sites, RUNTIME_GLOBAL));
  }
  const sorted = planned.edits.sorted();
  const slots: number[] = [];
  const code = applyInsertions(source, sorted, ids, slots) + INSTRUMENTED_MARKER;
  const result: InstrumentResult = { code, functions: planned.functions, suspensions: planned.suspensions, sites: planned.sites, ids, slots };
  if (options.sourceMap === true) {
    result.map =
      options.inputMap !== undefined && options.mapToInput !== true
        ? composeMap(options.inputMap, sorted, lines)
        : buildMap(options.displaySource ?? source, sorted, lines, options.sourceName ?? options.filename);
  }
  return result;
}

function planFor(parsed: ParsedProgram, source: string, lines: LineIndex, options: InstrumentOptions): PlanResult {
  // A name written with escapes (`\u005f_awf`) is the same name: those count too.
  const escapedNames = escapedIdentifierNames(source);
  let frameVariable = FRAME_VARIABLE;
  for (let i = 1; source.includes(frameVariable) || escapedNames?.has(frameVariable) === true; i++) frameVariable = `${FRAME_VARIABLE}${i}`;
  return plan(parsed.program, source, lines, {
    file: options.filename,
    displaySource: options.displaySource,
    origin: options.inputMap === undefined ? undefined : new OriginMapper(options.inputMap, options.inputMapBase ?? pathToFileURL(options.filename).href, source, lines),
    runtimeGlobal: RUNTIME_GLOBAL,
    frameVariable,
    maxTextLength: options.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH,
    omitText: options.omitText ?? false,
    inspect: parsed.inspect,
    words: parsed.words,
  });
}

function checkForeignIds(sites: readonly SiteRecord[], ids: readonly number[], filename: string): void {
  for (let i = 0; i < sites.length; i++) {
    if (!isForeignSiteId(ids[i]!, sites[i]!.kind)) {
      throw new RangeError(
        `awaitwhat: instrumenting ${filename} with selfContained: true, the site sink gave id ${ids[i]} to a ${sites[i]!.kind} site; ` +
          'expected an id from the foreign range (give the sites to a ForeignSiteIds)',
      );
    }
  }
}

function hasByteOrderMark(text: string): boolean {
  return text.charCodeAt(0) === 0xfeff;
}
