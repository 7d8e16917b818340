/**
 * The transform cache's key hash (src/hooks/content-hash.ts): MurmurHash3 x86 128-bit over the
 * text's UTF-8 — checked against a published vector and against a byte-wise port of the reference
 * C code run on the same bytes — text with lone surrogates hashed as its JSON after U+FFFF, and the
 * same digest however the text is split between updates.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContentHash } from '../dist/hooks/content-hash.js';

/** MurmurHash3_x86_128 of `bytes` (a direct port of the reference C code), as four u32 in hex. */
function reference(bytes: Uint8Array, seed: number): string {
  const u32 = (i: number): number => (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) | 0;
  const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));
  const fmix = (h: number): number => {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  };
  const [c1, c2, c3, c4] = [0x239b961b, 0xab0e9789, 0x38b34ae5, 0xa1e38b93];
  let [h1, h2, h3, h4] = [seed, seed, seed, seed];
  const blocks = Math.floor(bytes.length / 16);
  for (let b = 0; b < blocks; b++) {
    let k1 = u32(b * 16), k2 = u32(b * 16 + 4), k3 = u32(b * 16 + 8), k4 = u32(b * 16 + 12);
    k1 = Math.imul(k1, c1); k1 = rotl(k1, 15); k1 = Math.imul(k1, c2); h1 ^= k1;
    h1 = rotl(h1, 19); h1 = (h1 + h2) | 0; h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(k2, c2); k2 = rotl(k2, 16); k2 = Math.imul(k2, c3); h2 ^= k2;
    h2 = rotl(h2, 17); h2 = (h2 + h3) | 0; h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(k3, c3); k3 = rotl(k3, 17); k3 = Math.imul(k3, c4); h3 ^= k3;
    h3 = rotl(h3, 15); h3 = (h3 + h4) | 0; h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(k4, c4); k4 = rotl(k4, 18); k4 = Math.imul(k4, c1); h4 ^= k4;
    h4 = rotl(h4, 13); h4 = (h4 + h1) | 0; h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }
  const tail = bytes.subarray(blocks * 16);
  const k = [0, 0, 0, 0];
  for (let i = 0; i < tail.length; i++) k[i >> 2]! |= tail[i]! << ((i & 3) * 8);
  if (tail.length > 12) h4 ^= Math.imul(rotl(Math.imul(k[3]!, c4), 18), c1);
  if (tail.length > 8) h3 ^= Math.imul(rotl(Math.imul(k[2]!, c3), 17), c4);
  if (tail.length > 4) h2 ^= Math.imul(rotl(Math.imul(k[1]!, c2), 16), c3);
  if (tail.length > 0) h1 ^= Math.imul(rotl(Math.imul(k[0]!, c1), 15), c2);
  h1 ^= bytes.length; h2 ^= bytes.length; h3 ^= bytes.length; h4 ^= bytes.length;
  h1 = (h1 + h2 + h3 + h4) | 0; h2 = (h2 + h1) | 0; h3 = (h3 + h1) | 0; h4 = (h4 + h1) | 0;
  h1 = fmix(h1); h2 = fmix(h2); h3 = fmix(h3); h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0; h2 = (h2 + h1) | 0; h3 = (h3 + h1) | 0; h4 = (h4 + h1) | 0;
  return [h1, h2, h3, h4].map((h) => (h >>> 0).toString(16).padStart(8, '0')).join('');
}

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

describe('ContentHash', () => {
  it("gives MurmurHash3 x86 128's published digest of the empty input (seed 0x9747b28c: bytes A1D5BEF7 1C6A575B ×3)", () => {
    assert.equal(new ContentHash(0x9747b28c).digest(), 'f7bed5a15b576a1c5b576a1c5b576a1c');
    assert.equal(reference(new Uint8Array(0), 0x9747b28c), 'f7bed5a15b576a1c5b576a1c5b576a1c');
  });

  it('equals the reference on the UTF-8 of texts of every length around the block size, of non-ASCII text, and of texts longer than a chunk', () => {
    const texts: string[] = [];
    for (let n = 0; n <= 40; n++) texts.push('export async function f() { return await g(); }\n'.repeat(2).slice(0, n));
    // 16 384 code units are encoded at a time: a pair across that boundary stays whole.
    texts.push('åäö — 漢字 😀 \u0000 \uffff', 'x'.repeat(100_003), `${'a'.repeat(16_383)}😀${'é'.repeat(40_000)}`, '😀'.repeat(20_000));
    for (const text of texts) {
      assert.equal(new ContentHash().update(text).digest(), reference(utf8(text), 0), JSON.stringify(text.slice(0, 40)));
      assert.equal(new ContentHash(42).update(text).digest(), reference(utf8(text), 42));
    }
  });

  it('hashes text with lone surrogates (which UTF-8 cannot hold) as U+FFFF and its JSON, so that no two such texts share a hash through U+FFFD', () => {
    for (const text of ['a\ud800b', '\udc00', 'x😀\ud83d']) {
      assert.equal(new ContentHash().update(text).digest(), reference(utf8(`\uffff${JSON.stringify(text)}`), 0));
    }
    assert.notEqual(new ContentHash().update('a\ud800').digest(), new ContentHash().update('a\udc00').digest());
  });

  it('gives the digest of the concatenation however the text is split between updates', () => {
    const text = 'const a = 1;\nawait fetch(url);\n/* 漢字 */ export default a;\n';
    const whole = new ContentHash().update(text).digest();
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j += 5) {
        assert.equal(new ContentHash().update(text.slice(0, i)).update(text.slice(i, j)).update(text.slice(j)).digest(), whole, `${i} ${j}`);
      }
    }
  });

  it('tells apart texts that differ in one code unit, in their order, or only in where a separator falls', () => {
    const digests = new Set([
      new ContentHash().update('abc').digest(),
      new ContentHash().update('abd').digest(),
      new ContentHash().update('acb').digest(),
      new ContentHash().update('ab').update('\0').update('c').digest(),
      new ContentHash().update('a').update('\0').update('bc').digest(),
      new ContentHash().update('').digest(),
      new ContentHash().update('\0').digest(),
    ]);
    assert.equal(digests.size, 7);
  });
});
