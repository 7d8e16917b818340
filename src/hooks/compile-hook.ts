/**
 * CommonJS modules compiled by a transpiler's own require hook. tsx (and ts-node, esbuild-register,
 * …) load `.ts`/`.cts` files required as CommonJS by replacing `Module._extensions[ext]`: they read
 * the file themselves and hand their JavaScript straight to `module._compile`, so Node's module
 * hooks (`module.registerHooks`) never see it, and such a program would run uninstrumented. This
 * wraps `Module.prototype._compile` — the point every CommonJS module passes through, which these
 * tools wrap the same way — and instruments what reaches it without having passed the load hook.
 * Everything else goes to the original `_compile` untouched: the cost for a module is a map lookup.
 *
 * Only where such a hook is installed (`requireHookPresent`): the wrapper is one more frame in the
 * stack of every error thrown while a CommonJS module evaluates, a change a program without a
 * transpiler must not see (test/syntax.test.ts compares those stacks with plain node's).
 */

import module from 'node:module';
import { pathToFileURL } from 'node:url';
import { stringEndsWith, stringSlice, uncurryThis } from '../runtime/intrinsics.ts';

// Captured: the wrapper runs at every CommonJS load, also after a program replaced built-ins.
const apply = Reflect.apply;
const mapGet = uncurryThis(Map.prototype.get);
const mapSet = uncurryThis(Map.prototype.set);
const mapDelete = uncurryThis(Map.prototype.delete);

/** Characters of a text's end compared (an instrumented text ends with the marker or its source map). */
const TAIL = 64;

type Compile = (this: object, content: unknown, filename: unknown) => unknown;
interface CompileOwner {
  _compile: Compile;
}

/** Node's own handlers are these, and anonymous (assigned to computed keys); the `.js` one as found when awaitwhat loaded. */
const NODE_EXTENSIONS: ReadonlySet<string> = new Set(['.js', '.json', '.node']);
const nodeJsHandler = extensionHandlers()?.['.js'];

function extensionHandlers(): Record<string, unknown> | undefined {
  return (module as unknown as { _extensions?: Record<string, unknown> })._extensions;
}

/**
 * Whether a transpiler has taken over `require` for some extension: a handler Node.js does not
 * have, a named one (Node's are anonymous), or a `.js` handler replaced since awaitwhat loaded.
 */
export function requireHookPresent(): boolean {
  const handlers = extensionHandlers();
  if (handlers === undefined) return false;
  for (const key of Object.keys(handlers)) {
    const handler = handlers[key];
    if (!NODE_EXTENSIONS.has(key) || (typeof handler === 'function' && handler.name !== '')) return true;
  }
  return handlers['.js'] !== nodeJsHandler;
}

export interface CompileHook {
  /**
   * The text the load hook handed Node for a file: when that text reaches `_compile`, it passes
   * through. (A transpiler's require hook may instead read the file again and compile its own
   * output, which the load hook never saw: that is transformed here.)
   */
  handled(file: string, text: string): void;
  /** Restores the original `_compile`, when nothing has wrapped it after us. */
  uninstall(): void;
}

/**
 * Wraps `Module.prototype._compile`. `transform(url, text)` returns the text to compile instead, or
 * undefined to compile the original; it must not throw (the load hook's own error handling is used).
 */
export function installCompileHook(transform: (url: string, text: string) => string | undefined): CompileHook | undefined {
  const owner = (module as unknown as { prototype?: CompileOwner }).prototype;
  const original = owner?._compile;
  if (owner === undefined || typeof original !== 'function') return undefined;
  // Per file, the load hook's text, known by its length and its end (enough to tell it from a
  // transpiler's output of the same file, without keeping every module's text alive).
  const fromLoadHook = new Map<string, { length: number; tail: string }>();
  const wrapped: Compile = function (this: object, content, filename) {
    // Every argument passed on as given (Node adds a format); `arguments`, not a spread, which would call the array iterator.
    const args = arguments;
    if (typeof content === 'string' && typeof filename === 'string') {
      const known = mapGet(fromLoadHook, filename) as { length: number; tail: string } | undefined;
      mapDelete(fromLoadHook, filename);
      const passedLoadHook = known !== undefined && known.length === content.length && stringEndsWith(content, known.tail);
      if (!passedLoadHook) args[0] = transform(pathToFileURL(filename).href, content) ?? content;
    }
    return apply(original, this, args);
  };
  owner._compile = wrapped;
  return {
    handled(file, text) {
      mapSet(fromLoadHook, file, { length: text.length, tail: stringSlice(text, -TAIL) });
    },
    uninstall() {
      if (owner._compile === wrapped) owner._compile = original;
    },
  };
}
