/**
 * Settings: one rule for every setting of awaitwhat, whatever its source — an `AWAITWHAT_*` or
 * `OTEL_*` environment variable, an option passed to `installHooks()` or `AwaitInstrumentation`.
 *
 * - A setting that is unset, or set to blank text, takes its default, silently.
 * - A bad value never stops the program: it gives one warning that names the setting, shows the
 *   value and says what was expected, and the setting takes its fallback — the environment
 *   variable behind an option when that one is good, else the default. The warning says which.
 * - An option wins over its environment variable (which is then not read at all).
 * - Text is read as OpenTelemetry's SDK reads its own variables (`getNumberFromEnv` and friends in
 *   `@opentelemetry/core`): blank is unset; a number is `Number(text)`, so surrounding spaces,
 *   `1e3` and `0x10` are fine; lists split on commas, entries trimmed, empty entries dropped.
 *
 * The checks (`Expect`) are small values; `setting()` applies the rule. Every setting of awaitwhat
 * goes through `setting()`: the hooks' below, AwaitInstrumentation's in `otel/config.ts`, and the
 * OTEL_* variables `awaitwhat/register` reads in `otel/sdk-settings.ts`.
 */

// Not `import … from 'node:util'`: the ES module face of node:util opens process.stderr when it
// loads, which shows in the program's process.getActiveResourcesInfo() when stderr is a pipe.
const { types } = process.getBuiltinModule('node:util');
import { limits } from '../runtime/frame.ts';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TEXT_LENGTH } from '../transform/constants.ts';
import { compileGlob } from './glob.ts';
import { flagFromText } from './flag-text.ts';
import { PARSER_CHOICES, type ParserChoice } from '../transform/parser-choice.ts';
import { DEFAULT_CACHE_MAX_BYTES } from './transform-cache.ts';
import type { HookOptions } from './install.ts';

/** Where warnings about settings go. */
export type Warn = (message: string) => void;

/** What a setting accepts, from an environment variable's text or from an option's value. */
export interface Expect<T> {
  /** What a good value looks like, for warnings: `an integer >= 1`. */
  readonly expected: string;
  /** The same for an option, when it reads differently (`an array of globs` for `comma-separated globs`). */
  readonly expectedOption?: string;
  /** The value the (non-blank) text stands for, or undefined when it is not valid. */
  fromText(text: string): T | undefined;
  /** The option's value when it is valid, or undefined. */
  fromValue(value: unknown): T | undefined;
}

/** The longest timer delay Node.js accepts; a longer one fires after 1 ms, with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A number in [min, max] (`exclusiveMin`: above min); an integer when `integer`. */
export function numberIn(min: number, max: number, { integer = false, exclusiveMin = false } = {}): Expect<number> {
  const what = integer ? 'an integer' : 'a number';
  const lower = `${exclusiveMin ? '>' : '>='} ${min}`;
  const expected = max === Number.MAX_SAFE_INTEGER ? `${what} ${lower}` : `${what} ${lower} and <= ${max}`;
  const check = (n: number): number | undefined =>
    Number.isFinite(n) && (exclusiveMin ? n > min : n >= min) && n <= max && (!integer || Number.isInteger(n)) ? n : undefined;
  return {
    expected,
    fromText: (text) => check(Number(text)),
    fromValue: (value) => (typeof value === 'number' ? check(value) : undefined),
  };
}

/** An integer >= min (sizes, counts). */
export function integerAtLeast(min: number): Expect<number> {
  return numberIn(min, Number.MAX_SAFE_INTEGER, { integer: true });
}

/** awaitwhat's switches: `1`, `0`, `true`, `false` in any case; an option must be a boolean. */
export const FLAG: Expect<boolean> = {
  expected: '1, 0, true or false',
  expectedOption: 'true or false',
  fromText: flagFromText,
  fromValue: (value) => (typeof value === 'boolean' ? value : undefined),
};

/** A list: comma-separated text, or an array of strings; every entry must pass `entry`. */
export function listOf(what: string, entry: (s: string) => boolean): Expect<string[]> {
  return {
    expected: `comma-separated ${what}`,
    expectedOption: `an array of ${what}`,
    fromText(text) {
      const entries = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
      return entries.every(entry) ? entries : undefined;
    },
    fromValue(value) {
      const entries = arrayEntries(value);
      return entries !== undefined && entries.every((s) => typeof s === 'string' && entry(s)) ? (entries as string[]) : undefined;
    },
  };
}

/** One of a fixed set of names, compared as the SDK compares them (exactly). */
export function oneOf<T extends string>(names: readonly T[]): Expect<T> {
  const is = (s: unknown): s is T => typeof s === 'string' && (names as readonly string[]).includes(s);
  return { expected: `one of ${names.join(', ')}`, fromText: (text) => (is(text) ? text : undefined), fromValue: (value) => (is(value) ? value : undefined) };
}

