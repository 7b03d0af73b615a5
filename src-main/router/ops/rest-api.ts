// The router's statistics API (conduit-spec "Router Statistics API", `/api/v1/…`): read-only JSON
// in the spec's envelope, plus Prometheus text at /metrics. Plain node:http: eight GET routes do
// not need a framework, and fewer dependencies is less to audit on a machine inside a private
// network. Without a token it only listens on loopback: the numbers name every client and source.
import http from 'node:http';
import net from 'node:net';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Log } from '../../log.js';
import type { RouterMetrics } from './metrics.js';
import { paginate, parsePageQuery } from './pagination.js';
import {
  RouterApiErrorCode,
  type ApiEnvelope,
  type ClientInfo,
  type ConnectionStats,
  type RouterApiErrorCodeValue,
  type RouterHealth,
  type RouterInfo,
  type TrafficStats,
} from '../../../src-shared/api/conduit-router.js';

/** What the router core answers the API with. Called per request: keep each call cheap. */
export interface RouterStatsProvider {
  info(): RouterInfo;
  health(): RouterHealth;
  clients(): ClientInfo[];
  client(id: string): ClientInfo | undefined;
  traffic(): TrafficStats;
  connections(): ConnectionStats;
}

export interface RouterApiOptions {
  bind: { host: string; port: number };
  /** When set, every route but /api/v1/health needs `Authorization: Bearer <token>`. */
  token?: string;
  provider: RouterStatsProvider;
  metrics: RouterMetrics;
  log?: Log;
}

export interface RouterApiServer {
  /** The bound port (useful when 0 was asked). */
  readonly port: number;
  /** Stop listening and end every connection, keep-alive ones included. */
  close(): Promise<void>;
}

const PREFIX = '/api/v1';
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type Route =
  | { kind: 'info' | 'health' | 'clients' | 'traffic' | 'connections' | 'metrics' }
  | { kind: 'client'; id: string }
  | { kind: 'bad_id' };

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost') return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/**
 * Whether a Host header names this server on loopback: a loopback IP literal or `localhost`, with
 * the listening port (the port may be left out only on 80, as RFC 9110 §7.2 allows for the default).
 * A DNS-rebinding page reaches 127.0.0.1 under its own name, and the browser sends that name here.
 */
export function isLoopbackHostHeader(header: string | undefined, port: number): boolean {
  if (header === undefined) return false;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(header);
  if (!m) return false;
  const given = m[2] === undefined ? 80 : Number(m[2]);
  return given === port && isLoopbackHost(m[1]!);
}

