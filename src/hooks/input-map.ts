/**
 * The source map a previous tool attached to a module, and when it is worth reading.
 *
 * Reading, composing and inlining maps was about a third of the load time awaitwhat added, mostly
 * for maps nobody would read. So:
 * - an inline map (a data URL: tsx, an in-process loader) is always read: the text it describes
 *   exists nowhere the user can open, and reports name the user's file, line, text and names
 *   through it;
 * - a map file beside the module (a package's `index.js.map`) is read only when Node.js reads
 *   maps (`--enable-source-maps`, as the command sets, or coverage): otherwise the `.js` file is
 *   real, and reports name it at the same lines as Node's own stack traces do;
 * - the result gets a map of its own only when Node.js reads maps.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMap, type RawSourceMap } from '../transform/sourcemap.ts';

const MAP_COMMENT = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/;

/** Node reads source maps only when they are enabled (`--enable-source-maps`) or for coverage. */
export function nodeReadsSourceMaps(): boolean {
  return process.sourceMapsEnabled === true || process.env.NODE_V8_COVERAGE !== undefined;
}

interface InputMap {
  map: RawSourceMap;
  /** Whether everything the map describes is inside the module's own text (inline, with every source's content). */
  selfContained: boolean;
}

/**
 * The input's map, or undefined (none, or a map file while `files` is false); null when it is
 * unreadable (after a warning naming it).
 */
export function readInputMap(source: string, url: string, files: boolean, warn: (message: string) => void): InputMap | null | undefined {
  const tail = source.slice(Math.max(0, source.lastIndexOf('\n', source.length - 2)));
  const match = MAP_COMMENT.exec(tail) ?? MAP_COMMENT.exec(source.slice(-4096));
  if (match === null) return undefined;
  const ref = match[1]!;
  const inline = ref.startsWith('data:');
  if (!inline && !files) return undefined;
  try {
    if (inline) {
      const comma = ref.indexOf(',');
      const meta = ref.slice(5, comma);
      const payload = ref.slice(comma + 1);
      const json = meta.endsWith(';base64') ? Buffer.from(payload, 'base64').toString('utf8') : decodeURIComponent(payload);
      const map = parseMap(json, `${describeUrl(url)} (inline source map)`);
      return { map, selfContained: map.sources.every((_, i) => typeof map.sourcesContent?.[i] === 'string') };
    }
    const mapUrl = new URL(ref, url);
    if (mapUrl.protocol !== 'file:') return undefined;
    return { map: parseMap(readFileSync(mapUrl, 'utf8'), fileURLToPath(mapUrl)), selfContained: false };
  } catch (error) {
    warn(`${describeUrl(url)}: its source map could not be read (${(error as Error).message}); stack traces will show instrumented columns`);
    return null;
  }
}

export function describeUrl(url: string): string {
  if (!url.startsWith('file:')) return url;
  try {
    return fileURLToPath(url);
  } catch {
    // Harmless: only names the file in a message, and the URL names it as well.
    return url;
  }
}
