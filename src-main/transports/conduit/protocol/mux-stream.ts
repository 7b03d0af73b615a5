// One multiplexed byte stream inside a Conduit connection, as a Node Duplex so it pipes like a
// socket. Flow control is credit based (as in SSH channels and HTTP/2): the sender may have at
// most `sendWindow` unacknowledged bytes; the receiver returns credit (WINDOW frames) as its reader
// consumes data. One slow consumer therefore stalls only its own stream, never the connection,
// and no peer can make us buffer more than one window per stream.
import { Duplex } from 'node:stream';
import { FrameType, MAX_DATA_PAYLOAD } from './frames.js';
import { ProtocolError } from './frame-decoder.js';
import { resetError } from '../../../core/forward/tcp-splice.js';

/** What a stream needs from its connection. */
export interface StreamHost {
  send(type: FrameType, stream: number, payload?: Buffer): void;
  sendU32(type: FrameType, stream: number, value: number): void;
  /** Calls cb once the connection's socket has room again (at once when it has). */
  whenWritable(cb: () => void): void;
  forget(stream: number): void;
  readonly closed: boolean;
}

/** The per-stream events the connection dispatches. */
export interface StreamEndpoint {
  onData(payload: Buffer): void;
  onWindow(credit: number): void;
  onFin(): void;
  onReset(reason: string): void;
  onDatagram(payload: Buffer): void;
  onLinkClosed(err: Error): void;
}

export class MuxStream extends Duplex implements StreamEndpoint {
  private sendWindow: number;
  private pending: { chunk: Buffer; cb: (err?: Error | null) => void } | undefined;
  private pushedTotal = 0;
  private credited = 0;
  private finSent = false;
  private finReceived = false;
  private readonly creditThreshold: number;

  constructor(
    private readonly host: StreamHost,
    readonly id: number,
    sendWindow: number,
    private readonly recvWindow: number,
    /** Where this stream leads (for logs and errors). */
    readonly label: string,
  ) {
    super({ allowHalfOpen: true, readableHighWaterMark: recvWindow, writableHighWaterMark: MAX_DATA_PAYLOAD });
    this.sendWindow = sendWindow;
    this.creditThreshold = Math.max(1, Math.floor(recvWindow / 4));
  }

  // ── writing (local → peer) ───────────────────────────────────────────────────────────────────
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.host.closed) return cb(new Error(`${this.label}: tunnel connection closed`));
    this.pending = { chunk, cb };
    this.flush();
  }

  private flush(): void {
    const p = this.pending;
    if (!p) return;
    while (p.chunk.length > 0 && this.sendWindow > 0) {
      const n = Math.min(p.chunk.length, this.sendWindow, MAX_DATA_PAYLOAD);
      this.host.send(FrameType.Data, this.id, p.chunk.subarray(0, n));
      this.sendWindow -= n;
      p.chunk = p.chunk.subarray(n);
    }
    if (p.chunk.length > 0) return; // resumes on WINDOW credit
    this.pending = undefined;
    this.host.whenWritable(() => p.cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.host.closed && !this.finSent) {
      this.finSent = true;
      this.host.send(FrameType.Fin, this.id);
    }
    cb();
    this.maybeDone();
  }

  // ── reading (peer → local) ───────────────────────────────────────────────────────────────────
  // Credit is returned for bytes that have left our read buffer. Node calls _read only when it
  // wants more (and not again until we push), so consumption is measured where it happens: after
  // every read() (flowing mode and pipe() go through it too) and after every push (a flowing
  // stream hands data straight to its consumer without buffering it).
  override _read(): void {
    this.maybeCredit();
  }

  override read(size?: number): unknown {
    const chunk: unknown = super.read(size);
    this.maybeCredit();
    return chunk;
  }

  private maybeCredit(): void {
    const consumed = this.pushedTotal - this.readableLength;
    const owed = consumed - this.credited;
    // Credit in batches of a quarter window. No stall is possible: a sender blocks only when
    // buffered + owed = window, so once the reader has drained the buffer, owed ≥ a quarter.
    if (owed >= this.creditThreshold && !this.host.closed && !this.finReceived) {
      this.credited += owed;
      this.host.sendU32(FrameType.Window, this.id, owed);
    }
  }

  onData(payload: Buffer): void {
    if (this.finReceived) throw new ProtocolError('unexpected_frame', `data after end of stream ${this.id}`);
    if (this.pushedTotal - this.credited + payload.length > this.recvWindow)
      throw new ProtocolError('bad_message', `peer overran the flow-control window of stream ${this.id}`);
    this.pushedTotal += payload.length;
    this.push(payload);
    this.maybeCredit();
  }

  onWindow(credit: number): void {
    this.sendWindow += credit;
    this.flush();
  }

  onFin(): void {
    if (this.finReceived) return;
    this.finReceived = true;
    this.push(null);
    this.maybeDone();
  }

  onReset(reason: string): void {
    this.finReceived = this.finSent = true; // no RESET back
    this.destroy(resetError(`${this.label}: reset by the far side${reason ? ` (${reason})` : ''}`));
  }

  onDatagram(): void {
    throw new ProtocolError('unexpected_frame', `datagram on TCP stream ${this.id}`);
  }

  onLinkClosed(err: Error): void {
    this.finReceived = this.finSent = true;
    // Never a clean end: the local connection must see that the tunnel went away under it.
    this.destroy(resetError(`${this.label}: ${err.message}`));
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!(this.finSent && this.finReceived) && !this.host.closed) this.host.send(FrameType.Reset, this.id);
    this.finSent = this.finReceived = true;
    this.pending?.cb(err ?? new Error(`${this.label}: stream closed`));
    this.pending = undefined;
    this.host.forget(this.id);
    cb(err);
  }

  private maybeDone(): void {
    // Both directions ended: the id can be forgotten now (autoDestroy then destroys quietly).
    if (this.finSent && this.finReceived) this.host.forget(this.id);
  }
}
