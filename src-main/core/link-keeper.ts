// Keeps one link (e.g. the SSH connection to one host) alive for everyone using it: connects on
// first use, probes it (the monitor), notices death within one probe interval, and reconnects with
// backoff (the reconnector). Sessions riding the link are told when it goes down, comes back, or is
// given up on. One keeper per link key, shared by that host's forwards.
import type { ConnectionState } from '../../src-shared/api/index.js';
import { backoffDelay, mayRetry } from '../../src-shared/logic/backoff.js';
import type { LinkOpenReason } from './engine-ports.js';
import { runOwnedBy, type FaultOwner } from './fault-context.js';
import type { Link } from './link.js';
import { RttStats } from './rtt-stats.js';
import { errorMessage, isPermanentError, type ReconnectPolicy } from './reconnect-policy.js';

export interface LinkUser {
  /** The link is (again) up. Called for the first connect and after every reconnect. */
  linkUp(link: Link, reconnected: boolean): void;
  /** The link died; the keeper is retrying. `nextRetryAt` is when the next attempt runs. */
  linkDown(err: Error | undefined, nextRetryAt: Date | undefined): void;
  /** The keeper gave up (permanent error, retries spent, or reconnect disabled). */
  linkFailed(err: unknown): void;
}

/** Where a keeper writes each link's connection time and latency (the engine binds it to a rule). */
export interface LinkRecorder {
  opened(link: Link, reason: LinkOpenReason, connectMs: number): number | undefined;
  closed(id: number, rtt: RttStats, reason: string): void;
}

export interface LinkKeeperOptions {
  key: string;
  connect: (signal: AbortSignal) => Promise<Link>;
  policy: () => ReconnectPolicy;
  /** Probe interval (ARCHITECTURE: 5 s). */
  probeIntervalMs: number;
  /**
   * A probe slower than this counts as missed. Once round trips are known the timeout tightens to
   * 4 × smoothed RTT + 250 ms (never below probeMinTimeoutMs): a fast link's silent death is seen
   * sooner, a slow link keeps its headroom.
   */
  probeTimeoutMs: number;
  probeMinTimeoutMs?: number;
  /** Consecutive missed probes that mean the link is dead (ARCHITECTURE: 2). */
  maxMissedProbes: number;
  onState: (state: ConnectionState, err?: unknown) => void;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
  random?: () => number;
  recorder?: LinkRecorder;
}

export class LinkKeeper {
  private _state: ConnectionState = 'disconnected';
  private link: Link | undefined;
  private readonly users = new Set<LinkUser>();
  private pinned = false;
  private attempt = 0;
  private everConnected = false;
  private connecting: AbortController | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private missed = 0;
  private unsubscribeClose: (() => void) | undefined;
  private disposed = false;
  private waiters: Array<{ resolve: (l: Link) => void; reject: (e: unknown) => void }> = [];
  lastError: string | undefined;
  rttMs: number | undefined;
  private srttMs: number | undefined;
  nextRetryAt: Date | undefined;
  /** How long the current link took to come up (ms), from asking to usable. */
  connectMs: number | undefined;
  private connectStartedAt = 0;
  private rtt = new RttStats();
  private recordId: number | undefined;
  private unsubscribeRenewed: (() => void) | undefined;

  /** Everything a connect starts (sockets, clients, timers) runs as this owner: see fault-context.ts. */
  private readonly faultOwner: FaultOwner;

  constructor(private readonly opts: LinkKeeperOptions) {
    this.faultOwner = { label: `link ${opts.key}`, fail: (err) => this.faulted(err) };
  }

  get state(): ConnectionState {
    return this._state;
  }
  get current(): Link | undefined {
    return this.link && !this.link.closed ? this.link : undefined;
  }
  get userCount(): number {
    return this.users.size + (this.pinned ? 1 : 0);
  }

  /** Start using the link. The user hears linkUp as soon as it is (or already is) up. */
  add(user: LinkUser): void {
    this.users.add(user);
    if (this.current) user.linkUp(this.current, false);
    else this.ensureConnecting();
  }

  remove(user: LinkUser): void {
    this.users.delete(user);
    this.closeIfUnused();
  }

  /** Keep the link open without a forward (ssh.connect). */
  pin(): void {
    this.pinned = true;
    if (!this.current) this.ensureConnecting();
  }
  unpin(): void {
    this.pinned = false;
    this.closeIfUnused();
  }

