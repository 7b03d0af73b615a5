// Conduit's tunnel itself, client link ⇄ real router over real TLS on loopback: bulk TCP both ways
// intact, many concurrent streams, UDP datagrams, pings, and the router's own stats.
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientSpec, dialRouter, staticKeys, startTestRouter, testClient, type TestRouter } from '../../fixtures/conduit-router.js';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';
import type { ConduitLink } from '../../../src-main/transports/conduit/conduit-link.js';
import { roundTrip } from '../../fixtures/stream-echo.js';

const MB = 1024 * 1024;

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

describe('conduit link over TLS 1.3', () => {
  let echo: EchoServer;
  let r: TestRouter;
  let link: ConduitLink;
  const alice = testClient('alice', ['127.0.0.1:*']);
  let udpEcho: dgram.Socket;
  let udpPort: number;

  beforeAll(async () => {
    echo = await startEchoServer();
    udpEcho = dgram.createSocket('udp4');
    udpEcho.on('message', (msg, rinfo) => udpEcho.send(msg, rinfo.port, rinfo.address));
    await new Promise<void>((res) => udpEcho.bind(0, '127.0.0.1', () => res()));
    udpPort = udpEcho.address().port;
    r = await startTestRouter({ clients: [clientSpec(alice)] });
    link = await dialRouter(r, staticKeys(alice.identity));
  });
  afterAll(async () => {
    await link?.close();
    await r?.stop();
    await echo?.close();
    udpEcho?.close();
  });

  it('carries 50 MB each way intact through one stream', async () => {
    const data = randomBytes(50 * MB);
    const stream = await link.openStream({ host: '127.0.0.1', port: echo.port });
    const back = await roundTrip(stream, data);
    expect(back.length).toBe(data.length);
    expect(sha(back)).toBe(sha(data));
  }, 120_000);

  it('echoes on 1,000 concurrent streams', async () => {
    const results = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const s = await link.openStream({ host: '127.0.0.1', port: echo.port });
        const msg = Buffer.from(`hello ${i}`);
        const back = await roundTrip(s, msg);
        return back.toString() === msg.toString();
      }),
    );
    expect(results.filter(Boolean).length).toBe(1000);
  }, 120_000);

  it('round-trips UDP datagrams with their boundaries', async () => {
    const d = await link.openDatagram({ host: '127.0.0.1', port: udpPort });
    const got: string[] = [];
    const done = new Promise<void>((res) => d.onMessage((m) => (got.push(m.toString()), got.length === 3 && res())));
    for (const m of ['one', 'two', 'three']) d.send(Buffer.from(m));
    await done;
    expect(got.sort()).toEqual(['one', 'three', 'two']);
    d.close();
  });

  it('answers pings and reports stats over the tunnel', async () => {
    const rtt = await link.probe(2000);
    expect(rtt).toBeGreaterThan(0);
    const stats = await link.stats();
    expect(stats.client.name).toBe('alice');
    expect(stats.client.connected).toBe(true);
    expect(stats.info.fingerprint).toBe(r.identity.fingerprint);
    expect(stats.client.bytes_in).toBeGreaterThanOrEqual(50 * MB);
  });
});
