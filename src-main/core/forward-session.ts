// One forward rule running: its state (the pure machine in src-shared), its local listener (held
// while reconnecting so no other program takes the port and new clients wait), its connections and
// byte counters. It rides a LinkKeeper shared with the other forwards to the same host.
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import { ErrorCode, WarrenError, type ForwardRule, type SessionInfo, type SessionStatus } from '../../src-shared/api/index.js';
import { holdsListener, nextSessionState, type SessionEvent } from '../../src-shared/domain/session-machine.js';
import { closeServer, listenLocal } from './forward/local-listener.js';
import { listenUdp, type DatagramLink, type UdpContext, type UdpForwarder } from './forward/udp-forwarder.js';
import { conduitTarget } from './forward/targets.js';
import { parseHostPort } from '../../src-shared/logic/source-pattern.js';
import { serveLocalClient, serveRemoteStream, type ConnectionContext } from './forward/serve-connection.js';
import { resetError, resetStream } from './forward/tcp-splice.js';
import { runOwnedBy, type FaultOwner } from './fault-context.js';
import type { Link, RemoteListener } from './link.js';
import type { LinkKeeper, LinkUser } from './link-keeper.js';
import { errorMessage, isPermanentError } from './reconnect-policy.js';

export interface SessionHooks {
  /** Every status change (and notable counter changes), with the reason. */
  changed(session: ForwardSession, event: SessionEvent | 'info', error?: unknown): void;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

export interface SessionOptions {
  /** How long a new local client waits for a reconnecting link before it is closed. */
  clientWaitMs: number;
  /** Property 8's threshold (default 30 s). */
  inactiveAfterMs?: () => number;
}

const DEFAULT_INACTIVE_AFTER_MS = 30_000;

export function sessionId(rule: ForwardRule): string {
  if (rule.kind === 'conduit') {
    const router = parseHostPort(rule.router);
    return `${router.host}-${parseHostPort(rule.bind).port}`;
  }
  if (rule.kind === 'ssm') return `${rule.instance_id}-${rule.local_port}`;
  return `${rule.host}-${rule.type}-${rule.local_port}`;
}

export class ForwardSession implements LinkUser {
  private _status: SessionStatus = 'stopped';
  private server: net.Server | undefined;
  private remoteListener: RemoteListener | undefined;
  private link: Link | undefined;
  private readonly sockets = new Set<Duplex>();
  private startWaiter: { resolve: (s: SessionStatus) => void; reject: (e: unknown) => void } | undefined;
  private generation = 0;
  bytesSent = 0;
  bytesReceived = 0;
  reconnectCount = 0;
  connectedAt: Date | undefined;
  lastError: string | undefined;
  nextRetryAt: Date | undefined;
  /** Date.now() of the last new local connection and of the last byte moved (property 8). */
  lastConnectionAt = 0;
  lastTransferAt = 0;
  private wasInactive = false;

  /** The listener and its connections run as this owner: see fault-context.ts. */
  private readonly faultOwner: FaultOwner;

  constructor(
    public rule: ForwardRule,
    private readonly keeper: () => LinkKeeper,
    private readonly hooks: SessionHooks,
    private readonly opts: SessionOptions,
  ) {
    this.faultOwner = { label: `session ${rule.name}`, fail: (err) => this.faulted(err) };
  }

  get status(): SessionStatus {
    return this._status;
  }
  get activeConnections(): number {
    return this.sockets.size;
  }

