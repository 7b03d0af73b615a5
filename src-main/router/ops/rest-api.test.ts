import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { z } from 'zod';
import { RouterMetrics } from './metrics.js';
import { isLoopbackHost, isLoopbackHostHeader, startRouterApi, type RouterApiServer, type RouterStatsProvider } from './rest-api.js';
import {
  clientInfoSchema,
  connectionStatsSchema,
  envelopeSchema,
  paginatedSchema,
  routerHealthSchema,
  routerInfoSchema,
  trafficStatsSchema,
  type ClientInfo,
  type RouterHealth,
} from '../../../src-shared/api/conduit-router.js';

function client(i: number): ClientInfo {
  return {
    id: `c${i}`,
    name: `client-${i}`,
    fingerprint: `SHA256:${i}`,
    connected: i % 2 === 0,
    remote_address: i % 2 === 0 ? `10.1.0.${i}:40000` : null,
    connected_at: i % 2 === 0 ? '2025-01-01T00:00:00.000Z' : null,
    last_seen_at: '2025-01-01T00:00:00.000Z',
    active_streams: i % 3,
    total_streams: i,
    bytes_in: i * 10,
    bytes_out: i * 20,
    allow: ['db'],
    key_status: 'current',
    grace_until: null,
  };
}

const CLIENTS = Array.from({ length: 123 }, (_, i) => client(i + 1));
CLIENTS.push({ ...client(999), id: 'a/b c' });

function provider(health: RouterHealth['status'] = 'ok'): RouterStatsProvider {
  return {
    info: () => ({ name: 'edge-1', version: '0.1.0', protocol_version: 1, fingerprint: 'SHA256:router', bind: '127.0.0.1:9999', api_bind: '127.0.0.1:9998', started_at: '2025-01-01T00:00:00.000Z', uptime_s: 42 }),
    health: () => ({
      status: health,
      clients_connected: 2,
      sources: [
        {
          name: 'db',
          strategy: 'least_connections',
          status: health === 'down' ? 'down' : 'up',
          endpoints: [{ address: '10.0.0.1:5432', status: 'up', last_check_at: null, last_ok_at: null, latency_ms: null, consecutive_failures: 0, circuit: 'closed', active_connections: 1 }],
        },
      ],
    }),
    clients: () => CLIENTS,
    client: (id) => CLIENTS.find((c) => c.id === id),
    traffic: () => ({ bytes_in: 1, bytes_out: 2, per_client: [{ id: 'c1', name: 'client-1', bytes_in: 1, bytes_out: 2 }], per_source: [{ source: 'db', bytes_in: 1, bytes_out: 2 }] }),
    connections: () => ({ active: 1, total: 5, failed: 1, refused_unauthorized: 2, handshake_failures: 3, per_source: [{ source: 'db', active: 1, total: 5, failed: 1 }] }),
  };
}

const servers: RouterApiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: { token?: string; health?: RouterHealth['status']; metrics?: RouterMetrics; provider?: RouterStatsProvider } = {}): Promise<{ base: string; metrics: RouterMetrics }> {
  const metrics = options.metrics ?? new RouterMetrics();
  const api = await startRouterApi({ bind: { host: '127.0.0.1', port: 0 }, token: options.token, provider: options.provider ?? provider(options.health), metrics });
  servers.push(api);
  return { base: `http://127.0.0.1:${api.port}`, metrics };
}

const errorEnvelope = envelopeSchema(z.null());

