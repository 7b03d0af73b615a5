import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { derBitString, derBoolean, derExplicit, derLength, derOid, derSequence, derSmallInteger, derTime, derUnsignedInteger, derUtf8String } from './der.js';

const hex = (b: Buffer): string => b.toString('hex');

/** Decodes one definite length at the start of b: [length, bytes used]. */
function readLength(b: Buffer): [number, number] {
  const first = b[0] ?? 0;
  if (first < 0x80) return [first, 1];
  const n = first & 0x7f;
  let v = 0;
  for (let i = 1; i <= n; i++) v = v * 256 + (b[i] ?? 0);
  return [v, n + 1];
}

describe('DER', () => {
  it('lengths: short form below 128, minimal long form above', () => {
    expect(hex(derLength(0))).toBe('00');
    expect(hex(derLength(127))).toBe('7f');
    expect(hex(derLength(128))).toBe('8180');
    expect(hex(derLength(255))).toBe('81ff');
    expect(hex(derLength(256))).toBe('820100');
    expect(hex(derLength(65536))).toBe('83010000');
    expect(() => derLength(-1)).toThrow(RangeError);
  });

  it('lengths decode back and are never padded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (n) => {
        const enc = derLength(n);
        expect(readLength(enc)).toEqual([n, enc.length]);
        if (enc.length > 1) expect(enc[1]).not.toBe(0);
      }),
    );
  });

  it('integers are minimal and positive', () => {
    expect(hex(derSmallInteger(0))).toBe('020100');
    expect(hex(derSmallInteger(2))).toBe('020102');
    expect(hex(derSmallInteger(127))).toBe('02017f');
    expect(hex(derSmallInteger(128))).toBe('02020080');
    expect(hex(derSmallInteger(256))).toBe('02020100');
    expect(hex(derUnsignedInteger(Buffer.from('000000ff', 'hex')))).toBe('020200ff');
    expect(hex(derUnsignedInteger(Buffer.alloc(0)))).toBe('020100');
  });

  it('integer bodies never start with a redundant byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (a) => {
        const enc = derUnsignedInteger(Buffer.from(a));
        const [len, used] = readLength(enc.subarray(1));
        const body = enc.subarray(1 + used);
        expect(body.length).toBe(len);
        expect((body[0] ?? 0) & 0x80).toBe(0);
        if (body.length > 1) expect(body[0] === 0 && ((body[1] ?? 0) & 0x80) === 0).toBe(false);
      }),
    );
  });

  it('object identifiers', () => {
    expect(hex(derOid('1.3.101.112'))).toBe('06032b6570'); // id-Ed25519
    expect(hex(derOid('2.5.4.3'))).toBe('0603550403'); // commonName
    expect(hex(derOid('1.2.840.113549'))).toBe('06062a864886f70d'); // X.690's own example
    expect(hex(derOid('2.5.29.19'))).toBe('0603551d13');
    expect(() => derOid('1')).toThrow(/bad object identifier/);
    expect(() => derOid('1.40')).toThrow(/bad object identifier/);
    expect(() => derOid('1.2.x')).toThrow(/bad object identifier/);
  });

  it('times: UTCTime until 2049, GeneralizedTime from 2050', () => {
    expect(derTime(new Date(Date.UTC(2049, 11, 31, 23, 59, 59, 999))).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(derTime(new Date(Date.UTC(2050, 0, 1, 0, 0, 0))).toString('latin1')).toBe('\x18\x0f20500101000000Z');
    expect(derTime(new Date(Date.UTC(1999, 5, 7, 8, 9, 10))).toString('latin1')).toBe('\x17\x0d990607080910Z');
    expect(() => derTime(new Date(NaN))).toThrow(RangeError);
  });

  it('the simple types', () => {
    expect(hex(derSequence())).toBe('3000');
    expect(hex(derBoolean(true))).toBe('0101ff');
    expect(hex(derBitString(Buffer.from([0xab])))).toBe('030200ab');
    expect(hex(derExplicit(3, Buffer.from([5])))).toBe('a30105');
    expect(hex(derUtf8String('é'))).toBe('0c02c3a9');
    expect(derSequence(Buffer.alloc(300)).subarray(0, 4).toString('hex')).toBe('3082012c');
  });
});
