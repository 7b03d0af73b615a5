// The engine: rules, sessions and the links they ride, with events for every change. Doors and
// faces reach it only through the API handlers (src-main/api/handlers.ts).
import {
  ErrorCode,
  WarrenError,
  isWarrenError,
  type ConnectionState,
  type ForwardRule,
  type ForwardEvent,
  type HostInfo,
  type SessionInfo,
  type SessionStatus,
} from '../../src-shared/api/index.js';
import type { SessionEvent } from '../../src-shared/domain/session-machine.js';
import type { EnginePorts } from './engine-ports.js';
import type { EventBus } from './event-bus.js';
import { ForwardSession } from './forward-session.js';
import { LinkKeeper, type LinkRecorder } from './link-keeper.js';
import type { Link } from './link.js';
import { MetricsTicker } from './metrics-ticker.js';
import { errorMessage, type ReconnectPolicy } from './reconnect-policy.js';
import { RuleRegistry } from './rule-registry.js';
import { conduitLinkKey, type ConduitTarget } from '../transports/conduit/conduit-transport.js';
import type { SsmTarget } from '../transports/ssm/ssm-transport.js';

/** What a rule's events name as its "host": the ssh alias, or the conduit router. */
export function ruleHost(rule: ForwardRule): string {
  return rule.kind === 'ssh' ? rule.host : rule.kind === 'conduit' ? rule.router : rule.instance_id;
}

export interface EngineLog {
  debug(o: object, m: string): void;
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  error(o: object, m: string): void;
}

export interface EngineOptions {
  policy: () => ReconnectPolicy;
  /** SSM sessions' own policy (EC2 Connect: 1-2-4-8-16 s, aggressive mode); default: `policy`. */
  ssmPolicy?: () => ReconnectPolicy;
  /** Property 8: a session with no new connection and no byte moved for this long is inactive. */
  inactiveAfterMs?: () => number;
  probeIntervalMs: number;
  probeTimeoutMs: number;
  probeMinTimeoutMs: number;
  clientWaitMs: number;
  metricsIntervalMs: number;
  sampleEveryMs: number;
}

export const DEFAULT_ENGINE_TIMINGS = {
  // ARCHITECTURE asks for a dead link to be seen within 5 s: probing every 1.5 s, two misses in a
  // row, each at most 1.5 s (less once round trips are known: 4 × RTT + 250 ms, at least 500 ms)
  // bounds silent-death detection at 1.5 + 1.5 + 1.5 = 4.5 s, and ~2.5 s on a fast link. A closed
  // TCP connection is seen at once. A probe is one SSH keepalive (~100 bytes).
  probeIntervalMs: 1500,
  probeTimeoutMs: 1500,
  probeMinTimeoutMs: 500,
  clientWaitMs: 15_000,
  metricsIntervalMs: 1000,
  sampleEveryMs: 30_000,
} as const;

const forwardEventType: Record<SessionEvent, ForwardEvent['type']> = {
  start: 'starting',
  ready: 'started',
  relinked: 'active',
  link_lost: 'reconnecting',
  fail: 'error',
  retries_exhausted: 'error',
  stop: 'stopped',
  dismiss: 'stopped',
};

export class Engine {
  readonly rules: RuleRegistry;
  private readonly sessions = new Map<string, ForwardSession>();
  private readonly keepers = new Map<string, LinkKeeper>();
  private readonly conduitKeepers = new Map<string, LinkKeeper>();
  private readonly ssmKeepers = new Map<string, LinkKeeper>();
  private readonly hostErrors = new Map<string, string>();
  private readonly metrics: MetricsTicker;
  private stopping = false;

  constructor(
    private readonly ports: EnginePorts,
    private readonly bus: EventBus,
    private readonly opts: EngineOptions,
    private readonly log: EngineLog,
  ) {
    this.rules = new RuleRegistry(ports.rules, ports.hosts);
    this.metrics = new MetricsTicker(() => this.sessions.values(), bus, ports.metrics, { intervalMs: opts.metricsIntervalMs, sampleEveryMs: opts.sampleEveryMs }, log);
  }

  // ── hosts ────────────────────────────────────────────────────────────────────────────────────
  listHosts(): HostInfo[] {
    return this.ports.hosts.list().map((h) => this.hostInfo(h.name));
  }

