// A certificate made from a conduit keypair, only so TLS has something to carry the public key in.
// Nobody checks its name, dates or issuer: each side pins the other's key by fingerprint. It is
// still a well-formed X.509 v3 certificate (RFC 5280, Ed25519 per RFC 8410) so OpenSSL accepts it.
import crypto, { type KeyObject } from 'node:crypto';
import { derBitString, derBoolean, derExplicit, derOctetString, derOid, derSequence, derSet, derSmallInteger, derTime, derUnsignedInteger, derUtf8String } from './der.js';

const OID_ED25519 = '1.3.101.112';
const OID_COMMON_NAME = '2.5.4.3';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';

export const DEFAULT_CERTIFICATE_DAYS = 3650;
/** Back-dated so a peer whose clock is a little behind does not see a certificate from the future. */
const CLOCK_SKEW_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SelfSignedCertificateOptions {
  commonName?: string;
  validDays?: number;
  /** Injected for tests; defaults to the current time. */
  now?: Date;
}

function name(commonName: string): Buffer {
  return derSequence(derSet(derSequence(derOid(OID_COMMON_NAME), derUtf8String(commonName))));
}

/** 16 random bytes with the top bit clear: positive, at most 20 octets, unpredictable (RFC 5280 §4.1.2.2). */
function randomSerial(): Buffer {
  const bytes = crypto.randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return derUnsignedInteger(bytes);
}

export function makeSelfSignedCertificate(privateKey: KeyObject, opts: SelfSignedCertificateOptions = {}): string {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error('a conduit certificate is made from an Ed25519 private key');
  }
  const commonName = opts.commonName ?? 'conduit';
  const validDays = opts.validDays ?? DEFAULT_CERTIFICATE_DAYS;
  if (!Number.isFinite(validDays) || validDays <= 0) throw new RangeError(`validDays must be positive, got ${validDays}`);
  const notBefore = new Date((opts.now ?? new Date()).getTime() - CLOCK_SKEW_MS);
  const notAfter = new Date(notBefore.getTime() + validDays * DAY_MS);
  const algorithm = derSequence(derOid(OID_ED25519)); // RFC 8410 §3: parameters absent
  const spki = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  // cA defaults to FALSE, so basicConstraints CA:false is the empty SEQUENCE.
  const basicConstraints = derSequence(derOid(OID_BASIC_CONSTRAINTS), derBoolean(true), derOctetString(derSequence()));
  const tbs = derSequence(
    derExplicit(0, derSmallInteger(2)), // v3
    randomSerial(),
    algorithm,
    name(commonName),
    derSequence(derTime(notBefore), derTime(notAfter)),
    name(commonName),
    spki,
    derExplicit(3, derSequence(basicConstraints)),
  );
  const signature = crypto.sign(null, tbs, privateKey);
  const der = derSequence(tbs, algorithm, derBitString(signature));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
