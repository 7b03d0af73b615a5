// `warren conduit router`: accepts Conduit clients over TLS 1.3, checks each client's key before
// reading a single protocol byte, routes their streams to the sources they were granted, and
// reports on itself (REST API, Prometheus metrics, webhook/Slack alerts). Stopping drains: no new
// streams, open ones get a grace period to finish, then everything is closed.
import os from 'node:os';
import tls from 'node:tls';
import type { ClientInfo, RouterHealth, RouterInfo } from '../../src-shared/api/conduit-router.js';
import { formatHostPort, isSourceName, parseHostPort, parseSourcePattern } from '../../src-shared/logic/source-pattern.js';
import { peerFingerprint, serverTlsOptions, type ConduitIdentity } from '../transports/conduit/identity/index.js';
import { encodeJsonFrame, FrameType } from '../transports/conduit/protocol/frames.js';
import { PROTOCOL_VERSION } from '../transports/conduit/protocol/messages.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../transports/conduit/protocol/frames.js';
import { ClientConnection } from './client-connection.js';
import { ClientKeys, type AuthorizedClientSpec, type RotatedKeyRecord } from './client-keys.js';
import { AlertSender } from './ops/alerts.js';
import { HealthChecker } from './ops/health-checker.js';
import { RouterMetrics } from './ops/metrics.js';
import { startRouterApi } from './ops/rest-api.js';
import { SourceRouter, type SourceGroupSpec } from './source-router.js';
import { RouterStats } from './router-stats.js';

export const ROUTER_VERSION = '0.1.0';

export interface RouterLog {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  debug(o: object, m: string): void;
  error(o: object, m: string): void;
}

export interface RouterOptions {
  name?: string;
  bind: { host: string; port: number };
  identity: ConduitIdentity;
  clients: readonly AuthorizedClientSpec[];
  sources: readonly SourceGroupSpec[];
  handshakeTimeoutMs?: number;
  maxFrameBytes?: number;
  maxStreamsPerClient?: number;
  udpIdleMs?: number;
  connectTimeoutMs?: number;
  rotationGraceMs?: number;
  /** Rotated client keys survive restarts here. */
  state?: { read(): RotatedKeyRecord[]; write(records: RotatedKeyRecord[]): void };
  health?: { intervalMs: number; timeoutMs: number };
  breaker?: { failureThreshold: number; openMs: number };
  alerts?: { webhookUrl?: string | undefined; slackWebhookUrl?: string | undefined; cooldownMs?: number };
  api?: { bind: { host: string; port: number }; token?: string | undefined } | undefined;
  log: RouterLog;
}

export class ConduitRouter {
  private server: tls.Server | undefined;
  private api: { port: number; close(): Promise<void> } | undefined;
  private readonly connections = new Set<ClientConnection>();
  private readonly keys: ClientKeys;
  readonly sources: SourceRouter;
  readonly metrics = new RouterMetrics();
  private readonly alerts: AlertSender;
  private readonly health: HealthChecker;
  readonly stats: RouterStats;
  private isDraining = false;
  readonly startedAt = new Date();
  readonly name: string;

