// MurmurHash3 x86_32 over the UTF-8 bytes of a string, for routing file paths to mount targets.
//
// Why this hash: routing runs once per file access in a Fargate task, so it must be fast, and it
// must give the same answer in every task, every Node version and any other language a future
// task is written in. MurmurHash3 x86_32 is a fixed, widely implemented algorithm (Python mmh3,
// Java Guava, Go spaolacci/murmur3 …) that passes SMHasher, works four bytes at a time with
// 32-bit Math.imul (V8 keeps all of it in small integers), and has published test vectors. It is
// not cryptographic, which is fine: nobody gains by steering paths to a mount target. xxHash32
// would be as good, but its four-lane loop only pays off above 16 bytes and has more code.
// JavaScript's own string hashing is not exposed, and node:crypto is neither pure nor fast for
// short keys.
//
// Bytes, not UTF-16 code units, so the value is what any other implementation computes for the
// same path; lone surrogates are encoded as U+FFFD, as TextEncoder does.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Scratch space for the UTF-8 bytes: reused so hashing a path allocates nothing. Grown on demand. */
let scratch = new Uint8Array(256);

/** Writes the UTF-8 encoding of text into `scratch` and returns its length in bytes. */
function encodeUtf8(text: string): number {
  // At most 3 bytes per UTF-16 code unit (a surrogate pair is 2 units for 4 bytes).
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(Math.max(text.length * 3, scratch.length * 2));
  const buf = scratch;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      buf[n++] = c;
    } else if (c < 0x800) {
      buf[n++] = 0xc0 | (c >> 6);
      buf[n++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          buf[n++] = 0xf0 | (c >> 18);
          buf[n++] = 0x80 | ((c >> 12) & 0x3f);
          buf[n++] = 0x80 | ((c >> 6) & 0x3f);
          buf[n++] = 0x80 | (c & 0x3f);
          continue;
        }
        c = 0xfffd; // a lone surrogate
      }
      buf[n++] = 0xe0 | (c >> 12);
      buf[n++] = 0x80 | ((c >> 6) & 0x3f);
      buf[n++] = 0x80 | (c & 0x3f);
    }
  }
  return n;
}

/** MurmurHash3's final avalanche: every input bit flips each output bit with probability ~1/2. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 x86_32 of the UTF-8 bytes of text, as an unsigned 32-bit integer. */
export function murmur3(text: string, seed = 0): number {
  // Fast path for ASCII (nearly every path): a character is its byte, so hash straight from the
  // string; the first non-ASCII block hands over to the UTF-8 path, which starts again.
  const len = text.length;
  const blocks = len & ~3;
  let h = seed | 0;
  for (let i = 0; i < blocks; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) return murmur3Utf8(text, seed);
    let k = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rem = len & 3;
  if (rem > 0) {
    const c0 = text.charCodeAt(blocks);
    const c1 = rem > 1 ? text.charCodeAt(blocks + 1) : 0;
    const c2 = rem > 2 ? text.charCodeAt(blocks + 2) : 0;
    if ((c0 | c1 | c2) >= 0x80) return murmur3Utf8(text, seed);
    let k = c0 | (c1 << 8) | (c2 << 16);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  return fmix32(h ^ len);
}

/** The general case: encode to UTF-8 bytes first. Exported for tests; murmur3 gives the same. */
export function murmur3Utf8(text: string, seed = 0): number {
  const len = encodeUtf8(text);
  const buf = scratch;
  let h = seed | 0;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rem = len & 3;
  if (rem > 0) {
    let k = buf[blocks]!;
    if (rem > 1) k |= buf[blocks + 1]! << 8;
    if (rem > 2) k |= buf[blocks + 2]! << 16;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  return fmix32(h ^ len);
}
