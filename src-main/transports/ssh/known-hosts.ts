// known_hosts as OpenSSH reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): plain and hashed
// (`|1|salt|hmac`) host fields, `[host]:port` for non-22 ports, comma lists with `!negation` and
// wildcards, `@revoked` keys; `@cert-authority` lines are skipped (Warren does not do host certs).
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SSH_FILE_MAX_BYTES } from '../../../src-shared/logic/parse-limits.js';
import { readTextFileBounded } from '../../parse/bounded-file.js';
import { matchPattern } from './ssh-patterns.js';

export type HostKeyStatus = 'match' | 'unknown' | 'changed' | 'revoked';

export interface KnownHostEntry {
  file: string;
  /** 1-based, for "fix line N of FILE" messages. */
  line: number;
  marker: 'revoked' | undefined;
  hosts: string;
  keyType: string;
  key: Buffer;
}

export interface HostKeyLookup {
  status: HostKeyStatus;
  /** For 'changed': the entries holding a different key of the same type. For 'match'/'revoked': the entry that decided. */
  entries: KnownHostEntry[];
}

/** `host` for port 22, `[host]:port` otherwise: the name known_hosts stores. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** The key type a public key blob names in its first field (RFC 4253 §6.6), e.g. "ssh-ed25519". */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) throw new Error('host key blob too short');
  const len = blob.readUInt32BE(0);
  if (len > blob.length - 4 || len > 64) throw new Error('host key blob has a bad type field');
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** OpenSSH's fingerprint form: "SHA256:" + unpadded base64 of SHA-256(blob). */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** One host pattern field against the name: hashed, or a pattern list where a negated hit wins. */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const mac = crypto.createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
    const want = Buffer.from(hash, 'base64');
    return want.length === mac.length && crypto.timingSafeEqual(mac, want);
  }
  const lower = name.toLowerCase();
  let hit = false;
  for (const pat of field.split(',')) {
    if (pat.startsWith('!')) {
      if (matchPattern(lower, pat.slice(1).toLowerCase())) return false;
    } else if (matchPattern(lower, pat.toLowerCase())) hit = true;
  }
  return hit;
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift()?.toLowerCase();
      if (m !== '@revoked') return; // @cert-authority and unknown markers: not host keys
      marker = 'revoked';
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64) return;
    const key = Buffer.from(b64, 'base64');
    if (key.length === 0) return;
    out.push({ file, line: i + 1, marker, hosts, keyType, key });
  });
  return out;
}

export class KnownHosts {
  private constructor(readonly entries: readonly KnownHostEntry[]) {}

  /** Read every file (missing ones are empty, as in OpenSSH). */
  static async load(files: readonly string[]): Promise<KnownHosts> {
    const all: KnownHostEntry[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = await readTextFileBounded(file, SSH_FILE_MAX_BYTES, `known_hosts file ${file}`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      all.push(...parseKnownHosts(text, file));
    }
    return new KnownHosts(all);
  }

  private forHost(host: string, port: number): KnownHostEntry[] {
    const name = knownHostName(host, port);
    return this.entries.filter((e) => hostFieldMatches(e.hosts, name));
  }

  /** Key types known for the host (to prefer them in host key negotiation, as OpenSSH does). */
  knownKeyTypes(host: string, port: number): string[] {
    return [...new Set(this.forHost(host, port).filter((e) => !e.marker).map((e) => e.keyType))];
  }

  /**
   * OpenSSH's rules: a revoked key is refused; the same key recorded → match; a different key of
   * the same type → changed; nothing of that type (maybe other types) → unknown.
   */
  lookup(host: string, port: number, keyType: string, key: Buffer): HostKeyLookup {
    const revoked = this.entries.find((e) => e.marker === 'revoked' && e.key.equals(key));
    if (revoked) return { status: 'revoked', entries: [revoked] };
    const mine = this.forHost(host, port).filter((e) => !e.marker);
    const same = mine.find((e) => e.keyType === keyType && e.key.equals(key));
    if (same) return { status: 'match', entries: [same] };
    const differing = mine.filter((e) => e.keyType === keyType);
    if (differing.length) return { status: 'changed', entries: differing };
    return { status: 'unknown', entries: [] };
  }

  check(host: string, port: number, keyType: string, key: Buffer): HostKeyStatus {
    return this.lookup(host, port, keyType, key).status;
  }
}

/** Append `[host]:port type base64` to file, creating it (0600, parent 0700) if needed. */
export async function appendKnownHost(file: string, host: string, port: number, key: Buffer): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const existing = await fs.readFile(file, 'utf8');
    if (existing.length && !existing.endsWith('\n')) prefix = '\n';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const line = `${knownHostName(host, port)} ${keyTypeOf(key)} ${key.toString('base64')}`;
  await fs.appendFile(file, `${prefix}${line}\n`, { mode: 0o600 });
  return line;
}