  constructor(private readonly opts: RouterOptions) {
    this.name = opts.name ?? os.hostname();
    this.keys = new ClientKeys(opts.clients, opts.state?.read() ?? []);
    const literal = new Set<string>();
    // Exact host:port grants are health-checked from the start, like named source groups.
    for (const c of opts.clients)
      for (const a of c.allow) {
        const p = parseSourcePattern(a);
        if (p.kind === 'host' && p.ports.from === p.ports.to) literal.add(formatHostPort(p.host, p.ports.from));
      }
    this.alerts = new AlertSender({
      webhookUrl: opts.alerts?.webhookUrl,
      slackWebhookUrl: opts.alerts?.slackWebhookUrl,
      routerName: this.name,
      ...(opts.alerts?.cooldownMs !== undefined ? { cooldownMs: opts.alerts.cooldownMs } : {}),
    });
    this.sources = new SourceRouter({
      groups: opts.sources,
      literalSources: [...literal].filter((s) => !isSourceName(s)),
      failureThreshold: opts.breaker?.failureThreshold ?? 5,
      openMs: opts.breaker?.openMs ?? 30_000,
      connectTimeoutMs: opts.connectTimeoutMs ?? 5000,
      onCircuit: (source, endpoint, from, to) => {
        this.metrics.circuitState(source, endpoint, to as 'closed' | 'open' | 'half_open');
        opts.log.warn({ source, endpoint, from, to }, 'circuit changed');
        if (to === 'open' || (to === 'closed' && from !== 'closed'))
          void this.alerts.send({
            kind: to === 'open' ? 'circuit_open' : 'circuit_closed',
            subject: `${source} ${endpoint}`,
            message: to === 'open' ? `circuit for ${endpoint} (source ${source}) opened after repeated failures` : `circuit for ${endpoint} (source ${source}) closed again`,
            at: new Date(),
            details: { source, endpoint },
          });
      },
      onSourceStatus: (source, from, to) => {
        opts.log.warn({ source, from, to }, 'source status changed');
        if (to === 'down' || (from === 'down' && to !== 'down'))
          void this.alerts.send({
            kind: to === 'down' ? 'source_down' : 'source_up',
            subject: source,
            message: to === 'down' ? `source ${source} is down` : `source ${source} is ${to} again`,
            at: new Date(),
            details: { source, from, to },
          });
      },
    });
    this.health = new HealthChecker({
      endpoints: () => this.sources.endpoints(),
      intervalMs: opts.health?.intervalMs ?? 10_000,
      timeoutMs: opts.health?.timeoutMs ?? 2000,
      onResult: (address, ok, latency) => {
        this.sources.healthResult(address, ok, latency);
        for (const h of this.sources.health()) for (const e of h.endpoints) if (e.address === address) this.metrics.sourceHealth(h.name, address, ok);
      },
    });
    this.stats = new RouterStats(this, this.keys);
  }

  get fingerprint(): string {
    return this.opts.identity.fingerprint;
  }
  get boundPort(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : 0;
  }
  get apiPort(): number | undefined {
    return this.api?.port;
  }
  get bind(): string {
    return `${this.opts.bind.host}:${this.boundPort}`;
  }
  get apiBind(): string {
    return this.opts.api ? `${this.opts.api.bind.host}:${this.api?.port ?? this.opts.api.bind.port}` : '';
  }
  liveConnections(): ClientConnection[] {
    return [...this.connections];
  }