  info(): SessionInfo {
    const r = this.rule;
    const state = {
      id: sessionId(r),
      name: r.name,
      status: this._status,
      bytes_sent: this.bytesSent,
      bytes_received: this.bytesReceived,
      active_connections: this.sockets.size + (this.udp?.sessions ?? 0),
      reconnect_count: this.reconnectCount,
    };
    let info: SessionInfo;
    if (r.kind === 'conduit') {
      info = { ...state, kind: 'conduit', router: r.router, source: r.source, bind: r.bind, protocol: r.protocol };
      const fp = (this.link as { routerFingerprint?: string } | undefined)?.routerFingerprint;
      if (fp) info.router_fingerprint = fp;
    } else if (r.kind === 'ssm') {
      info = { ...state, kind: 'ssm', instance_id: r.instance_id, local_port: r.local_port, remote_port: r.remote_port };
      if (r.profile !== undefined) info.profile = r.profile;
      if (r.region !== undefined) info.region = r.region;
      if (r.remote_host !== undefined) info.remote_host = r.remote_host;
      const ssm = this.link as { sessionId?: string; mode?: 'mux' | 'basic' | 'plugin'; renewAt?: number } | undefined;
      if (ssm?.sessionId) info.session_id = ssm.sessionId;
      if (ssm?.mode) info.mode = ssm.mode;
      if (ssm?.renewAt !== undefined && this._status === 'active') info.renew_at = new Date(ssm.renewAt).toISOString();
      const connectMs = this.keeperIfBound()?.connectMs;
      if (connectMs !== undefined && this._status === 'active') info.connect_ms = connectMs;
      if (this._status === 'active') {
        info.inactive = this.isInactive(Date.now());
        info.last_activity_at = new Date(this.lastActivityAt()).toISOString();
      }
    } else {
      info = { ...state, kind: 'ssh', host: r.host, type: r.type, local_port: r.local_port };
      if (r.remote_host !== undefined) info.remote_host = r.remote_host;
      if (r.remote_port !== undefined) info.remote_port = r.remote_port;
    }
    if (this.connectedAt && this._status === 'active') info.connected_at = this.connectedAt.toISOString();
    if (this.lastError !== undefined) info.last_error = this.lastError;
    const rtt = this.keeperIfBound()?.rttMs;
    if (rtt !== undefined && this._status === 'active') info.rtt_ms = rtt;
    if (this.nextRetryAt && this._status === 'reconnecting') info.next_retry_at = this.nextRetryAt.toISOString();
    return info;
  }

  /**
   * Start: bind the listener, join the link. Resolves with 'active' once traffic can flow, or
   * 'reconnecting' when the host is unreachable for now and the reconnector is on it. Rejects with
   * a WarrenError for what retrying cannot fix (port taken, auth, host key).
   */
  start(): Promise<SessionStatus> {
    return runOwnedBy(this.faultOwner, () => this.startOwned());
  }

  private async startOwned(): Promise<SessionStatus> {
    if (this._status === 'active' || this._status === 'reconnecting') return this._status;
    if (this._status === 'starting') return this.waitStart();
    this.fire('start');
    this.lastError = undefined;
    this.bytesSent = 0;
    this.bytesReceived = 0;
    this.reconnectCount = 0;
    this.lastConnectionAt = 0;
    this.lastTransferAt = 0;
    this.wasInactive = false;
    const gen = ++this.generation;
    const outcome = this.waitStart();
    try {
      const r = this.rule;
      if (r.kind === 'conduit') {
        const bind = parseHostPort(r.bind);
        if (r.protocol === 'udp') this.udp = await listenUdp(bind, this.udpContext);
        else this.server = await listenLocal(bind.port, (s) => serveLocalClient(s, this.connections), bind.host);
      } else if (r.kind === 'ssm' || r.type !== 'remote') {
        this.server = await listenLocal(r.local_port, (s) => serveLocalClient(s, this.connections));
      }
    } catch (e) {
      if (gen === this.generation) this.failStart(e);
      return outcome;
    }
    if (gen !== this.generation) return outcome; // stopped meanwhile
    this.bound = this.keeper();
    this.bound.add(this);
    return outcome;
  }

  async stop(reason = 'stopped by user'): Promise<void> {
    if (this._status === 'stopped') return;
    this.generation++;
    this.startWaiter?.reject(new WarrenError(ErrorCode.NotConnected, `${this.rule.name}: ${reason}`));
    this.startWaiter = undefined;
    await this.release();
    this.fire(this._status === 'error' ? 'dismiss' : 'stop', undefined);
  }

  /** The latest of: connected, last new local connection, last byte moved. */
  lastActivityAt(): number {
    return Math.max(this.connectedAt?.getTime() ?? 0, this.lastConnectionAt, this.lastTransferAt);
  }

