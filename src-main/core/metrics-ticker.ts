// Once a second: event.metrics for subscribers (bytes, connections, RTT of running sessions). Every
// sampleEveryMs: a sample of each running session into the store (bounded retention, pruned hourly).
// After traffic goes quiet: one GC (see idle-gc.ts).
import { formatUptime } from '../../src-shared/logic/duration.js';
import type { MetricsPort } from './engine-ports.js';
import type { EventBus } from './event-bus.js';
import type { ForwardSession } from './forward-session.js';
import { IdleCollector } from './idle-gc.js';
import { errorMessage } from './reconnect-policy.js';

const PRUNE_EVERY_MS = 3_600_000;

export class MetricsTicker {
  private timer: NodeJS.Timeout | undefined;
  private lastSampleAt = 0;
  private lastPruneAt = 0;
  private readonly idleGc = new IdleCollector(10_000);

  constructor(
    private readonly sessions: () => Iterable<ForwardSession>,
    private readonly bus: EventBus,
    private readonly store: MetricsPort,
    private readonly opts: { intervalMs: number; sampleEveryMs: number },
    private readonly log: { warn(o: object, m: string): void },
  ) {
    this.timer = setInterval(() => this.tick(), opts.intervalMs);
    this.timer.unref();
  }

  /** Stop ticking; takes a last sample so the store has the final counters. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  private tick(): void {
    const all = [...this.sessions()];
    let total = 0;
    const at = Date.now();
    for (const s of all) {
      total += s.bytesSent + s.bytesReceived;
      s.checkActivity(at);
    }
    this.idleGc.observe(total);
    const running = all.filter((s) => s.status !== 'stopped');
    if (running.length > 0 && this.bus.size > 0) {
      this.bus.emit('event.metrics', {
        sessions: running.map((s) => {
          const i = s.info();
          const m = {
            name: i.name,
            status: i.status,
            bytes_sent: i.bytes_sent,
            bytes_received: i.bytes_received,
            uptime: s.connectedAt ? formatUptime(Date.now() - s.connectedAt.getTime()) : '0s',
            active_connections: i.active_connections,
            reconnect_count: i.reconnect_count,
          };
          return i.rtt_ms === undefined ? m : { ...m, rtt_ms: i.rtt_ms };
        }),
      });
    }
    const now = Date.now();
    if (now - this.lastSampleAt >= this.opts.sampleEveryMs) this.sample();
    if (now - this.lastPruneAt >= PRUNE_EVERY_MS) {
      this.lastPruneAt = now;
      try {
        this.store.prune();
      } catch (e) {
        this.log.warn({ err: errorMessage(e) }, 'metric prune failed');
      }
    }
  }

  private sample(): void {
    this.lastSampleAt = Date.now();
    const samples = [...this.sessions()]
      .filter((s) => s.status === 'active' || s.status === 'reconnecting')
      .map((s) => ({
        ts: this.lastSampleAt,
        rule_name: s.rule.name,
        bytes_sent: s.bytesSent,
        bytes_received: s.bytesReceived,
        active_connections: s.activeConnections,
        rtt_ms: s.info().rtt_ms ?? null,
      }));
    if (samples.length === 0) return;
    try {
      this.store.add(samples);
    } catch (e) {
      this.log.warn({ err: errorMessage(e) }, 'metric sample write failed');
    }
  }
}