  async start(): Promise<void> {
    const handshakeTimeoutMs = this.opts.handshakeTimeoutMs ?? 10_000;
    const server = tls.createServer({ ...serverTlsOptions(this.opts.identity), handshakeTimeout: handshakeTimeoutMs });
    this.server = server;
    // A client that opens TCP and never finishes TLS is cut at the handshake timeout (tls does it);
    // 'tlsClientError' reports it, and any other TLS failure, as a handshake failure.
    server.on('tlsClientError', (err, socket) => {
      // Node reports a handshake timeout here but leaves the socket open: close it ourselves.
      socket.destroy();
      this.stats.handshakeFailures++;
      this.metrics.handshakeFailure(/timeout/i.test(err.message) ? 'timeout' : 'tls');
      this.opts.log.debug({ err: err.message }, 'TLS handshake failed');
    });
    server.on('secureConnection', (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.bind.port, this.opts.bind.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => this.opts.log.error({ err: e.message }, 'router listener error'));
    if (this.opts.api) {
      this.api = await startRouterApi({
        bind: this.opts.api.bind,
        ...(this.opts.api.token ? { token: this.opts.api.token } : {}),
        provider: this.stats,
        metrics: this.metrics,
      });
    }
    this.health.start();
    this.opts.log.info({ bind: this.bind, fingerprint: this.fingerprint, api: this.apiBind || 'disabled', clients: this.keys.list().length }, 'router listening');
  }

  private accept(socket: tls.TLSSocket): void {
    socket.setNoDelay(true);
    const now = new Date();
    const fp = peerFingerprint(socket);
    const lookup = fp ? this.keys.lookup(fp, now) : undefined;
    if (!lookup?.ok || this.isDraining) {
      // Refused before any frame is read: nothing this peer sends can reach a source.
      const reason = this.isDraining ? 'shutting_down' : !fp ? 'no client certificate' : lookup!.ok ? '' : lookup!.reason;
      this.stats.refusedUnauthorized++;
      this.metrics.handshakeFailure(this.isDraining ? 'shutting_down' : 'unauthorized');
      this.opts.log.warn({ remote: `${socket.remoteAddress}:${socket.remotePort}`, fingerprint: fp ?? null, reason }, 'client refused');
      const code = this.isDraining ? 'shutting_down' : lookup && !lookup.ok && lookup.reason !== 'unknown' ? 'key_expired' : 'unauthorized';
      const message = this.isDraining
        ? 'the router is shutting down'
        : !fp
          ? 'no client key presented: run `warren conduit init` and have the operator authorize the printed key'
          : lookup && !lookup.ok && lookup.reason === 'rotated_out'
            ? `key ${fp} was replaced by a rotation and its grace period is over: use the new key`
            : lookup && !lookup.ok && lookup.reason === 'expired'
              ? `key ${fp} has expired on this router: ask the operator to renew it`
              : `key ${fp} is not in this router's authorized_clients: send the operator your public key (\`warren conduit keys show\`)`;
      socket.on('error', () => undefined);
      socket.pause();
      socket.end(encodeJsonFrame(FrameType.Error, 0, { code, message }));
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    const conn = new ClientConnection(socket, lookup, {
      routerName: this.name,
      maxFrameBytes: this.opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      handshakeTimeoutMs: this.opts.handshakeTimeoutMs ?? 10_000,
      maxStreamsPerClient: this.opts.maxStreamsPerClient ?? 20_000,
      udpIdleMs: this.opts.udpIdleMs ?? 60_000,
      sources: this.sources,
      draining: () => this.isDraining,
      rotate: (client, oldFp, newKey) => {
        const rec = this.keys.rotate(client, oldFp, newKey, new Date(), this.opts.rotationGraceMs ?? 24 * 3600_000);
        this.opts.state?.write(this.keys.records());
        return rec;
      },
      stats: (c) => this.stats.forClient(c),
      onBytes: (c, dir, n) => this.metrics.bytes(c.auth.client.name, dir, n),
      onStream: (c, source, ok) => this.stats.stream(c, source, ok),
      onStreamClosed: (_c, source) => this.stats.streamClosed(source),
      onSourceBytes: (source, dir, n) => this.stats.sourceBytes(source, dir, n),
      log: this.opts.log,
    });
    this.connections.add(conn);
    this.stats.clientConnected(conn);
    this.metrics.connectionOpened(conn.auth.client.name);
    this.metrics.clientsConnected(this.connections.size);
    conn.mux.onClose((err) => {
      this.connections.delete(conn);
      this.stats.clientDisconnected(conn);
      this.metrics.connectionClosed(conn.auth.client.name);
      this.metrics.clientsConnected(this.connections.size);
      const orderly = !err || err.message === 'tunnel connection closed';
      this.opts.log.info({ client: conn.auth.client.name, err: orderly ? undefined : err?.message }, 'client disconnected');
      if (!orderly && !this.isDraining && ![...this.connections].some((c) => c.auth.client === conn.auth.client))
        void this.alerts.send({
          kind: 'client_down',
          subject: conn.auth.client.name,
          message: `client ${conn.auth.client.name} dropped: ${err?.message ?? 'connection lost'}`,
          at: new Date(),
          details: { client: conn.auth.client.name, remote: conn.remoteAddress },
        });
    });
  }

  /** Stops taking clients and streams, lets open streams finish for up to drainMs, then closes. */
  async stop(drainMs = 5000): Promise<void> {
    if (this.isDraining && !this.server) return;
    this.isDraining = true;
    this.health.stop();
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
    const deadline = Date.now() + drainMs;
    while (Date.now() < deadline && [...this.connections].some((c) => c.mux.activeStreams > 0)) await new Promise((r) => setTimeout(r, 50));
    for (const c of this.connections) c.mux.fail('shutting_down', 'the router is shutting down');
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    for (const c of this.connections) c.mux.destroy();
    await this.api?.close();
    this.api = undefined;
    this.alerts.close();
  }

  info(): RouterInfo {
    return {
      name: this.name,
      version: ROUTER_VERSION,
      protocol_version: PROTOCOL_VERSION,
      fingerprint: this.fingerprint,
      bind: this.bind,
      api_bind: this.apiBind,
      started_at: this.startedAt.toISOString(),
      uptime_s: Math.floor((Date.now() - this.startedAt.getTime()) / 1000),
    };
  }

  healthReport(): RouterHealth {
    const sources = this.sources.health();
    const down = sources.filter((s) => s.status === 'down').length;
    const degraded = sources.filter((s) => s.status !== 'up').length;
    return {
      status: sources.length > 0 && down === sources.length ? 'down' : degraded > 0 ? 'degraded' : 'ok',
      sources,
      clients_connected: this.connections.size,
    };
  }

  clientInfos(): ClientInfo[] {
    return this.stats.clients();
  }
}

export function parseBind(text: string): { host: string; port: number } {
  return parseHostPort(text);
}
