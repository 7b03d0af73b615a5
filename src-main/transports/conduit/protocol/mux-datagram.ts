// One UDP "session" inside a Conduit connection: a peer on the client side ⇄ one UDP socket on
// the router. Datagrams keep their boundaries (one DATAGRAM frame each) and, as UDP, may be
// dropped when the connection is congested rather than queued without bound.
import { FrameType } from './frames.js';
import { ProtocolError } from './frame-decoder.js';
import type { StreamEndpoint, StreamHost } from './mux-stream.js';

export const MAX_DATAGRAM_BYTES = 65_507;

export class MuxDatagram implements StreamEndpoint {
  private closed = false;
  private readonly messageListeners: Array<(msg: Buffer) => void> = [];
  private readonly closeListeners: Array<(err?: Error) => void> = [];
  lastActivityAt = Date.now();
  sent = 0;
  received = 0;
  dropped = 0;

  constructor(
    private readonly host: StreamHost & { congested(): boolean },
    readonly id: number,
    readonly label: string,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends one datagram; returns false when it was dropped (congestion, too big, or closed). */
  send(msg: Buffer): boolean {
    if (this.closed || this.host.closed || msg.length > MAX_DATAGRAM_BYTES || this.host.congested()) {
      this.dropped++;
      return false;
    }
    this.lastActivityAt = Date.now();
    this.sent += msg.length;
    this.host.send(FrameType.Datagram, this.id, msg);
    return true;
  }

  onMessage(listener: (msg: Buffer) => void): void {
    this.messageListeners.push(listener);
  }
  onClose(listener: (err?: Error) => void): void {
    this.closeListeners.push(listener);
  }

  close(): void {
    if (this.closed) return;
    if (!this.host.closed) this.host.send(FrameType.Fin, this.id);
    this.finish();
  }

  onDatagram(payload: Buffer): void {
    if (this.closed) return;
    this.lastActivityAt = Date.now();
    this.received += payload.length;
    for (const l of this.messageListeners) l(payload);
  }
  onData(): void {
    throw new ProtocolError('unexpected_frame', `stream data on UDP session ${this.id}`);
  }
  onWindow(): void {
    /* datagrams are not flow controlled */
  }
  onFin(): void {
    this.finish();
  }
  onReset(): void {
    this.finish();
  }
  onLinkClosed(err: Error): void {
    this.finish(err);
  }

  private finish(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.host.forget(this.id);
    for (const l of this.closeListeners) l(err);
  }
}
