/**
 * Glob patterns for include/exclude: `*` (within a path segment), `**` (any number of segments),
 * `?`, `{a,b}`, `[abc]`. A pattern without `/` matches a file or directory name anywhere
 * (`*.test.ts`, `fixtures`); patterns are matched against paths relative to the working
 * directory, or against absolute paths when they start with `/`.
 */

export class GlobSyntaxError extends TypeError {
  constructor(pattern: string, reason: string) {
    super(`invalid glob ${JSON.stringify(pattern)}: ${reason}`);
    this.name = 'GlobSyntaxError';
  }
}

export function compileGlob(pattern: string): RegExp {
  if (typeof pattern !== 'string' || pattern.length === 0) throw new GlobSyntaxError(String(pattern), 'expected a non-empty string');
  const normalized = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
  const anchored = normalized.includes('/') && !normalized.endsWith('/') ? normalized : `**/${normalized.replace(/\/$/, '')}`;
  let re = '';
  let braces = 0;
  for (let i = 0; i < anchored.length; i++) {
    const c = anchored[i]!;
    if (c === '*') {
      if (anchored[i + 1] === '*') {
        const slashAfter = anchored[i + 2] === '/';
        re += slashAfter ? '(?:[^/]*/)*' : '.*';
        i += slashAfter ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else if (c === '[') {
      const close = anchored.indexOf(']', i + 1);
      if (close === -1) throw new GlobSyntaxError(pattern, `unclosed "[" at ${i}`);
      const body = anchored.slice(i + 1, close).replace(/\\/g, '\\\\');
      re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = close;
    } else re += /[.+^$()|\\]/.test(c) ? `\\${c}` : c;
  }
  if (braces > 0) throw new GlobSyntaxError(pattern, 'unclosed "{"');
  // A directory pattern also matches everything below it.
  return new RegExp(`^${re}(?:/.*)?$`);
}

export function matchesAny(path: string, globs: readonly RegExp[]): boolean {
  for (const g of globs) if (g.test(path)) return true;
  return false;
}
