// What the engine needs from the outside world, as narrow interfaces: the store, the host directory
// (ssh config) and the transport. app-start wires the real ones; nothing here knows SQLite or ssh2.
import type { ForwardRule, HostInfo, SessionStatus } from '../../src-shared/api/index.js';
import type { Transport } from './link.js';
import type { ConduitTarget } from '../transports/conduit/conduit-transport.js';
import type { SsmTarget } from '../transports/ssm/ssm-transport.js';

export interface RulePort {
  insert(rule: ForwardRule): void;
  update(name: string, rule: ForwardRule): void;
  delete(name: string): boolean;
  get(name: string): ForwardRule | undefined;
  list(): ForwardRule[];
}

/** Which rules should be running: written on every user start/stop so a kill -9 loses nothing. */
export interface ActivePort {
  markActive(name: string): void;
  markInactive(name: string): void;
  list(): string[];
}

export interface HistoryPort {
  started(name: string): number;
  finished(id: number, record: { status: SessionStatus; bytes_sent: number; bytes_received: number; reason: string }): void;
}

export type { MetricSample } from '../store/metrics-repo.js';
import type { MetricSample } from '../store/metrics-repo.js';
export interface MetricsPort {
  add(samples: MetricSample[]): void;
  prune(): void;
}

export type HostSummary = Omit<HostInfo, 'state' | 'active_forward_count' | 'last_error'>;

export interface HostDirectory {
  /** Concrete hosts from the ssh config (re-read when reload() is called). */
  list(): HostSummary[];
  reload(): Promise<{ total: number; added: string[]; removed: string[] }>;
  /** Whether `alias` can be connected to (listed, or matched by a pattern with a HostName). */
  has(alias: string): boolean;
  describe(alias: string): HostSummary;
}

/** Why a link row was opened: the first connect, a reconnect after a loss, or a make-before-break swap. */
export type LinkOpenReason = 'connect' | 'reconnect' | 'replace';

export interface LinkOpened {
  rule_name: string;
  kind: ForwardRule['kind'];
  target: string;
  remote_id?: string | undefined;
  reason: LinkOpenReason;
  connected_at: number;
  connect_ms: number;
}

export interface LinkClosed {
  closed_at: number;
  close_reason: string;
  rtt_samples: number;
  rtt_avg_ms?: number | undefined;
  rtt_min_ms?: number | undefined;
  rtt_max_ms?: number | undefined;
}

/** Connection time and latency per link a session rode (EC2 Connect property 11). */
export interface LinkHistoryPort {
  opened(row: LinkOpened): number;
  closed(id: number, row: LinkClosed): void;
}

export interface EnginePorts {
  rules: RulePort;
  active: ActivePort;
  history: HistoryPort;
  linkHistory?: LinkHistoryPort;
  metrics: MetricsPort;
  hosts: HostDirectory;
  transports: { ssh: Transport<string>; conduit?: Transport<ConduitTarget>; ssm?: Transport<SsmTarget> };
}
