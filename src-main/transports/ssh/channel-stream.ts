// An ssh2 direct-tcpip/forwarded-tcpip channel as a tunnel stream that keeps the contract in
// core/link.ts. ssh2's own Channel cannot tell the engine what really happened: a CHANNEL_CLOSE
// without an EOF before it, and the whole connection dying (ssh2's channel cleanup), both arrive as
// a plain push(null) — a clean end of stream with bytes possibly missing. Its destroy() only ends
// and closes, and it emits no 'close' of its own (emitClose: false).
//
// So this adapter takes the channel's receive side over at push() (ssh2's CHANNEL_DATA handler
// calls channel.push and stops adjusting the window while it returns false: our own buffer's
// backpressure flows straight into the SSH window, with no extra copy), and decides:
// - CHANNEL_EOF (incoming.state 'eof')        → a clean half-close: push(null);
// - CHANNEL_CLOSE after the far side's EOF    → the normal end (RFC 4254 §5.3); a write after it
//                                                fails, as after a TCP peer's close();
// - CHANNEL_CLOSE before it, or the link dying → an abort: destroy with ECONNRESET.
// Our end() is the channel's EOF; our destroy(err) sends CHANNEL_CLOSE (SSH has no reset: OpenSSH's
// sshd then closes its socket to the target, nchan.c chan_rcvd_oclose).
import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { resetError } from '../../core/forward/tcp-splice.js';

/** The parts of ssh2's Channel (lib/Channel.js) this adapter relies on. */
interface ChannelInternals {
  incoming: { state: string };
  outgoing: { state: string };
  push(chunk: Buffer | null): boolean;
  _read(n: number): void;
  _write(chunk: Buffer, enc: BufferEncoding, cb: (err?: Error | null) => void): void;
  close(): void;
}

/** Enough to keep SSH's window (2 MiB in ssh2) moving at full speed; bounded all the same. */
const READ_BUFFER_BYTES = 1024 * 1024;

export class SshChannelStream extends Duplex {
  private eofReceived = false;
  /** CHANNEL_CLOSE came after the far side's EOF: nothing more can be sent. */
  private farClosed = false;
  private pendingWrite: ((err?: Error | null) => void) | undefined;
  private readonly internals: ChannelInternals;

  constructor(
    private readonly channel: ClientChannel,
    /** Where the stream leads, for error messages. */
    readonly label: string,
  ) {
    super({ allowHalfOpen: true, readableHighWaterMark: READ_BUFFER_BYTES });
    this.internals = channel as unknown as ChannelInternals;
    this.internals.push = (chunk) => this.fromChannel(chunk);
    // The channel's own writable side can still fail (a write after the far side closed).
    channel.on('error', (err: Error) => this.destroy(err));
  }

  private fromChannel(chunk: Buffer | null): boolean {
    if (chunk !== null) return this.destroyed ? true : this.push(chunk);
    if (this.internals.incoming.state === 'eof') {
      this.eofReceived = true;
      this.push(null);
      return false;
    }
    // CHANNEL_CLOSE (or the connection's cleanup). Before the far side's EOF it is an abort: bytes
    // may be missing. After it, the far side has closed in full, as a TCP peer that calls close()
    // after its FIN: what we already sent is delivered, and only a later write fails (the splice
    // then resets the local connection, as the peer's RST would).
    if (!this.eofReceived) {
      if (!this.destroyed) this.destroy(resetError(`${this.label}: the SSH channel was closed before the stream ended`));
      return false;
    }
    this.farClosed = true;
    this.failPendingWrite();
    return false;
  }

  private failPendingWrite(): void {
    const cb = this.pendingWrite;
    this.pendingWrite = undefined;
    cb?.(resetError(`${this.label}: the far side closed the SSH channel`));
  }

  override _read(n: number): void {
    // Lets ssh2 send the WINDOW_ADJUST it held back while we were full.
    this.internals._read(n);
  }

  // Writes go straight to ssh2's _write (one Writable's buffering is enough): it sends what the
  // SSH window allows and calls back when the rest went out after a WINDOW_ADJUST. Our Writable
  // calls it one chunk at a time, as Node would.
  override _write(chunk: Buffer, enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.farClosed || this.internals.outgoing.state !== 'open') return cb(resetError(`${this.label}: the far side closed the SSH channel`));
    // ssh2 never calls back a write the channel's closing cut short: remember it to fail it then.
    this.pendingWrite = cb;
    this.internals._write(chunk, enc, (err) => {
      if (this.pendingWrite !== cb) return;
      this.pendingWrite = undefined;
      cb(err);
    });
  }

  override _final(cb: (err?: Error | null) => void): void {
    // Every byte before it has been sent (our _write calls back only then): now CHANNEL_EOF. After
    // the far side's CLOSE there is nobody to tell, and nothing was lost: a quiet end.
    if (this.internals.outgoing.state === 'open') this.channel.eof();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.pendingWrite = undefined;
    try {
      // Idempotent in ssh2; after a normal end it is the CLOSE the protocol expects anyway.
      this.internals.close();
    } catch {
      /* the connection is already gone */
    }
    cb(err);
  }
}
