/**
 * The load hook: instruments application modules as Node loads them, through
 * `module.registerHooks()` (synchronous, in-thread, for both `require` and `import`). It always
 * calls `nextLoad`, so it chains after other hooks (tsx, a bundler's loader) and sees their output;
 * it touches only JavaScript and TypeScript formats; and on any failure it hands back exactly what
 * `nextLoad` returned, with one warning naming the file.
 */

import module from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_FILE_BYTES } from '../transform/constants.ts';
import { mayNeedInstrumenting, registerSites } from '../transform/precheck.ts';
import type { ParserChoice, ParserName } from '../transform/parser-choice.ts';
import { relocateIds } from '../transform/relocate.ts';
import { stripTypes, TYPESCRIPT_FORMATS } from '../transform/typescript.ts';
import { installRuntime, type Runtime } from '../runtime/runtime.ts';
import { checkNodeVersion } from './node-version.ts';
import { installCompileHook, requireHookPresent } from './compile-hook.ts';
import { hasCompiledAsync, PackageTally, type FileContents } from './package-tally.ts';
import { validHookOptions } from './env.ts';
import { Scope, type ScopeOptions } from './scope.ts';
import { SiteTableFullError } from '../runtime/sites.ts';
import { defaultCacheDir } from './cache-dir.ts';
import type { CachedOutcome } from './cache-entry.ts';
import { describeUrl, nodeReadsSourceMaps, readInputMap } from './input-map.ts';
import { DEFAULT_CACHE_MAX_BYTES, TransformCache, type CacheStats } from './transform-cache.ts';
import { enableNodeCompileCache } from './compile-cache.ts';
import { importsTransform, isTransformLoaded, loadTransform } from './lazy-transform.ts';

export interface HookOptions extends ScopeOptions {
  /** Files larger than this many bytes load untransformed, with a note. @default 2 MiB */
  maxFileBytes?: number;
  /** Longest suspension-point text recorded. @default 120 */
  maxTextLength?: number;
  /** Record no source text of suspension points. @default false */
  omitText?: boolean;
  /** Where notes and warnings go. @default a line on stderr prefixed "awaitwhat:" */
  onWarning?: (message: string) => void;
  /** Base for relative include/exclude globs. @default process.cwd() */
  cwd?: string;
  /**
   * Most frames kept registered (pending frames nobody instrumented awaits, with what they await);
   * beyond it the oldest are dropped and counted in `stats.evicted`. @default 1000000
   */
  maxFrames?: number;
  /**
   * Keep each file's transform on disk, so that a restarted program does not parse again; with it,
   * Node's own compile cache is turned on beside it (see hooks/compile-cache.ts for when not).
   * @default AWAITWHAT_CACHE (`0` turns it off), else true
   */
  cache?: boolean;
  /** Where the transform cache lives. @default AWAITWHAT_CACHE_DIR, else node_modules/.cache/awaitwhat above cwd, else the user's cache directory */
  cacheDir?: string;
  /** Most bytes the transform cache keeps; the least recently used entries go first. @default 256 MiB */
  cacheMaxBytes?: number;
  /**
   * Parser: `oxc` (oxc-parser's native binary, several times faster), `acorn` (pure JavaScript),
   * or `auto` (oxc where its binary is installed). Both instrument the same. @default AWAITWHAT_PARSER, else 'auto'
   */
  parser?: ParserChoice;
}

export interface HooksHandle {
  /** Modules instrumented so far (`cached`: of them, taken from the transform cache). */
  readonly stats: { instrumented: number; skipped: number; failed: number; cached: number };
  /**
   * The parser in use (reading it loads the parser, as the first file to transform does), whether
   * the transform has been loaded (a start served wholly by the cache never loads it), the
   * transform cache's directory and counters (undefined when it is off), and the directory of
   * Node's compile cache when awaitwhat turned it on.
   */
  readonly load: {
    readonly parser: 'oxc' | 'acorn';
    readonly transformLoaded: boolean;
    readonly cacheDir: string | undefined;
    readonly cache: Readonly<CacheStats> | undefined;
    readonly compileCacheDir: string | undefined;
  };
  /** Stops instrumenting further modules; code already instrumented keeps running, cheaply. */
  uninstall(): void;
}

