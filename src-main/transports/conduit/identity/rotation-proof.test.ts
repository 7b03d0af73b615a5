import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateIdentity } from './conduit-identity.js';
import { signRotationProof, verifyRotationProof } from './rotation-proof.js';

describe('rotation proof', () => {
  const fresh = generateIdentity();
  const other = generateIdentity();
  const binding = crypto.randomBytes(32);
  const proof = signRotationProof(fresh.privateKey, binding);

  it('verifies for the new key and this binding', () => {
    expect(verifyRotationProof(fresh.publicKeyRaw, binding, proof)).toBe(true);
  });

  it('fails for another key, another session, or a changed signature', () => {
    expect(verifyRotationProof(other.publicKeyRaw, binding, proof)).toBe(false);
    expect(verifyRotationProof(fresh.publicKeyRaw, crypto.randomBytes(32), proof)).toBe(false);
    const flipped = Buffer.from(proof);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(verifyRotationProof(fresh.publicKeyRaw, binding, flipped)).toBe(false);
  });

  it('is not a bare signature over the binding bytes (domain-separated)', () => {
    const bare = crypto.sign(null, binding, fresh.privateKey);
    expect(verifyRotationProof(fresh.publicKeyRaw, binding, bare)).toBe(false);
  });

  it('never throws on malformed input', () => {
    expect(verifyRotationProof(Buffer.alloc(5), binding, proof)).toBe(false);
    expect(verifyRotationProof(fresh.publicKeyRaw, binding, Buffer.alloc(3))).toBe(false);
    expect(verifyRotationProof(fresh.publicKeyRaw, Buffer.alloc(0), proof)).toBe(false);
    expect(() => signRotationProof(fresh.privateKey, Buffer.alloc(0))).toThrow(/binding/);
  });
});