/** An option that must be a function (callbacks); never read from the environment. */
export function functionOf<T extends (...args: never[]) => unknown>(): Expect<T> {
  return { expected: 'a function', fromText: () => undefined, fromValue: (value) => (typeof value === 'function' ? (value as T) : undefined) };
}

/** A non-empty string option (a directory). */
const NON_EMPTY_STRING: Expect<string> = {
  expected: 'a non-empty string',
  fromText: (text) => text,
  fromValue: (value) => (typeof value === 'string' && value !== '' ? value : undefined),
};

interface SettingSpec<T> {
  /** The option, as given in code: `AwaitInstrumentation option pendingThresholdMs` and its value. */
  option?: { label: string; value: unknown };
  /** The environment variable read when the option is not given (or not valid). */
  variable?: { name: string; env: NodeJS.ProcessEnv };
  expect: Expect<T>;
  fallback: T;
  /** How warnings name the fallback when its value says too little (`all files outside node_modules`). */
  fallbackText?: string;
}

/** The setting's value by the rule above; at most one warning per bad source. */
export function setting<T>(spec: SettingSpec<T>, warn: Warn): T {
  const { option, variable, expect, fallback } = spec;
  const optionGiven = option !== undefined && option.value !== undefined;
  if (optionGiven) {
    const value = expect.fromValue(option.value);
    if (value !== undefined) return value;
  }
  const text = variable === undefined ? undefined : variable.env[variable.name];
  const textGiven = text !== undefined && text.trim() !== '';
  const fromVariable = textGiven ? expect.fromText(text) : undefined;
  const fallbackShown = `the default, ${spec.fallbackText ?? show(fallback)}`;
  if (optionGiven) {
    const instead = fromVariable !== undefined ? `${variable!.name}=${JSON.stringify(text)}` : fallbackShown;
    warn(`${option.label}=${show(option.value)} is not valid (expected ${expect.expectedOption ?? expect.expected}); using ${instead}`);
  }
  if (textGiven && fromVariable === undefined) warn(`${variable!.name}=${JSON.stringify(text)} is not valid (expected ${expect.expected}); using ${fallbackShown}`);
  return fromVariable ?? fallback;
}

/**
 * A value as a warning shows it. Never calls the value's own code (no toString, no inspect, no
 * getters beyond array indices): options come from the program, and a warning must not run it.
 */
export function show(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
  }
  if (value === null) return 'null';
  const entries = arrayEntries(value);
  if (entries === undefined) return types.isProxy(value) ? 'a proxy' : 'an object';
  return entries.every((e) => e === null || (typeof e !== 'object' && typeof e !== 'function')) ? `[${entries.map(show).join(', ')}]` : 'an array';
}

/** A plain array's entries, read by index; undefined for anything else, a Proxy included (reading it would run its traps). */
function arrayEntries(value: unknown): unknown[] | undefined {
  if (!Array.isArray(value) || types.isProxy(value)) return undefined;
  const entries: unknown[] = [];
  for (let i = 0; i < value.length; i++) entries.push(value[i]);
  return entries;
}

// ——— The settings of the load hooks (`awaitwhat/hooks`, `installHooks()`) ———

const validGlob = (pattern: string): boolean => {
  try {
    compileGlob(pattern);
    return true;
  } catch {
    return false; // the answer sought: this pattern does not compile
  }
};

/** `fastify`, `@scope/name`: the package names `Scope` accepts (src/hooks/scope.ts). */
export const validPackageName = (name: string): boolean => /^(@[^/\s]+\/)?[^/@\s][^/\s]*$/.test(name);

export const GLOBS = listOf('globs', validGlob);
export const PACKAGE_NAMES = listOf('package names', validPackageName);

/** The hooks' scope settings, whose defaults a list cannot show. */
export const SCOPE_DEFAULTS = {
  include: 'all files outside node_modules',
  exclude: 'none',
  packages: 'none',
} as const;

function stderrWarning(message: string): void {
  try {
    process.stderr.write(`awaitwhat: ${message}\n`);
  } catch {
    // A closed stderr has nowhere to take the warning; the setting still falls back.
  }
}