  /** Property 8: active, yet no new local connection and no data moved for the threshold. */
  isInactive(now: number): boolean {
    if (this._status !== 'active') return false;
    return now - this.lastActivityAt() >= (this.opts.inactiveAfterMs?.() ?? DEFAULT_INACTIVE_AFTER_MS);
  }

  /** Called every metrics tick: tells listeners when the session turns inactive or active again. */
  checkActivity(now: number): void {
    // Property 8 is EC2 Connect's; SSH and conduit rows do not show it, so they raise no events for it.
    if (this.rule.kind !== 'ssm') return;
    const inactive = this.isInactive(now);
    if (inactive === this.wasInactive) return;
    this.wasInactive = inactive;
    this.hooks.log?.info({ session: this.rule.name, inactive }, inactive ? 'session inactive' : 'session active again');
    this.hooks.changed(this, 'info');
  }

  // ── LinkUser ─────────────────────────────────────────────────────────────────────────────────
  linkUp(link: Link, _reconnected: boolean): void {
    const gen = this.generation;
    this.link = link;
    void this.establish(link).then(
      () => {
        if (gen !== this.generation || this.link !== link) return;
        this.nextRetryAt = undefined;
        this.connectedAt = new Date();
        if (this._status === 'starting') {
          this.fire('ready');
          this.startWaiter?.resolve('active');
          this.startWaiter = undefined;
        } else if (this._status === 'reconnecting') {
          this.reconnectCount++;
          this.lastError = undefined;
          this.fire('relinked');
        }
      },
      (err: unknown) => {
        if (gen !== this.generation) return;
        // The link is fine but our part of it is refused (e.g. the server's remote port is taken).
        this.lastError = errorMessage(err);
        this.failWith(err);
      },
    );
  }

  linkDown(err: Error | undefined, nextRetryAt: Date | undefined): void {
    this.link = undefined;
    this.remoteListener = undefined; // died with the link
    this.nextRetryAt = nextRetryAt;
    if (err) this.lastError = err.message;
    if (this._status === 'active' || this._status === 'starting') {
      this.fire('link_lost', err);
      if (this.startWaiter) {
        this.startWaiter.resolve('reconnecting');
        this.startWaiter = undefined;
      }
    } else if (this._status === 'reconnecting') {
      this.hooks.changed(this, 'info', err);
    }
  }

