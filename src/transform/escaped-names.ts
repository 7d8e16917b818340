/**
 * Names written with Unicode escapes (`\u005f_awf` is `__awf`), read from the text: the injected
 * frame variable must differ from every name the code can mention. Any run of identifier
 * characters holding an escape counts, inside a string or a comment too; counting a few too many
 * only makes the transform pick another variable name, and needs no walk over the tree.
 */

const ESCAPE = /\\u(?:([0-9a-fA-F]{4})|\{([0-9a-fA-F]+)\})/y;
const WORD = /[\p{ID_Continue}$\u200c\u200d]/u;

// An escape of one of the characters of `__awf`: without any, no escaped name can be the variable's.
const FRAME_CHARACTER_ESCAPE = /\\u(?:00(?:5[fF]|6[16]|77)|\{0*(?:5[fF]|6[16]|77)\})/;

/**
 * The decoded runs, or undefined when no escaped name can spell the frame variable (`__awf…`): the
 * common case, decided by one search.
 */
export function escapedIdentifierNames(source: string): Set<string> | undefined {
  let at = source.indexOf('\\u');
  if (at === -1 || !FRAME_CHARACTER_ESCAPE.test(source)) return undefined;
  const names = new Set<string>();
  while (at !== -1) {
    let start = at;
    while (start > 0 && isWordChar(source, start - 1)) start--;
    let end = at;
    let decoded = source.slice(start, at);
    for (;;) {
      ESCAPE.lastIndex = end;
      const escape = ESCAPE.exec(source);
      if (escape !== null) {
        const code = parseInt(escape[1] ?? escape[2]!, 16);
        decoded += code <= 0x10ffff ? String.fromCodePoint(code) : '';
        end = ESCAPE.lastIndex;
      } else if (end < source.length && isWordChar(source, end)) {
        decoded += source[end];
        end++;
      } else break;
    }
    names.add(decoded);
    at = source.indexOf('\\u', Math.max(end, at + 2));
  }
  return names;
}

function isWordChar(source: string, i: number): boolean {
  const c = source.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
  return WORD.test(source[i]!);
}