/** Hook options from AWAITWHAT_* variables; a malformed one is a warning, and its default is used. */
export function hookOptionsFromEnv(env: NodeJS.ProcessEnv, warn: Warn = stderrWarning): HookOptions {
  const options: HookOptions = {};
  const read = <T>(name: string, expect: Expect<T>, fallback: T, fallbackText?: string): T =>
    setting({ variable: { name, env }, expect, fallback, fallbackText }, warn);
  const include = read<string[] | undefined>('AWAITWHAT_INCLUDE', GLOBS, undefined, SCOPE_DEFAULTS.include);
  const exclude = read<string[] | undefined>('AWAITWHAT_EXCLUDE', GLOBS, undefined, SCOPE_DEFAULTS.exclude);
  const packages = read<string[] | undefined>('AWAITWHAT_PACKAGES', PACKAGE_NAMES, undefined, SCOPE_DEFAULTS.packages);
  if (include !== undefined) options.include = include;
  if (exclude !== undefined) options.exclude = exclude;
  if (packages !== undefined) options.packages = packages;
  const maxFileBytes = read<number | undefined>('AWAITWHAT_MAX_FILE_BYTES', integerAtLeast(1), undefined, String(DEFAULT_MAX_FILE_BYTES));
  const maxFrames = read<number | undefined>('AWAITWHAT_MAX_FRAMES', integerAtLeast(1), undefined, String(limits.maxFrames));
  const omitText = read<boolean | undefined>('AWAITWHAT_OMIT_TEXT', FLAG, undefined, 'false');
  if (maxFileBytes !== undefined) options.maxFileBytes = maxFileBytes;
  if (maxFrames !== undefined) options.maxFrames = maxFrames;
  if (omitText !== undefined) options.omitText = omitText;
  return options;
}

/**
 * `installHooks()` options with every bad one replaced by its default, one warning each (through
 * `onWarning` when that is a function, else through `fallbackWarn`).
 */
export function validHookOptions(options: HookOptions, fallbackWarn: Warn): HookOptions & { onWarning: Warn } {
  const given = (options ?? {}) as Record<string, unknown>;
  const option = (name: string) => ({ label: `installHooks option ${name}`, value: given[name] });
  // The warning channel first: a bad onWarning is itself reported on the fallback channel.
  const onWarning = setting<Warn>({ option: option('onWarning'), expect: functionOf<Warn>(), fallback: fallbackWarn, fallbackText: 'a line on stderr' }, fallbackWarn);
  const warn: Warn = (message) => onWarning(message);
  const pick = <T>(name: string, expect: Expect<T>, fallback: T, fallbackText?: string): T => setting({ option: option(name), expect, fallback, fallbackText }, warn);
  const valid: HookOptions & { onWarning: Warn } = {
    onWarning,
    maxFileBytes: pick('maxFileBytes', integerAtLeast(1), DEFAULT_MAX_FILE_BYTES),
    maxTextLength: pick('maxTextLength', integerAtLeast(1), DEFAULT_MAX_TEXT_LENGTH),
    omitText: pick('omitText', FLAG, false),
  };
  const include = pick<string[] | undefined>('include', GLOBS, undefined, SCOPE_DEFAULTS.include);
  const exclude = pick<string[] | undefined>('exclude', GLOBS, undefined, SCOPE_DEFAULTS.exclude);
  const packages = pick<string[] | undefined>('packages', PACKAGE_NAMES, undefined, SCOPE_DEFAULTS.packages);
  const cwd = pick<string | undefined>('cwd', NON_EMPTY_STRING, undefined, 'the working directory');
  const maxFrames = pick<number | undefined>('maxFrames', integerAtLeast(1), undefined, String(limits.maxFrames));
  // Loading settings: the option, else its variable, so that the command and AwaitInstrumentation
  // (which pass options) honour AWAITWHAT_CACHE, AWAITWHAT_CACHE_DIR and AWAITWHAT_PARSER too.
  const withVariable = <T>(name: string, variable: string, expect: Expect<T>, fallback: T, fallbackText?: string): T =>
    setting({ option: option(name), variable: { name: variable, env: process.env }, expect, fallback, fallbackText }, warn);
  valid.cache = withVariable('cache', 'AWAITWHAT_CACHE', FLAG, true);
  const cacheDir = withVariable<string | undefined>('cacheDir', 'AWAITWHAT_CACHE_DIR', NON_EMPTY_STRING, undefined, 'node_modules/.cache/awaitwhat, else the user cache directory');
  if (cacheDir !== undefined) valid.cacheDir = cacheDir;
  valid.cacheMaxBytes = pick('cacheMaxBytes', integerAtLeast(1), DEFAULT_CACHE_MAX_BYTES);
  valid.parser = withVariable<ParserChoice>('parser', 'AWAITWHAT_PARSER', oneOf(PARSER_CHOICES), 'auto');
  if (include !== undefined) valid.include = include;
  if (exclude !== undefined) valid.exclude = exclude;
  if (packages !== undefined) valid.packages = packages;
  if (cwd !== undefined) valid.cwd = cwd;
  if (maxFrames !== undefined) valid.maxFrames = maxFrames;
  return valid;
}
