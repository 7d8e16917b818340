/**
 * One file's transform as stored on disk: what the load hook needs to hand Node the same text
 * again and to register the same sites, without parsing.
 *
 * Layout: "AWTC", then three little-endian u32 (header bytes, body bytes, CRC-32 of header and
 * body), then the header (JSON) and the body (the code, then the map's JSON, UTF-8). A truncated
 * or damaged entry fails the length or checksum test and is ignored.
 */

import { crc32 } from 'node:zlib';
import type { SiteRecord } from '../runtime/sites.ts';

const MAGIC = 0x43545741; // "AWTC" read as a little-endian u32
const PREAMBLE = 16;

/** What a file's transform came to. */
export type CachedOutcome =
  | { kind: 'untouched' }
  | { kind: 'rejected'; message: string }
  | {
      kind: 'instrumented';
      /** The goal Node.js is told (detected files that parsed only as modules). */
      goal: 'module' | 'commonjs';
      functions: number;
      suspensions: number;
      /** The code, with the ids of the process that wrote it. */
      code: string;
      /** The map's JSON, when the code was made with one (Node.js reads maps). */
      map?: string;
      /** The file's sites in order, `fn` an index into them; a site without `file` is in the module's own file. */
      sites: SiteRecord[];
      ids: number[];
      /** Offset of each id in `code` and the index of its site, in pairs. */
      slots: number[];
    };

const KINDS: readonly SiteRecord['kind'][] = ['function', 'generator', 'module', 'await', 'for-await', 'yield', 'yield*', 'await-using', 'return', 'combinator', 'promise'];
const COMBINATOR_KINDS: readonly NonNullable<SiteRecord['combinator']>[] = ['all', 'allSettled', 'race', 'any'];
/** Integers per site: kind, line, column, fn (-1: none), combinator (-1: none). */
const SITE_INTS = 5;

/**
 * The header is JSON of strings only (each site's name and text, and the rare extras): the numbers
 * (site fields, ids, slots) follow it as 32-bit integers. Parsing objects of numbers as JSON was
 * most of a warm start's cost.
 */
interface Header {
  key: string;
  kind: CachedOutcome['kind'];
  message?: string;
  goal?: 'module' | 'commonjs';
  functions?: number;
  suspensions?: number;
  codeLength?: number;
  hasMap?: boolean;
  sites?: number;
  slots?: number;
  /** name and text of each site, in turn. */
  strings?: string[];
  /** By site index: a file other than the module's, a combinator's member texts, the `new Promise(…)` an await or return names. */
  extra?: Record<number, { file?: string; members?: string[]; created?: number; discardable?: true }>;
}

export function encodeEntry(key: string, outcome: CachedOutcome, file: string): Buffer {
  const header: Header = { key, kind: outcome.kind };
  let ints = new Int32Array(0);
  let body = '';
  if (outcome.kind === 'rejected') header.message = outcome.message;
  if (outcome.kind === 'instrumented') {
    const { sites, ids, slots } = outcome;
    Object.assign(header, { goal: outcome.goal, functions: outcome.functions, suspensions: outcome.suspensions, codeLength: outcome.code.length, hasMap: outcome.map !== undefined });
    header.sites = sites.length;
    header.slots = slots.length;
    header.strings = [];
    header.extra = {};
    ints = new Int32Array(sites.length * (SITE_INTS + 1) + slots.length);
    sites.forEach((site, i) => {
      ints.set([KINDS.indexOf(site.kind), site.line, site.column, site.fn ?? -1, site.combinator === undefined ? -1 : COMBINATOR_KINDS.indexOf(site.combinator)], i * SITE_INTS);
      header.strings!.push(site.name, site.text);
      if (site.file !== file || site.members !== undefined || site.created !== undefined || site.discardable === true) {
        header.extra![i] = {
          ...(site.file !== file ? { file: site.file } : {}),
          ...(site.members !== undefined ? { members: site.members } : {}),
          ...(site.created !== undefined ? { created: site.created } : {}),
          ...(site.discardable === true ? { discardable: true as const } : {}),
        };
      }
    });
    ints.set(ids, sites.length * SITE_INTS);
    ints.set(slots, sites.length * (SITE_INTS + 1));
    body = outcome.code + (outcome.map ?? '');
  }
  let head = JSON.stringify(header);
  head += ' '.repeat((4 - (Buffer.byteLength(head) % 4)) % 4);
  const headBytes = Buffer.from(head);
  const tail = Buffer.from(body);
  const out = Buffer.alloc(PREAMBLE + headBytes.length + ints.byteLength + tail.length);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(headBytes.length, 4);
  out.writeUInt32LE(ints.byteLength + tail.length, 8);
  headBytes.copy(out, PREAMBLE);
  Buffer.from(ints.buffer, ints.byteOffset, ints.byteLength).copy(out, PREAMBLE + headBytes.length);
  tail.copy(out, PREAMBLE + headBytes.length + ints.byteLength);
  out.writeUInt32LE(crc32(out.subarray(PREAMBLE)), 12);
  return out;
}

