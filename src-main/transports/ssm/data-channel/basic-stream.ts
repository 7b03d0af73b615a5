// Basic mode (agents ≤ 3.0.196.0, or a document that is not LocalPortForwarding): the session
// carries one TCP connection's raw bytes as Output, no multiplexer, and no end-of-stream signal
// from the agent at all. What each reference end does:
// - the plugin (basicportforwarding.go ReadStream): when reading the local connection fails or hits
//   EOF it sends the DisconnectToPort flag, closes the connection and accepts the next one;
// - the agent (port_basic.go): DisconnectToPort → Stop(), a full Close of the target connection;
//   when the target's socket ends or fails (handlePortError) it closes it, says nothing to the
//   client, and redials on the next Output.
// So here, as in mux mode but stricter: our end() sends DisconnectToPort after every byte written
// and ends our read side too (push(null)); the target ending is never seen (the protocol has no
// message for it; README); the data channel dying is destroy(err) with code ECONNRESET.
import { Duplex } from 'node:stream';
import { FlagValue } from '../protocol/payloads.js';
import { streamReset } from '../stream-reset.js';

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
  private readEnded = false;

  constructor(
    private readonly carrier: BasicCarrier,
    private readonly onDone: () => void,
  ) {
    // Half-open so Node never ends a side on its own: which side ends when is decided below.
    super({ allowHalfOpen: true });
  }

  /** Output from the agent. Not acknowledging the next message is the only brake SSM has. */
  onOutput(bytes: Buffer): void {
    if (this.disconnected || this.readEnded || this.destroyed) return;
    if (!this.push(bytes)) this.carrier.setReady(false);
  }

  /** The data channel died (or was closed) under the stream. */
  onChannelClosed(err: Error): void {
    if (!this.destroyed) this.destroy(streamReset(err.message, err));
  }

  override _read(): void {
    this.carrier.setReady(true);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.carrier.closed) return cb(streamReset('the SSM data channel is closed'));
    this.carrier.writeOutput(chunk);
    this.carrier.whenWritable(() => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    // After every byte written (Node calls _final once the writes are done), in sequence order on
    // the one data channel: the agent writes them to the target, then closes it.
    this.disconnect();
    if (!this.readEnded) {
      this.readEnded = true;
      this.push(null);
    }
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
