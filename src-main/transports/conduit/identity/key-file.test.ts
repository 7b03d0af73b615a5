import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyFile, dropPreviousKey, KeyFileExistsError, loadKeyFile, loadOrCreateKeyFile, loadPreviousKey, markAcknowledged, prevPathOf, pubPathOf, rotateKeyFile } from './key-file.js';
import { metaPathOf, readKeyMeta } from './key-meta.js';
import { parsePublicKey } from './public-key-text.js';
import { signRotationProof, verifyRotationProof } from './rotation-proof.js';

const posix = process.platform !== 'win32';
const modeOf = (p: string): number => fs.statSync(p).mode & 0o777;

let home: string;
let keyPath: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-conduit-key-'));
  keyPath = path.join(home, 'keys', 'conduit.key');
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe('conduit key files', () => {
  it('create writes a private key, its public line and a record; load gives the same identity', () => {
    const now = new Date('2025-03-01T10:00:00.000Z');
    const made = createKeyFile(keyPath, { comment: 'alice@laptop', now });
    expect(fs.readFileSync(keyPath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(fs.readFileSync(pubPathOf(keyPath), 'utf8')).toBe(`${made.publicKeyText}\n`);
    expect(parsePublicKey(made.publicKeyText)).toEqual({ raw: made.publicKeyRaw, comment: 'alice@laptop' });
    expect(readKeyMeta(keyPath)).toEqual({ created_at: now.toISOString(), acknowledged_by: [] });
    if (posix) {
      expect(modeOf(keyPath)).toBe(0o600);
      expect(modeOf(path.dirname(keyPath))).toBe(0o700);
    }
    const loaded = loadKeyFile(keyPath);
    expect(loaded.fingerprint).toBe(made.fingerprint);
    expect(loaded.publicKeyText).toBe(made.publicKeyText);
    expect(loaded.keyPem).toBe(made.keyPem);
    expect(loaded.createdAt.toISOString()).toBe(now.toISOString());
    expect(loaded.warnings).toEqual([]);
    expect(new crypto.X509Certificate(loaded.certificatePem).publicKey.equals(crypto.createPublicKey(loaded.privateKey))).toBe(true);
    expect(fs.readdirSync(path.dirname(keyPath)).sort()).toEqual(['conduit.key', 'conduit.key.meta.json', 'conduit.key.pub']);
  });

  it('refuses to replace a key unless asked', () => {
    const first = createKeyFile(keyPath);
    expect(() => createKeyFile(keyPath)).toThrow(KeyFileExistsError);
    expect(() => createKeyFile(keyPath)).toThrow(/already exists at .*keys rotate/);
    expect(loadKeyFile(keyPath).fingerprint).toBe(first.fingerprint);
    const second = createKeyFile(keyPath, { overwrite: true });
    expect(second.fingerprint).not.toBe(first.fingerprint);
    expect(loadKeyFile(keyPath).fingerprint).toBe(second.fingerprint);
  });

  it('a missing key says how to make one', () => {
    expect(() => loadKeyFile(keyPath)).toThrow(`no conduit key at ${keyPath}; run \`warren conduit init\``);
  });

  it.skipIf(!posix)('warns when the key is readable by others', () => {
    createKeyFile(keyPath);
    fs.chmodSync(keyPath, 0o644);
    expect(loadKeyFile(keyPath).warnings.join('\n')).toMatch(/mode 0644.*chmod 600/);
  });

  it('warns about a missing record or a .pub that belongs to another key, but still loads', () => {
    const made = createKeyFile(keyPath);
    fs.rmSync(metaPathOf(keyPath));
    fs.writeFileSync(pubPathOf(keyPath), `conduit-ed25519 ${Buffer.alloc(32, 1).toString('base64')} stale\n`);
    const loaded = loadKeyFile(keyPath);
    expect(loaded.fingerprint).toBe(made.fingerprint);
    expect(loaded.warnings).toHaveLength(2);
    expect(loaded.warnings.join('\n')).toMatch(/meta\.json is missing[\s\S]*not the public half/);
  });

  it('a broken record or key file is an error naming the file and the fix', () => {
    createKeyFile(keyPath);
    fs.writeFileSync(metaPathOf(keyPath), '{ nope');
    expect(() => loadKeyFile(keyPath)).toThrow(/conduit\.key\.meta\.json is not valid JSON .*fix it or delete it/);
    fs.writeFileSync(metaPathOf(keyPath), JSON.stringify({ created_at: 'yesterday' }));
    expect(() => readKeyMeta(keyPath)).toThrow(/not a conduit key record \(created_at: .*fix it or delete it/);
    fs.writeFileSync(keyPath, 'garbage');
    expect(() => loadKeyFile(keyPath)).toThrow(/conduit\.key is not a readable PEM private key/);
    fs.writeFileSync(keyPath, crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => loadKeyFile(keyPath)).toThrow(/holds a ec key; conduit keys are Ed25519/);
  });

  it('loadOrCreate makes the key once and then keeps it', () => {
    const routerKey = path.join(home, 'keys', 'router.key');
    const first = loadOrCreateKeyFile(routerKey, 'router');
    const again = loadOrCreateKeyFile(routerKey, 'ignored');
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(again.publicKeyText).toBe(first.publicKeyText);
  });

  it('rotation keeps the old key at .prev with a record until it is dropped', () => {
    const t0 = new Date('2025-01-01T00:00:00.000Z');
    const t1 = new Date('2025-02-01T00:00:00.000Z');
    const old = createKeyFile(keyPath, { comment: 'me', now: t0 });
    const { current, previous } = rotateKeyFile(keyPath, { now: t1 });
    expect(previous.fingerprint).toBe(old.fingerprint);
    expect(current.fingerprint).not.toBe(old.fingerprint);
    expect(parsePublicKey(current.publicKeyText).comment).toBe('me');
    expect(loadKeyFile(keyPath).fingerprint).toBe(current.fingerprint);
    expect(fs.readFileSync(pubPathOf(keyPath), 'utf8').trim()).toBe(current.publicKeyText);
    if (posix) {
      expect(modeOf(prevPathOf(keyPath))).toBe(0o600);
      expect(modeOf(keyPath)).toBe(0o600);
    }
    expect(readKeyMeta(keyPath)).toEqual({
      created_at: t1.toISOString(),
      rotated_at: t1.toISOString(),
      previous: { fingerprint: old.fingerprint, created_at: t0.toISOString() },
      acknowledged_by: [],
    });
    const kept = loadPreviousKey(keyPath);
    expect(kept?.fingerprint).toBe(old.fingerprint);
    expect(kept?.createdAt.toISOString()).toBe(t0.toISOString());

    expect(markAcknowledged(keyPath, 'router.example:7000').acknowledged_by).toEqual(['router.example:7000']);
    markAcknowledged(keyPath, 'router.example:7000');
    markAcknowledged(keyPath, '[::1]:7000');
    expect(readKeyMeta(keyPath)?.acknowledged_by).toEqual(['router.example:7000', '[::1]:7000']);

    expect(dropPreviousKey(keyPath)).toBe(true);
    expect(loadPreviousKey(keyPath)).toBeUndefined();
    expect(fs.existsSync(prevPathOf(keyPath))).toBe(false);
    expect(readKeyMeta(keyPath)).toEqual({ created_at: t1.toISOString(), rotated_at: t1.toISOString(), acknowledged_by: [] });
    expect(dropPreviousKey(keyPath)).toBe(false);
  });

  it('will not rotate again while the previous key is still kept, unless told to discard it', () => {
    createKeyFile(keyPath);
    const { current } = rotateKeyFile(keyPath);
    expect(() => rotateKeyFile(keyPath)).toThrow(/already rotated .*rotating again would lose it/);
    expect(loadKeyFile(keyPath).fingerprint).toBe(current.fingerprint);
    const again = rotateKeyFile(keyPath, { discardPrevious: true });
    expect(again.previous.fingerprint).toBe(current.fingerprint);
    expect(loadPreviousKey(keyPath)?.fingerprint).toBe(current.fingerprint);
  });

  it('overwriting a rotated key forgets the old rotation', () => {
    createKeyFile(keyPath);
    rotateKeyFile(keyPath);
    createKeyFile(keyPath, { overwrite: true });
    expect(loadPreviousKey(keyPath)).toBeUndefined();
    expect(readKeyMeta(keyPath)?.previous).toBeUndefined();
  });

  it('the rotated-in key can prove itself to a router over the previous key’s session', () => {
    createKeyFile(keyPath);
    const { current } = rotateKeyFile(keyPath);
    const binding = crypto.randomBytes(32);
    const proof = signRotationProof(loadKeyFile(keyPath).privateKey, binding);
    expect(verifyRotationProof(current.publicKeyRaw, binding, proof)).toBe(true);
    expect(verifyRotationProof(loadPreviousKey(keyPath)!.publicKeyRaw, binding, proof)).toBe(false);
  });

  it('leaves no temporary files behind', () => {
    createKeyFile(keyPath);
    rotateKeyFile(keyPath);
    markAcknowledged(keyPath, 'r:1');
    expect(fs.readdirSync(path.dirname(keyPath)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
