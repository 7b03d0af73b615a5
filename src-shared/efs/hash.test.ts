import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { murmur3, murmur3Utf8 } from './hash.js';

/** A plain MurmurHash3 x86_32 over bytes, written straight from the reference C, to check the fast one. */
function reference(bytes: Uint8Array, seed: number): number {
  let h = seed >>> 0;
  const n = bytes.length;
  const mixK = (k: number): number => {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    return Math.imul(k, 0x1b873593);
  };
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    h ^= mixK(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let j = n - 1; j >= i; j--) k = (k << 8) | bytes[j]!;
  if (n > i) h ^= mixK(k);
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

describe('murmur3 (x86_32 over UTF-8)', () => {
  it.each([
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['a', 0, 0x3c2569b2],
    ['abc', 0, 0xb3dd93fa],
    ['abcd', 0, 0x43ed676a],
    ['hello', 0, 0x248bfa47],
    ['Hello, world!', 1234, 0xfaf6cdb3],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ])('matches the published vector for %j, seed %d', (text, seed, expected) => {
    expect(murmur3(text, seed)).toBe(expected);
    expect(murmur3Utf8(text, seed)).toBe(expected);
  });

  it('hashes the UTF-8 bytes, whatever the characters (lone surrogates as U+FFFD, like TextEncoder)', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: utf16Unit }), fc.string()), fc.integer(), (text, seed) => {
        expect(murmur3(text, seed)).toBe(reference(encoder.encode(text), seed));
      }),
      { numRuns: 2000 },
    );
  });

  it('handles strings longer than the reused buffer', () => {
    const long = 'ü/'.repeat(5000);
    expect(murmur3(long, 7)).toBe(reference(new TextEncoder().encode(long), 7));
  });
});