  hostInfo(alias: string): HostInfo {
    const h = this.ports.hosts.describe(alias);
    const keeper = this.keepers.get(alias);
    const info: HostInfo = {
      ...h,
      state: keeper?.state ?? 'disconnected',
      active_forward_count: [...this.sessions.values()].filter((s) => s.rule.kind === 'ssh' && s.rule.host === alias && s.status === 'active').length,
    };
    const err = keeper?.lastError ?? this.hostErrors.get(alias);
    if (err) info.last_error = err;
    return info;
  }

  async reloadHosts(): Promise<{ total: number; added: string[]; removed: string[] }> {
    return this.ports.hosts.reload();
  }

  async connectHost(alias: string): Promise<void> {
    this.requireHost(alias);
    const keeper = this.keeper(alias);
    if (keeper.current && keeper.state === 'connected')
      throw new WarrenError(ErrorCode.AlreadyConnected, `already connected to ${alias}`, { host: alias });
    keeper.pin();
    try {
      await keeper.waitForLink(60_000);
    } catch (e) {
      keeper.unpin();
      throw e;
    }
  }

  async disconnectHost(alias: string): Promise<void> {
    this.requireHost(alias);
    const keeper = this.keepers.get(alias);
    if (!keeper || keeper.state === 'disconnected') throw new WarrenError(ErrorCode.NotConnected, `not connected to ${alias}`, { host: alias });
    for (const s of this.sessions.values()) if (s.rule.kind === 'ssh' && s.rule.host === alias && s.status !== 'stopped') await this.stopRule(s.rule.name);
    keeper.unpin();
    await keeper.dispose();
    this.keepers.delete(alias);
  }

  // ── sessions ─────────────────────────────────────────────────────────────────────────────────
  async startRule(name: string, reason: 'user' | 'restore' | 'auto_connect' = 'user'): Promise<SessionStatus> {
    if (this.stopping) throw new WarrenError(ErrorCode.ShuttingDown, 'Warren is shutting down');
    const rule = this.rules.get(name);
    if (rule.kind === 'ssh') this.requireHost(rule.host);
    const session = this.session(name);
    session.rule = rule;
    this.ports.active.markActive(name);
    this.log.info({ session: name, reason }, 'starting forward');
    return session.start();
  }

  async stopRule(name: string): Promise<void> {
    this.rules.get(name);
    this.ports.active.markInactive(name);
    const s = this.sessions.get(name);
    if (s) await s.stop();
  }

  sessionInfo(name: string): SessionInfo {
    const rule = this.rules.get(name);
    const s = this.sessions.get(name);
    if (s) return s.info();
    return new ForwardSession(rule, () => this.keeperFor(rule), { changed: () => undefined }, { clientWaitMs: 0 }).info();
  }

  listSessions(): SessionInfo[] {
    return this.rules.list().map((r) => this.sessionInfo(r.name));
  }

  /** Called after a rule was changed or deleted: a running session restarts with the new rule. */
  async ruleChanged(oldName: string, newName: string | undefined): Promise<void> {
    const s = this.sessions.get(oldName);
    if (!s) return;
    const wasRunning = s.status !== 'stopped' && s.status !== 'error';
    await s.stop('rule changed');
    this.sessions.delete(oldName);
    this.ports.active.markInactive(oldName);
    if (newName !== undefined && wasRunning) await this.startRule(newName).catch(() => undefined);
  }

  /** Restore what was active at shutdown (session.auto_restore) and start auto_connect rules. */
  restore(autoRestore: boolean): void {
    const wanted = new Map<string, 'restore' | 'auto_connect'>();
    if (autoRestore) for (const n of this.ports.active.list()) wanted.set(n, 'restore');
    for (const r of this.rules.list()) if (r.auto_connect && !wanted.has(r.name)) wanted.set(r.name, 'auto_connect');
    for (const [name, reason] of wanted) {
      if (!this.rules.has(name)) {
        this.ports.active.markInactive(name);
        continue;
      }
      this.startRule(name, reason).catch((e: unknown) => this.log.warn({ session: name, err: errorMessage(e) }, 'restore failed'));
    }
  }