const JS_FORMATS: Readonly<Record<string, 'module' | 'commonjs'>> = { module: 'module', commonjs: 'commonjs' };

// One set of hooks per thread, whichever copy of the package installs it.
const HANDLE_KEY = Symbol.for('awaitwhat.hooks');

type RegisterHooks = (hooks: { load?: LoadHook }) => { deregister(): void };
type LoadResult = { format?: string | null; source?: string | ArrayBuffer | ArrayBufferView | null; shortCircuit?: boolean };
type LoadHook = (url: string, context: { format?: string | null; conditions?: string[] }, nextLoad: (url: string, context?: object) => LoadResult) => LoadResult;

// awaitwhat's own compiled code (dist/) is never instrumented; its examples and tests are.
const OWN_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A second installation's options are not applied: one warning names them, so that none is dropped unsaid. */
function ignoredOptions(requested: HookOptions): void {
  let names: string[];
  try {
    names = Object.keys(requested ?? {}).filter((name) => name !== 'onWarning');
  } catch {
    return;
  }
  if (names.length === 0) return;
  const warn = typeof requested.onWarning === 'function' ? requested.onWarning : defaultWarning;
  const message = `installHooks: awaitwhat's hooks are already installed in this thread (by --import awaitwhat/hooks, the command or an earlier call), with their own options; ignored: ${names.join(', ')}`;
  try {
    warn(message);
  } catch {
    defaultWarning(message);
  }
}

function defaultWarning(message: string): void {
  try {
    process.stderr.write(`awaitwhat: ${message}\n`);
  } catch {
    // A closed stderr must not break module loading.
  }
}

/**
 * Installs the runtime and the load hook for this thread. Calling it again returns the existing
 * handle (the options of the first call stay in force). Throws `UnsupportedNodeError` below Node 22.15.
 */
