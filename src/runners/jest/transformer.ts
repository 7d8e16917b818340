/**
 * `awaitwhat/jest`: a Jest transformer that runs the project's own transformer first (babel-jest,
 * Jest's default, or ts-jest, or any other) and instruments its output with awaitwhat's transform,
 * with a source map composed of the inner transformer's and awaitwhat's edits, so that Jest's stack
 * traces and coverage still name the user's lines.
 *
 *     transform: { '\\.[cm]?[jt]sx?$': ['awaitwhat/jest', { transformer: 'babel-jest' }] }
 *
 * The inner transformer is named by `transformer` (a package name or path, resolved from the
 * project's rootDir; default `babel-jest`), its own options by `options`. Jest caches the result
 * under a key made of the inner transformer's key and awaitwhat's version and settings.
 */

import { createHash } from 'node:crypto';
import { FORMAT_VERSION } from '../../transform/constants.ts';
import { instrument, InstrumentSyntaxError } from '../../transform/instrument.ts';
import { parseMap, type RawSourceMap } from '../../transform/sourcemap.ts';
import { tellOnce } from '../../cli/faults.ts';
import { requireDefault, resolveForJest } from './resolve.ts';
import { fileVersionKey, FileSiteIds, siteBlocks, SITE_MODE } from './sites.ts';
import { SiteTableFullError } from '../../runtime/sites.ts';

/** What Jest hands a transformer (the fields read here). */
export interface JestTransformOptions {
  config: { rootDir: string; cacheDirectory?: string };
  configString?: string;
  supportsStaticESM?: boolean;
  instrument?: boolean;
  [key: string]: unknown;
}

type TransformedSource = string | { code: string; map?: RawSourceMap | string | null };

/** A Jest transformer, as Jest 29 and 30 call one. */
export interface JestTransformer {
  canInstrument?: boolean;
  getCacheKey?(source: string, path: string, options: JestTransformOptions): string;
  getCacheKeyAsync?(source: string, path: string, options: JestTransformOptions): Promise<string>;
  process?(source: string, path: string, options: JestTransformOptions): TransformedSource;
  processAsync?(source: string, path: string, options: JestTransformOptions): Promise<TransformedSource>;
}

/** awaitwhat/jest's options: which transformer runs first, with which options. */
export interface AwaitwhatJestOptions {
  /** Package name or path of the transformer to run first; false for none (the file as it is on disk). @default 'babel-jest' */
  transformer?: string | false;
  /** That transformer's own options (what Jest's `transform` entry would give it). */
  options?: unknown;
}

