// A named source group ("web": two echo servers) behind a real router, as its endpoints fail and
// come back: round robin spreads streams over both; with one endpoint gone, opens fail over to the
// other without the client noticing; with both gone, circuits open and opens fail fast with
// SourceUnavailable; a webhook (a real local HTTP receiver) hears about it; when the endpoints
// return on the same ports, health checks close the circuits, an all-clear is sent, and traffic
// flows again.
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import type { ConduitLink } from '../../../src-main/transports/conduit/conduit-link.js';
import type { WebhookPayload } from '../../../src-main/router/ops/alerts.js';
import { waitFor } from '../../fixtures/ports.js';
import { clientSpec, dialRouter, staticKeys, startTestRouter, testClient, type TestRouter } from '../../fixtures/conduit-router.js';
import { echoes } from '../../fixtures/stream-echo.js';

/** An echo server that can be stopped and started again on the same port. */
interface Endpoint {
  port: number;
  address: string;
  /** Connections that carried bytes (health checks connect but never send). */
  used: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function endpoint(): Promise<Endpoint> {
  let server: net.Server | undefined;
  const sockets = new Set<net.Socket>();
  const ep: Endpoint = {
    port: 0,
    address: '',
    used: 0,
    async start() {
      const s = net.createServer((sock) => {
        sockets.add(sock);
        let counted = false;
        sock.on('error', () => undefined);
        sock.on('close', () => sockets.delete(sock));
        sock.on('data', () => {
          if (!counted) {
            counted = true;
            ep.used++;
          }
        });
        sock.pipe(sock);
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(ep.port, '127.0.0.1', () => resolve());
      });
      server = s;
      ep.port = (s.address() as net.AddressInfo).port;
      ep.address = `127.0.0.1:${ep.port}`;
    },
    async stop() {
      const s = server;
      server = undefined;
      for (const sock of sockets) sock.destroy();
      if (s) await new Promise<void>((r) => s.close(() => r()));
    },
  };
  await ep.start();
  return ep;
}

/** A local webhook receiver: every JSON body POSTed to it. */
async function webhookReceiver(): Promise<{ url: string; alerts: WebhookPayload[]; close(): Promise<void> }> {
  const alerts: WebhookPayload[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        alerts.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookPayload);
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/warren`,
    alerts,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('a source group whose endpoints fail and come back', () => {
  let e1: Endpoint;
  let e2: Endpoint;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  let r: TestRouter;
  let link: ConduitLink;
  const alice = testClient('alice', ['web']);

  const web = (): ReturnType<TestRouter['router']['healthReport']>['sources'][number] => r.router.healthReport().sources.find((s) => s.name === 'web')!;
  const openWeb = (): Promise<Duplex> => link.openStream({ host: 'web', port: 0 });
  const alertsOf = (event: WebhookPayload['event']): WebhookPayload[] => hook.alerts.filter((a) => a.event === event);

  beforeAll(async () => {
    e1 = await endpoint();
    e2 = await endpoint();
    hook = await webhookReceiver();
    r = await startTestRouter({
      clients: [clientSpec(alice)],
      sources: [{ name: 'web', endpoints: [e1.address, e2.address], strategy: 'round_robin' }],
      health: { intervalMs: 200, timeoutMs: 300 },
      breaker: { failureThreshold: 2, openMs: 500 },
      connectTimeoutMs: 1000,
      alerts: { webhookUrl: hook.url, cooldownMs: 0 },
    });
    link = await dialRouter(r, staticKeys(alice.identity));
    await waitFor(() => web().endpoints.every((e) => e.status === 'up'), 'both endpoints checked up');
  });
  afterAll(async () => {
    await link?.close();
    await r?.stop();
    await e1?.stop();
    await e2?.stop();
    await hook?.close();
  });

  it('round robin spreads streams evenly over both endpoints', async () => {
    for (let i = 0; i < 6; i++) expect(await echoes(await openWeb(), `hello ${i}`)).toBe(`hello ${i}`);
    expect([e1.used, e2.used]).toEqual([3, 3]);
    expect(web().status).toBe('up');
    expect(hook.alerts).toEqual([]);
  });

  it('with one endpoint stopped, every open still succeeds on the other', async () => {
    await e1.stop();
    const before = { e1: e1.used, e2: e2.used };
    // At once, before any health check has noticed: round robin is due to pick e1 (six opens so
    // far), the connect fails and the router fails over. Straight on the mux, without the link's
    // retries, so the router alone has to get it right.
    const results = await Promise.all(Array.from({ length: 4 }, async (_, i) => echoes(await link.mux.openStream('web'), `fo ${i}`)));
    expect(results.sort()).toEqual(['fo 0', 'fo 1', 'fo 2', 'fo 3']);
    expect(e1.used).toBe(before.e1);
    expect(e2.used).toBe(before.e2 + 4);
    await waitFor(() => web().endpoints.find((e) => e.address === e1.address)?.status === 'down', 'e1 checked down', 5000);
    expect(web().status).toBe('degraded');
    for (let i = 0; i < 4; i++) expect(await echoes(await openWeb(), `later ${i}`)).toBe(`later ${i}`);
    expect(e2.used).toBe(before.e2 + 8);
    expect(alertsOf('source_down')).toEqual([]); // degraded is not down
  });

  it('with both stopped: circuits open, opens fail fast with SourceUnavailable, the webhook is told', async () => {
    await e2.stop();
    await waitFor(
      () => [e1.address, e2.address].every((a) => alertsOf('circuit_open').some((x) => x.details.endpoint === a)) && alertsOf('source_down').length > 0,
      'circuit_open for both endpoints and source_down',
      5000,
    );
    expect(web().status).toBe('down');
    expect(r.router.healthReport().status).toBe('down');

    const started = Date.now();
    const err = await openWeb().then(
      () => undefined,
      (e: unknown) => e,
    );
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(WarrenError);
    expect((err as WarrenError).code).toBe(ErrorCode.SourceUnavailable);
    expect((err as WarrenError).message).toMatch(/web/);
    expect(took).toBeLessThan(3000); // the client's few short retries, no connect timeouts
    expect(link.closed).toBe(false); // a refused open is not a broken link

    const down = alertsOf('source_down')[0]!;
    expect(down).toMatchObject({ subject: 'web', router: r.router.name, details: { source: 'web', to: 'down' } });
    expect(Date.parse(down.timestamp)).not.toBeNaN();
    const open = alertsOf('circuit_open').find((a) => a.details.endpoint === e2.address)!;
    expect(open).toMatchObject({ subject: `web ${e2.address}`, details: { source: 'web', endpoint: e2.address } });
  });

  it('when the endpoints return on the same ports, circuits close, the all-clear goes out, traffic flows', async () => {
    const upBefore = alertsOf('source_up').length;
    const closedBefore = alertsOf('circuit_closed').length;
    await e1.start();
    await e2.start();
    await waitFor(() => web().status === 'up', 'the source up again', 8000);
    await waitFor(
      () =>
        alertsOf('source_up').length > upBefore &&
        [e1.address, e2.address].every((a) => alertsOf('circuit_closed').slice(closedBefore).some((x) => x.details.endpoint === a)),
      'source_up and circuit_closed for both',
      5000,
    );
    expect(alertsOf('source_up').at(-1)).toMatchObject({ subject: 'web', details: { source: 'web', from: 'down' } });
    expect(web().endpoints.map((e) => e.circuit)).toEqual(['closed', 'closed']);

    const before = { e1: e1.used, e2: e2.used };
    for (let i = 0; i < 4; i++) expect(await echoes(await openWeb(), `back ${i}`)).toBe(`back ${i}`);
    expect(e1.used - before.e1).toBe(2);
    expect(e2.used - before.e2).toBe(2);
  });
});
