// Nobody without an authorised key gets a byte through, and a client reaches only what it was
// granted: every refusal is checked at the source (an echo server counting the bytes it got; the
// router's health checks connect to granted sources but never send).
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { generateIdentity } from '../../../src-main/transports/conduit/identity/index.js';
import { encodeFrame, FrameType } from '../../../src-main/transports/conduit/protocol/frames.js';
import { encodeHello } from '../../../src-main/transports/conduit/protocol/messages.js';
import { clientSpec, dialRouter, staticKeys, startTestRouter, testClient, type TestRouter } from '../../fixtures/conduit-router.js';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';

async function expectCode(p: Promise<unknown>, code: number): Promise<WarrenError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WarrenError);
  expect((e as WarrenError).code).toBe(code);
  return e as WarrenError;
}

/** Everything a raw peer receives until the router closes on it (bounded by a timeout). */
function collectUntilClose(socket: net.Socket | tls.TLSSocket, ms: number): Promise<{ data: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => finish(false), ms);
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closed });
    };
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
  });
}

describe('conduit router refuses', () => {
  let echo: EchoServer;
  let secret: EchoServer;
  let r: TestRouter;
  const alice = testClient('alice', []);
  const expired = testClient('old-laptop', []);

  beforeAll(async () => {
    echo = await startEchoServer();
    secret = await startEchoServer();
    alice.allow.push(`127.0.0.1:${echo.port}`);
    expired.allow.push(`127.0.0.1:${echo.port}`);
    r = await startTestRouter({
      clients: [clientSpec(alice), clientSpec(expired, { expires_at: '2020-01-01T00:00:00Z' })],
      handshakeTimeoutMs: 800,
    });
  });
  afterAll(async () => {
    await r?.stop();
    await echo?.close();
    await secret?.close();
  });

  it('a client whose key is not in authorized_clients', async () => {
    const stranger = generateIdentity('stranger');
    const e = await expectCode(dialRouter(r, staticKeys(stranger)), ErrorCode.ClientNotAuthorized);
    expect(e.message).toContain(stranger.fingerprint);
    expect(echo.bytesReceived + secret.bytesReceived).toBe(0);
  });

  it('a client whose key has expired', async () => {
    const e = await expectCode(dialRouter(r, staticKeys(expired.identity)), ErrorCode.ClientNotAuthorized);
    expect(e.message).toMatch(/expired/);
    expect(echo.bytesReceived).toBe(0);
  });

  it('a TLS client without any key, even if it speaks the protocol', async () => {
    const socket = tls.connect({ host: '127.0.0.1', port: r.port, rejectUnauthorized: false, minVersion: 'TLSv1.3' });
    await new Promise((res) => socket.once('secureConnect', res));
    socket.write(encodeFrame(FrameType.Hello, 0, encodeHello({ client: 'nobody', features: [] })));
    socket.write(encodeFrame(FrameType.Open, 1, Buffer.from(JSON.stringify({ source: `127.0.0.1:${echo.port}`, protocol: 'tcp', window: 65536 }))));
    const { data, closed } = await collectUntilClose(socket, 5000);
    expect(closed).toBe(true);
    expect(data.toString()).toContain('unauthorized');
    expect(echo.bytesReceived).toBe(0);
  });

  it('a plain TCP client, and one that sends nothing is dropped at the handshake timeout', async () => {
    const garbage = net.connect(r.port, '127.0.0.1');
    garbage.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await collectUntilClose(garbage, 5000)).closed).toBe(true);

    const silent = net.connect(r.port, '127.0.0.1');
    const started = Date.now();
    const res = await collectUntilClose(silent, 5000);
    expect(res.closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(echo.bytesReceived).toBe(0);
  });

  it('a source the client was not granted: clear error, nothing connected', async () => {
    const link = await dialRouter(r, staticKeys(alice.identity));
    try {
      const e = await expectCode(link.openStream({ host: '127.0.0.1', port: secret.port }), ErrorCode.SourceNotAllowed);
      expect(e.message).toContain(`127.0.0.1:${secret.port}`);
      await expectCode(link.openStream({ host: 'db-group', port: 0 }), ErrorCode.SourceNotAllowed);
      // CHECK answers the same without dialing anything.
      await expectCode(link.checkTarget({ host: '127.0.0.1', port: secret.port }), ErrorCode.SourceNotAllowed);
      await link.checkTarget({ host: '127.0.0.1', port: echo.port });
      expect(secret.connections).toBe(0); // not even health-checked: it was never granted
      // …while the granted one works on the same link.
      const s = await link.openStream({ host: '127.0.0.1', port: echo.port });
      s.destroy();
    } finally {
      await link.close();
    }
  });

  it('a router presenting a different key than the pinned one', async () => {
    const other = generateIdentity('impostor');
    await expectCode(dialRouter(r, staticKeys(alice.identity), { pin: other.fingerprint }), ErrorCode.RouterKeyMismatch);
  });

  it('a router whose key changed since first use (known_routers)', async () => {
    const link = await dialRouter(r, staticKeys(alice.identity), { pin: null }); // first use: recorded
    await link.close();
    const impostor = await startTestRouter({ clients: [clientSpec(alice)] });
    try {
      // Same address as far as known_routers is concerned: reuse the first router's home and port.
      await r.router.stop(0);
      const again = await startTestRouter({ clients: [clientSpec(alice)], identity: impostor.identity, bind: { host: '127.0.0.1', port: r.port } });
      try {
        const e = await expectCode(dialRouter({ ...again, home: r.home }, staticKeys(alice.identity), { pin: null }), ErrorCode.RouterKeyMismatch);
        expect(e.message).toContain('known_routers');
      } finally {
        await again.stop();
      }
    } finally {
      await impostor.stop();
      await r.restart();
    }
  });
});
