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
import { readFileSync } from 'node:fs';
import { DEFAULT_MAX_FILE_BYTES } from '../transform/constants.ts';
import { instrument, InstrumentSyntaxError, mayNeedInstrumenting } from '../transform/instrument.ts';
import { parseMap, toDataUrlComment, type RawSourceMap } from '../transform/sourcemap.ts';
import { stripTypes, TYPESCRIPT_FORMATS } from '../transform/typescript.ts';
import { installRuntime, type Runtime } from '../runtime/runtime.ts';
import { checkNodeVersion } from './node-version.ts';
import { hasCompiledAsync, PackageTally, type FileContents } from './package-tally.ts';
import { validHookOptions } from './env.ts';
import { Scope, type ScopeOptions } from './scope.ts';
import { SiteTableFullError } from '../runtime/sites.ts';

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
}

export interface HooksHandle {
  /** Modules instrumented so far. */
  readonly stats: { instrumented: number; skipped: number; failed: number };
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
  if (existing !== undefined) return existing;
  checkNodeVersion();
  // A bad option never stops the program: one warning each, and its default (see hooks/env.ts).
  const options = validHookOptions(requested, defaultWarning);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const scope = new Scope(options, options.cwd ?? process.cwd(), OWN_ROOT);
  const runtime = installRuntime();
  if (options.maxFrames !== undefined) runtime.internals.limits.maxFrames = options.maxFrames;
  const warn = options.onWarning ?? defaultWarning;
  const stats = { instrumented: 0, skipped: 0, failed: 0 };
  const packages = new PackageTally(warn);

  let full = false;
  const load: LoadHook = (url, context, nextLoad) => {
    const result = nextLoad(url, context);
    if (full) return result;
    try {
      const transformed = transformLoaded(url, result, { runtime, scope, warn, maxFileBytes, options, stats, packages });
      return transformed ?? result;
    } catch (error) {
      stats.failed++;
      if (error instanceof SiteTableFullError) {
        full = true;
        warn(`${error.message}: ${describeUrl(url)} and the files loaded after it are not instrumented`);
      } else warn(`${describeUrl(url)}: instrumentation failed (${(error as Error)?.message ?? String(error)}); loaded without it`);
      return result;
    }
  };

  const registered = (module as unknown as { registerHooks: RegisterHooks }).registerHooks({ load });
  const handle: HooksHandle = {
    stats,
    uninstall() {
      registered.deregister();
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
  const isTypeScript = format.endsWith('typescript');
  const source = isTypeScript ? stripTypes(original) : original;
  const inputMap = isTypeScript ? undefined : readInputMap(source, url, ctx.warn);
  const transform = (goal: 'module' | 'commonjs') =>
    instrument(source, {
      filename: file,
      format: goal,
      sites: ctx.runtime.internals,
      maxTextLength: ctx.options.maxTextLength,
      omitText: ctx.options.omitText,
      sourceMap: inputMap === undefined && wantsSourceMap(),
      inputMap: inputMap ?? undefined,
      inputMapBase: url,
      displaySource: isTypeScript ? original : undefined,
      sourceName: goal === 'module' ? url : file,
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
    return { functions: undefined };
  }
  if (instrumented === null) {
    ctx.stats.skipped++;
    return { functions: 0, text: original };
  }
  ctx.stats.instrumented++;
  const code = instrumented.map === undefined ? instrumented.code : `${instrumented.code}\n${toDataUrlComment(instrumented.map)}\n`;
  // A `.js` file without a format keeps none, so that Node.js detects it from the output as from
  // the input; TypeScript, now stripped, is JavaScript of the goal that parsed.
  if (detected && !isTypeScript) return { result: { ...result, source: code }, functions: instrumented.functions, text: original };
  return { result: { ...result, format: goal, source: code }, functions: instrumented.functions, text: original };
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

/** Node reads source maps only when they are enabled (`--enable-source-maps`) or for coverage. */
function wantsSourceMap(): boolean {
  return process.sourceMapsEnabled === true || process.env.NODE_V8_COVERAGE !== undefined;
}

const MAP_COMMENT = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/;

/** The map a previous tool attached (inline data URL or a file next to the module), or undefined; null if unreadable. */
function readInputMap(source: string, url: string, warn: (message: string) => void): RawSourceMap | null | undefined {
  const tail = source.slice(Math.max(0, source.lastIndexOf('\n', source.length - 2)));
  const match = MAP_COMMENT.exec(tail) ?? MAP_COMMENT.exec(source.slice(-4096));
  if (match === null) return undefined;
  const ref = match[1]!;
  try {
    if (ref.startsWith('data:')) {
      const comma = ref.indexOf(',');
      const meta = ref.slice(5, comma);
      const payload = ref.slice(comma + 1);
      const json = meta.endsWith(';base64') ? Buffer.from(payload, 'base64').toString('utf8') : decodeURIComponent(payload);
      return parseMap(json, `${describeUrl(url)} (inline source map)`);
    }
    const mapUrl = new URL(ref, url);
    if (mapUrl.protocol !== 'file:') return undefined;
    return parseMap(readFileSync(mapUrl, 'utf8'), fileURLToPath(mapUrl));
  } catch (error) {
    warn(`${describeUrl(url)}: its source map could not be read (${(error as Error).message}); stack traces will show instrumented columns`);
    return null;
  }
}

function describeUrl(url: string): string {
  if (!url.startsWith('file:')) return url;
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return n >= 10 * 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}
