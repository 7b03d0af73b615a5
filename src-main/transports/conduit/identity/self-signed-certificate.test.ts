import crypto, { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeSelfSignedCertificate } from './self-signed-certificate.js';

describe('makeSelfSignedCertificate', () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');

  it('is a certificate OpenSSL reads, signed by and carrying the key', () => {
    const cert = new X509Certificate(makeSelfSignedCertificate(privateKey));
    expect(cert.verify(publicKey)).toBe(true);
    expect(cert.publicKey.equals(publicKey)).toBe(true);
    expect(cert.checkPrivateKey(privateKey)).toBe(true);
    expect(cert.subject).toBe('CN=conduit');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(false);
    expect(cert.serialNumber).toMatch(/^[0-9A-F]{32}$/);
  });

  it('is back-dated an hour and lasts validDays', () => {
    const now = new Date(Date.UTC(2030, 0, 1, 12, 0, 0));
    const cert = new X509Certificate(makeSelfSignedCertificate(privateKey, { commonName: 'router-a', validDays: 2, now }));
    expect(cert.subject).toBe('CN=router-a');
    expect(new Date(cert.validFrom).toISOString()).toBe('2030-01-01T11:00:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2030-01-03T11:00:00.000Z');
  });

  it('uses GeneralizedTime past 2049 and still parses', () => {
    const cert = new X509Certificate(makeSelfSignedCertificate(privateKey, { now: new Date(Date.UTC(2049, 6, 1)), validDays: 365 }));
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2050);
    expect(cert.verify(publicKey)).toBe(true);
  });

  it('a different key does not verify it; every certificate gets its own serial', () => {
    const other = crypto.generateKeyPairSync('ed25519').publicKey;
    const a = new X509Certificate(makeSelfSignedCertificate(privateKey));
    const b = new X509Certificate(makeSelfSignedCertificate(privateKey));
    expect(a.verify(other)).toBe(false);
    expect(a.serialNumber).not.toBe(b.serialNumber);
  });

  it('refuses keys that are not Ed25519 private keys, and bad validity', () => {
    expect(() => makeSelfSignedCertificate(publicKey)).toThrow(/Ed25519 private key/);
    expect(() => makeSelfSignedCertificate(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)).toThrow(/Ed25519/);
    expect(() => makeSelfSignedCertificate(privateKey, { validDays: 0 })).toThrow(RangeError);
  });
});
