// A conduit keypair on disk at a path P (the CLI passes $WARREN_HOME/keys/conduit.key for a client,
// …/router.key for a router): P is the PKCS#8 PEM private key (0600, directory 0700), P.pub the
// key line to hand to routers, P.meta.json its age and rotation record, and after a rotation P.prev
// keeps the old key so routers that have not learned the new one yet can still be reached with it.
import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { identityFromPrivateKey, type ConduitIdentity } from './conduit-identity.js';
import { readKeyMeta, writeKeyMeta, type KeyMeta } from './key-meta.js';
import { readIfExists, writePrivateFile } from '../../../fs/private-file.js';
import { parsePublicKey, rawPublicKeyOf } from './public-key-text.js';

export const pubPathOf = (keyPath: string): string => `${keyPath}.pub`;
export const prevPathOf = (keyPath: string): string => `${keyPath}.prev`;

const PUBLIC_FILE_MODE = 0o644;

export interface LoadedConduitIdentity extends ConduitIdentity {
  /** Things worth telling the user that do not stop the key from working (loose file mode, stale .pub). */
  warnings: string[];
}

export interface CreateKeyFileOptions {
  comment?: string;
  /** Replace an existing key (and forget its rotation record). Routers pinning the old key will refuse the new one. */
  overwrite?: boolean;
  now?: Date;
}

export interface RotateKeyFileOptions {
  /** Rotate even though the previous rotation's old key is still kept (it is lost). */
  discardPrevious?: boolean;
  now?: Date;
}

/** Thrown by createKeyFile when a key is already there and overwrite was not asked. */
export class KeyFileExistsError extends Error {
  constructor(readonly path: string) {
    super(`a conduit key already exists at ${path}; refusing to replace it (use \`warren conduit keys rotate\` to change keys)`);
    this.name = 'KeyFileExistsError';
  }
}

function readPrivateKey(file: string, pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = crypto.createPrivateKey(pem);
  } catch (e) {
    throw new Error(`${file} is not a readable PEM private key (${(e as Error).message}); restore it or create a new one with \`warren conduit init\``, { cause: e });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${file} holds a ${key.asymmetricKeyType ?? 'non-asymmetric'} key; conduit keys are Ed25519`);
  }
  return key;
}

function writePublicPart(keyPath: string, identity: ConduitIdentity): void {
  writePrivateFile(pubPathOf(keyPath), `${identity.publicKeyText}\n`, { mode: PUBLIC_FILE_MODE });
}

export function createKeyFile(keyPath: string, opts: CreateKeyFileOptions = {}): ConduitIdentity {
  const now = opts.now ?? new Date();
  const identity = identityFromPrivateKey(crypto.generateKeyPairSync('ed25519').privateKey, now, opts.comment);
  try {
    writePrivateFile(keyPath, identity.keyPem, { overwrite: opts.overwrite === true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new KeyFileExistsError(keyPath);
    throw e;
  }
  // A fresh key has no history: an old P.prev would pair with the wrong record.
  if (opts.overwrite) fs.rmSync(prevPathOf(keyPath), { force: true });
  writePublicPart(keyPath, identity);
  writeKeyMeta(keyPath, { created_at: now.toISOString(), acknowledged_by: [] });
  return identity;
}

export function loadKeyFile(keyPath: string): LoadedConduitIdentity {
  const pem = readIfExists(keyPath);
  if (pem === undefined) throw new Error(`no conduit key at ${keyPath}; run \`warren conduit init\``);
  const warnings: string[] = [];
  const stat = fs.statSync(keyPath);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    warnings.push(`${keyPath} is accessible to other users (mode ${mode}); run \`chmod 600 ${keyPath}\``);
  }
  const privateKey = readPrivateKey(keyPath, pem);
  const meta = readKeyMeta(keyPath);
  if (!meta) warnings.push(`${keyPath}.meta.json is missing; the key's age is taken from the file's modification time`);
  const createdAt = meta ? new Date(meta.created_at) : stat.mtime;
  const comment = commentFromPubFile(keyPath, privateKey, warnings);
  return { ...identityFromPrivateKey(privateKey, createdAt, comment), warnings };
}

/** The comment of P.pub when it describes this key; a mismatch is only a warning since P is the truth. */
function commentFromPubFile(keyPath: string, privateKey: KeyObject, warnings: string[]): string | undefined {
  const file = pubPathOf(keyPath);
  const text = readIfExists(file);
  if (text === undefined) return undefined;
  try {
    const parsed = parsePublicKey(text);
    if (parsed.raw.equals(rawPublicKeyOf(privateKey))) return parsed.comment;
    warnings.push(`${file} is not the public half of ${keyPath}; \`warren conduit keys show\` prints the right one`);
  } catch (e) {
    warnings.push(`${file} is unreadable (${(e as Error).message}); \`warren conduit keys show\` prints the right line`);
  }
  return undefined;
}