  /** Network change or resume from sleep: retry reconnecting links now and re-probe live ones. */
  nudge(reason: string): void {
    this.log.info({ reason }, 'nudging links');
    for (const k of [...this.keepers.values(), ...this.conduitKeepers.values(), ...this.ssmKeepers.values()]) k.nudge();
  }

  counts(): { activeLinks: number; activeForwards: number } {
    return {
      activeLinks: [...this.keepers.values(), ...this.conduitKeepers.values(), ...this.ssmKeepers.values()].filter((k) => k.state === 'connected').length,
      activeForwards: [...this.sessions.values()].filter((s) => s.status === 'active').length,
    };
  }

  /** Stop everything but keep the active set, so the next start restores it. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    this.metrics.stop();
    await Promise.all([...this.sessions.values()].map((s) => s.stop('Warren stopped').catch(() => undefined)));
    await Promise.all([...this.keepers.values(), ...this.conduitKeepers.values(), ...this.ssmKeepers.values()].map((k) => k.dispose()));
    this.keepers.clear();
    this.conduitKeepers.clear();
    this.ssmKeepers.clear();
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────
  private requireHost(alias: string): void {
    if (!this.ports.hosts.has(alias)) throw new WarrenError(ErrorCode.HostNotFound, `host "${alias}" is not in your ssh config`, { host: alias });
  }

  /** The keeper of the link a rule rides: the host's SSH connection, the router's TLS link, or the rule's own SSM session. */
  private keeperFor(rule: ForwardRule): LinkKeeper {
    if (rule.kind === 'ssh') return this.keeper(rule.host);
    if (rule.kind === 'ssm') {
      const transport = this.ports.transports.ssm;
      if (!transport) throw new WarrenError(ErrorCode.InternalError, 'this Warren has no ssm transport');
      const target: SsmTarget = { instanceId: rule.instance_id, remotePort: rule.remote_port, remoteHost: rule.remote_host, profile: rule.profile, region: rule.region };
      // One SSM session per ssm rule (ARCHITECTURE: one data channel per ssm session).
      const key = `ssm:${rule.name}:${rule.instance_id}:${rule.remote_host ?? ''}:${rule.remote_port}:${rule.profile ?? ''}:${rule.region ?? ''}`;
      return this.keeperIn(this.ssmKeepers, key, (signal) => transport.connect(target, signal), { instance: rule.instance_id }, 'ssm session changed', {
        policy: this.opts.ssmPolicy ?? this.opts.policy,
        recorder: this.recorderFor(rule.name, 'ssm', rule.instance_id),
      });
    }
    const transport = this.ports.transports.conduit;
    if (!transport) throw new WarrenError(ErrorCode.InternalError, 'this Warren has no conduit transport');
    const target: ConduitTarget = { router: rule.router, routerKey: rule.router_key, privateKeyPath: rule.private_key_path };
    return this.keeperIn(this.conduitKeepers, conduitLinkKey(target), (signal) => transport.connect(target, signal), { router: rule.router }, 'conduit link changed');
  }

  /** The keeper under `key` in `map`, made on first use with the engine's monitor and reconnector settings. */
  private keeperIn(
    map: Map<string, LinkKeeper>,
    key: string,
    connect: (signal: AbortSignal) => Promise<Link>,
    logFields: object,
    logMessage: string,
    extra: { policy?: () => ReconnectPolicy; recorder?: LinkRecorder | undefined } = {},
  ): LinkKeeper {
    let k = map.get(key);
    if (!k) {
      k = new LinkKeeper({
        key,
        connect,
        policy: extra.policy ?? this.opts.policy,
        ...(extra.recorder ? { recorder: extra.recorder } : {}),
        probeIntervalMs: this.opts.probeIntervalMs,
        probeTimeoutMs: this.opts.probeTimeoutMs,
        probeMinTimeoutMs: this.opts.probeMinTimeoutMs,
        maxMissedProbes: 2,
        onState: (state, err) => this.log.info({ ...logFields, state, err: err === undefined ? undefined : errorMessage(err) }, logMessage),
        log: this.log,
      });
      map.set(key, k);
    }
    return k;
  }

