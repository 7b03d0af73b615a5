// Make-before-break for SSM sessions. The service ends a session at its maximum duration, and a
// session cannot be resumed once the credentials that started it have expired. Ahead of either
// deadline this link opens a replacement session in the background and swaps it in: new local
// connections go to the new session at once, connections already open finish on the old one, which
// is terminated when its last connection closes (or when its own deadline takes it). The engine sees
// one link the whole time, so the local listener, the session state and its counters never notice.
import type { Duplex } from 'node:stream';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import type { Link, StreamOrigin, StreamTarget } from '../../core/link.js';

/** What the inner transport gives back: an SSM link with its session id and mode. */
export interface SessionLink extends Link {
  readonly sessionId: string;
  readonly mode: string;
}

export interface RenewingLinkOptions<L extends SessionLink> {
  first: L;
  /** When the session opened at `openedAt` must be gone (ms since the epoch), or undefined for never. */
  deadline: (openedAt: number) => Promise<number | undefined>;
  /** How long before the deadline the replacement is opened. */
  renewBeforeMs: () => number;
  /** Opens a replacement session (the same target). */
  open: (signal: AbortSignal) => Promise<L>;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
  now?: () => number;
}

/** A failed replacement is retried this often while the old session still has time. */
const RETRY_MS = 10_000;

export class RenewingLink<L extends SessionLink> implements Link {
  readonly key: string;
  private current: L;
  /** Old sessions still carrying connections, each with its count of open streams. */
  private readonly retiring = new Map<L, number>();
  private readonly streams = new Map<L, number>();
  private readonly closeListeners = new Set<(err?: Error) => void>();
  private readonly renewedListeners = new Set<(info: { connectMs: number }) => void>();
  private unsubscribeCurrent: () => void;
  private timer: NodeJS.Timeout | undefined;
  private renewing: AbortController | undefined;
  private ended = false;
  /** When the replacement will be opened (ms since the epoch), when a deadline is known. */
  renewAt: number | undefined;
  /** The current session's hard deadline, when known. */
  deadlineAt: number | undefined;
  renewals = 0;

  constructor(private readonly opts: RenewingLinkOptions<L>) {
    this.current = opts.first;
    this.key = opts.first.key;
    this.unsubscribeCurrent = this.follow(opts.first);
    void this.schedule(this.now());
  }

  get sessionId(): string {
    return this.current.sessionId;
  }
  get mode(): string {
    return this.current.mode;
  }
  get closed(): boolean {
    return this.ended || this.current.closed;
  }

  async openStream(target: StreamTarget, origin?: StreamOrigin): Promise<Duplex> {
    if (this.ended) throw new WarrenError(ErrorCode.NotConnected, `${this.key}: the session is closed`);
    const link = this.current;
    const stream = await link.openStream(target, origin);
    this.streams.set(link, (this.streams.get(link) ?? 0) + 1);
    stream.once('close', () => this.streamClosed(link));
    return stream;
  }

  probe(timeoutMs: number): Promise<number> {
    return this.current.probe(timeoutMs);
  }

  lastReceiveAt(): number {
    return this.current.lastReceiveAt?.() ?? 0;
  }

  onClose(listener: (err?: Error) => void): () => void {
    if (this.closed) {
      queueMicrotask(() => listener());
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  onRenewed(listener: (info: { connectMs: number }) => void): () => void {
    this.renewedListeners.add(listener);
    return () => this.renewedListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.stopTimers();
    this.unsubscribeCurrent();
    const all = [this.current, ...this.retiring.keys()];
    this.retiring.clear();
    await Promise.all(all.map((l) => l.close().catch(() => undefined)));
    this.fireClose(undefined);
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────
  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** The current session's death is this link's death (the keeper reconnects); a retiring one's is not. */
  private follow(link: L): () => void {
    return link.onClose((err) => {
      if (link !== this.current || this.ended) return;
      this.ended = true;
      this.stopTimers();
      for (const old of this.retiring.keys()) void old.close().catch(() => undefined);
      this.retiring.clear();
      this.fireClose(err);
    });
  }

  private fireClose(err: Error | undefined): void {
    for (const l of [...this.closeListeners]) l(err);
    this.closeListeners.clear();
  }

  private stopTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.renewing?.abort();
    this.renewing = undefined;
    this.renewAt = undefined;
  }

  private async schedule(openedAt: number): Promise<void> {
    const link = this.current;
    let deadline: number | undefined;
    try {
      deadline = await this.opts.deadline(openedAt);
    } catch (e) {
      this.opts.log?.warn({ session: link.sessionId, err: e instanceof Error ? e.message : String(e) }, 'SSM session deadline unknown; no background replacement');
      return;
    }
    if (this.ended || link !== this.current || deadline === undefined) return;
    this.deadlineAt = deadline;
    const life = deadline - openedAt;
    // Never renew before half the session's life: a deadline closer than renew_before (short-lived
    // credentials) must not turn into a loop of back-to-back replacements.
    const at = Math.max(deadline - this.opts.renewBeforeMs(), openedAt + Math.max(0, life / 2));
    this.arm(at);
  }

  private arm(at: number): void {
    this.renewAt = at;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.renew(), Math.max(0, at - this.now()));
    this.timer.unref?.();
  }

  private async renew(): Promise<void> {
    this.timer = undefined;
    if (this.ended || this.renewing) return;
    const ac = new AbortController();
    this.renewing = ac;
    const old = this.current;
    const started = performance.now();
    this.opts.log?.info({ session: old.sessionId, deadline: this.deadlineAt && new Date(this.deadlineAt).toISOString() }, 'opening a replacement SSM session before the deadline');
    let next: L;
    try {
      next = await this.opts.open(ac.signal);
    } catch (e) {
      this.renewing = undefined;
      if (this.ended || ac.signal.aborted) return;
      const left = (this.deadlineAt ?? 0) - this.now();
      this.opts.log?.warn({ session: old.sessionId, err: e instanceof Error ? e.message : String(e), ms_left: left }, 'replacement SSM session failed');
      // Try again while the old session has time; once it ends, the keeper's reconnect takes over.
      if (left > RETRY_MS) this.arm(this.now() + Math.min(RETRY_MS, left / 2));
      return;
    }
    this.renewing = undefined;
    if (this.ended || ac.signal.aborted || old !== this.current) {
      await next.close().catch(() => undefined);
      return;
    }
    const connectMs = Math.round((performance.now() - started) * 10) / 10;
    const openedAt = this.now();
    this.unsubscribeCurrent();
    this.current = next;
    this.unsubscribeCurrent = this.follow(next);
    this.renewals++;
    this.retire(old);
    this.opts.log?.info({ old: old.sessionId, session: next.sessionId, connect_ms: connectMs }, 'SSM session replaced (make-before-break)');
    for (const l of [...this.renewedListeners]) l({ connectMs });
    void this.schedule(openedAt);
  }

  /** The old session keeps its open connections and goes once the last one closes. */
  private retire(old: L): void {
    const open = this.streams.get(old) ?? 0;
    if (open === 0) {
      this.streams.delete(old);
      void old.close().catch(() => undefined);
      return;
    }
    this.retiring.set(old, open);
    old.onClose(() => {
      this.retiring.delete(old);
      this.streams.delete(old);
    });
  }

  private streamClosed(link: L): void {
    const left = (this.streams.get(link) ?? 1) - 1;
    this.streams.set(link, left);
    if (left === 0 && this.retiring.has(link)) {
      this.retiring.delete(link);
      this.streams.delete(link);
      void link.close().catch(() => undefined);
    }
  }
}