export function installHooks(requested: HookOptions = {}): HooksHandle {
  const existing = (globalThis as Record<symbol, HooksHandle | undefined>)[HANDLE_KEY];
  if (existing !== undefined) {
    ignoredOptions(requested);
    return existing;
  }
  checkNodeVersion();
  // A bad option never stops the program: one warning each, and its default (see hooks/env.ts).
  const options = validHookOptions(requested, defaultWarning);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const scope = new Scope(options, options.cwd ?? process.cwd(), OWN_ROOT);
  const runtime = installRuntime();
  if (options.maxFrames !== undefined) runtime.internals.limits.maxFrames = options.maxFrames;
  const warn = options.onWarning ?? defaultWarning;
  // The runtime never throws into the program: what it catches is counted, and the first fault of
  // each kind is told here (AwaitInstrumentation takes the reporter over, for diag and its counts).
  runtime.internals.faults.setReporter((fault) =>
    warn(`the awaitwhat runtime failed (${fault.kind}: ${fault.message}); the program is unaffected, later failures of this kind are counted, not reported`),
  );
  const cache = options.cache !== false
    ? new TransformCache(resolve(options.cacheDir ?? defaultCacheDir(options.cwd ?? process.cwd())), options.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES, OWN_ROOT)
    : undefined;
  const compileCacheDir = cache === undefined ? undefined : enableNodeCompileCache(`${cache.dir}-node-compile-cache`);
  const stats = { instrumented: 0, skipped: 0, failed: 0, cached: 0 };
  const packages = new PackageTally(warn);

  let full = false;
  /**
   * Set while a file is being transformed: a module loaded meanwhile is one the transform itself
   * needs (a part of the parser it requires lazily on first use), and instrumenting it would run
   * the parser inside its own loading (Node warns of a circular dependency, and the parser's exports
   * are not there yet). Such a module loads as it is.
   */
  let transforming = false;
  /** The parser, decided (and loaded) when first needed: a warm start never needs it. */
  let parser: ParserName | undefined;
  const parserName = (): ParserName => {
    if (parser !== undefined) return parser;
    // Loading it loads modules, which must load as they are (also when only `load.parser` is read).
    const nested = transforming;
    transforming = true;
    try {
      return (parser = availableParser(options.parser ?? 'auto', warn));
    } finally {
      transforming = nested;
    }
  };
  const ctx: TransformContext = { runtime, scope, warn, maxFileBytes, options, stats, packages, parser: parserName, cache };
  const load: LoadHook = (url, context, nextLoad) => {
    // One of awaitwhat's modules that import the transform: load the transform now, before the
    // module loader fetches it as part of the program's graph (lazy-transform.ts, importsTransform).
    if (!transforming && !isTransformLoaded() && importsTransform(url)) preloadTransform(url);
    const result = nextLoad(url, context);
    // A transpiler registered after awaitwhat shows up by the time it loads its first module.
    if (compileHook === undefined && requireHookPresent()) compileHook = installCompileHook(compileInstrumented);
    const handed = guarded(url, result, () => transformLoaded(url, result, ctx));
    // CommonJS text that came through here is handled: the compile hook lets it pass.
    if (compileHook !== undefined && typeof handed.source === 'string' && handed.format !== 'module' && url.startsWith('file:')) {
      compileHook.handled(fileURLToPath(url), handed.source);
    }
    return handed;
  };
  /** A transform with the load hook's rules: never nested, never after the site table filled, never throwing. */
  const guarded = <T>(url: string, untouched: T, transform: () => T | undefined): T => {
    if (full || transforming) return untouched;
    transforming = true;
    try {
      return transform() ?? untouched;
    } catch (error) {
      stats.failed++;
      if (error instanceof SiteTableFullError) {
        full = true;
        warn(`${error.message}: ${describeUrl(url)} and the files loaded after it are not instrumented`);
      } else warn(`${describeUrl(url)}: instrumentation failed (${(error as Error)?.message ?? String(error)}); loaded without it`);
      return untouched;
    } finally {
      transforming = false;
    }
  };
  const preloadTransform = (url: string): void => {
    transforming = true;
    try {
      loadTransform();
    } catch (error) {
      // The file that needs it later fails the same way and loads uninstrumented, with its own line.
      warn(`${describeUrl(url)}: could not load the transform ahead of it (${(error as Error)?.message ?? String(error)})`);
    } finally {
      transforming = false;
    }
  };
  // CommonJS that a transpiler's require hook (tsx) compiles without Node's loader: see compile-hook.ts.
  const compileInstrumented = (url: string, text: string): string | undefined =>
    guarded(url, undefined, () => {
      const source = transformLoaded(url, { format: 'commonjs', source: text }, ctx)?.source;
      return typeof source === 'string' ? source : undefined;
    });
  let compileHook = requireHookPresent() ? installCompileHook(compileInstrumented) : undefined;

  const registered = (module as unknown as { registerHooks: RegisterHooks }).registerHooks({ load });
  const handle: HooksHandle = {
    stats,
    load: {
      get parser() {
        return parserName();
      },
      get transformLoaded() {
        return isTransformLoaded();
      },
      cacheDir: cache?.dir,
      cache: cache?.stats,
      compileCacheDir,
    },
    uninstall() {
      registered.deregister();
      compileHook?.uninstall();
      delete (globalThis as Record<symbol, unknown>)[HANDLE_KEY];
    },
  };
  Object.defineProperty(globalThis, HANDLE_KEY, { value: handle, configurable: true, enumerable: false, writable: false });
  return handle;
}

interface TransformContext {
  runtime: Runtime;
  scope: Scope;
  warn: (message: string) => void;
  maxFileBytes: number;
  options: HookOptions;
  stats: HooksHandle['stats'];
  packages: PackageTally;
  /** The parser, loaded on first call. */
  parser: () => ParserName;
  cache: TransformCache | undefined;
}

/**
 * A file's transform: what to hand Node, how many async functions (and top-level awaits) it
 * instrumented (undefined when that is unknown), and the text it read.
 */
interface FileOutcome {
  result?: LoadResult;
  functions: number | undefined;
  text?: string;
}