  /** Resolves with a live link, or rejects when the keeper gives up or the timeout passes. */
  waitForLink(timeoutMs: number): Promise<Link> {
    const live = this.current;
    if (live) return Promise.resolve(live);
    return new Promise<Link>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.opts.key}: not connected within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const waiter = {
        resolve: (l: Link) => {
          clearTimeout(timer);
          resolve(l);
        },
        reject: (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Network changed or the machine woke up: don't wait out the backoff, and re-check a live link. */
  nudge(): void {
    if (this.disposed) return;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.tryConnect();
    } else if (this.current) {
      void this.probeOnce();
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.users.clear();
    this.pinned = false;
    await this.teardown('disconnected');
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────
  private setState(s: ConnectionState, err?: unknown): void {
    if (this._state === s && err === undefined) return;
    this._state = s;
    this.opts.onState(s, err);
  }

  private ensureConnecting(): void {
    if (this.connecting || this.retryTimer || this.current || this.disposed) return;
    this.attempt = 0;
    this.setState(this.everConnected ? 'reconnecting' : 'connecting');
    this.tryConnect();
  }

  private tryConnect(): void {
    runOwnedBy(this.faultOwner, () => this.tryConnectOwned());
  }

  private tryConnectOwned(): void {
    if (this.disposed || this.connecting) return;
    const ac = new AbortController();
    this.connecting = ac;
    this.nextRetryAt = undefined;
    this.connectStartedAt = performance.now();
    this.opts.connect(ac.signal).then(
      (link) => {
        this.connecting = undefined;
        if (ac.signal.aborted || this.disposed || this.userCount === 0) {
          void link.close();
          return;
        }
        this.adopt(link);
      },
      (err: unknown) => {
        this.connecting = undefined;
        if (ac.signal.aborted || this.disposed) return;
        this.onConnectFailed(err);
      },
    );
  }

  private adopt(link: Link): void {
    const reconnected = this.everConnected;
    this.link = link;
    this.everConnected = true;
    this.attempt = 0;
    this.missed = 0;
    this.lastError = undefined;
    this.connectMs = Math.round((performance.now() - this.connectStartedAt) * 10) / 10;
    this.openRecord(link, reconnected ? 'reconnect' : 'connect', this.connectMs);
    this.unsubscribeClose = link.onClose((err) => this.onLinkClosed(link, err));
    this.unsubscribeRenewed = link.onRenewed?.((info) => {
      if (link !== this.link) return;
      this.closeRecord('replaced by a new session');
      this.connectMs = info.connectMs;
      this.openRecord(link, 'replace', info.connectMs);
    });
    this.setState('connected');
    this.opts.log?.info({ link: this.opts.key, reconnected }, 'link up');
    for (const w of this.waiters.splice(0)) w.resolve(link);
    for (const u of [...this.users]) u.linkUp(link, reconnected);
    this.scheduleProbe();
  }

  private onConnectFailed(err: unknown): void {
    this.lastError = errorMessage(err);
    const policy = this.opts.policy();
    const retry = !isPermanentError(err) && policy.enabled && mayRetry(this.attempt, policy.maxRetries) && this.userCount > 0;
    if (!retry) {
      this.opts.log?.warn({ link: this.opts.key, err: this.lastError, attempts: this.attempt }, 'link given up');
      this.giveUp(err);
      return;
    }
    const delay = backoffDelay(this.attempt, policy.backoff, this.opts.random);
    this.attempt++;
    this.nextRetryAt = new Date(Date.now() + delay);
    this.setState(this.everConnected ? 'reconnecting' : 'connecting', err);
    this.opts.log?.info({ link: this.opts.key, err: this.lastError, attempt: this.attempt, delay_ms: delay }, 'link retry scheduled');
    for (const u of [...this.users]) u.linkDown(err instanceof Error ? err : undefined, this.nextRetryAt);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.tryConnect();
    }, delay);
  }

  /**
   * An error nobody caught was traced to this link (the crash guard): the link cannot be trusted
   * any more. Drop it (or the connect in flight) and give up, so its sessions show `error` with
   * the reason instead of the process dying.
   */
  private faulted(err: Error): void {
    if (this.disposed) return;
    this.opts.log?.warn({ link: this.opts.key, err: err.message }, 'link failed on an uncaught error');
    this.connecting?.abort();
    this.connecting = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const link = this.link;
    this.lastError = errorMessage(err);
    if (link) {
      this.detachLink(this.lastError);
      void link.close().catch(() => undefined);
      // As a link death first (active → reconnecting), so `error` is a transition the machine allows.
      for (const u of [...this.users]) u.linkDown(err, undefined);
    }
    this.giveUp(err);
  }

  private giveUp(err: unknown): void {
    this.nextRetryAt = undefined;
    this.setState('error', err);
    for (const w of this.waiters.splice(0)) w.reject(err);
    const users = [...this.users];
    this.users.clear();
    this.pinned = false;
    for (const u of users) u.linkFailed(err);
  }

  private onLinkClosed(link: Link, err: Error | undefined): void {
    if (link !== this.link) return;
    this.detachLink(err ? err.message : 'closed by the far side');
    if (this.disposed) return;
    if (this.userCount === 0) {
      this.setState('disconnected');
      return;
    }
    this.lastError = err ? err.message : 'connection closed by the server';
    this.opts.log?.warn({ link: this.opts.key, err: this.lastError }, 'link lost');
    const policy = this.opts.policy();
    if (!policy.enabled) {
      for (const u of [...this.users]) u.linkDown(err, undefined);
      this.giveUp(err ?? new Error(this.lastError));
      return;
    }
    this.attempt = 0;
    this.setState('reconnecting', err);
    for (const u of [...this.users]) u.linkDown(err, new Date());
    // The first retry is immediate: most deaths (sshd restart, NAT rebinding) heal at once.
    this.tryConnect();
  }

  private openRecord(link: Link, reason: LinkOpenReason, connectMs: number): void {
    this.rtt = new RttStats();
    try {
      this.recordId = this.opts.recorder?.opened(link, reason, connectMs);
    } catch (e) {
      // History is a record, not a dependency: a full disk must not take the tunnel down.
      this.opts.log?.warn({ link: this.opts.key, err: errorMessage(e) }, 'could not record the connection');
    }
  }

  private closeRecord(reason: string): void {
    const id = this.recordId;
    this.recordId = undefined;
    if (id === undefined) return;
    try {
      this.opts.recorder?.closed(id, this.rtt, reason);
    } catch (e) {
      this.opts.log?.warn({ link: this.opts.key, err: errorMessage(e) }, 'could not record the connection');
    }
  }

  private detachLink(reason = 'closed'): void {
    this.closeRecord(reason);
    this.unsubscribeRenewed?.();
    this.unsubscribeRenewed = undefined;
    this.unsubscribeClose?.();
    this.unsubscribeClose = undefined;
    this.link = undefined;
    this.rttMs = undefined;
    this.srttMs = undefined;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private scheduleProbe(): void {
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      void this.probeOnce().finally(() => {
        if (this.current && !this.probeTimer) this.scheduleProbe();
      });
    }, this.opts.probeIntervalMs);
    this.probeTimer.unref?.();
  }

