import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WarrenError, ErrorCode, type NotificationPayload } from '../../../src-shared/api/index.js';
import { Dispatcher, type ClientContext, type Handlers } from '../dispatcher.js';
import { resolveStaticPath, startBrowserDoor, type BrowserDoor } from './browser-door.js';

/** A few real handlers; subscriptions kept the simple way so the test can broadcast. */
function makeHandlers(subscribers: Map<string, ClientContext>): Handlers {
  let seq = 0;
  const partial: Partial<Handlers> = {
    'forward.list': () => ({ forwards: [] }),
    'session.get': ({ name }) => {
      throw new WarrenError(ErrorCode.RuleNotFound, `no rule named ${name}`);
    },
    'events.subscribe': (_params, ctx) => {
      const id = `sub-${++seq}`;
      subscribers.set(id, ctx);
      return { subscription_id: id };
    },
    'events.unsubscribe': ({ subscription_id }) => ({ ok: subscribers.delete(subscription_id) }),
  };
  return partial as Handlers;
}

let dir: string;
let door: BrowserDoor;
let dispatcher: Dispatcher;
let subscribers: Map<string, ClientContext>;
const sockets: WebSocket[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'warren-door-'));
  const renderer = path.join(dir, 'renderer');
  await mkdir(path.join(renderer, 'assets'), { recursive: true });
  await writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>Warren</title>');
  await writeFile(path.join(renderer, 'assets', 'app-1234.js'), 'console.log(1)');
  await writeFile(path.join(renderer, 'assets', 'style.css'), 'body{}');
  await writeFile(path.join(dir, 'secret.txt'), 'top secret');
  subscribers = new Map();
  dispatcher = new Dispatcher(makeHandlers(subscribers));
  door = await startBrowserDoor({ dispatcher, port: 0, rendererDir: renderer });
});

afterEach(async () => {
  // Refused sockets never opened; terminating those would throw.
  for (const ws of sockets.splice(0)) if (ws.readyState === WebSocket.OPEN) ws.terminate();
  await door.close();
  await rm(dir, { recursive: true, force: true });
});

function wsUrl(token = door.token): string {
  return `ws://127.0.0.1:${door.port}/rpc?token=${encodeURIComponent(token)}`;
}

/** Open a socket; resolves with it when upgraded, rejects with the HTTP status when refused. */
function connect(opts: { token?: string; origin?: string; host?: string } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(opts.token), {
      origin: opts.origin ?? `http://127.0.0.1:${door.port}`,
      headers: opts.host ? { Host: opts.host } : {},
    });
    sockets.push(ws);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Collect every frame a socket receives, parsed. */
