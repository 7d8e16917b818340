/**
 * TypeScript as Node runs it: a load hook sees the typed text, and Node strips types only after
 * the hooks. `stripTypeScriptTypes` blanks annotations with spaces of the same length, so every
 * offset stays put and the stripped text can be instrumented as JavaScript.
 */

import module from 'node:module';

type Strip = (code: string, options?: { mode?: 'strip' | 'transform' }) => string;

const strip = (module as unknown as { stripTypeScriptTypes?: Strip }).stripTypeScriptTypes;

/** Whether this Node.js can strip types (attach reads TypeScript targets' files with it). */
export function canStripTypes(): boolean {
  return typeof strip === 'function';
}

/**
 * Strips types without the ExperimentalWarning Node prints on the first call: the program never
 * called it, so its stderr must not change. Only that warning is held back, only during the call.
 */
export function stripTypes(source: string): string {
  if (strip === undefined) throw new Error('module.stripTypeScriptTypes is not available in this Node.js version');
  const emitWarning = process.emitWarning;
  process.emitWarning = function filtered(this: unknown, warning: string | Error, ...rest: unknown[]): void {
    const text = typeof warning === 'string' ? warning : warning?.message;
    if (typeof text === 'string' && text.includes('stripTypeScriptTypes')) return;
    return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return strip(source, { mode: 'strip' });
  } finally {
    process.emitWarning = emitWarning;
  }
}

export const TYPESCRIPT_FORMATS: Readonly<Record<string, 'module' | 'commonjs'>> = {
  'module-typescript': 'module',
  'commonjs-typescript': 'commonjs',
};
