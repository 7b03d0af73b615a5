// The handful of DER (ITU-T X.690) encodings a self-signed X.509 certificate needs. Hand-written
// because no npm library here can make Ed25519 certificates without pulling in polyfills, and
// encoding (never decoding) these few types is small enough to check byte by byte.

/** Definite length: short form below 128, else 0x80|count followed by big-endian bytes. */
export function derLength(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`bad DER length ${n}`);
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function derTlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

export const derSequence = (...items: Buffer[]): Buffer => derTlv(0x30, Buffer.concat(items));
export const derSet = (...items: Buffer[]): Buffer => derTlv(0x31, Buffer.concat(items));
export const derOctetString = (bytes: Buffer): Buffer => derTlv(0x04, bytes);
export const derUtf8String = (text: string): Buffer => derTlv(0x0c, Buffer.from(text, 'utf8'));
export const derBoolean = (value: boolean): Buffer => derTlv(0x01, Buffer.from([value ? 0xff : 0x00]));
/** BIT STRING of whole bytes: the leading 0 says no bits are unused. */
export const derBitString = (bytes: Buffer): Buffer => derTlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));
/** Context-specific, constructed, explicit tag [n] (e.g. the certificate's version [0] and extensions [3]). */
export const derExplicit = (tagNumber: number, content: Buffer): Buffer => derTlv(0xa0 | tagNumber, content);

/** A non-negative INTEGER from its big-endian magnitude, in DER's minimal two's-complement form. */
export function derUnsignedInteger(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  let body = magnitude.subarray(start);
  if (body.length === 0) body = Buffer.from([0]);
  // A set top bit would read as negative, so positive numbers get a leading zero byte.
  if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return derTlv(0x02, body);
}

export function derSmallInteger(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`bad DER integer ${n}`);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return derUnsignedInteger(Buffer.from(bytes));
}

/** OBJECT IDENTIFIER from dotted form: the first two arcs share a byte, each arc is base-128. */
export function derOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => (/^\d+$/.test(a) ? Number(a) : NaN));
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || arcs.some((a) => !Number.isSafeInteger(a)) || first > 2 || (first < 2 && second > 39)) {
    throw new Error(`bad object identifier "${dotted}"`);
  }
  const out: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const chunk: number[] = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v % 128));
    out.push(...chunk);
  }
  return derTlv(0x06, Buffer.from(out));
}

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * RFC 5280 §4.1.2.5: UTCTime (YYMMDDHHMMSSZ) for years 1950–2049, GeneralizedTime
 * (YYYYMMDDHHMMSSZ) otherwise; always UTC, whole seconds.
 */
export function derTime(date: Date): Buffer {
  const y = date.getUTCFullYear();
  if (y < 0 || y > 9999 || Number.isNaN(y)) throw new RangeError(`date out of range for a certificate: ${String(date)}`);
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return derTlv(0x17, Buffer.from(`${two(y % 100)}${rest}`, 'ascii'));
  return derTlv(0x18, Buffer.from(`${String(y).padStart(4, '0')}${rest}`, 'ascii'));
}
