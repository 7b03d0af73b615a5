// One TLS connection to a Conduit router as the engine's Link: streams are multiplexed over it
// (OPEN/DATA/WINDOW/FIN), the probe is a PING round trip, and STATS asks the router how it is.
import type { Duplex } from 'node:stream';
import type { Link, StreamTarget } from '../../core/link.js';
import { formatHostPort } from '../../../src-shared/logic/source-pattern.js';
import { isRetryableOpenError, toWarrenError } from './conduit-errors.js';
import { withOpenRetry } from './open-retry.js';
import { FrameType, type Frame } from './protocol/frames.js';
import { parseJson } from './protocol/messages.js';
import type { Mux } from './protocol/mux.js';
import type { MuxDatagram } from './protocol/mux-datagram.js';
import type { HelloAck } from './protocol/messages.js';
import { routerStatsSchema, type RouterStatsReply } from './router-stats.js';

/** A source given by name (a group on the router) travels as the bare name: port 0 marks it. */
export function sourceString(target: StreamTarget): string {
  return target.port === 0 ? target.host : formatHostPort(target.host, target.port);
}

export class ConduitLink implements Link {
  private statsWaiters: Array<{ resolve: (s: RouterStatsReply) => void; reject: (e: Error) => void }> = [];

  constructor(
    readonly key: string,
    /** "host:port" of the router, for messages. */
    readonly router: string,
    readonly mux: Mux,
    readonly ack: HelloAck,
    readonly routerFingerprint: string,
  ) {
    mux.onClose((err) => {
      for (const w of this.statsWaiters.splice(0)) w.reject(err ?? new Error('tunnel connection closed'));
    });
  }

  /** Set by the connector while a key rotation waits for the router's answer. */
  onRotateAck: ((payload: Buffer) => void) | undefined;

  /** Frames the mux hands up after the handshake (the connector installs this). */
  control(f: Frame): void {
    if (f.type === FrameType.RotateAck) {
      const cb = this.onRotateAck;
      this.onRotateAck = undefined;
      cb?.(f.payload);
      return;
    }
    if (f.type === FrameType.Stats) {
      const w = this.statsWaiters.shift();
      if (!w) return;
      try {
        w.resolve(parseJson(routerStatsSchema, f.payload, 'stats'));
      } catch (e) {
        w.reject(e as Error);
      }
    }
  }

  get closed(): boolean {
    return this.mux.closed;
  }

  openStream(target: StreamTarget): Promise<Duplex> {
    const source = sourceString(target);
    return withOpenRetry(() => this.mux.openStream(source), isRetryableOpenError).catch((e: unknown) => {
      throw toWarrenError(e, `router ${this.router}`, source);
    });
  }

  /** Whether the router lets us reach target (asked once per (re)connect, so `start` says so at once). */
  async checkTarget(target: StreamTarget, protocol: 'tcp' | 'udp' = 'tcp'): Promise<void> {
    const source = sourceString(target);
    try {
      await this.mux.check(source, protocol);
    } catch (e) {
      throw toWarrenError(e, `router ${this.router}`, source);
    }
  }

  openDatagram(target: StreamTarget): Promise<MuxDatagram> {
    const source = sourceString(target);
    return withOpenRetry(() => this.mux.openDatagram(source), isRetryableOpenError).catch((e: unknown) => {
      throw toWarrenError(e, `router ${this.router}`, source);
    });
  }

  probe(timeoutMs: number): Promise<number> {
    return this.mux.ping(timeoutMs);
  }

  lastReceiveAt(): number {
    return this.mux.lastReceiveAt;
  }

  /** The router's own report (its health, sources, and what it knows about this client). */
  stats(timeoutMs = 5000): Promise<RouterStatsReply> {
    if (this.mux.closed) return Promise.reject(this.mux.error ?? new Error('tunnel connection closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.statsWaiters.indexOf(w);
        if (i >= 0) this.statsWaiters.splice(i, 1);
        reject(new Error(`router ${this.router} did not answer a stats request within ${timeoutMs} ms`));
      }, timeoutMs);
      const w = {
        resolve: (s: RouterStatsReply) => {
          clearTimeout(timer);
          resolve(s);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.statsWaiters.push(w);
      this.mux.send(FrameType.StatsRequest, 0);
    });
  }

  onClose(listener: (err?: Error) => void): () => void {
    return this.mux.onClose((err) => listener(err && err.message === 'tunnel connection closed' ? undefined : err));
  }

  async close(): Promise<void> {
    this.mux.close();
  }
}