function inbox(ws: WebSocket): { messages: unknown[]; next(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> } {
  const messages: unknown[] = [];
  const waiters: Array<{ pred: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }> = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Record<string, unknown>;
    messages.push(m);
    for (const w of [...waiters]) if (w.pred(m)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(m);
    }
  });
  return {
    messages,
    next(pred) {
      const found = messages.find((m) => pred(m as Record<string, unknown>));
      if (found) return Promise.resolve(found as Record<string, unknown>);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
}

function get(pathname: string, host = `127.0.0.1:${door.port}`): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    // A raw request so the path reaches the server exactly as written (no client-side normalising).
    const req = http.request({ host: '127.0.0.1', port: door.port, path: pathname, headers: { Host: host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser door: static files', () => {
  it('binds to 127.0.0.1 only and gives a URL with a 32-byte token', () => {
    expect(door.url).toBe(`http://127.0.0.1:${door.port}/#token=${door.token}`);
    expect(Buffer.from(door.token, 'base64url')).toHaveLength(32);
  });

  it('serves index.html and assets with content types and a strict CSP', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('<title>Warren</title>');
    const csp = index.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${door.port} ws://localhost:${door.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect((await get('/assets/app-1234.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/missing.js')).status).toBe(404);
    expect((await get('/assets')).status).toBe(404);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%00', '/..\\secret.txt']) {
      const res = await get(p);
      expect(res.status, p).toBe(404);
      expect(res.body).not.toContain('top secret');
    }
  });

  it('refuses HTTP requests with a foreign Host header (DNS rebinding)', async () => {
    expect((await get('/', `evil.example:${door.port}`)).status).toBe(403);
    expect((await get('/', `localhost:${door.port}`)).status).toBe(200);
  });

  it('reuses a given token and refuses a weak one', async () => {
    const token = Buffer.alloc(32, 7).toString('base64url');
    const other = await startBrowserDoor({ dispatcher, port: 0, rendererDir: dir, token });
    expect(other.url.endsWith(`#token=${token}`)).toBe(true);
    await other.close();
    await expect(startBrowserDoor({ dispatcher, port: 0, rendererDir: dir, token: 'short' })).rejects.toThrow('token');
  });

  it('resolveStaticPath keeps every path inside root', () => {
    const root = path.resolve('/srv/r');
    expect(resolveStaticPath(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStaticPath(root, '/a/b.js')).toBe(path.join(root, 'a', 'b.js'));
    expect(resolveStaticPath(root, '/../x')).toBeNull();
    expect(resolveStaticPath(root, '/%E0%A4%A')).toBeNull();
  });
});

describe('browser door: /rpc WebSocket', () => {
  it('refuses a wrong or missing token, a foreign Origin and a foreign Host with 403', async () => {
    await expect(connect({ token: 'x'.repeat(43) })).rejects.toThrow('HTTP 403');
    await expect(connect({ token: '' })).rejects.toThrow('HTTP 403');
    await expect(connect({ token: door.token.slice(0, -1) })).rejects.toThrow('HTTP 403');
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect({ origin: `http://127.0.0.1:${door.port + 1}` })).rejects.toThrow('HTTP 403');
    await expect(connect({ host: `evil.example:${door.port}` })).rejects.toThrow('HTTP 403');
    expect(dispatcher.connectedClients).toBe(0);
  });

  it('accepts the right token, Host and Origin (127.0.0.1 or localhost) and answers calls', async () => {
    const ws = await connect();
    const box = inbox(ws);
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'forward.list', params: {} }));
    expect(await box.next((m) => m['id'] === 1)).toEqual({ jsonrpc: '2.0', id: 1, result: { forwards: [] } });
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 'b', method: 'session.get', params: { name: 'nope' } }));
    const err = await box.next((m) => m['id'] === 'b');
    expect(err['error']).toMatchObject({ code: ErrorCode.RuleNotFound });
    expect(dispatcher.connectedClients).toBe(1);

    const ws2 = await connect({ origin: `http://localhost:${door.port}`, host: `localhost:${door.port}` });
    expect(ws2.readyState).toBe(WebSocket.OPEN);
  });

  it('answers a bad frame with a JSON-RPC error and keeps the socket up', async () => {
    const ws = await connect();
    const box = inbox(ws);
    ws.send('{not json');
    expect((await box.next((m) => 'error' in m))['error']).toMatchObject({ code: ErrorCode.ParseError });
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'no.such' }));
    expect((await box.next((m) => m['id'] === 2))['error']).toMatchObject({ code: ErrorCode.MethodNotFound });
    ws.send(Buffer.from('binary'), { binary: true });
    expect((await box.next((m) => m['id'] === null && (m['error'] as { code: number }).code === ErrorCode.InvalidRequest))).toBeTruthy();
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'forward.list' }));
    expect(await box.next((m) => m['id'] === 3)).toMatchObject({ result: { forwards: [] } });
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a socket that sends more than 1 MiB in one frame', async () => {
    const ws = await connect();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(1024 * 1024 + 1));
    expect(await closed).toBe(1009);
  });

  it('delivers notifications to subscribed clients only and releases clients that leave', async () => {
    const a = await connect();
    const b = await connect();
    const boxA = inbox(a);
    const boxB = inbox(b);
    a.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'events.subscribe', params: { types: ['forward'] } }));
    await boxA.next((m) => m['id'] === 1);
    expect(subscribers.size).toBe(1);
    const payload: NotificationPayload<'event.forward'> = { type: 'started', name: 'web', host: 'prod' };
    for (const ctx of subscribers.values()) {
      expect(ctx.door).toBe('websocket');
      ctx.notify('event.forward', payload);
    }
    expect(await boxA.next((m) => m['method'] === 'event.forward')).toEqual({ jsonrpc: '2.0', method: 'event.forward', params: payload });
    // b made a call after the notification went out, so its answer arriving proves b got nothing before it.
    b.send(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'forward.list' }));
    await boxB.next((m) => m['id'] === 9);
    expect(boxB.messages.filter((m) => (m as Record<string, unknown>)['method'])).toEqual([]);

    expect(dispatcher.connectedClients).toBe(2);
    const released = new Promise<string>((resolve) => dispatcher.onClientReleased(resolve));
    a.close();
    expect(await released).toMatch(/^websocket-/);
    expect(dispatcher.connectedClients).toBe(1);
  });

  it('refuses other upgrade paths and frees its port on close', async () => {
    const other = new WebSocket(`ws://127.0.0.1:${door.port}/other?token=${door.token}`, { origin: `http://127.0.0.1:${door.port}` });
    sockets.push(other);
    const status = await new Promise<number>((resolve) => other.once('unexpected-response', (_r, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(404);
    const ws = await connect();
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    const port = door.port;
    await door.close();
    await closed;
    // The port is free again: binding it must succeed.
    await new Promise<void>((resolve, reject) => {
      const s = net.createServer().once('error', reject).listen(port, '127.0.0.1', () => s.close(() => resolve()));
    });
  });
});
