// Browser mode: serve the built renderer and a token-guarded JSON-RPC WebSocket on 127.0.0.1 only.
// Three checks guard /rpc — the random token (only the person who got the URL has it), the Host
// header (DNS rebinding: a hostile name resolving to 127.0.0.1 sends its own Host) and the Origin
// (another page on this machine cannot open the socket) — and all three must pass before upgrading.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { ErrorCode, errorResponse } from '../../../src-shared/api/index.js';
import type { ClientContext, Dispatcher } from '../dispatcher.js';
import { MAX_WEBSOCKET_CLIENTS, tooManyConnections } from './connection-limits.js';

export interface BrowserDoorLog {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface BrowserDoorOptions {
  dispatcher: Dispatcher;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (vite build output, dist/renderer). */
  rendererDir: string;
  log?: BrowserDoorLog;
  /**
   * Reuse a token (base64url of ≥ 32 random bytes), e.g. one pinned in $WARREN_HOME, so an open tab
   * reconnects after the daemon restarts on the same port. Absent: a fresh random token.
   */
  token?: string;
}

export interface BrowserDoor {
  /** http://127.0.0.1:PORT/#token=TOKEN — what the user opens. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Switch to a new token: open tabs are disconnected and the old URL stops working. Returns the new URL. */
  rotateToken(token: string): string;
  close(): Promise<void>;
}

export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Notifications are snapshots; a client that cannot keep up loses some rather than growing our memory. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function isStrongToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43,}$/.test(token);
}

/** Compare secrets in constant time; hashing first hides the length too. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}
function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

/** Map a URL path to a file inside root, or null when it would leave root. */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = path.resolve(root, rel);
  const rootWithSep = root.endsWith(path.sep) ? root : root + path.sep;
  if (!full.startsWith(rootWithSep)) return null;
  return full;
}

function rejectUpgrade(socket: Duplex, status: 403 | 404 | 400): void {
  const text = status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Bad Request';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

export async function startBrowserDoor(options: BrowserDoorOptions): Promise<BrowserDoor> {
  const { dispatcher, log } = options;
  if (options.token !== undefined && !isStrongToken(options.token)) throw new Error('browser door token must be base64url of at least 32 bytes');
  let token = options.token ?? randomBytes(32).toString('base64url');
  // realpath so a symlinked dist folder still passes the "inside root" check.
  const root = await realpath(path.resolve(options.rendererDir)).catch(() => path.resolve(options.rendererDir));
  let port = 0;
  let csp = '';

  const server = http.createServer((req, res) => {
    void serveStatic(req, res);
  });

  async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const baseHeaders = {
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
    };
    const fail = (status: number, text: string): void => {
      res.writeHead(status, { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(text);
    };
    if (!allowedHosts(port).has(req.headers.host ?? '')) return fail(403, 'forbidden host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'method not allowed');
    const urlPath = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = resolveStaticPath(root, urlPath);
    if (!file) return fail(404, 'not found');
    try {
      const real = await realpath(file);
      if (!real.startsWith(root + path.sep)) return fail(404, 'not found');
      const info = await stat(real);
      if (!info.isFile()) return fail(404, 'not found');
      const body = await readFile(real);
      const type = CONTENT_TYPES[path.extname(real).toLowerCase()] ?? 'application/octet-stream';
      // Hashed assets never change; index.html must always be fresh so a new build is picked up.
      const cache = path.basename(real) === 'index.html' ? 'no-store' : 'public, max-age=31536000, immutable';
      res.writeHead(200, { ...baseHeaders, 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': cache });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      fail(404, 'not found');
    }
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/rpc') return rejectUpgrade(socket, 404);
    const given = url.searchParams.get('token') ?? '';
    const hostOk = allowedHosts(port).has(req.headers.host ?? '');
    const originOk = allowedOrigins(port).has(req.headers.origin ?? '');
    const tokenOk = sameSecret(given, token);
    if (!hostOk || !originOk || !tokenOk) {
      log?.warn({ host: req.headers.host, origin: req.headers.origin, hostOk, originOk, tokenOk }, 'browser door refused a WebSocket upgrade');
      return rejectUpgrade(socket, 403);
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    // wss.clients already holds this one. Accept-then-close so the page can read why (an HTTP refusal is invisible to it).
    if (wss.clients.size > MAX_WEBSOCKET_CLIENTS) {
      ws.on('error', () => undefined);
      ws.send(JSON.stringify(tooManyConnections('websocket', MAX_WEBSOCKET_CLIENTS)));
      ws.close(1013, 'too many connections');
      return;
    }
    const ctx: ClientContext = {
      clientId: `websocket-${randomUUID()}`,
      door: 'websocket',
      notify(name, payload) {
        if (ws.readyState !== WebSocket.OPEN) return;
        if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return;
        try {
          ws.send(JSON.stringify({ jsonrpc: '2.0', method: name, params: payload }));
        } catch {
          // notify must never throw; a broken socket is cleaned up by its close event
        }
      },
    };
    dispatcher.attachClient(ctx.clientId);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void handleFrame(ws, ctx, data, isBinary);
    });
    ws.on('error', (err) => log?.warn({ err: err.message, client: ctx.clientId }, 'browser WebSocket error'));
    ws.once('close', () => dispatcher.releaseClient(ctx.clientId));
  }

  async function handleFrame(ws: WebSocket, ctx: ClientContext, data: RawData, isBinary: boolean): Promise<void> {
    const response = isBinary
      ? errorResponse(null, { code: ErrorCode.InvalidRequest, message: 'send JSON-RPC as text frames' })
      : await dispatcher.handleText(rawToString(data), ctx);
    if (response !== null && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(response));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  csp = contentSecurityPolicy(port);
  const urlOf = (t: string): string => `http://127.0.0.1:${port}/#token=${t}`;
  log?.info({ port, rendererDir: root }, 'browser door listening on 127.0.0.1');

  let closing: Promise<void> | undefined;
  return {
    get url() {
      return urlOf(token);
    },
    port,
    get token() {
      return token;
    },
    rotateToken(next) {
      if (!isStrongToken(next)) throw new Error('browser door token must be base64url of at least 32 bytes');
      token = next;
      for (const ws of wss.clients) ws.terminate(); // at once: a tab holding the old token gets no further answer
      return urlOf(token);
    },
    close() {
      closing ??= (async () => {
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
