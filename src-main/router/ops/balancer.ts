// Choosing which endpoint of a source a new stream goes to (conduit-spec "ロードバランシング" and
// "自動フェイルオーバー"). An endpoint is a candidate while its last health check did not fail and
// its circuit lets traffic through. After a failed connect the router asks again, excluding what it
// already tried, so one dead endpoint costs a client one attempt, not its stream.
import { CircuitBreaker } from './circuit-breaker.js';
import type {
  BalanceStrategy,
  CircuitState,
  EndpointStatus,
  SourceEndpointHealth,
  SourceHealth,
  SourceStatus,
} from '../../../src-shared/api/conduit-router.js';

export type { BalanceStrategy };

export interface SourceBalancerOptions {
  name: string;
  /** "host:port" each; duplicates are dropped. */
  endpoints: string[];
  strategy: BalanceStrategy;
  /** Consecutive failures (connects or checks) that open an endpoint's circuit. Default 3. */
  failureThreshold?: number;
  /** How long an open circuit refuses before one trial. Default 30 s. */
  openMs?: number;
  onCircuitTransition?: (endpoint: string, from: CircuitState, to: CircuitState, now: number) => void;
  /** The source as a whole changed between up / degraded / down (what alerts are about). */
  onStatusChange?: (from: SourceStatus, to: SourceStatus, now: number) => void;
}

interface EndpointState {
  address: string;
  breaker: CircuitBreaker;
  status: EndpointStatus;
  lastCheckAt: number | null;
  lastOkAt: number | null;
  latencyMs: number | null;
  active: number;
}

export const DEFAULT_FAILURE_THRESHOLD = 3;
export const DEFAULT_OPEN_MS = 30_000;

export class SourceBalancer {
  readonly name: string;
  readonly strategy: BalanceStrategy;
  private readonly list: EndpointState[];
  private readonly byAddress = new Map<string, EndpointState>();
  /** Index in `list` where the next round-robin scan starts (also the tie-break for least connections). */
  private cursor = 0;
  /** What onStatusChange last announced. Changes that only time makes (open → half-open) are seen at the next call that looks. */
  private lastStatus: SourceStatus;
  private noting = false;
  private readonly onStatusChange: SourceBalancerOptions['onStatusChange'];

  constructor(options: SourceBalancerOptions) {
    this.name = options.name;
    this.strategy = options.strategy;
    this.onStatusChange = options.onStatusChange;
    this.list = [...new Set(options.endpoints)].map((address) => {
      const state: EndpointState = {
        address,
        status: 'unknown',
        lastCheckAt: null,
        lastOkAt: null,
        latencyMs: null,
        active: 0,
        breaker: new CircuitBreaker({
          failureThreshold: options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD,
          openMs: options.openMs ?? DEFAULT_OPEN_MS,
          onTransition: (from, to, now) => {
            options.onCircuitTransition?.(address, from, to, now);
            this.noteStatus(now);
          },
        }),
      };
      this.byAddress.set(address, state);
      return state;
    });
    this.lastStatus = this.list.length > 0 ? 'up' : 'down';
  }

  endpoints(): string[] {
    return this.list.map((e) => e.address);
  }

  /**
   * The endpoint for a new connection, or undefined when none may be used (all down, open or
   * excluded): the router then answers "source unavailable". In half-open this takes the trial,
   * so report the connect's outcome with reportSuccess / reportFailure.
   */
  pick(now: number, exclude?: ReadonlySet<string>): string | undefined {
    const n = this.list.length;
    let chosen: number | undefined;
    for (let step = 0; step < n; step++) {
      const i = (this.cursor + step) % n;
      const e = this.list[i]!;
      if (!this.usable(e, now, exclude)) continue;
      if (this.strategy === 'round_robin') {
        chosen = i;
        break;
      }
      if (chosen === undefined || e.active < this.list[chosen]!.active) chosen = i;
    }
    if (chosen === undefined) return undefined;
    const e = this.list[chosen]!;
    e.breaker.canPass(now);
    this.cursor = (chosen + 1) % n;
    return e.address;
  }

  connectionOpened(endpoint: string): void {
    const e = this.byAddress.get(endpoint);
    if (e) e.active++;
  }

  connectionClosed(endpoint: string): void {
    const e = this.byAddress.get(endpoint);
    if (e && e.active > 0) e.active--;
  }

  /** A connect to the endpoint failed (refused, timed out, unreachable). */
  reportFailure(endpoint: string, now: number): void {
    this.byAddress.get(endpoint)?.breaker.recordFailure(now);
  }

  /** A connect to the endpoint succeeded. */
  reportSuccess(endpoint: string, now: number): void {
    this.byAddress.get(endpoint)?.breaker.recordSuccess(now);
  }

  /** A health check's outcome, from HealthChecker. It feeds the circuit like real traffic does. */
  healthResult(endpoint: string, ok: boolean, latencyMs: number | null, now: number): void {
    const e = this.byAddress.get(endpoint);
    if (!e) return;
    e.lastCheckAt = now;
    e.status = ok ? 'up' : 'down';
    e.latencyMs = ok ? latencyMs : null;
    if (ok) {
      e.lastOkAt = now;
      e.breaker.recordSuccess(now);
    } else {
      e.breaker.recordFailure(now);
    }
    this.noteStatus(now);
  }

  health(now: number): SourceHealth {
    const endpoints = this.list.map((e): SourceEndpointHealth => ({
      address: e.address,
      status: e.status,
      last_check_at: iso(e.lastCheckAt),
      last_ok_at: iso(e.lastOkAt),
      latency_ms: e.latencyMs,
      consecutive_failures: e.breaker.consecutiveFailures,
      circuit: e.breaker.state(now),
      active_connections: e.active,
    }));
    return { name: this.name, strategy: this.strategy, endpoints, status: this.status(now) };
  }

  /** up: every endpoint usable; degraded: some; down: none. */
  status(now: number): SourceStatus {
    // Whether the circuit is open, not whether a half-open trial is out: a trial in flight does not
    // make the source look down.
    const usable = this.list.filter((e) => e.status !== 'down' && e.breaker.state(now) !== 'open').length;
    if (usable === 0) return 'down';
    return usable === this.list.length ? 'up' : 'degraded';
  }

  private usable(e: EndpointState, now: number, exclude: ReadonlySet<string> | undefined): boolean {
    return e.status !== 'down' && !exclude?.has(e.address) && e.breaker.wouldPass(now);
  }

  private noteStatus(now: number): void {
    // status() may move a circuit from open to half-open, which calls back here: the outer call
    // already sees that change, so the inner one has nothing to add.
    if (this.noting) return;
    this.noting = true;
    try {
      const next = this.status(now);
      const previous = this.lastStatus;
      this.lastStatus = next;
      if (previous !== next) this.onStatusChange?.(previous, next, now);
    } finally {
      this.noting = false;
    }
  }
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