function transformLoaded(url: string, result: LoadResult, ctx: TransformContext): LoadResult | undefined {
  const format = result.format ?? '';
  // A `.js` (or `.ts`) file that `require()` loads from a package without "type" comes with no
  // format (or "typescript"): Node.js decides from the text, CommonJS unless only a module parses,
  // and so do we.
  const detected = (result.format == null && url.endsWith('.js')) || format === 'typescript';
  const jsFormat = detected ? 'commonjs' : (JS_FORMATS[format] ?? TYPESCRIPT_FORMATS[format]);
  if (jsFormat === undefined || result.source === null || result.source === undefined) return undefined;
  const file = ctx.scope.fileFor(url);
  if (file === undefined) return undefined;
  const pkg = ctx.scope.optedInPackage(file);
  let outcome: FileOutcome = { functions: undefined };
  try {
    outcome = transformFile(url, result, file, jsFormat, detected, ctx);
  } finally {
    if (pkg !== undefined) ctx.packages.fileLoaded(pkg, contentsOf(outcome));
  }
  return outcome.result;
}

function contentsOf({ functions, text }: FileOutcome): FileContents {
  if (functions === undefined) return 'unknown';
  if (functions > 0) return 'instrumented';
  return text !== undefined && hasCompiledAsync(text) ? 'compiled-async' : 'nothing';
}

function transformFile(url: string, result: LoadResult, file: string, jsFormat: 'module' | 'commonjs', detected: boolean, ctx: TransformContext): FileOutcome {
  const format = result.format ?? '';
  const original = typeof result.source === 'string' ? result.source : decodeSource(result.source!);
  if (!mayNeedInstrumenting(original, jsFormat)) {
    ctx.stats.skipped++;
    return { functions: 0, text: original };
  }
  if (original.length > ctx.maxFileBytes) {
    ctx.stats.skipped++;
    ctx.warn(`${describeUrl(url)} is ${formatBytes(original.length)}, above maxFileBytes (${formatBytes(ctx.maxFileBytes)}); loaded without instrumentation`);
    return { functions: undefined };
  }
  const mapsOn = nodeReadsSourceMaps();
  const { omitText, maxTextLength } = ctx.options;
  const key = ctx.cache?.key([url, format, jsFormat, String(detected), String(mapsOn), String(omitText ?? false), String(maxTextLength ?? '')], original);
  const cached = key === undefined ? undefined : ctx.cache!.get(key, file);
  if (cached !== undefined) {
    const outcome = fromCache(cached, result, original, detected && !format.endsWith('typescript'), mapsOn, ctx);
    ctx.stats.cached += outcome.result === undefined ? 0 : 1;
    return outcome;
  }
  const { outcome, toCache } = transformText(url, result, original, file, jsFormat, detected, mapsOn, ctx);
  if (key !== undefined && toCache !== undefined) ctx.cache!.set(key, toCache, file);
  return outcome;
}

