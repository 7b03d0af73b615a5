// Which client keys a router accepts: the keys in authorized_clients, plus keys the clients
// rotated to (recorded in the router's state file). A replaced key keeps working for the grace
// period after the client presented its successor, then it is refused like an unknown key.
import { fingerprint, parsePublicKey } from '../transports/conduit/identity/index.js';
import { parseSourcePattern, type SourcePattern } from '../../src-shared/logic/source-pattern.js';

export interface AuthorizedClientSpec {
  name: string;
  public_key: string;
  allow: string[];
  expires_at?: string | undefined;
}

export interface RotatedKeyRecord {
  client: string;
  public_key: string;
  previous_public_key: string;
  accepted_at: string;
  grace_until: string;
}

export interface AuthorizedClient {
  name: string;
  allow: string[];
  patterns: SourcePattern[];
  expiresAt: Date | undefined;
  /** The configured key's fingerprint: the client's stable id in the REST API. */
  id: string;
}

export type KeyLookup =
  | { ok: true; client: AuthorizedClient; keyStatus: 'current' | 'grace'; graceUntil: Date | undefined; fingerprint: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'rotated_out'; fingerprint: string; client?: string };

interface KeyEntry {
  client: AuthorizedClient;
  /** When this key stops being accepted (a successor's grace end), undefined while it is the newest. */
  validUntil: Date | undefined;
}

export class ClientKeys {
  private readonly byFingerprint = new Map<string, KeyEntry>();
  private readonly clients = new Map<string, AuthorizedClient>();
  private rotations: RotatedKeyRecord[];

  constructor(specs: readonly AuthorizedClientSpec[], rotations: readonly RotatedKeyRecord[]) {
    for (const s of specs) {
      const fp = fingerprint(parsePublicKey(s.public_key).raw);
      const client: AuthorizedClient = {
        name: s.name,
        allow: [...s.allow],
        patterns: s.allow.map(parseSourcePattern),
        expiresAt: s.expires_at ? new Date(s.expires_at) : undefined,
        id: fp,
      };
      this.clients.set(s.name, client);
      this.byFingerprint.set(fp, { client, validUntil: undefined });
    }
    this.rotations = [];
    for (const r of [...rotations].sort((a, b) => a.accepted_at.localeCompare(b.accepted_at))) this.apply(r);
  }

  list(): AuthorizedClient[] {
    return [...this.clients.values()];
  }

  get(name: string): AuthorizedClient | undefined {
    return this.clients.get(name);
  }

  /** Every rotation still relevant (for the state file). */
  records(): RotatedKeyRecord[] {
    return [...this.rotations];
  }

  lookup(fp: string, now: Date): KeyLookup {
    const e = this.byFingerprint.get(fp);
    if (!e) return { ok: false, reason: 'unknown', fingerprint: fp };
    if (e.client.expiresAt && e.client.expiresAt <= now) return { ok: false, reason: 'expired', fingerprint: fp, client: e.client.name };
    if (e.validUntil && e.validUntil <= now) return { ok: false, reason: 'rotated_out', fingerprint: fp, client: e.client.name };
    return { ok: true, client: e.client, keyStatus: e.validUntil ? 'grace' : 'current', graceUntil: e.validUntil, fingerprint: fp };
  }

  /** The client proved it holds `newKeyText`; the key it connected with stays valid for graceMs. */
  rotate(clientName: string, oldFingerprint: string, newKeyText: string, now: Date, graceMs: number): RotatedKeyRecord {
    const old = this.byFingerprint.get(oldFingerprint);
    if (!old || old.client.name !== clientName) throw new Error('the key being rotated does not belong to this client');
    const record: RotatedKeyRecord = {
      client: clientName,
      public_key: newKeyText,
      previous_public_key: oldFingerprint,
      accepted_at: now.toISOString(),
      grace_until: new Date(now.getTime() + graceMs).toISOString(),
    };
    this.apply(record);
    return record;
  }

  private apply(r: RotatedKeyRecord): void {
    const client = this.clients.get(r.client);
    if (!client) return; // the operator removed this client: its rotations no longer count
    let newFp: string;
    try {
      newFp = fingerprint(parsePublicKey(r.public_key).raw);
    } catch {
      return; // a damaged record must not lock the client out of its other keys
    }
    const until = new Date(r.grace_until);
    // Nor may one whose grace end is not a time: an Invalid Date would make the old key "in grace"
    // forever, and fail the HELLO_ACK (toISOString) of every connection made with it.
    if (Number.isNaN(until.getTime())) return;
    const prev = this.byFingerprint.get(r.previous_public_key);
    if (prev && prev.client === client) {
      prev.validUntil = prev.validUntil && prev.validUntil < until ? prev.validUntil : until;
    }
    const existing = this.byFingerprint.get(newFp);
    if (!existing) this.byFingerprint.set(newFp, { client, validUntil: undefined });
    this.rotations.push(r);
  }
}