const DEFAULT_INNER = 'babel-jest';
/** An inline source map comment at the end of a text: replaced by the composed map awaitwhat returns. */
const INLINE_MAP = /\n?\/\/[#@] sourceMappingURL=data:[^\s'"]*\s*$/;
/** What changes the instrumented output besides the source and the inner transformer's key: awaitwhat's shape of code, and how it records sites. */
const OWN_KEY = `awaitwhat-jest:${FORMAT_VERSION}:${SITE_MODE}`;

/** No transformer before awaitwhat's: the file's text as Jest read it. */
const AS_IS: JestTransformer = { process: (source) => source };

/** Reads the options of a `transform` entry: a clear error naming a bad value. */
export function readOptions(value: unknown): { transformer: string | false; options: unknown } {
  if (value === undefined || value === null) return { transformer: DEFAULT_INNER, options: undefined };
  if (typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`awaitwhat/jest: its options must be an object like { transformer: 'babel-jest' }, not ${JSON.stringify(value)}`);
  const { transformer = DEFAULT_INNER, options } = value as AwaitwhatJestOptions;
  if (transformer !== false && (typeof transformer !== 'string' || transformer === '')) {
    throw new TypeError(`awaitwhat/jest: option transformer must be a package name or path (such as 'babel-jest' or 'ts-jest'), or false for none, not ${JSON.stringify(transformer)}`);
  }
  return { transformer, options };
}

/** Loads the inner transformer as Jest would: a module's default export (or the module), made by its `createTransformer` when it has one. */
export function loadTransformer(name: string, options: unknown, rootDir: string): JestTransformer {
  let path: string;
  try {
    path = resolveForJest(name, rootDir, 'the transformer');
  } catch (error) {
    throw new Error(`awaitwhat/jest: ${(error as Error).message}`);
  }
  const module = requireDefault(path) as (JestTransformer & { createTransformer?: (options: unknown) => JestTransformer }) | undefined;
  const transformer = typeof module?.createTransformer === 'function' ? module.createTransformer(options) : module;
  if (typeof transformer?.process !== 'function' && typeof transformer?.processAsync !== 'function') {
    throw new TypeError(`awaitwhat/jest: transformer ${JSON.stringify(name)} (${path}) has neither process() nor processAsync()`);
  }
  return transformer;
}

/** awaitwhat/jest's transformer for one `transform` entry. */
export function createTransformer(config?: unknown): JestTransformer {
  const { transformer: innerName, options: innerOptions } = readOptions(config);
  let inner: JestTransformer | undefined;
  const innerFor = (options: JestTransformOptions): JestTransformer => (inner ??= innerName === false ? AS_IS : loadTransformer(innerName, innerOptions, options.config.rootDir));
  const ownKey = (innerKey: string): string => createHash('sha1').update(innerKey).update('\0').update(OWN_KEY).update('\0').update(String(innerName)).digest('hex');
  const plainKey = (source: string, path: string, options: JestTransformOptions): string =>
    createHash('sha1')
      .update(source)
      .update('\0')
      .update(path)
      .update('\0')
      .update(options.configString ?? '')
      .update('\0')
      .update(options.instrument === true ? 'instrument' : '')
      .digest('hex');

  const transformer: JestTransformer = {
    getCacheKey(source, path, options) {
      const t = innerFor(options);
      return ownKey(typeof t.getCacheKey === 'function' ? t.getCacheKey(source, path, options) : plainKey(source, path, options));
    },
    async getCacheKeyAsync(source, path, options) {
      const t = innerFor(options);
      if (typeof t.getCacheKeyAsync === 'function') return ownKey(await t.getCacheKeyAsync(source, path, options));
      return ownKey(typeof t.getCacheKey === 'function' ? t.getCacheKey(source, path, options) : plainKey(source, path, options));
    },
    process(source, path, options) {
      const t = innerFor(options);
      if (typeof t.process !== 'function') throw new TypeError(`awaitwhat/jest: transformer ${JSON.stringify(innerName)} is asynchronous only (processAsync): Jest calls it for ES modules only`);
      return instrumentOutput(t.process(source, path, options), path, options);
    },
    async processAsync(source, path, options) {
      const t = innerFor(options);
      const out = typeof t.processAsync === 'function' ? await t.processAsync(source, path, options) : t.process!(source, path, options);
      return instrumentOutput(out, path, options);
    },
  };
  // Coverage: the inner transformer instruments for it when it can (babel-jest does); awaitwhat's
  // edits come after and keep every position the coverage counters name.
  Object.defineProperty(transformer, 'canInstrument', { get: () => inner?.canInstrument === true, enumerable: true });
  return transformer;
}

/** The inner transformer's output with awaitwhat's calls inserted, and a map composed with the inner one's. */
function instrumentOutput(out: TransformedSource, path: string, options: JestTransformOptions): { code: string; map?: RawSourceMap | null } {
  const code = typeof out === 'string' ? out : out.code;
  const rawMap = typeof out === 'string' ? undefined : out.map;
  const cacheDirectory = options.config.cacheDirectory;
  if (typeof cacheDirectory !== 'string') return { code, map: mapOf(rawMap, path) ?? null };
  const inputMap = mapOf(rawMap, path) ?? inlineMap(code, path);
  const bare = inputMap === undefined ? code : code.replace(INLINE_MAP, '');
  let result;
  try {
    const sites = new FileSiteIds(siteBlocks(cacheDirectory), fileVersionKey(path, bare));
    result = instrument(bare, {
      filename: path,
      format: options.supportsStaticESM === true ? 'module' : 'commonjs',
      sites,
      selfContained: true,
      sourceMap: true,
      sourceName: path,
      inputMap,
    });
    sites.done();
  } catch (error) {
    // Jest runs the file as its transformer made it: a syntax the parser does not know, or a fault
    // of awaitwhat's (told once), never fails the user's test.
    if (error instanceof SiteTableFullError) tellOnce(`awaitwhat/jest: the site ids of Jest's cache directory ${cacheDirectory} are used up; files are run uninstrumented until it is cleared (jest --clearCache)`);
    else if (!(error instanceof InstrumentSyntaxError)) tellOnce('awaitwhat/jest could not instrument some files, which run uninstrumented', error);
    return { code, map: mapOf(rawMap, path) ?? null };
  }
  if (result === null) return { code, map: mapOf(rawMap, path) ?? null };
  return { code: result.code, map: result.map! };
}

function mapOf(map: RawSourceMap | string | null | undefined, path: string): RawSourceMap | undefined {
  if (map === null || map === undefined) return undefined;
  return typeof map === 'string' ? parseMap(map, `${path} (the source map of its Jest transformer)`) : map;
}

/** The inline source map a transformer left at the end of its code (ts-jest, or babel-jest when it returned no map object). */
function inlineMap(code: string, path: string): RawSourceMap | undefined {
  const match = INLINE_MAP.exec(code);
  if (match === null) return undefined;
  const ref = match[0].trim().replace(/^\/\/[#@] sourceMappingURL=/, '');
  const comma = ref.indexOf(',');
  const meta = ref.slice(5, comma);
  const payload = ref.slice(comma + 1);
  const json = meta.endsWith(';base64') ? Buffer.from(payload, 'base64').toString('utf8') : decodeURIComponent(payload);
  return parseMap(json, `${path} (inline source map)`);
}