/** The router's way in: its own key, made on first start. */
export function loadOrCreateKeyFile(keyPath: string, comment?: string): LoadedConduitIdentity {
  if (fs.existsSync(keyPath)) return loadKeyFile(keyPath);
  try {
    return { ...createKeyFile(keyPath, { comment }), warnings: [] };
  } catch (e) {
    // Another process made it between our check and our write: use theirs.
    if (e instanceof KeyFileExistsError) return loadKeyFile(keyPath);
    throw e;
  }
}

/**
 * A new key replaces the current one; the current one moves to P.prev and stays until every router
 * has acknowledged the new key (markAcknowledged) and the caller drops it (dropPreviousKey).
 */
export function rotateKeyFile(keyPath: string, opts: RotateKeyFileOptions = {}): { current: ConduitIdentity; previous: LoadedConduitIdentity } {
  const now = opts.now ?? new Date();
  const previous = loadKeyFile(keyPath);
  const meta = readKeyMeta(keyPath);
  if (meta?.previous && fs.existsSync(prevPathOf(keyPath)) && !opts.discardPrevious) {
    throw new Error(
      `${keyPath} was already rotated${meta.rotated_at ? ` on ${meta.rotated_at}` : ''} and its previous key (${meta.previous.fingerprint}) is kept at ` +
        `${prevPathOf(keyPath)} for routers that have not learned the new one yet (acknowledged by ${meta.acknowledged_by.length}); ` +
        `rotating again would lose it. Drop the previous key first, or rotate again deliberately to discard it.`,
    );
  }
  const { comment } = parsePublicKey(previous.publicKeyText);
  const current = identityFromPrivateKey(crypto.generateKeyPairSync('ed25519').privateKey, now, comment);
  // Old key saved before the new one replaces it, so a crash in between loses nothing.
  writePrivateFile(prevPathOf(keyPath), previous.keyPem);
  writePrivateFile(keyPath, current.keyPem);
  writePublicPart(keyPath, current);
  writeKeyMeta(keyPath, {
    created_at: now.toISOString(),
    rotated_at: now.toISOString(),
    previous: { fingerprint: previous.fingerprint, created_at: previous.createdAt.toISOString() },
    acknowledged_by: [],
  });
  return { current, previous };
}

/** The key kept at P.prev since the last rotation, if any. */
export function loadPreviousKey(keyPath: string): ConduitIdentity | undefined {
  const file = prevPathOf(keyPath);
  const pem = readIfExists(file);
  if (pem === undefined) return undefined;
  const privateKey = readPrivateKey(file, pem);
  const identity = identityFromPrivateKey(privateKey, fs.statSync(file).mtime);
  const recorded = readKeyMeta(keyPath)?.previous;
  return recorded?.fingerprint === identity.fingerprint ? { ...identity, createdAt: new Date(recorded.created_at) } : identity;
}

function metaOrFresh(keyPath: string): KeyMeta {
  const meta = readKeyMeta(keyPath);
  if (meta) return meta;
  if (!fs.existsSync(keyPath)) throw new Error(`no conduit key at ${keyPath}; run \`warren conduit init\``);
  return { created_at: fs.statSync(keyPath).mtime.toISOString(), acknowledged_by: [] };
}

/** Record that a router has accepted the current key. Returns the updated record. */
export function markAcknowledged(keyPath: string, routerAddress: string): KeyMeta {
  const meta = metaOrFresh(keyPath);
  if (!meta.acknowledged_by.includes(routerAddress)) {
    meta.acknowledged_by = [...meta.acknowledged_by, routerAddress];
    writeKeyMeta(keyPath, meta);
  }
  return meta;
}

/** Forget the previous key (file and record). Returns whether a previous key file was there. */
export function dropPreviousKey(keyPath: string): boolean {
  const file = prevPathOf(keyPath);
  const existed = fs.existsSync(file);
  fs.rmSync(file, { force: true });
  const meta = readKeyMeta(keyPath);
  if (meta && (meta.previous || meta.acknowledged_by.length)) {
    const { previous: _dropped, ...rest } = meta;
    writeKeyMeta(keyPath, { ...rest, acknowledged_by: [] });
  }
  return existed;
}
