// A client rotates its key with the real key-file API and reaches a real router: the first connect
// after the rotation presents the old key and hands over the new one (proven over that TLS session),
// the router records it and the client notes the router's acknowledgement; afterwards the new key
// is current and the old one works until the grace ends, then is refused with a reason. A forged
// hand-over changes nothing, and all of it survives a router restart.
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { loadClientKeys } from '../../../src-main/transports/conduit/client-key-store.js';
import type { ConduitLink } from '../../../src-main/transports/conduit/conduit-link.js';
import {
  createKeyFile,
  fingerprint,
  generateIdentity,
  rawPublicKeyOf,
  readKeyMeta,
  rotateKeyFile,
  signRotationProof,
  tlsBindingBytes,
  type ConduitIdentity,
} from '../../../src-main/transports/conduit/identity/index.js';
import { FrameType } from '../../../src-main/transports/conduit/protocol/frames.js';
import { parseJson, rotateAckSchema, type RotateAck } from '../../../src-main/transports/conduit/protocol/messages.js';
import type { RotatedKeyRecord } from '../../../src-main/router/client-keys.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { clientSpec, dialRouter, staticKeys, startTestRouter, testClient, type TestRouter } from '../../fixtures/conduit-router.js';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';
import { echoes } from '../../fixtures/stream-echo.js';

/** The key this side presented in the TLS handshake (read off our own certificate). */
function presentedKey(link: ConduitLink): string {
  const cert = (link.mux.socket as TLSSocket).getX509Certificate();
  if (!cert) throw new Error('no local certificate');
  return fingerprint(rawPublicKeyOf(cert));
}

async function refusal(p: Promise<unknown>): Promise<WarrenError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WarrenError);
  return e as WarrenError;
}

/** Sends a ROTATE on an established link and returns the router's answer. */
function sendRotate(link: ConduitLink, body: { public_key: string; proof: string }): Promise<RotateAck> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ROTATE_ACK within 5 s')), 5000);
    link.onRotateAck = (payload) => {
      clearTimeout(timer);
      resolve(parseJson(rotateAckSchema, payload, 'rotate_ack'));
    };
    link.mux.sendJson(FrameType.Rotate, 0, body);
  });
}

