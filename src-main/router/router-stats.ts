// The router's counters and the RouterStatsProvider the REST API serves: per client (by its
// configured key's fingerprint, stable across reconnects) and per source, kept small and cheap to
// update on the hot path.
import type { ClientInfo, ConnectionStats, RouterHealth, RouterInfo, TrafficStats } from '../../src-shared/api/conduit-router.js';
import type { ClientConnection } from './client-connection.js';
import type { AuthorizedClient, ClientKeys } from './client-keys.js';
import type { RouterStatsProvider } from './ops/rest-api.js';

interface ClientTotals {
  bytesIn: number;
  bytesOut: number;
  totalStreams: number;
  lastSeenAt: Date | undefined;
}

interface SourceTotals {
  active: number;
  total: number;
  failed: number;
  bytesIn: number;
  bytesOut: number;
}

interface RouterView {
  info(): RouterInfo;
  healthReport(): RouterHealth;
  liveConnections(): ClientConnection[];
}

export class RouterStats implements RouterStatsProvider {
  handshakeFailures = 0;
  refusedUnauthorized = 0;
  private totalConnections = 0;
  private failedStreams = 0;
  private readonly perClient = new Map<string, ClientTotals>();
  private readonly perSource = new Map<string, SourceTotals>();

  constructor(
    private readonly router: RouterView,
    private readonly keys: ClientKeys,
  ) {}

  clientConnected(c: ClientConnection): void {
    this.totalConnections++;
    this.totals(c.auth.client).lastSeenAt = new Date();
  }

  clientDisconnected(c: ClientConnection): void {
    const t = this.totals(c.auth.client);
    t.bytesIn += c.bytesIn;
    t.bytesOut += c.bytesOut;
    t.totalStreams += c.totalStreams;
    t.lastSeenAt = c.lastSeenAt;
  }

  stream(_c: ClientConnection, source: string, ok: boolean): void {
    if (!ok) this.failedStreams++;
    const s = this.source(source);
    if (!s) return;
    s.total++;
    if (ok) s.active++;
    else s.failed++;
  }

  streamClosed(source: string): void {
    const s = this.perSource.get(source);
    if (s && s.active > 0) s.active--;
  }

  sourceBytes(source: string, direction: 'in' | 'out', n: number): void {
    const s = this.perSource.get(source);
    if (!s) return;
    if (direction === 'in') s.bytesIn += n;
    else s.bytesOut += n;
  }

  private source(source: string): SourceTotals | undefined {
    let s = this.perSource.get(source);
    if (!s) {
      if (this.perSource.size >= 10_000) return undefined; // bounded: a client probing many addresses cannot grow this forever
      s = { active: 0, total: 0, failed: 0, bytesIn: 0, bytesOut: 0 };
      this.perSource.set(source, s);
    }
    return s;
  }

  info(): RouterInfo {
    return this.router.info();
  }
  health(): RouterHealth {
    return this.router.healthReport();
  }

  clients(): ClientInfo[] {
    return this.keys.list().map((c) => this.clientInfo(c));
  }
  client(id: string): ClientInfo | undefined {
    const c = this.keys.list().find((k) => k.id === id || k.name === id);
    return c ? this.clientInfo(c) : undefined;
  }

  traffic(): TrafficStats {
    const per_client = this.clients().map((c) => ({ id: c.id, name: c.name, bytes_in: c.bytes_in, bytes_out: c.bytes_out }));
    return {
      bytes_in: per_client.reduce((a, c) => a + c.bytes_in, 0),
      bytes_out: per_client.reduce((a, c) => a + c.bytes_out, 0),
      per_client,
      per_source: [...this.perSource].map(([source, s]) => ({ source, bytes_in: s.bytesIn, bytes_out: s.bytesOut })),
    };
  }

  connections(): ConnectionStats {
    const live = this.router.liveConnections();
    return {
      active: live.reduce((a, c) => a + c.mux.activeStreams, 0),
      total: this.totalConnections,
      failed: this.failedStreams,
      refused_unauthorized: this.refusedUnauthorized,
      handshake_failures: this.handshakeFailures,
      per_source: [...this.perSource].map(([source, s]) => ({ source, active: s.active, total: s.total, failed: s.failed })),
    };
  }

  /** The STATS answer over the tunnel: the router, its health, and this client only. */
  forClient(c: ClientConnection): { info: RouterInfo; health: RouterHealth; client: ClientInfo } {
    return { info: this.info(), health: this.health(), client: this.clientInfo(c.auth.client) };
  }

  private totals(c: AuthorizedClient): ClientTotals {
    let t = this.perClient.get(c.name);
    if (!t) {
      t = { bytesIn: 0, bytesOut: 0, totalStreams: 0, lastSeenAt: undefined };
      this.perClient.set(c.name, t);
    }
    return t;
  }

  private clientInfo(c: AuthorizedClient): ClientInfo {
    const live = this.router.liveConnections().filter((x) => x.auth.client === c);
    const t = this.totals(c);
    const first = live[0];
    const now = new Date();
    const grace = live.find((x) => x.auth.keyStatus === 'grace');
    const expired = c.expiresAt !== undefined && c.expiresAt <= now;
    return {
      id: c.id,
      name: c.name,
      fingerprint: first?.auth.fingerprint ?? c.id,
      connected: live.length > 0,
      remote_address: first?.remoteAddress ?? null,
      connected_at: first?.connectedAt.toISOString() ?? null,
      last_seen_at: (first?.lastSeenAt ?? t.lastSeenAt)?.toISOString() ?? null,
      active_streams: live.reduce((a, x) => a + x.mux.activeStreams, 0),
      total_streams: t.totalStreams + live.reduce((a, x) => a + x.totalStreams, 0),
      bytes_in: t.bytesIn + live.reduce((a, x) => a + x.bytesIn, 0),
      bytes_out: t.bytesOut + live.reduce((a, x) => a + x.bytesOut, 0),
      allow: c.allow,
      key_status: expired ? 'expired' : grace ? 'grace' : 'current',
      grace_until: grace?.auth.graceUntil?.toISOString() ?? null,
    };
  }
}
