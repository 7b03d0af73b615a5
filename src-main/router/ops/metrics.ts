// The router's Prometheus metrics (conduit-spec "ログ・監視システム": `/metrics`,
// `conduit_connections_total`, `conduit_bytes_transferred`…). Each router owns its registry rather
// than prom-client's global one, so several routers (tests, one process serving two binds) never
// mix their numbers or collide on registration.
import { Counter, Gauge, Registry } from 'prom-client';
import type { CircuitState } from '../../../src-shared/api/conduit-router.js';

export type ByteDirection = 'in' | 'out';

const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

export class RouterMetrics {
  readonly registry = new Registry();
  private readonly connectionsTotal: Counter<'client'>;
  private readonly activeConnections: Gauge<'client'>;
  private readonly bytesTotal: Counter<'direction' | 'client'>;
  private readonly handshakeFailures: Counter<'reason'>;
  private readonly sourceUp: Gauge<'source' | 'endpoint'>;
  private readonly circuit: Gauge<'source' | 'endpoint'>;
  private readonly clients: Gauge;
  /**
   * Bytes not yet handed to prom-client, per client: [in, out]. bytes() runs for every chunk a
   * stream moves, so it only adds to a plain number; the counter is brought up to date when scraped.
   */
  private readonly pendingBytes = new Map<string, [number, number]>();

  constructor() {
    const registers = [this.registry];
    this.connectionsTotal = new Counter({ name: 'conduit_connections_total', help: 'Streams opened, per client', labelNames: ['client'], registers });
    this.activeConnections = new Gauge({ name: 'conduit_active_connections', help: 'Streams open now, per client', labelNames: ['client'], registers });
    this.bytesTotal = new Counter({
      name: 'conduit_bytes_transferred_total',
      help: 'Bytes moved through streams; in = from the client toward sources, out = back to the client',
      labelNames: ['direction', 'client'],
      registers,
      collect: () => this.flushBytes(),
    });
    this.handshakeFailures = new Counter({ name: 'conduit_handshake_failures_total', help: 'TLS or authentication handshakes that failed, by reason', labelNames: ['reason'], registers });
    this.sourceUp = new Gauge({ name: 'conduit_source_up', help: '1 when the endpoint passed its last health check, else 0', labelNames: ['source', 'endpoint'], registers });
    this.circuit = new Gauge({ name: 'conduit_circuit_state', help: 'Circuit breaker per endpoint: 0 closed, 1 half-open, 2 open', labelNames: ['source', 'endpoint'], registers });
    this.clients = new Gauge({ name: 'conduit_clients_connected', help: 'Clients with a live tunnel', registers });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  connectionOpened(client: string): void {
    this.connectionsTotal.inc({ client });
    this.activeConnections.inc({ client });
  }

  connectionClosed(client: string): void {
    this.activeConnections.dec({ client });
  }

  /** Hot path: a Map lookup and an addition. */
  bytes(client: string, direction: ByteDirection, n: number): void {
    if (!(n > 0)) return;
    let pending = this.pendingBytes.get(client);
    if (pending === undefined) {
      pending = [0, 0];
      this.pendingBytes.set(client, pending);
    }
    pending[direction === 'in' ? 0 : 1] += n;
  }

  handshakeFailure(reason: string): void {
    this.handshakeFailures.inc({ reason });
  }

  sourceHealth(source: string, endpoint: string, up: boolean): void {
    this.sourceUp.set({ source, endpoint }, up ? 1 : 0);
  }

  circuitState(source: string, endpoint: string, state: CircuitState): void {
    this.circuit.set({ source, endpoint }, CIRCUIT_VALUE[state]);
  }

  clientsConnected(n: number): void {
    this.clients.set(n);
  }

  /** Drop a client's series (it was removed from the router), so label sets do not grow forever. */
  forgetClient(client: string): void {
    this.pendingBytes.delete(client);
    this.connectionsTotal.remove({ client });
    this.activeConnections.remove({ client });
    for (const direction of ['in', 'out']) this.bytesTotal.remove({ direction, client });
  }

  /** Drop an endpoint's series (it left the source's configuration). */
  forgetEndpoint(source: string, endpoint: string): void {
    this.sourceUp.remove({ source, endpoint });
    this.circuit.remove({ source, endpoint });
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  private flushBytes(): void {
    for (const [client, pending] of this.pendingBytes) {
      if (pending[0] > 0) this.bytesTotal.inc({ direction: 'in', client }, pending[0]);
      if (pending[1] > 0) this.bytesTotal.inc({ direction: 'out', client }, pending[1]);
      pending[0] = 0;
      pending[1] = 0;
    }
  }
}