export async function startRouterApi(options: RouterApiOptions): Promise<RouterApiServer> {
  const { bind, token } = options;
  if (token !== undefined && token.length === 0) throw new Error('the router API token is empty: give one, or leave it out on a loopback bind');
  if (token === undefined && !isLoopbackHost(bind.host))
    throw new Error(`refusing to serve the router API on ${bind.host} without a token: set one, or bind it to 127.0.0.1`);

  const server = http.createServer((req, res) => {
    handle(req, res, options).catch((err: unknown) => {
      options.log?.error({ err, url: req.url }, 'router API request failed');
      if (!res.headersSent) sendError(res, String(res.getHeader('x-request-id')), 500, RouterApiErrorCode.Internal, 'internal error');
      else res.destroy();
    });
  });
  // It may face a network (with a token): a slow or silent client should not hold a socket long.
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: bind.host, port: bind.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;
  options.log?.info({ host: bind.host, port, auth: token !== undefined }, 'router API listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, options: RouterApiOptions): Promise<void> {
  const requestId = pickRequestId(req.headers['x-request-id']);
  res.setHeader('x-request-id', requestId);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');

  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://router.invalid');
  } catch {
    return sendError(res, requestId, 400, RouterApiErrorCode.BadRequest, 'malformed request target');
  }
  // Without a token the loopback bind is the only guard, and DNS rebinding walks around it: a page
  // on evil.example re-resolved to 127.0.0.1 is same-origin with us in the browser. Its requests
  // still carry `Host: evil.example`, so refuse every Host that is not a loopback name.
  const port = req.socket.localPort ?? -1;
  if (options.token === undefined && !isLoopbackHostHeader(req.headers.host, port))
    return sendError(res, requestId, 403, RouterApiErrorCode.Forbidden, 'forbidden host: without a token the router API answers only to 127.0.0.1, localhost or [::1] with its port');

  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;

  // Health stays open so load balancers and probes need no secret; it tells nothing about clients.
  if (options.token !== undefined && path !== `${PREFIX}/health` && !authorized(req.headers.authorization, options.token)) {
    res.setHeader('www-authenticate', 'Bearer');
    return sendError(res, requestId, 401, RouterApiErrorCode.Unauthorized, 'a valid bearer token is required');
  }

  const route = matchRoute(path);
  if (!route) return sendError(res, requestId, 404, RouterApiErrorCode.NotFound, `no route ${path}`);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return sendError(res, requestId, 405, RouterApiErrorCode.MethodNotAllowed, `${req.method ?? '?'} is not allowed here; the API is read-only`);
  }

  const { provider, metrics } = options;
  switch (route.kind) {
    case 'info':
      return sendData(res, requestId, 200, provider.info());
    case 'health': {
      const health = provider.health();
      return sendData(res, requestId, health.status === 'down' ? 503 : 200, health);
    }
    case 'clients': {
      const query = parsePageQuery(url.searchParams);
      if (!query.ok) return sendError(res, requestId, 400, RouterApiErrorCode.BadRequest, query.message);
      return sendData(res, requestId, 200, paginate(provider.clients(), query.page, query.perPage));
    }
    case 'client': {
      const client = provider.client(route.id);
      if (!client) return sendError(res, requestId, 404, RouterApiErrorCode.NotFound, `no client ${route.id}`);
      return sendData(res, requestId, 200, client);
    }
    case 'bad_id':
      return sendError(res, requestId, 400, RouterApiErrorCode.BadRequest, 'malformed client id');
    case 'traffic':
      return sendData(res, requestId, 200, provider.traffic());
    case 'connections':
      return sendData(res, requestId, 200, provider.connections());
    case 'metrics': {
      const text = await metrics.render();
      res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
  }
}

function matchRoute(path: string): Route | undefined {
  if (path === '/metrics') return { kind: 'metrics' };
  if (!path.startsWith(`${PREFIX}/`)) return undefined;
  const rest = path.slice(PREFIX.length);
  switch (rest) {
    case '/info':
      return { kind: 'info' };
    case '/health':
      return { kind: 'health' };
    case '/metrics':
      return { kind: 'metrics' };
    case '/clients':
      return { kind: 'clients' };
    case '/stats/traffic':
      return { kind: 'traffic' };
    case '/stats/connections':
      return { kind: 'connections' };
  }
  const client = /^\/clients\/([^/]+)$/.exec(rest);
  if (!client) return undefined;
  try {
    return { kind: 'client', id: decodeURIComponent(client[1]!) };
  } catch {
    return { kind: 'bad_id' };
  }
}

function pickRequestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** Compared as SHA-256 digests: equal length always, so timingSafeEqual leaks neither content nor length. */
function authorized(header: string | undefined, token: string): boolean {
  const m = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  if (!m) return false;
  const given = createHash('sha256').update(m[1]!).digest();
  const wanted = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, wanted);
}

function sendData<T>(res: http.ServerResponse, requestId: string, status: number, data: T): void {
  send(res, status, { success: true, data, error: null, timestamp: new Date().toISOString(), request_id: requestId });
}

function sendError(res: http.ServerResponse, requestId: string, status: number, code: RouterApiErrorCodeValue, message: string): void {
  send(res, status, { success: false, data: null, error: { code, message }, timestamp: new Date().toISOString(), request_id: requestId });
}

function send<T>(res: http.ServerResponse, status: number, envelope: ApiEnvelope<T>): void {
  const body = JSON.stringify(envelope);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
