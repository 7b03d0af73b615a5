// Basic mode (agents ≤ 3.0.196.0, or a document that is not LocalPortForwarding): the session
// carries one TCP connection's raw bytes as Output, no multiplexer. When the local end finishes we
// send DisconnectToPort so the agent closes its connection and redials on the next data (notes §6).
// The protocol has no half close here, so ending our side ends the stream both ways.
import { Duplex } from 'node:stream';
import { FlagValue } from '../protocol/payloads.js';

/** What the stream needs from the data channel. */
export interface BasicCarrier {
  writeOutput(bytes: Buffer): void;
  sendFlag(flag: FlagValue): void;
  whenWritable(cb: () => void): void;
  setReady(ready: boolean): void;
  readonly closed: boolean;
}

export class BasicPortStream extends Duplex {
  private disconnected = false;

  constructor(
    private readonly carrier: BasicCarrier,
    private readonly onDone: () => void,
  ) {
    super({ allowHalfOpen: false });
  }

  /** Output from the agent. Not acknowledging the next message is the only brake SSM has. */
  onOutput(bytes: Buffer): void {
    if (this.disconnected || this.destroyed) return;
    if (!this.push(bytes)) this.carrier.setReady(false);
  }

  /** The data channel died under the stream. */
  onChannelClosed(err: Error): void {
    this.disconnected = true;
    this.destroy(err);
  }

  override _read(): void {
    this.carrier.setReady(true);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.carrier.closed) return cb(new Error('the SSM data channel is closed'));
    this.carrier.writeOutput(chunk);
    this.carrier.whenWritable(() => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.disconnect();
    this.push(null);
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.disconnect();
    cb(err);
  }

  private disconnect(): void {
    if (this.disconnected) return;
    this.disconnected = true;
    if (!this.carrier.closed) this.carrier.sendFlag(FlagValue.DisconnectToPort);
    // Bytes held back for a slow reader belong to this connection only: let the next one flow.
    this.carrier.setReady(true);
    this.onDone();
  }
}
