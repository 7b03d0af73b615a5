// Finding 4 of issue 14: the router's REST API without a token trusted any Host header, so a web
// page on the router host could read /api/v1/clients through DNS rebinding (its name re-resolved to
// 127.0.0.1; the browser then sends `Host: evil.example:PORT`). Every request here goes to
// 127.0.0.1 — evil.example is only a header value, never resolved or contacted.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRouter, type TestRouter } from '../../fixtures/conduit-router.js';

interface Answer {
  status: number;
  body: string;
}

/** GET on 127.0.0.1:port with exactly the Host (and Authorization) given. */
function get(port: number, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET', headers, setHost: false, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('router API did not answer')));
    req.on('error', reject);
    req.end();
  });
}

async function routerWithApi(token?: string): Promise<TestRouter & { apiPort: number }> {
  const r = await startTestRouter({ clients: [], api: { bind: { host: '127.0.0.1', port: 0 }, token } });
  const apiPort = r.router.apiPort;
  if (apiPort === undefined) throw new Error('the router API did not start');
  return Object.assign(r, { apiPort });
}

describe('router API without a token (loopback only)', () => {
  let r: TestRouter & { apiPort: number };
  beforeAll(async () => {
    r = await routerWithApi();
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('refuses a DNS-rebinding Host with 403 and tells nothing about clients', async () => {
    for (const host of [`evil.example:${r.apiPort}`, 'evil.example', `127.0.0.1.evil.example:${r.apiPort}`, `localhost.:${r.apiPort}x`]) {
      const a = await get(r.apiPort, '/api/v1/clients', { host });
      expect(a.status, host).toBe(403);
      expect(a.body, host).toContain('forbidden');
      expect(a.body, host).not.toContain('"items"');
    }
    const metrics = await get(r.apiPort, '/metrics', { host: `evil.example:${r.apiPort}` });
    expect(metrics.status).toBe(403);
  });

  it('refuses a loopback name with another port (a page served from another local port)', async () => {
    const a = await get(r.apiPort, '/api/v1/clients', { host: `localhost:${r.apiPort + 1}` });
    expect(a.status).toBe(403);
  });

  it('refuses a request with no Host at all', async () => {
    // Node's HTTP/1.1 server answers 400 itself (requireHostHeader); either way, nothing is served.
    const a = await get(r.apiPort, '/api/v1/info', {});
    expect([400, 403]).toContain(a.status);
  });

  it('answers 127.0.0.1, localhost and [::1] with its port', async () => {
    for (const host of [`127.0.0.1:${r.apiPort}`, `localhost:${r.apiPort}`, `LOCALHOST:${r.apiPort}`, `[::1]:${r.apiPort}`]) {
      const a = await get(r.apiPort, '/api/v1/clients', { host });
      expect(a.status, host).toBe(200);
      expect(JSON.parse(a.body)).toMatchObject({ success: true });
    }
  });
});

describe('router API with a token', () => {
  const token = 'router-api-secret-token-0123456789abcdef';
  let r: TestRouter & { apiPort: number };
  beforeAll(async () => {
    r = await routerWithApi(token);
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('the right bearer token is enough, whatever the Host (it may face a network)', async () => {
    const a = await get(r.apiPort, '/api/v1/clients', { host: `router.internal:${r.apiPort}`, authorization: `Bearer ${token}` });
    expect(a.status).toBe(200);
  });

  it('a missing, wrong, shorter, longer or prefix token gets 401', async () => {
    const wrong = ['', 'Bearer ', `Bearer ${token.slice(0, -1)}`, `Bearer ${token}x`, `Bearer ${token.slice(0, 1)}`, `Bearer ${token.toUpperCase()}`, `Basic ${token}`];
    for (const authorization of wrong) {
      const headers: Record<string, string> = { host: `127.0.0.1:${r.apiPort}` };
      if (authorization) headers['authorization'] = authorization;
      const a = await get(r.apiPort, '/api/v1/clients', headers);
      expect(a.status, authorization).toBe(401);
      expect(a.body).not.toContain('"items"');
    }
  });
});
