// One connection to the session-manager-plugin's local port, as the engine's tunnel stream. The
// socket is plain loopback TCP, but what stands behind it is an smux stream, and the plugin joins
// the two with handleDataTransfer (muxportforwarding.go): two io.Copy loops, each Close()-ing its
// destination as soon as its source ends or fails. So a half-close never survives the plugin:
// - our end() (FIN) → the plugin Close()s the smux stream (FIN to the agent) and then our socket;
// - the agent's FIN → the plugin Close()s our socket: we see EOF (or a reset, if it had unread bytes).
// This wrapper gives the engine core/link.ts's no-half-close contract on top (smux.ts says the same
// for the native path): the plugin's EOF is push(null) and later writes fail ECONNRESET; our end()
// ends our read side too; a socket error, or the plugin dying or being stopped under us, is
// destroy(err) with code ECONNRESET.
//
// Telling the plugin's EOF from its death. A process that exits has the kernel close its files in
// descriptor order, stdout (1) before any socket, so the plugin's stdout pipe reaches EOF before
// our socket's FIN is even sent. On EOF we therefore look once more, two turns of the event loop
// later (after the poll phase that holds both events), whether the plugin is gone; if so the EOF
// was its death, not the agent's FIN, and the stream is reset.
import type net from 'node:net';
import { Duplex } from 'node:stream';
import { streamReset } from '../stream-reset.js';

/** After our FIN, how long the socket may wait for the plugin to close its end before we close it. */
const LINGER_MS = 10_000;

export interface PluginStreamOptions {
  /** True once the plugin process is known to be gone (exited, or its output pipes closed). */
  pluginGone: () => boolean;
  label: string;
}

export class PluginPortStream extends Duplex {
  private peerEnded = false;
  private readEnded = false;
  private wroteFin = false;
  private pendingWrite: (() => void) | undefined;

  constructor(
    private readonly sock: net.Socket,
    private readonly opts: PluginStreamOptions,
  ) {
    super({ allowHalfOpen: true });
    sock.on('data', (chunk: Buffer) => {
      if (this.readEnded || this.destroyed) return; // after our FIN: discarded, as smux drops PSH for a closed stream
      if (!this.push(chunk)) sock.pause();
    });
    sock.on('end', () => this.onPeerEnd());
    sock.on('drain', () => this.flushed());
    // Every socket error, for the socket's whole life (it may outlive this stream while it lingers).
    sock.on('error', (err: NodeJS.ErrnoException) => {
      if (!this.destroyed) this.destroy(streamReset(`${opts.label}: ${err.code ?? err.message}`, err));
    });
    sock.on('close', () => {
      if (!this.destroyed && !(this.readEnded && this.wroteFin)) this.destroy(streamReset(`${opts.label}: the connection to the plugin closed`));
    });
  }

  /** The plugin died or the link was closed under the stream. */
  abort(reason: Error): void {
    if (!this.destroyed) this.destroy(streamReset(reason.message, reason));
  }

  override _read(): void {
    if (!this.readEnded) this.sock.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.peerEnded) return cb(streamReset(`${this.opts.label}: the plugin closed the connection (the agent's FIN) with ${chunk.length} bytes still to send; SSM has no half-close`));
    if (this.sock.write(chunk)) return cb();
    this.pendingWrite = () => cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.endRead();
    if (this.peerEnded) return cb(); // nothing owed: the far side has closed already
    this.wroteFin = true;
    this.sock.end(() => cb());
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.pendingWrite = undefined;
    if (err || !this.wroteFin || !this.readEnded) {
      // A reset toward the plugin: its read fails, it closes the smux stream (FIN to the agent). Node
      // may send a FIN instead when a write was in flight a moment before; the plugin's io.Copy
      // stops on EOF as on an error, so the agent sees the same FIN either way (smux v1 has no RST).
      if (!this.sock.destroyed) this.sock.resetAndDestroy();
    } else if (!this.sock.destroyed) {
      // Orderly: our FIN is out. Closing now could turn it into a RST (unread bytes from the
      // plugin) that drops what we wrote; keep reading and discarding until the plugin closes.
      this.sock.resume();
      const t = setTimeout(() => this.sock.destroy(), LINGER_MS);
      t.unref();
      this.sock.once('close', () => clearTimeout(t));
    }
    cb(err);
  }

  private onPeerEnd(): void {
    if (this.readEnded || this.destroyed) return;
    let turns = 2;
    const check = (): void => {
      if (--turns > 0) return void setImmediate(check);
      if (this.destroyed) return;
      if (this.opts.pluginGone()) return this.abort(new Error(`${this.opts.label}: the session-manager-plugin exited under the connection`));
      this.peerEnded = true;
      this.endRead();
    };
    setImmediate(check);
  }

  private endRead(): void {
    if (this.readEnded) return;
    this.readEnded = true;
    this.push(null);
    this.sock.resume(); // later bytes are discarded, not left to fill the kernel buffer
  }

  private flushed(): void {
    const cb = this.pendingWrite;
    this.pendingWrite = undefined;
    cb?.();
  }
}
