// One live SSH connection (possibly at the end of a ProxyJump chain) as the engine's Link: streams
// via direct-tcpip (forwardOut), remote listeners via tcpip-forward (forwardIn) with incoming
// connections routed by bound address:port, and a keepalive round trip as the probe.
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import type { Client, TcpConnectionDetails, ClientChannel } from 'ssh2';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import type { IncomingStreamInfo, Link, RemoteListener, StreamOrigin, StreamTarget } from '../../core/link.js';
import { SshChannelStream } from './channel-stream.js';
import { where } from './ssh-errors.js';

/** ssh2 internals the probe relies on (client.js keepalive: push a reply callback, then ping). */
interface PingInternals {
  _callbacks?: Array<(hadErr: boolean | Error) => void>;
  _protocol?: { ping(): void };
}

type IncomingHandler = (stream: Duplex, info: IncomingStreamInfo) => void;

export class SshLink implements Link {
  private isClosed = false;
  private readonly closeListeners = new Set<(err?: Error) => void>();
  private readonly incoming = new Map<string, IncomingHandler>();
  private lastError: Error | undefined;
  private lastRx = 0;

  /** `chain` is every client from the first hop to the target (the target last). */
  constructor(
    readonly key: string,
    private readonly alias: string,
    private readonly chain: readonly Client[],
  ) {
    const target = this.target;
    target.on('tcp connection', (info, accept, reject) => this.route(info, accept, reject));
    // Any bytes from the server prove the link alive; the monitor uses this so that a probe stuck
    // behind a big transfer on a slow link is not mistaken for a dead server. (ssh2 keeps the
    // transport stream, a socket or a jump channel, in _sock.)
    const sock = (target as unknown as { _sock?: NodeJS.EventEmitter })._sock;
    sock?.on('data', () => {
      this.lastRx = Date.now();
    });
    for (const c of chain) {
      c.on('error', (err: Error) => this.finish(err));
      c.on('end', () => this.finish());
      c.on('close', () => this.finish());
    }
  }

  private get target(): Client {
    return this.chain[this.chain.length - 1] as Client;
  }

  lastReceiveAt(): number {
    return this.lastRx;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  private notConnected(what: string): WarrenError {
    return new WarrenError(ErrorCode.NotConnected, `${what}: the SSH connection to ${this.alias} is closed`, { host: this.alias });
  }

  openStream(target: StreamTarget, origin?: StreamOrigin): Promise<Duplex> {
    if (this.isClosed) return Promise.reject(this.notConnected(`cannot open ${where(target.host, target.port)}`));
    return new Promise((resolve, reject) => {
      try {
        this.target.forwardOut(origin?.host ?? '127.0.0.1', origin?.port ?? 0, target.host, target.port, (err, channel) => {
          if (err)
            return reject(
              new WarrenError(
                ErrorCode.ConnectionFailed,
                `${this.alias} could not open ${where(target.host, target.port)}: ${err.message} (is it listening there, and does sshd allow TCP forwarding?)`,
                { host: this.alias, address: where(target.host, target.port) },
              ),
            );
          resolve(new SshChannelStream(channel, where(target.host, target.port)));
        });
      } catch (e) {
        reject(this.notConnected(`cannot open ${where(target.host, target.port)} (${(e as Error).message})`));
      }
    });
  }

  listenRemote(bind: StreamTarget, onStream: IncomingHandler): Promise<RemoteListener> {
    if (this.isClosed) return Promise.reject(this.notConnected(`cannot listen on ${where(bind.host, bind.port)}`));
    return new Promise((resolve, reject) => {
      try {
        this.target.forwardIn(bind.host, bind.port, (err, port) => {
          if (err)
            return reject(
              new WarrenError(
                ErrorCode.PortConflict,
                `${this.alias} refused to listen on ${where(bind.host, bind.port)}: ${err.message} (port in use on the server, or forwarding not allowed)`,
                { host: this.alias, address: where(bind.host, bind.port) },
              ),
            );
          const routeKey = `${bind.host}:${port}`;
          this.incoming.set(routeKey, onStream);
          let released = false;
          resolve({
            port,
            close: () => {
              if (released) return Promise.resolve();
              released = true;
              this.incoming.delete(routeKey);
              if (this.isClosed) return Promise.resolve();
              return new Promise<void>((res) => {
                try {
                  // A refusal to cancel leaves nothing for us to do: the route is already gone.
                  this.target.unforwardIn(bind.host, port, () => res());
                } catch {
                  res();
                }
              });
            },
          });
        });
      } catch (e) {
        reject(this.notConnected(`cannot listen on ${where(bind.host, bind.port)} (${(e as Error).message})`));
      }
    });
  }

  /** The server names the address:port we asked it to bind; route to that listener or refuse. */
  private route(info: TcpConnectionDetails, accept: () => ClientChannel, reject: () => void): void {
    const handler = this.incoming.get(`${info.destIP}:${info.destPort}`);
    if (!handler) return reject();
    handler(new SshChannelStream(accept(), `${info.srcIP}:${info.srcPort} via ${where(info.destIP, info.destPort)}`), { destIP: info.destIP, destPort: info.destPort, srcIP: info.srcIP, srcPort: info.srcPort });
  }

  probe(timeoutMs: number): Promise<number> {
    if (this.isClosed) return Promise.reject(this.notConnected('probe failed'));
    const internals = this.target as unknown as PingInternals;
    const callbacks = internals._callbacks;
    const protocol = internals._protocol;
    if (!Array.isArray(callbacks) || !protocol || typeof protocol.ping !== 'function')
      return Promise.reject(new WarrenError(ErrorCode.InternalError, 'this ssh2 version has no keepalive internals to probe with'));
    return new Promise((resolve, reject) => {
      const started = performance.now();
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(new WarrenError(ErrorCode.ConnectionFailed, `no keepalive reply from ${this.alias} within ${timeoutMs} ms`, { host: this.alias }));
      }, timeoutMs);
      const offClose = this.onClose((err) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(this.notConnected(`probe failed${err ? ` (${err.message})` : ''}`));
      });
      // Replies to global requests arrive in order, so our callback gets the reply to our ping —
      // success or failure both prove a round trip (OpenSSH answers keepalive@openssh.com with failure).
      callbacks.push(() => {
        offClose();
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(performance.now() - started);
      });
      try {
        protocol.ping();
      } catch (e) {
        settled = true;
        clearTimeout(timer);
        offClose();
        reject(this.notConnected(`probe failed (${(e as Error).message})`));
      }
    });
  }

  onClose(listener: (err?: Error) => void): () => void {
    if (this.isClosed) {
      queueMicrotask(() => listener(this.lastError));
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** The first end/close/error of any client in the chain ends the link: tear down the rest, tell listeners once. */
  private finish(err?: Error): void {
    if (err && !this.lastError) this.lastError = err;
    if (this.isClosed) return;
    this.isClosed = true;
    this.incoming.clear();
    for (const c of [...this.chain].reverse()) c.end();
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    for (const l of listeners) l(this.lastError);
  }

  async close(): Promise<void> {
    const target = this.target;
    const closedEvent = new Promise<void>((resolve) => {
      const sock = (target as unknown as { _sock?: { destroyed?: boolean } })._sock;
      if (!sock || sock.destroyed) return resolve();
      target.once('close', () => resolve());
    });
    this.finish();
    // A peer that never answers our disconnect must not hold close() forever.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closedEvent, new Promise<void>((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
    for (const c of this.chain) c.destroy();
  }
}
