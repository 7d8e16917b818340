/**
 * A 128-bit hash of text, computed in JavaScript: the transform cache's keys (transform-cache.ts).
 * Not `node:crypto`'s SHA-256, because loading `node:crypto` cost every process ~7 ms of CPU at
 * start (BENCHMARKS.md, "Loading with awaitwhat/hooks", "Without `node:crypto`"), more than hashing a start's
 * files does.
 *
 * MurmurHash3's x86 128-bit variant (Austin Appleby, public domain) over the text's UTF-8 bytes,
 * encoded natively (`TextEncoder.encodeInto`) a chunk at a time and read as 32-bit words (about as
 * fast as SHA-256 with the conversion it needs; reading code units with `charCodeAt` was 4× slower).
 * Text with lone surrogates, which UTF-8 cannot hold, is hashed as its JSON instead, after a
 * marker (such text never comes from a file, which Node.js decodes from UTF-8). Not cryptographic, and it need not be: a key names the transform of one
 * file's text under one set of options, and two different inputs share a key only by chance,
 * about n² / 2¹²⁹ for n entries (below 10⁻²⁵ for a million); someone able to make a collision on
 * purpose writes source files, which the program runs anyway. Every entry also stores its key,
 * and its length and checksum are checked (cache-entry.ts).
 *
 * Uses only operators and functions captured here: it runs in the load hook, after the program
 * may have replaced built-ins.
 */

import { stringSlice, uncurryThis } from '../runtime/intrinsics.ts';

const imul = Math.imul;
const stringCharCodeAt = uncurryThis(String.prototype.charCodeAt);
const isWellFormed = uncurryThis(String.prototype.isWellFormed);
const jsonStringify = JSON.stringify;
const encoder = new TextEncoder();
const encodeInto = uncurryThis(TextEncoder.prototype.encodeInto);
const Uint8ArrayConstructor = Uint8Array;
const Int32ArrayConstructor = Int32Array;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as Uint8Array;
const subarray = uncurryThis(TypedArrayPrototype.subarray) as (array: Uint8Array, begin: number, end?: number) => Uint8Array;

/** Code units encoded at a time; the scratch holds their UTF-8 (≤ 3 bytes each) after a tail of < 16 bytes. */
const CHUNK = 16_384;
const scratch = new Uint8ArrayConstructor(16 + 3 * CHUNK);
// Little-endian words on x64 and arm64, MurmurHash3's byte order (on a big-endian machine, a hash as
// good but different: a cache directory is the machine's own).
const words = new Int32ArrayConstructor(scratch.buffer);
/** Prefixes the JSON of text with lone surrogates: U+FFFF, a noncharacter no source text holds. */
const ILL_FORMED = '\uffff';

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;
const HEX = '0123456789abcdef';

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function hex(h: number): string {
  let out = '';
  for (let shift = 28; shift >= 0; shift -= 4) out += HEX[(h >>> shift) & 15];
  return out;
}

export class ContentHash {
  #h1: number;
  #h2: number;
  #h3: number;
  #h4: number;
  /** Bytes not yet mixed (fewer than a block of 16), and how many. */
  readonly #tail = new Uint8ArrayConstructor(16);
  #tailLength = 0;
  #length = 0;

  constructor(seed = 0) {
    this.#h1 = this.#h2 = this.#h3 = this.#h4 = seed | 0;
  }

  /** Adds `text`: the hash of several updates is that of their texts' concatenation. */
  update(text: string): this {
    if (!isWellFormed(text)) text = ILL_FORMED + jsonStringify(text);
    const n = text.length;
    for (let i = 0; i < n; ) {
      let end = i + CHUNK;
      // Never between the two halves of a surrogate pair.
      if (end < n && (stringCharCodeAt(text, end - 1) & 0xfc00) === 0xd800) end--;
      if (end > n) end = n;
      this.#bytes(i === 0 && end === n ? text : stringSlice(text, i, end));
      i = end;
    }
    return this;
  }

  /** The hash as 32 lowercase hex digits. The object is not to be updated after. */
  digest(): string {
    const tail = this.#tail;
    for (let j = this.#tailLength; j < 16; j++) tail[j] = 0;
    const word = (at: number): number => tail[at]! | (tail[at + 1]! << 8) | (tail[at + 2]! << 16) | (tail[at + 3]! << 24);
    let h1 = this.#h1;
    let h2 = this.#h2;
    let h3 = this.#h3;
    let h4 = this.#h4;
    // The last, partial block: mixed into each lane without the lanes' own rotation (a lane of
    // zero bytes mixes in nothing, as in the reference, which skips it).
    h1 ^= imul(rotl(imul(word(0), C1), 15), C2);
    h2 ^= imul(rotl(imul(word(4), C2), 16), C3);
    h3 ^= imul(rotl(imul(word(8), C3), 17), C4);
    h4 ^= imul(rotl(imul(word(12), C4), 18), C1);
    // The length in bytes, modulo 2³².
    const bytes = this.#length | 0;
    h1 ^= bytes;
    h2 ^= bytes;
    h3 ^= bytes;
    h4 ^= bytes;
    h1 = (h1 + h2 + h3 + h4) | 0;
    h2 = (h2 + h1) | 0;
    h3 = (h3 + h1) | 0;
    h4 = (h4 + h1) | 0;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h3 = fmix(h3);
    h4 = fmix(h4);
    h1 = (h1 + h2 + h3 + h4) | 0;
    h2 = (h2 + h1) | 0;
    h3 = (h3 + h1) | 0;
    h4 = (h4 + h1) | 0;
    return hex(h1) + hex(h2) + hex(h3) + hex(h4);
  }

  /** Mixes the UTF-8 of `text` (at most CHUNK code units, well-formed) after the tail. */
  #bytes(text: string): void {
    const kept = this.#tailLength;
    for (let j = 0; j < kept; j++) scratch[j] = this.#tail[j]!;
    const written = encodeInto(encoder, text, subarray(scratch, kept)).written;
    this.#length += written;
    const total = kept + written;
    const blocks = total >>> 4;
    // The lanes in locals for the loop (private fields per block cost twice the time).
    let h1 = this.#h1;
    let h2 = this.#h2;
    let h3 = this.#h3;
    let h4 = this.#h4;
    for (let b = 0, w = 0; b < blocks; b++, w += 4) {
      h1 ^= imul(rotl(imul(words[w]!, C1), 15), C2);
      h1 = (imul((rotl(h1, 19) + h2) | 0, 5) + 0x561ccd1b) | 0;
      h2 ^= imul(rotl(imul(words[w + 1]!, C2), 16), C3);
      h2 = (imul((rotl(h2, 17) + h3) | 0, 5) + 0x0bcaa747) | 0;
      h3 ^= imul(rotl(imul(words[w + 2]!, C3), 17), C4);
      h3 = (imul((rotl(h3, 15) + h4) | 0, 5) + 0x96cd1c35) | 0;
      h4 ^= imul(rotl(imul(words[w + 3]!, C4), 18), C1);
      h4 = (imul((rotl(h4, 13) + h1) | 0, 5) + 0x32ac3b17) | 0;
    }
    this.#h1 = h1;
    this.#h2 = h2;
    this.#h3 = h3;
    this.#h4 = h4;
    const rest = blocks << 4;
    this.#tailLength = total - rest;
    for (let j = 0; j < this.#tailLength; j++) this.#tail[j] = scratch[rest + j]!;
  }
}