/** The outcome stored under `key`, or undefined when the bytes are not a whole, intact entry for it. */
export function decodeEntry(bytes: Buffer, key: string, file: string): CachedOutcome | undefined {
  if (bytes.length < PREAMBLE || bytes.readUInt32LE(0) !== MAGIC) return undefined;
  const headLength = bytes.readUInt32LE(4);
  const restLength = bytes.readUInt32LE(8);
  if (bytes.length !== PREAMBLE + headLength + restLength) return undefined;
  if (crc32(bytes.subarray(PREAMBLE)) !== bytes.readUInt32LE(12)) return undefined;
  let header: Header;
  try {
    header = JSON.parse(bytes.toString('utf8', PREAMBLE, PREAMBLE + headLength)) as Header;
  } catch {
    // Harmless: a damaged entry is a miss, like any other check above; the file is instrumented anew.
    return undefined;
  }
  if (header.key !== key) return undefined;
  if (header.kind === 'untouched') return { kind: 'untouched' };
  if (header.kind === 'rejected') return { kind: 'rejected', message: header.message ?? '' };
  const count = header.sites!;
  const intCount = count * (SITE_INTS + 1) + header.slots!;
  const at = PREAMBLE + headLength;
  const ints = (bytes.byteOffset + at) % 4 === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset + at, intCount) : new Int32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + intCount * 4));
  const strings = header.strings!;
  const sites: SiteRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const o = i * SITE_INTS;
    const site: SiteRecord = { kind: KINDS[ints[o]!]!, file, line: ints[o + 1]!, column: ints[o + 2]!, name: strings[2 * i]!, text: strings[2 * i + 1]! };
    if (ints[o + 3]! !== -1) site.fn = ints[o + 3]!;
    if (ints[o + 4]! !== -1) site.combinator = COMBINATOR_KINDS[ints[o + 4]!]!;
    const extra = header.extra?.[i];
    if (extra?.file !== undefined) site.file = extra.file;
    if (extra?.members !== undefined) site.members = extra.members;
    if (extra?.created !== undefined) site.created = extra.created;
    if (extra?.discardable === true) site.discardable = true;
    sites[i] = site;
  }
  const ids = Array.from(ints.subarray(count * SITE_INTS, count * (SITE_INTS + 1)));
  const slots = Array.from(ints.subarray(count * (SITE_INTS + 1)));
  const body = bytes.toString('utf8', at + intCount * 4);
  const code = body.slice(0, header.codeLength);
  return {
    kind: 'instrumented',
    goal: header.goal!,
    functions: header.functions!,
    suspensions: header.suspensions!,
    code,
    ...(header.hasMap === true ? { map: body.slice(header.codeLength) } : {}),
    sites,
    ids,
    slots,
  };
}
