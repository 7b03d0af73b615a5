// Which keys a router accepts, and for how long: configured keys, keys clients rotated to, and the
// keys they replaced until the grace ends. Rebuilt from the state records after a restart.
import { describe, expect, it } from 'vitest';
import { generateIdentity, type ConduitIdentity } from '../transports/conduit/identity/index.js';
import { ClientKeys, type AuthorizedClientSpec, type KeyLookup, type RotatedKeyRecord } from './client-keys.js';

const HOUR = 3600_000;
const t0 = new Date('2025-06-01T12:00:00.000Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);

const a1 = generateIdentity('alice-1');
const a2 = generateIdentity('alice-2');
const a3 = generateIdentity('alice-3');
const b1 = generateIdentity('bob-1');
const b2 = generateIdentity('bob-2');
const stranger = generateIdentity('stranger');

function spec(name: string, id: ConduitIdentity, extra: Partial<AuthorizedClientSpec> = {}): AuthorizedClientSpec {
  return { name, public_key: id.publicKeyText, allow: ['10.0.0.0/8:22', 'web'], ...extra };
}

const specs = [spec('alice', a1), spec('bob', b1)];

/** The lookup reduced to what a test compares. */
function status(keys: ClientKeys, id: ConduitIdentity, now: Date): string {
  const l: KeyLookup = keys.lookup(id.fingerprint, now);
  if (!l.ok) return `${l.reason}${l.client ? `:${l.client}` : ''}`;
  return `${l.keyStatus}:${l.client.name}${l.graceUntil ? `@${l.graceUntil.toISOString()}` : ''}`;
}

describe('ClientKeys', () => {
  it('a configured key is current; anything else is unknown', () => {
    const keys = new ClientKeys(specs, []);
    const l = keys.lookup(a1.fingerprint, t0);
    expect(l).toMatchObject({ ok: true, keyStatus: 'current', graceUntil: undefined, fingerprint: a1.fingerprint });
    if (!l.ok) throw new Error('unreachable');
    expect(l.client).toMatchObject({ name: 'alice', allow: ['10.0.0.0/8:22', 'web'], id: a1.fingerprint, expiresAt: undefined });
    expect(l.client.patterns.map((p) => p.kind)).toEqual(['cidr', 'name']);
    expect(status(keys, b1, t0)).toBe('current:bob');
    expect(keys.lookup(stranger.fingerprint, t0)).toEqual({ ok: false, reason: 'unknown', fingerprint: stranger.fingerprint });
    expect(keys.list().map((c) => c.name)).toEqual(['alice', 'bob']);
    expect(keys.get('bob')?.id).toBe(b1.fingerprint);
    expect(keys.records()).toEqual([]);
  });

  it('an expired client is refused from its expiry instant on, whatever key it uses', () => {
    const keys = new ClientKeys([spec('alice', a1, { expires_at: at(HOUR).toISOString() }), spec('bob', b1)], []);
    expect(status(keys, a1, at(HOUR - 1))).toBe('current:alice');
    expect(status(keys, a1, at(HOUR))).toBe('expired:alice');
    expect(status(keys, b1, at(HOUR))).toBe('current:bob');
    keys.rotate('alice', a1.fingerprint, a2.publicKeyText, t0, 10 * HOUR);
    expect(status(keys, a2, at(HOUR - 1))).toBe('current:alice');
    expect(status(keys, a2, at(2 * HOUR))).toBe('expired:alice');
    expect(status(keys, a1, at(2 * HOUR))).toBe('expired:alice');
  });

  it('after a rotation the new key is current, the old one in grace until exactly grace_until, then rotated out', () => {
    const keys = new ClientKeys(specs, []);
    const rec = keys.rotate('alice', a1.fingerprint, a2.publicKeyText, t0, HOUR);
    expect(rec).toEqual({
      client: 'alice',
      public_key: a2.publicKeyText,
      previous_public_key: a1.fingerprint,
      accepted_at: t0.toISOString(),
      grace_until: at(HOUR).toISOString(),
    });
    expect(keys.records()).toEqual([rec]);
    expect(status(keys, a2, t0)).toBe('current:alice');
    expect(status(keys, a1, t0)).toBe(`grace:alice@${at(HOUR).toISOString()}`);
    expect(status(keys, a1, at(HOUR - 1))).toBe(`grace:alice@${at(HOUR).toISOString()}`);
    expect(status(keys, a1, at(HOUR))).toBe('rotated_out:alice');
    expect(status(keys, a2, at(100 * HOUR))).toBe('current:alice');
    // The new key is the same client (its id stays the configured key's fingerprint).
    const l = keys.lookup(a2.fingerprint, t0);
    expect(l.ok && l.client.id).toBe(a1.fingerprint);
    expect(status(keys, b1, at(HOUR))).toBe('current:bob');
  });

  it('refuses a rotation of a key that is not the client’s, and changes nothing', () => {
    const keys = new ClientKeys(specs, []);
    expect(() => keys.rotate('alice', b1.fingerprint, a2.publicKeyText, t0, HOUR)).toThrow(/does not belong/);
    expect(() => keys.rotate('alice', stranger.fingerprint, a2.publicKeyText, t0, HOUR)).toThrow(/does not belong/);
    expect(() => keys.rotate('carol', a1.fingerprint, a2.publicKeyText, t0, HOUR)).toThrow(/does not belong/);
    expect(keys.records()).toEqual([]);
    expect(status(keys, a1, t0)).toBe('current:alice');
    expect(status(keys, b1, t0)).toBe('current:bob');
    expect(status(keys, a2, t0)).toBe('unknown');
  });

  it('chained rotations: each replaced key keeps its own grace, and a second rotation of a key in grace cannot extend it', () => {
    const keys = new ClientKeys(specs, []);
    keys.rotate('alice', a1.fingerprint, a2.publicKeyText, t0, HOUR);
    keys.rotate('alice', a2.fingerprint, a3.publicKeyText, at(10 * 60_000), HOUR);
    const now = at(20 * 60_000);
    expect(status(keys, a1, now)).toBe(`grace:alice@${at(HOUR).toISOString()}`);
    expect(status(keys, a2, now)).toBe(`grace:alice@${at(70 * 60_000).toISOString()}`);
    expect(status(keys, a3, now)).toBe('current:alice');
    expect(status(keys, a1, at(65 * 60_000))).toBe('rotated_out:alice');
    expect(status(keys, a2, at(65 * 60_000))).toBe(`grace:alice@${at(70 * 60_000).toISOString()}`);
    expect(status(keys, a2, at(70 * 60_000))).toBe('rotated_out:alice');
    expect(status(keys, a3, at(70 * 60_000))).toBe('current:alice');

    // The first key, still in grace, rotates again with a long grace: its deadline stays.
    keys.rotate('alice', a1.fingerprint, a3.publicKeyText, at(30 * 60_000), 24 * HOUR);
    expect(status(keys, a1, at(HOUR))).toBe('rotated_out:alice');
    expect(keys.records()).toHaveLength(3);
  });

  it('a restart rebuilds the same answers from the records, in whatever order they were stored', () => {
    const keys = new ClientKeys(specs, []);
    keys.rotate('alice', a1.fingerprint, a2.publicKeyText, t0, HOUR);
    keys.rotate('alice', a2.fingerprint, a3.publicKeyText, at(10 * 60_000), HOUR);
    keys.rotate('bob', b1.fingerprint, b2.publicKeyText, at(5 * 60_000), 2 * HOUR);
    const again = new ClientKeys(specs, [...keys.records()].reverse());
    for (const when of [t0, at(20 * 60_000), at(65 * 60_000), at(70 * 60_000), at(3 * HOUR)])
      for (const id of [a1, a2, a3, b1, b2, stranger]) expect(status(again, id, when)).toBe(status(keys, id, when));
    expect(status(again, b1, at(HOUR))).toBe(`grace:bob@${at(125 * 60_000).toISOString()}`);
    expect(again.records().map((r) => r.accepted_at)).toEqual([...keys.records().map((r) => r.accepted_at)].sort());
  });

  it('rotation records of a client the operator removed are ignored (and not kept)', () => {
    const keys = new ClientKeys(specs, []);
    const bobs = keys.rotate('bob', b1.fingerprint, b2.publicKeyText, t0, HOUR);
    const alices = keys.rotate('alice', a1.fingerprint, a2.publicKeyText, t0, HOUR);
    const withoutBob = new ClientKeys([spec('alice', a1)], [bobs, alices]);
    expect(status(withoutBob, b2, t0)).toBe('unknown');
    expect(status(withoutBob, b1, t0)).toBe('unknown');
    expect(status(withoutBob, a2, t0)).toBe('current:alice');
    expect(withoutBob.records()).toEqual([alices]);
  });

  it('a record naming another client’s key as the previous one does not touch that key', () => {
    const forged: RotatedKeyRecord = {
      client: 'alice',
      public_key: a2.publicKeyText,
      previous_public_key: b1.fingerprint,
      accepted_at: t0.toISOString(),
      grace_until: at(HOUR).toISOString(),
    };
    const keys = new ClientKeys(specs, [forged]);
    expect(status(keys, b1, at(2 * HOUR))).toBe('current:bob');
    expect(status(keys, a1, at(2 * HOUR))).toBe('current:alice');
  });

  it('a damaged record is ignored: it neither adds a key nor locks the client out of the others', () => {
    const good = new ClientKeys(specs, []).rotate('alice', a1.fingerprint, a2.publicKeyText, t0, HOUR);
    const badKey: RotatedKeyRecord = { ...good, public_key: 'conduit-ed25519 AAAA-not-base64!' };
    const badTime: RotatedKeyRecord = { ...good, public_key: a3.publicKeyText, grace_until: 'next tuesday' };
    const keys = new ClientKeys(specs, [badKey, badTime]);
    for (const when of [t0, at(HOUR), at(1000 * HOUR)]) {
      expect(status(keys, a1, when)).toBe('current:alice');
      expect(status(keys, a3, when)).toBe('unknown');
    }
    expect(keys.records()).toEqual([]);
    // A good record beside the damaged ones still counts.
    const mixed = new ClientKeys(specs, [badKey, good, badTime]);
    expect(status(mixed, a2, t0)).toBe('current:alice');
    expect(status(mixed, a1, at(HOUR))).toBe('rotated_out:alice');
    expect(mixed.records()).toEqual([good]);
  });
});
