// One side's conduit identity in memory: the Ed25519 keypair and every form of it the rest of the
// code needs (TLS key/cert PEMs, the shareable key line, the pinned fingerprint).
import crypto, { type KeyObject } from 'node:crypto';
import { fingerprint, formatPublicKey, rawPublicKeyOf } from './public-key-text.js';
import { makeSelfSignedCertificate } from './self-signed-certificate.js';

export interface ConduitIdentity {
  privateKey: KeyObject;
  publicKeyRaw: Buffer;
  /** `conduit-ed25519 <base64> [comment]`, what `keys show` prints and routers are given. */
  publicKeyText: string;
  /** `SHA256:…`, what peers pin. */
  fingerprint: string;
  /** A fresh self-signed carrier for the key; made on every load, never stored. */
  certificatePem: string;
  /** PKCS#8 PEM of the private key. */
  keyPem: string;
  createdAt: Date;
}

export function identityFromPrivateKey(privateKey: KeyObject, createdAt: Date, comment?: string): ConduitIdentity {
  const publicKeyRaw = rawPublicKeyOf(privateKey); // also refuses non-Ed25519 keys
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  return {
    privateKey,
    publicKeyRaw,
    publicKeyText: formatPublicKey(publicKeyRaw, comment),
    fingerprint: fingerprint(publicKeyRaw),
    certificatePem: makeSelfSignedCertificate(privateKey),
    keyPem: typeof keyPem === 'string' ? keyPem : keyPem.toString('utf8'),
    createdAt,
  };
}

/** A new in-memory identity (tests, ephemeral peers); key files use createKeyFile. */
export function generateIdentity(comment?: string, now: Date = new Date()): ConduitIdentity {
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  return identityFromPrivateKey(privateKey, now, comment);
}