  private async probeOnce(): Promise<void> {
    const link = this.current;
    if (!link) return;
    const sentAt = Date.now();
    try {
      this.rttMs = await link.probe(this.probeTimeout());
      if (link === this.link) this.rtt.add(this.rttMs);
      this.srttMs = this.srttMs === undefined ? this.rttMs : 0.875 * this.srttMs + 0.125 * this.rttMs;
      this.missed = 0;
    } catch (err) {
      if (link !== this.link) return;
      // Bytes from the far side during the probe prove it alive: a probe queued behind a big
      // transfer on a slow link is late, not lost. Don't tear down working connections for it.
      if ((link.lastReceiveAt?.() ?? 0) >= sentAt) {
        this.missed = 0;
        return;
      }
      this.missed++;
      this.opts.log?.warn({ link: this.opts.key, missed: this.missed, err: errorMessage(err) }, 'probe missed');
      if (this.missed >= this.opts.maxMissedProbes) {
        this.onLinkClosed(link, new Error(`the server stopped answering (${this.missed} probes missed)`));
        void link.close();
      } else {
        // Probe again at once, so a silent death is seen within interval + 2 × timeout.
        await this.probeOnce();
      }
    }
  }

  /** The timeout for the next probe (see LinkKeeperOptions.probeTimeoutMs). */
  probeTimeout(): number {
    const max = this.opts.probeTimeoutMs;
    if (this.srttMs === undefined) return max;
    return Math.round(Math.min(max, Math.max(this.opts.probeMinTimeoutMs ?? max, 4 * this.srttMs + 250)));
  }

  private closeIfUnused(): void {
    if (this.userCount > 0) return;
    // Nobody uses the link any more: the next use is a fresh connect, not a reconnect (state and history).
    this.everConnected = false;
    void this.teardown('disconnected');
  }

  private async teardown(state: ConnectionState): Promise<void> {
    this.connecting?.abort();
    this.connecting = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.nextRetryAt = undefined;
    const link = this.link;
    this.detachLink(state === 'disconnected' ? 'stopped' : state);
    for (const w of this.waiters.splice(0)) w.reject(new Error(`${this.opts.key}: closed`));
    this.setState(state);
    if (link) await link.close().catch(() => undefined);
  }
}