async function get(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; json: unknown; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

describe('router REST API', () => {
  it('answers every route with an envelope that parses with the shared schemas', async () => {
    const { base } = await start();
    const cases: [string, z.ZodType][] = [
      ['/api/v1/info', envelopeSchema(routerInfoSchema)],
      ['/api/v1/health', envelopeSchema(routerHealthSchema)],
      ['/api/v1/clients', envelopeSchema(paginatedSchema(clientInfoSchema))],
      ['/api/v1/clients/c7', envelopeSchema(clientInfoSchema)],
      ['/api/v1/clients/a%2Fb%20c', envelopeSchema(clientInfoSchema)],
      ['/api/v1/stats/traffic', envelopeSchema(trafficStatsSchema)],
      ['/api/v1/stats/connections/', envelopeSchema(connectionStatsSchema)],
    ];
    const ids = new Set<string>();
    for (const [path, schema] of cases) {
      const r = await get(base + path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      const env = schema.parse(r.json) as { success: boolean; error: unknown; request_id: string };
      expect(env.success).toBe(true);
      expect(env.error).toBeNull();
      ids.add(env.request_id);
    }
    expect(ids.size).toBe(cases.length); // a fresh id each time
    expect((await get(`${base}/api/v1/clients/a%2Fb%20c`)).json).toMatchObject({ data: { id: 'a/b c' } });
  });

  it('pages the client list and refuses bad page values', async () => {
    const { base } = await start();
    const schema = envelopeSchema(paginatedSchema(clientInfoSchema));
    const first = schema.parse((await get(`${base}/api/v1/clients`)).json).data!;
    expect(first).toMatchObject({ page: 1, per_page: 50, total: 124, total_pages: 3 });
    expect(first.items.map((c) => c.id).slice(0, 2)).toEqual(['c1', 'c2']);
    const third = schema.parse((await get(`${base}/api/v1/clients?page=3&per_page=50`)).json).data!;
    expect(third.items).toHaveLength(24);
    expect(third.items[0]!.id).toBe('c101');
    const big = schema.parse((await get(`${base}/api/v1/clients?per_page=500`)).json).data!;
    expect(big).toMatchObject({ total_pages: 1, per_page: 500 });
    expect(big.items).toHaveLength(124);
    expect(schema.parse((await get(`${base}/api/v1/clients?page=9`)).json).data!.items).toEqual([]);
    for (const q of ['page=0', 'page=x', 'per_page=501', 'per_page=-3', 'per_page=2.5']) {
      const r = await get(`${base}/api/v1/clients?${q}`);
      expect(r.status, q).toBe(400);
      expect(errorEnvelope.parse(r.json)).toMatchObject({ success: false, data: null, error: { code: 'bad_request' } });
    }
  });

  it('404 for an unknown route or client, 405 for a write, 503 when down', async () => {
    const { base } = await start({ health: 'down' });
    for (const path of ['/api/v1/nope', '/api/v2/info', '/', '/api/v1/clients/nobody', '/api/v1/clients/c1/extra']) {
      const r = await get(base + path);
      expect(r.status, path).toBe(404);
      expect(errorEnvelope.parse(r.json).error!.code).toBe('not_found');
    }
    const post = await get(`${base}/api/v1/info`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(errorEnvelope.parse(post.json).error!.code).toBe('method_not_allowed');
    expect((await get(`${base}/api/v1/clients/c1`, { method: 'DELETE' })).status).toBe(405);
    const health = await get(`${base}/api/v1/health`);
    expect(health.status).toBe(503);
    expect(envelopeSchema(routerHealthSchema).parse(health.json).data!.status).toBe('down');
  });

  it('echoes a sane X-Request-Id and replaces anything else', async () => {
    const { base } = await start();
    const echoed = await get(`${base}/api/v1/info`, { headers: { 'x-request-id': 'trace-42.a:b' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-42.a:b');
    expect((echoed.json as { request_id: string }).request_id).toBe('trace-42.a:b');
    const replaced = await get(`${base}/api/v1/info`, { headers: { 'x-request-id': 'has spaces <script>' } });
    expect((replaced.json as { request_id: string }).request_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('with a token, every route but health needs the bearer', async () => {
    const { base } = await start({ token: 's3cret-token' });
    for (const path of ['/api/v1/info', '/api/v1/clients', '/metrics', '/api/v1/metrics', '/api/v1/nope']) {
      for (const authorization of [undefined, 'Bearer wrong', 'Bearer s3cret-toke', 'Basic s3cret-token', 'Bearer s3cret-token-longer']) {
        const r = await get(base + path, { headers: authorization ? { authorization } : {} });
        expect(r.status, `${path} ${authorization}`).toBe(401);
        expect(r.headers.get('www-authenticate')).toBe('Bearer');
        expect(errorEnvelope.parse(r.json).error!.code).toBe('unauthorized');
      }
      const ok = await get(base + path, { headers: { authorization: 'Bearer s3cret-token' } });
      expect(ok.status).toBe(path.endsWith('nope') ? 404 : 200);
    }
    expect((await get(`${base}/api/v1/health`)).status).toBe(200);
  });

  it('serves Prometheus text at /metrics and /api/v1/metrics with what was counted', async () => {
    const { base, metrics } = await start();
    metrics.connectionOpened('client-1');
    metrics.bytes('client-1', 'in', 512);
    metrics.handshakeFailure('unknown_client');
    metrics.sourceHealth('db', '10.0.0.1:5432', true);
    metrics.circuitState('db', '10.0.0.1:5432', 'open');
    metrics.clientsConnected(1);
    for (const path of ['/metrics', '/api/v1/metrics']) {
      const r = await get(base + path);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
      for (const line of [
        'conduit_connections_total{client="client-1"} 1',
        'conduit_active_connections{client="client-1"} 1',
        'conduit_bytes_transferred_total{direction="in",client="client-1"} 512',
        'conduit_handshake_failures_total{reason="unknown_client"} 1',
        'conduit_source_up{source="db",endpoint="10.0.0.1:5432"} 1',
        'conduit_circuit_state{source="db",endpoint="10.0.0.1:5432"} 2',
        'conduit_clients_connected 1',
      ])
        expect(r.text.split('\n'), `${path}: ${line}`).toContain(line);
    }
  });

  it('a provider that throws gives a 500 envelope, and the server keeps serving', async () => {
    const broken: RouterStatsProvider = {
      ...provider(),
      traffic: () => {
        throw new Error('boom');
      },
    };
    const { base } = await start({ provider: broken });
    const r = await get(`${base}/api/v1/stats/traffic`);
    expect(r.status).toBe(500);
    expect(errorEnvelope.parse(r.json).error).toEqual({ code: 'internal_error', message: 'internal error' });
    expect((await get(`${base}/api/v1/info`)).status).toBe(200);
  });

  it('refuses a non-loopback bind without a token, and an empty token', async () => {
    await expect(startRouterApi({ bind: { host: '0.0.0.0', port: 0 }, provider: provider(), metrics: new RouterMetrics() })).rejects.toThrow(/without a token/);
    await expect(startRouterApi({ bind: { host: '127.0.0.1', port: 0 }, token: '', provider: provider(), metrics: new RouterMetrics() })).rejects.toThrow(/empty/);
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.1', 'example.com', '::ffff:10.0.0.1', '']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('a Host header counts as loopback only with a loopback name and the listening port', () => {
    for (const h of ['127.0.0.1:8080', 'localhost:8080', 'LocalHost:8080', '[::1]:8080', '127.0.0.2:8080']) expect(isLoopbackHostHeader(h, 8080), h).toBe(true);
    expect(isLoopbackHostHeader('localhost', 80)).toBe(true);
    const refused = [undefined, '', 'localhost', 'evil.example:8080', 'localhost:8081', '127.0.0.1:08080x', 'localhost.evil:8080', '[::1]', '::1:8080', 'user@localhost:8080', '127.0.0.1:8080:8080', '[::2]:8080'];
    for (const h of refused) expect(isLoopbackHostHeader(h, 8080), String(h)).toBe(false);
  });

  it('close() ends keep-alive connections instead of waiting for them', async () => {
    const api = await startRouterApi({ bind: { host: '127.0.0.1', port: 0 }, provider: provider(), metrics: new RouterMetrics() });
    const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    let socketClosed = false;
    await new Promise<void>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: api.port, path: '/api/v1/info', agent }, (res) => {
        res.socket.once('close', () => (socketClosed = true));
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
    });
    const started = Date.now();
    await api.close();
    await api.close(); // twice is fine
    expect(Date.now() - started).toBeLessThan(1000);
    const end = Date.now() + 1000;
    while (!socketClosed && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(socketClosed).toBe(true);
    agent.destroy();
  });
});
