import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fingerprint, formatPublicKey, isFingerprint, parsePin, parsePublicKey, publicKeyFromRaw, rawPublicKeyOf } from './public-key-text.js';
import { makeSelfSignedCertificate } from './self-signed-certificate.js';

const rawArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((a) => Buffer.from(a));
const commentArb = fc.option(
  fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '' && !/[\r\n]/.test(s)),
  { nil: undefined },
);

describe('public key text', () => {
  it('format → parse gives back the key and the trimmed comment', () => {
    fc.assert(
      fc.property(rawArb, commentArb, (raw, comment) => {
        const parsed = parsePublicKey(formatPublicKey(raw, comment));
        expect(parsed.raw.equals(raw)).toBe(true);
        expect(parsed.comment).toBe(comment?.trim());
      }),
    );
  });

  it('reads a line with surrounding space and a comment with spaces', () => {
    const raw = Buffer.alloc(32, 7);
    const line = `  conduit-ed25519 ${raw.toString('base64')}   alice@laptop  work  \n`;
    expect(parsePublicKey(line)).toEqual({ raw, comment: 'alice@laptop  work' });
  });

  it.each([
    ['', /empty/],
    ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO', /not a conduit public key/],
    ['conduit-ed25519', /missing its base64/],
    ['conduit-ed25519 !!!notbase64', /not valid base64/],
    [`conduit-ed25519 ${Buffer.alloc(31).toString('base64')}`, /31 bytes/],
    [`conduit-ed25519 ${Buffer.alloc(33).toString('base64')}`, /33 bytes/],
    [`conduit-ed25519 ${Buffer.alloc(32).toString('base64')}\nconduit-ed25519 x`, /one line/],
    // 'B' instead of 'A' before '=' sets low bits Node would silently drop.
    [`conduit-ed25519 ${Buffer.alloc(32).toString('base64').slice(0, 42)}B=`, /canonical/],
  ])('rejects %j', (text, message) => {
    expect(() => parsePublicKey(text)).toThrow(message);
  });

  it('random text either parses to 32 bytes or throws a plain Error', () => {
    const garbage = fc.oneof(
      fc.string(),
      fc.string().map((s) => `conduit-ed25519 ${s}`),
      fc.base64String().map((s) => `conduit-ed25519 ${s}`),
      fc.uint8Array({ maxLength: 64 }).map((a) => `conduit-ed25519 ${Buffer.from(a).toString('base64')}`),
    );
    fc.assert(
      fc.property(garbage, (text) => {
        try {
          expect(parsePublicKey(text).raw.length).toBe(32);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect((e as Error).message.length).toBeGreaterThan(0);
        }
        try {
          expect(isFingerprint(parsePin(text))).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
        }
      }),
    );
  });

  it('formatPublicKey refuses wrong sizes and multi-line comments', () => {
    expect(() => formatPublicKey(Buffer.alloc(31))).toThrow(/32 bytes/);
    expect(() => formatPublicKey(Buffer.alloc(32), 'a\nb')).toThrow(/single line/);
    expect(formatPublicKey(Buffer.alloc(32), '   ')).not.toMatch(/ $/);
  });
});

describe('fingerprint', () => {
  it('is OpenSSH-shaped: SHA256 of the raw key, unpadded base64', () => {
    const raw = Buffer.alloc(32, 1);
    const want = crypto.createHash('sha256').update(raw).digest('base64').replace(/=+$/, '');
    expect(fingerprint(raw)).toBe(`SHA256:${want}`);
    expect(isFingerprint(fingerprint(raw))).toBe(true);
  });

  it('is always a canonical fingerprint', () => {
    fc.assert(
      fc.property(rawArb, (raw) => {
        expect(isFingerprint(fingerprint(raw))).toBe(true);
      }),
    );
  });

  it('parsePin takes a fingerprint or a key line and gives the fingerprint', () => {
    const raw = Buffer.alloc(32, 9);
    const fp = fingerprint(raw);
    expect(parsePin(`  ${fp} `)).toBe(fp);
    expect(parsePin(formatPublicKey(raw, 'router'))).toBe(fp);
    expect(() => parsePin('SHA256:short')).toThrow(/43 base64/);
    expect(() => parsePin('MD5:aa:bb')).toThrow(/fingerprint .* or a public key line/);
  });
});

describe('rawPublicKeyOf', () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const spkiTail = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);

  it('gives the same 32 bytes from the private key, public key and a certificate', () => {
    expect(rawPublicKeyOf(publicKey).equals(spkiTail)).toBe(true);
    expect(rawPublicKeyOf(privateKey).equals(spkiTail)).toBe(true);
    const cert = new crypto.X509Certificate(makeSelfSignedCertificate(privateKey));
    expect(rawPublicKeyOf(cert).equals(spkiTail)).toBe(true);
  });

  it('round-trips through publicKeyFromRaw', () => {
    expect(rawPublicKeyOf(publicKeyFromRaw(spkiTail)).equals(spkiTail)).toBe(true);
  });

  it('refuses other key types', () => {
    const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => rawPublicKeyOf(ec.publicKey)).toThrow(/Ed25519/);
    expect(() => rawPublicKeyOf(crypto.createSecretKey(Buffer.alloc(32)))).toThrow(/secret/);
  });
});