  linkFailed(err: unknown): void {
    this.bound = undefined; // the keeper dropped us
    this.lastError = errorMessage(err);
    this.failWith(err);
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────
  private bound: LinkKeeper | undefined;

  private keeperIfBound(): LinkKeeper | undefined {
    return this.bound;
  }

  private waitStart(): Promise<SessionStatus> {
    if (this.startWaiter) {
      const prev = this.startWaiter;
      return new Promise((resolve, reject) => {
        this.startWaiter = {
          resolve: (s) => {
            prev.resolve(s);
            resolve(s);
          },
          reject: (e) => {
            prev.reject(e);
            reject(e);
          },
        };
      });
    }
    return new Promise((resolve, reject) => {
      this.startWaiter = { resolve, reject };
    });
  }

  /** An error nobody caught was traced to this session (the crash guard): it ends in `error`. */
  private faulted(err: Error): void {
    if (!holdsListener(this._status)) return;
    this.hooks.log?.warn({ session: this.rule.name, err: err.message }, 'session failed on an uncaught error');
    this.lastError = errorMessage(err);
    // As a link loss first (active → reconnecting), so `error` is a transition the machine allows.
    if (this._status === 'active') this.fire('link_lost', err);
    this.failWith(err);
  }

  private failStart(err: unknown): void {
    this.lastError = errorMessage(err);
    this.failWith(err);
  }

  private failWith(err: unknown): void {
    const event: SessionEvent = this._status === 'reconnecting' && !isPermanentError(err) ? 'retries_exhausted' : 'fail';
    this.generation++;
    void this.release();
    if (nextSessionState(this._status, event)) this.fire(event, err);
    this.startWaiter?.reject(err);
    this.startWaiter = undefined;
  }

  /** Make the forward live on a fresh link: for -R, ask the server to listen again. */
  private async establish(link: Link): Promise<void> {
    // A conduit router says up front whether this client may reach the source, so a tunnel to a
    // source it was not granted fails at start with the router's reason instead of looking active.
    if (this.rule.kind === 'conduit') return link.checkTarget?.(conduitTarget(this.rule), this.rule.protocol);
    if (this.rule.kind !== 'ssh' || this.rule.type !== 'remote') return;
    if (!link.listenRemote) throw new WarrenError(ErrorCode.InternalError, `${link.key} cannot do remote forwards`);
    const bind = { host: this.rule.remote_host ?? 'localhost', port: this.rule.remote_port ?? 0 };
    try {
      this.remoteListener = await link.listenRemote(bind, (stream) => serveRemoteStream(stream, this.connections));
    } catch (e) {
      throw new WarrenError(
        ErrorCode.PortConflict,
        `${this.rule.host} refused to listen on ${bind.host}:${bind.port} (${errorMessage(e)}): the port may be taken there or remote forwarding disabled (AllowTcpForwarding/GatewayPorts)`,
      );
    }
  }

  private async release(): Promise<void> {
    const keeper = this.bound;
    this.bound = undefined;
    this.link = undefined;
    const rl = this.remoteListener;
    this.remoteListener = undefined;
    const server = this.server;
    this.server = undefined;
    const udp = this.udp;
    this.udp = undefined;
    udp?.close();
    // Connections still open cannot complete: reset them (RST locally, the transport's reset
    // toward the far side) so their programs see an error, never a clean end with bytes missing.
    const stopped = resetError(`${this.rule.name} stopped`);
    for (const s of this.sockets) resetStream(s, stopped);
    this.sockets.clear();
    keeper?.remove(this);
    await Promise.all([rl?.close().catch(() => undefined), server ? closeServer(server) : undefined]);
  }

  private fire(event: SessionEvent, err?: unknown): void {
    const next = nextSessionState(this._status, event);
    if (next === undefined) {
      // A bug, not a user error: log loudly and keep the state rather than inventing one.
      this.hooks.log?.warn({ session: this.rule.name, state: this._status, event }, 'undefined session transition ignored');
      return;
    }
    this._status = next;
    if (!holdsListener(next)) this.connectedAt = undefined;
    this.hooks.changed(this, event, err);
  }

  private udp: UdpForwarder | undefined;
  private readonly counter = {
    addSent: (n: number) => {
      this.bytesSent += n;
      this.lastTransferAt = Date.now();
    },
    addReceived: (n: number) => {
      this.bytesReceived += n;
      this.lastTransferAt = Date.now();
    },
  };
  private readonly udpContext: UdpContext = {
    target: () => conduitTarget(this.rule),
    counter: this.counter,
    linkForClient: async () => (await this.linkForClient()) as (Link & DatagramLink) | undefined,
    noteError: (e) => this.noteStreamError(e),
  };

  private readonly connections: ConnectionContext = {
    rule: () => this.rule, // read at each use: a restart may swap the rule
    counter: this.counter,
    track: (s) => this.track(s),
    linkForClient: () => this.linkForClient(),
    noteError: (e) => this.noteStreamError(e),
  };

  private track(s: Duplex): void {
    this.lastConnectionAt = Date.now();
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }

  /** A live link now, or after waiting (bounded) for the reconnector; undefined = give up on this client. */
  private async linkForClient(): Promise<Link | undefined> {
    if (this.link && !this.link.closed && this._status === 'active') return this.link;
    if (!holdsListener(this._status) || !this.bound) return undefined;
    try {
      const link = await this.bound.waitForLink(this.opts.clientWaitMs);
      // remote listeners are irrelevant here; local/dynamic only need the link itself
      return link;
    } catch {
      return undefined;
    }
  }

  private noteStreamError(e: unknown): void {
    const msg = errorMessage(e);
    if (msg === this.lastError) return;
    this.lastError = msg;
    this.hooks.log?.warn({ session: this.rule.name, err: msg }, 'stream failed');
    this.hooks.changed(this, 'info', e);
  }
}
