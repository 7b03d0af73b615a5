// During a key rotation the client, still connected with its old (pinned) key, shows the router its
// new key and signs with it. What it signs is bound to this TLS session (exported keying material,
// see tlsBindingBytes), so a proof seen once cannot be replayed on another connection.
import crypto, { type KeyObject } from 'node:crypto';
import { publicKeyFromRaw } from './public-key-text.js';

// Domain separation: a signature over bare exporter bytes could be confused with one made for some
// other purpose by the same key; the label makes this one mean only "rotate to me".
const PROOF_LABEL = Buffer.from('conduit key rotation proof v1\0', 'ascii');

const signedBytes = (binding: Buffer): Buffer => Buffer.concat([PROOF_LABEL, binding]);

export function signRotationProof(newKey: KeyObject, bindingBytes: Buffer): Buffer {
  if (bindingBytes.length === 0) throw new Error('a rotation proof needs the session binding bytes');
  return crypto.sign(null, signedBytes(bindingBytes), newKey);
}

/** True only for a signature by the key newPublicRaw over these binding bytes; never throws. */
export function verifyRotationProof(newPublicRaw: Buffer, bindingBytes: Buffer, signature: Buffer): boolean {
  if (bindingBytes.length === 0) return false;
  try {
    return crypto.verify(null, signedBytes(bindingBytes), publicKeyFromRaw(newPublicRaw), signature);
  } catch {
    return false;
  }
}
