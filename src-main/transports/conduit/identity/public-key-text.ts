// The text forms of a conduit public key that people copy between machines: the key line
// (`conduit-ed25519 <base64> [comment]`, shaped like an OpenSSH .pub line so it reads familiar) and
// the fingerprint (`SHA256:<unpadded base64>`, OpenSSH's form), which is what both sides pin.
import crypto, { KeyObject, X509Certificate } from 'node:crypto';

export const PUBLIC_KEY_PREFIX = 'conduit-ed25519';
export const ED25519_PUBLIC_KEY_BYTES = 32;

export interface ParsedPublicKey {
  /** The raw 32-byte Ed25519 public key. */
  raw: Buffer;
  comment?: string;
}

const KEY_LINE_HINT = `expected \`${PUBLIC_KEY_PREFIX} <base64 key> [comment]\``;
// 32 bytes are always 44 base64 characters ending in one '='; anything else cannot be a key.
const KEY_BASE64 = /^[A-Za-z0-9+/]{43}=$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

function assertRawKey(raw: Buffer): void {
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new Error(`an Ed25519 public key is ${ED25519_PUBLIC_KEY_BYTES} bytes, got ${raw.length}`);
  }
}

/** `conduit-ed25519 <base64> [comment]`. The comment is one line; surrounding space is dropped. */
export function formatPublicKey(raw: Buffer, comment?: string): string {
  assertRawKey(raw);
  const line = `${PUBLIC_KEY_PREFIX} ${raw.toString('base64')}`;
  const note = comment?.trim();
  if (!note) return line;
  if (/[\r\n]/.test(note)) throw new Error('a public key comment must be a single line');
  return `${line} ${note}`;
}

export function parsePublicKey(text: string): ParsedPublicKey {
  const line = text.trim();
  if (line === '') throw new Error(`empty public key: ${KEY_LINE_HINT}`);
  if (/[\r\n]/.test(line)) throw new Error(`a public key is one line: ${KEY_LINE_HINT}`);
  const m = /^(\S+)(?:\s+(\S+))?(?:\s+(.*))?$/.exec(line);
  const [, prefix, b64, comment] = m ?? [];
  if (prefix !== PUBLIC_KEY_PREFIX) {
    const shown = (prefix ?? '').slice(0, 40);
    throw new Error(`not a conduit public key (starts with "${shown}"): ${KEY_LINE_HINT}`);
  }
  if (!b64) throw new Error(`public key is missing its base64 part: ${KEY_LINE_HINT}`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new Error('public key is not valid base64');
  if (!KEY_BASE64.test(b64)) {
    const bytes = Buffer.from(b64, 'base64').length;
    throw new Error(`public key has the wrong length: ${bytes} bytes, an Ed25519 key is ${ED25519_PUBLIC_KEY_BYTES}`);
  }
  const raw = Buffer.from(b64, 'base64');
  // Node's decoder ignores stray low bits in the last character; insist on the canonical spelling
  // so one key has exactly one text form.
  if (raw.toString('base64') !== b64) throw new Error('public key is not canonical base64');
  const note = comment?.trim();
  return note ? { raw, comment: note } : { raw };
}

/** `SHA256:` + unpadded base64 of SHA-256 over the raw key. */
export function fingerprint(raw: Buffer): string {
  assertRawKey(raw);
  return 'SHA256:' + crypto.createHash('sha256').update(raw).digest('base64').replace(/=+$/, '');
}

/** Whether text is a well-formed fingerprint, canonically spelled (so string equality is key equality). */
export function isFingerprint(text: string): boolean {
  if (!FINGERPRINT.test(text)) return false;
  const b64 = text.slice('SHA256:'.length);
  return Buffer.from(b64, 'base64').toString('base64') === `${b64}=`;
}

/** The raw 32 bytes of an Ed25519 key (public or private KeyObject, or a certificate's key). */
export function rawPublicKeyOf(key: KeyObject | X509Certificate): Buffer {
  let k = key instanceof X509Certificate ? key.publicKey : key;
  if (k.type === 'secret') throw new Error('a secret key has no public key');
  if (k.asymmetricKeyType !== 'ed25519') {
    throw new Error(`conduit keys are Ed25519, this one is ${k.asymmetricKeyType ?? 'of an unknown type'}`);
  }
  if (k.type === 'private') k = crypto.createPublicKey(k);
  const { x } = k.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new Error('Ed25519 key exported without its public part');
  const raw = Buffer.from(x, 'base64url');
  assertRawKey(raw);
  return raw;
}

/** A KeyObject for a raw 32-byte Ed25519 public key (to verify signatures made with it). */
export function publicKeyFromRaw(raw: Buffer): KeyObject {
  assertRawKey(raw);
  return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/**
 * A pin given by a user (`--router-key`): either a fingerprint or a whole public key line.
 * Returns the fingerprint, which is what gets compared.
 */
export function parsePin(text: string): string {
  const pin = text.trim();
  if (pin.startsWith('SHA256:')) {
    if (!isFingerprint(pin)) {
      throw new Error('a fingerprint is `SHA256:` followed by 43 base64 characters (as `warren conduit keys show` prints it)');
    }
    return pin;
  }
  if (pin.startsWith(PUBLIC_KEY_PREFIX)) return fingerprint(parsePublicKey(pin).raw);
  throw new Error(`a router key is a fingerprint (SHA256:…) or a public key line (${PUBLIC_KEY_PREFIX} …)`);
}
