import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls, { type ConnectionOptions, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { generateIdentity } from './conduit-identity.js';
import { clientTlsOptions, peerFingerprint, serverTlsOptions, tlsBindingBytes } from './tls-options.js';

const router = generateIdentity('router');
const client = generateIdentity('client');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

/** One handshake on 127.0.0.1; both ends' sockets once secure, or the client's error. */
async function handshake(clientOptions: ConnectionOptions): Promise<{ server: TLSSocket; client: TLSSocket }> {
  const server = tls.createServer(serverTlsOptions(router));
  cleanups.push(() => server.close());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening', { signal: AbortSignal.timeout(5000) });
  const { port } = server.address() as AddressInfo;
  const accepted = once(server, 'secureConnection', { signal: AbortSignal.timeout(5000) });
  accepted.catch(() => undefined); // unused when the client fails
  const socket = tls.connect({ ...clientOptions, host: '127.0.0.1', port });
  cleanups.push(() => socket.destroy());
  await once(socket, 'secureConnect', { signal: AbortSignal.timeout(5000) });
  const [serverSocket] = (await accepted) as [TLSSocket];
  cleanups.push(() => serverSocket.destroy());
  return { server: serverSocket, client: socket };
}

describe('conduit TLS options', () => {
  it('both ends see each other’s pinned key over TLS 1.3 and derive the same binding bytes', async () => {
    const { server, client: c } = await handshake(clientTlsOptions(client));
    expect(c.getProtocol()).toBe('TLSv1.3');
    expect(server.getProtocol()).toBe('TLSv1.3');
    expect(c.alpnProtocol).toBe('conduit/1');
    expect(peerFingerprint(c)).toBe(router.fingerprint);
    expect(peerFingerprint(server)).toBe(client.fingerprint);
    const a = tlsBindingBytes(c);
    expect(a.length).toBe(32);
    expect(a.equals(tlsBindingBytes(server))).toBe(true);
  });

  it('binding bytes differ between connections', async () => {
    const first = await handshake(clientTlsOptions(client));
    const second = await handshake(clientTlsOptions(client));
    expect(tlsBindingBytes(first.client).equals(tlsBindingBytes(second.client))).toBe(false);
  });

  it('a client without a certificate connects, and the server sees no fingerprint', async () => {
    const { server, client: c } = await handshake({ ...clientTlsOptions(client), key: undefined, cert: undefined });
    expect(c.getProtocol()).toBe('TLSv1.3');
    expect(peerFingerprint(c)).toBe(router.fingerprint);
    expect(peerFingerprint(server)).toBeUndefined();
  });

  it('a TLS 1.2-only client is refused', async () => {
    await expect(handshake({ ...clientTlsOptions(client), minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })).rejects.toThrow();
  });

  it('options ask for TLS 1.3 only, our own pinning, and the client certificate', () => {
    const s = serverTlsOptions(router);
    const c = clientTlsOptions(client);
    for (const o of [s, c]) {
      expect(o.minVersion).toBe('TLSv1.3');
      expect(o.maxVersion).toBe('TLSv1.3');
      expect(o.rejectUnauthorized).toBe(false);
      expect(o.ALPNProtocols).toEqual(['conduit/1']);
    }
    expect(s.requestCert).toBe(true);
    expect(s.key).toBe(router.keyPem);
    expect(c.cert).toBe(client.certificatePem);
  });
});