/** A transform done here: what to hand Node, and what to keep (undefined: it read files beside the module, or warned). */
function transformText(
  url: string,
  result: LoadResult,
  original: string,
  file: string,
  jsFormat: 'module' | 'commonjs',
  detected: boolean,
  mapsOn: boolean,
  ctx: TransformContext,
): { outcome: FileOutcome; toCache?: CachedOutcome } {
  const format = result.format ?? '';
  const parser = ctx.parser(); // first: an `oxc` that cannot load warns before the file's own warnings
  const { instrument, InstrumentSyntaxError } = loadTransform();
  const isTypeScript = format.endsWith('typescript');
  const source = isTypeScript ? stripTypes(original) : original;
  const input = isTypeScript ? undefined : readInputMap(source, url, mapsOn, ctx.warn);
  const cacheable = input === undefined || (input !== null && input.selfContained);
  const transform = (goal: 'module' | 'commonjs') =>
    instrument(source, {
      filename: file,
      format: goal,
      sites: ctx.runtime.internals,
      maxTextLength: ctx.options.maxTextLength,
      omitText: ctx.options.omitText,
      sourceMap: mapsOn && input !== null,
      inputMap: input?.map,
      inputMapBase: url,
      displaySource: isTypeScript ? original : undefined,
      sourceName: goal === 'module' ? url : file,
      parser,
    });
  let instrumented;
  let goal = jsFormat;
  try {
    try {
      instrumented = transform(goal);
    } catch (error) {
      if (!detected || !(error instanceof InstrumentSyntaxError)) throw error;
      try {
        instrumented = transform((goal = 'module'));
      } catch {
        throw error;
      }
    }
  } catch (error) {
    if (!(error instanceof InstrumentSyntaxError)) throw error;
    ctx.stats.failed++;
    ctx.warn(`${error.message}; loaded without instrumentation`);
    return { outcome: { functions: undefined }, toCache: cacheable ? { kind: 'rejected', message: error.message } : undefined };
  }
  if (instrumented === null) {
    ctx.stats.skipped++;
    return { outcome: { functions: 0, text: original }, toCache: cacheable ? { kind: 'untouched' } : undefined };
  }
  ctx.stats.instrumented++;
  const map = instrumented.map === undefined ? undefined : JSON.stringify(instrumented.map);
  const outcome = {
    result: loadResult(result, withMap(instrumented.code, map), goal, detected && !isTypeScript),
    functions: instrumented.functions,
    text: original,
  };
  if (!cacheable) return { outcome };
  const { code, functions, suspensions, sites, ids, slots } = instrumented;
  return { outcome, toCache: { kind: 'instrumented', goal, functions, suspensions, code, ...(map === undefined ? {} : { map }), sites, ids, slots } };
}

/** A transform kept from an earlier run: its sites registered here, its code moved to their ids. */
function fromCache(cached: CachedOutcome, result: LoadResult, original: string, keepFormat: boolean, mapsOn: boolean, ctx: TransformContext): FileOutcome {
  if (cached.kind === 'rejected') {
    ctx.stats.failed++;
    ctx.warn(`${cached.message}; loaded without instrumentation`);
    return { functions: undefined };
  }
  if (cached.kind === 'untouched') {
    ctx.stats.skipped++;
    return { functions: 0, text: original };
  }
  const ids = registerSites(cached.sites, ctx.runtime.internals);
  const { code, map } = relocateIds(cached.code, mapsOn ? cached.map : undefined, cached.slots, cached.ids, ids);
  ctx.stats.instrumented++;
  return { result: loadResult(result, withMap(code, map), cached.goal, keepFormat), functions: cached.functions, text: original };
}

function withMap(code: string, map: string | undefined): string {
  return map === undefined ? code : `${code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(map).toString('base64')}\n`;
}

/**
 * What Node gets: a `.js` file without a format keeps none, so that Node.js detects it from the
 * output as from the input; TypeScript, now stripped, is JavaScript of the goal that parsed.
 */
function loadResult(result: LoadResult, code: string, goal: 'module' | 'commonjs', keepFormat: boolean): LoadResult {
  return keepFormat ? { ...result, source: code } : { ...result, format: goal, source: code };
}

const utf8 = new TextDecoder();

/**
 * Bytes decoded as Node.js decodes them, without a byte-order mark: returned as a string, the
 * text is compiled as it is, and a mark kept in it would move line 1's columns and turn a
 * hashbang behind it into a syntax error. (A string Node gets with a mark, it compiles with it.)
 */
function decodeSource(source: ArrayBuffer | ArrayBufferView): string {
  return utf8.decode(source as Uint8Array);
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return n >= 10 * 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}

/**
 * The parser a choice comes to here, decided when the first file is transformed. `oxc` asked for
 * where its native binary cannot load is one warning and acorn, as for any setting that cannot be
 * honoured: nothing of awaitwhat stops the program. (Tests that must prove the native path call the transform directly.)
 */
function availableParser(choice: ParserChoice, warn: (message: string) => void): ParserName {
  const { resolveParser, ParserUnavailableError } = loadTransform();
  try {
    return resolveParser(choice);
  } catch (error) {
    if (!(error instanceof ParserUnavailableError)) throw error;
    warn(`${error.message}; using acorn`);
    return 'acorn';
  }
}