  /** Writes each link of a rule's session to the link history (connection time, latency). */
  private recorderFor(ruleName: string, kind: ForwardRule['kind'], target: string): LinkRecorder | undefined {
    const history = this.ports.linkHistory;
    if (!history) return undefined;
    return {
      opened: (link, reason, connectMs) =>
        history.opened({
          rule_name: ruleName,
          kind,
          target,
          remote_id: (link as { sessionId?: string }).sessionId,
          reason,
          connected_at: Date.now(),
          connect_ms: connectMs,
        }),
      closed: (id, rtt, reason) => history.closed(id, { closed_at: Date.now(), close_reason: reason, ...rtt.summary() }),
    };
  }

  /** Live conduit links (for conduit.status and the Routers view). */
  conduitLinks(): Array<{ router: string; keeper: LinkKeeper }> {
    return [...this.conduitKeepers].map(([key, keeper]) => ({ router: key.slice('conduit:'.length).split('|')[0]!, keeper }));
  }

  private keeper(alias: string): LinkKeeper {
    let k = this.keepers.get(alias);
    if (!k) {
      const keeper = new LinkKeeper({
        key: `ssh:${alias}`,
        connect: (signal) => this.ports.transports.ssh.connect(alias, signal),
        policy: this.opts.policy,
        probeIntervalMs: this.opts.probeIntervalMs,
        probeTimeoutMs: this.opts.probeTimeoutMs,
        probeMinTimeoutMs: this.opts.probeMinTimeoutMs,
        maxMissedProbes: 2,
        onState: (state, err) => this.onHostState(alias, state, err),
        log: this.log,
      });
      this.keepers.set(alias, keeper);
      k = keeper;
    }
    return k;
  }

  private session(name: string): ForwardSession {
    let s = this.sessions.get(name);
    if (!s) {
      const rule = this.rules.get(name);
      let historyId: number | undefined;
      s = new ForwardSession(
        rule,
        () => this.keeperFor(s?.rule ?? rule),
        {
          changed: (session, event, err) => {
            if (event === 'start') historyId = this.ports.history.started(session.rule.name);
            if ((event === 'stop' || event === 'dismiss' || event === 'fail' || event === 'retries_exhausted') && historyId !== undefined) {
              this.ports.history.finished(historyId, {
                status: session.status,
                bytes_sent: session.bytesSent,
                bytes_received: session.bytesReceived,
                reason: err ? errorMessage(err) : event,
              });
              historyId = undefined;
            }
            this.emitForward(session, event, err);
          },
          log: this.log,
        },
        { clientWaitMs: this.opts.clientWaitMs, ...(this.opts.inactiveAfterMs ? { inactiveAfterMs: this.opts.inactiveAfterMs } : {}) },
      );
      this.sessions.set(name, s);
    }
    return s;
  }

  private emitForward(s: ForwardSession, event: SessionEvent | 'info', err: unknown): void {
    const type: ForwardEvent['type'] = event === 'info' ? (s.status === 'reconnecting' ? 'reconnecting' : s.status === 'error' ? 'error' : 'active') : forwardEventType[event];
    const payload: ForwardEvent = { type, name: s.rule.name, host: ruleHost(s.rule), session: s.info() };
    if (err !== undefined) payload.error = errorMessage(err);
    else if (s.lastError && (type === 'error' || type === 'reconnecting')) payload.error = s.lastError;
    this.bus.emit('event.forward', payload);
    if (event !== 'info') this.log.info({ session: s.rule.name, event, status: s.status, err: payload.error }, 'session changed');
  }

  emitRuleEvent(type: 'added' | 'updated' | 'deleted', name: string, host: string): void {
    const payload: ForwardEvent = { type, name, host };
    if (type !== 'deleted' && this.rules.has(name)) payload.session = this.sessionInfo(name);
    this.bus.emit('event.forward', payload);
  }

  private onHostState(alias: string, state: ConnectionState, err: unknown): void {
    const type = state === 'connected' ? 'connected' : state;
    const payload: { type: typeof type; host: string; error?: string; code?: number; data?: unknown } = { type, host: alias };
    if (err !== undefined) {
      payload.error = errorMessage(err);
      this.hostErrors.set(alias, payload.error);
      if (isWarrenError(err)) {
        payload.code = err.code;
        if (err.data !== undefined) payload.data = err.data;
      }
    } else if (state === 'connected') this.hostErrors.delete(alias);
    this.bus.emit('event.ssh', payload);
  }
}