describe('conduit client key rotation', () => {
  let echo: EchoServer;
  let home: TempDir;
  let keyPath: string;
  let v1: ConduitIdentity;
  let v2: ConduitIdentity;
  let r: TestRouter;
  const bob = testClient('bob', []);
  const links: ConduitLink[] = [];
  const keep = (l: ConduitLink): ConduitLink => (links.push(l), l);

  async function works(link: ConduitLink): Promise<void> {
    const s = await link.openStream({ host: '127.0.0.1', port: echo.port });
    expect(await echoes(s, 'ping')).toBe('ping');
  }

  beforeAll(async () => {
    echo = await startEchoServer();
    bob.allow.push(`127.0.0.1:${echo.port}`);
    home = await makeTempDir('warren-rotation-');
    keyPath = path.join(home.path, 'keys', 'conduit.key');
    v1 = createKeyFile(keyPath, { comment: 'alice@laptop' });
    r = await startTestRouter({
      clients: [{ name: 'alice', public_key: v1.publicKeyText, allow: [`127.0.0.1:${echo.port}`] }, clientSpec(bob)],
      rotationGraceMs: 60_000,
    });
  });
  afterAll(async () => {
    for (const l of links) await l.close();
    await r?.stop();
    await echo?.close();
    await home?.remove();
  });

  it('the first connect after a rotation presents the old key and hands over the new one', async () => {
    const rotated = rotateKeyFile(keyPath);
    v2 = rotated.current;
    expect(rotated.previous.fingerprint).toBe(v1.fingerprint);
    const keys = loadClientKeys(keyPath);
    expect(keys.current.fingerprint).toBe(v2.fingerprint);
    expect(keys.previous?.fingerprint).toBe(v1.fingerprint);
    expect(keys.needsRotation(r.address)).toBe(true);

    const link = keep(await dialRouter(r, keys));
    expect(presentedKey(link)).toBe(v1.fingerprint);
    expect(link.ack.key_status).toBe('current'); // it was, when HELLO was answered
    // The router recorded the new key…
    expect(r.state).toHaveLength(1);
    expect(r.state[0]).toMatchObject({ client: 'alice', public_key: v2.publicKeyText, previous_public_key: v1.fingerprint } satisfies Partial<RotatedKeyRecord>);
    const graceMs = Date.parse(r.state[0]!.grace_until) - Date.parse(r.state[0]!.accepted_at);
    expect(graceMs).toBe(60_000);
    // …and the client knows this router has it.
    expect(readKeyMeta(keyPath)?.acknowledged_by).toEqual([r.address]);
    expect(loadClientKeys(keyPath).needsRotation(r.address)).toBe(false);
    await works(link);
  });

  it('then the new key connects as current, and the old one still does during the grace', async () => {
    const fresh = keep(await dialRouter(r, loadClientKeys(keyPath)));
    expect(presentedKey(fresh)).toBe(v2.fingerprint);
    expect(fresh.ack).toMatchObject({ client_name: 'alice', key_status: 'current', grace_until: null });
    await works(fresh);

    const old = keep(await dialRouter(r, staticKeys(v1)));
    expect(presentedKey(old)).toBe(v1.fingerprint);
    expect(old.ack.key_status).toBe('grace');
    expect(old.ack.client_name).toBe('alice');
    expect(old.ack.grace_until).toBe(r.state[0]!.grace_until);
    await works(old);
  });

  it('a forged rotation is refused and changes nothing', async () => {
    const link = keep(await dialRouter(r, staticKeys(bob.identity)));
    const before = structuredClone(r.state);
    const wanted = generateIdentity('bob-next');
    const socket = link.mux.socket as TLSSocket;

    // Signed by some other key than the one offered.
    const impostor = generateIdentity('impostor');
    const a = await sendRotate(link, { public_key: wanted.publicKeyText, proof: signRotationProof(impostor.privateKey, tlsBindingBytes(socket)).toString('base64') });
    expect(a).toMatchObject({ accepted: false, grace_until: null, message: expect.stringMatching(/does not verify/) });

    // Signed by the right key, but over another session (a replayed proof).
    const elsewhere = keep(await dialRouter(r, staticKeys(bob.identity)));
    const replayed = signRotationProof(wanted.privateKey, tlsBindingBytes(elsewhere.mux.socket as TLSSocket));
    const b = await sendRotate(link, { public_key: wanted.publicKeyText, proof: replayed.toString('base64') });
    expect(b.accepted).toBe(false);

    // Not a key at all.
    const c = await sendRotate(link, { public_key: 'conduit-ed25519 bm90IGEga2V5', proof: replayed.toString('base64') });
    expect(c.accepted).toBe(false);

    expect(r.state).toEqual(before);
    const e = await refusal(dialRouter(r, staticKeys(wanted)));
    expect(e.code).toBe(ErrorCode.ClientNotAuthorized);
    const again = keep(await dialRouter(r, staticKeys(bob.identity)));
    expect(again.ack.key_status).toBe('current');
    // The connection that tried is still a working connection.
    await works(link);
  });

  it('survives a router restart: new key current, old key in grace', async () => {
    for (const l of links.splice(0)) await l.close();
    const stateBefore = structuredClone(r.state);
    await r.restart();
    expect(r.state).toEqual(stateBefore);
    const fresh = keep(await dialRouter(r, loadClientKeys(keyPath)));
    expect(presentedKey(fresh)).toBe(v2.fingerprint);
    expect(fresh.ack.key_status).toBe('current');
    const old = keep(await dialRouter(r, staticKeys(v1)));
    expect(old.ack.key_status).toBe('grace');
    await works(fresh);
    await works(old);
    expect(r.state).toEqual(stateBefore); // no second rotation was made
  });

  it('with a short grace, the old key is refused once it has passed, naming the rotation', async () => {
    // A second router that only knows the first key: the client hands the new one over there too.
    const r2 = await startTestRouter({
      clients: [{ name: 'alice', public_key: v1.publicKeyText, allow: [`127.0.0.1:${echo.port}`] }],
      rotationGraceMs: 300,
    });
    try {
      const keys = loadClientKeys(keyPath);
      expect(keys.needsRotation(r2.address)).toBe(true);
      const link = await dialRouter(r2, keys);
      expect(presentedKey(link)).toBe(v1.fingerprint);
      await link.close();
      expect(r2.state).toHaveLength(1);
      expect(readKeyMeta(keyPath)?.acknowledged_by.sort()).toEqual([r.address, r2.address].sort());

      const graceUntil = Date.parse(r2.state[0]!.grace_until);
      await new Promise((res) => setTimeout(res, Math.max(0, graceUntil - Date.now()) + 50));
      const e = await refusal(dialRouter(r2, staticKeys(v1)));
      expect(e.code).toBe(ErrorCode.ClientNotAuthorized);
      expect(e.message).toMatch(/rotation/);
      expect(e.message).toContain(v1.fingerprint);

      const now = await dialRouter(r2, loadClientKeys(keyPath));
      expect(now.ack.key_status).toBe('current');
      await works(now);
      await now.close();

      // A restart does not bring the old key back.
      await r2.restart();
      expect((await refusal(dialRouter(r2, staticKeys(v1)))).code).toBe(ErrorCode.ClientNotAuthorized);
      const after = await dialRouter(r2, loadClientKeys(keyPath));
      expect(after.ack.key_status).toBe('current');
      await after.close();
    } finally {
      await r2.stop();
    }
  });
});
