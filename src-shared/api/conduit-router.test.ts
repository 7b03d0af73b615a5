import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  clientInfoSchema,
  envelopeSchema,
  paginatedSchema,
  routerHealthSchema,
  routerInfoSchema,
  splitEndpointAddress,
  type ClientInfo,
  type RouterHealth,
} from './conduit-router.js';

const client: ClientInfo = {
  id: 'c1',
  name: 'laptop',
  fingerprint: 'SHA256:abc',
  connected: true,
  remote_address: '10.0.0.5:51234',
  connected_at: '2025-01-01T00:00:00.000Z',
  last_seen_at: '2025-01-01T00:01:00.000Z',
  active_streams: 2,
  total_streams: 10,
  bytes_in: 100,
  bytes_out: 200,
  allow: ['db:5432'],
  key_status: 'grace',
  grace_until: '2025-02-01T00:00:00.000Z',
};

describe('conduit router API shapes', () => {
  it('accepts what a router reports', () => {
    const health: RouterHealth = {
      status: 'degraded',
      clients_connected: 1,
      sources: [
        {
          name: 'db',
          strategy: 'round_robin',
          status: 'degraded',
          endpoints: [
            { address: '10.0.0.1:5432', status: 'up', last_check_at: '2025-01-01T00:00:00.000Z', last_ok_at: '2025-01-01T00:00:00.000Z', latency_ms: 1.5, consecutive_failures: 0, circuit: 'closed', active_connections: 3 },
            { address: '[fd00::2]:5432', status: 'down', last_check_at: null, last_ok_at: null, latency_ms: null, consecutive_failures: 4, circuit: 'open', active_connections: 0 },
          ],
        },
      ],
    };
    expect(routerHealthSchema.parse(health)).toEqual(health);
    expect(clientInfoSchema.parse(client)).toEqual(client);
    expect(
      routerInfoSchema.safeParse({ name: 'r', version: '0.1.0', protocol_version: 1, fingerprint: 'x', bind: '0.0.0.0:9999', api_bind: '127.0.0.1:9998', started_at: 'yesterday', uptime_s: 1 }).success,
    ).toBe(false);
  });

  it('wraps data in the envelope and pages', () => {
    const schema = envelopeSchema(paginatedSchema(clientInfoSchema));
    const ok = { success: true, data: { items: [client], page: 1, per_page: 50, total: 1, total_pages: 1 }, error: null, timestamp: new Date().toISOString(), request_id: 'r-1' };
    expect(schema.parse(ok)).toEqual(ok);
    const failed = { success: false, data: null, error: { code: 'not_found', message: 'no client x' }, timestamp: new Date().toISOString(), request_id: 'r-2' };
    expect(schema.parse(failed)).toEqual(failed);
    expect(schema.safeParse({ ...ok, data: { ...ok.data, page: 0 } }).success).toBe(false);
  });

  it('splits host:port, IPv6 in brackets', () => {
    expect(splitEndpointAddress('db.internal:5432')).toEqual({ host: 'db.internal', port: 5432 });
    expect(splitEndpointAddress('[fd00::1]:80')).toEqual({ host: 'fd00::1', port: 80 });
    for (const bad of ['fd00::1:80', 'db', 'db:', 'db:0', 'db:70000', ':80', 'a b:1']) expect(splitEndpointAddress(bad)).toBeUndefined();
  });

  it('every IPv4 host:port round-trips', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 1, max: 65535 }), (host, port) => {
        expect(splitEndpointAddress(`${host}:${port}`)).toEqual({ host, port });
      }),
    );
  });
});
