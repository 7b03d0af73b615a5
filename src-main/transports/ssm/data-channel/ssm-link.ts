// The engine's Link over one SSM port session. The session's destination is fixed by its document
// (portNumber/host), so openStream's target is informational. Mux mode: one smux client session
// over the data channel's Output byte stream, a stream per local connection. Basic mode: one
// connection at a time; a second concurrent openStream fails at once with a WarrenError rather
// than waiting (a wait would be unbounded, behind a connection that may live for hours).
//
// Streams keep core/link.ts's contract for a protocol without half-close (smux.ts, basic-stream.ts):
// a FIN either way ends both directions; the session dying, or this link being closed (by the
// engine, or by RenewingLink retiring it), destroys every open stream with code ECONNRESET.
import type { Duplex } from 'node:stream';
import { ErrorCode, WarrenError } from '../../../../src-shared/api/index.js';
import type { Link, StreamTarget } from '../../../core/link.js';
import { FlagValue } from '../protocol/payloads.js';
import { encodeSmuxFrame, SmuxCmd, SmuxSession, type SmuxStream } from '../protocol/smux.js';
import { streamReset } from '../stream-reset.js';
import { BasicPortStream } from './basic-stream.js';
import type { SsmDataChannel } from './data-channel.js';

export class SsmLink implements Link {
  readonly key: string;
  private readonly smux: SmuxSession | undefined;
  /** Mux streams that have not received a byte yet: where a ConnectToPortError belongs. */
  private readonly unconfirmed: SmuxStream[] = [];
  private basic: BasicPortStream | undefined;
  /** close() has begun: no new streams, even before the terminate is through. */
  private closing = false;
  /** Connections waiting for their turn in basic mode. */
  private readonly basicQueue: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  private readonly closeListeners = new Set<(err?: Error) => void>();

  constructor(
    readonly channel: SsmDataChannel,
    readonly sessionId: string,
  ) {
    this.key = `ssm:${sessionId}`;
    if (channel.mode === 'mux') {
      this.smux = new SmuxSession(
        {
          write: (bytes) => {
            if (!channel.closed) channel.writeOutput(bytes);
          },
          onData: (cb) => channel.onOutput(cb),
          onClose: (cb) => channel.onClose((err) => cb(err ?? this.closedError())),
          pause: () => channel.setReady(false),
          resume: () => channel.setReady(true),
          whenWritable: (cb) => channel.whenWritable(cb),
        },
        { role: 'client', keepAlive: channel.handshake.keepAlive },
      );
    } else {
      channel.onOutput((bytes) => this.basic?.onOutput(bytes));
    }
    channel.onFlag((flag) => this.onFlag(flag));
    channel.onClose((err) => {
      this.basic?.onChannelClosed(err ?? this.closedError());
      for (const w of this.basicQueue.splice(0)) w.reject(err ?? this.closedError());
      for (const l of [...this.closeListeners]) l(err);
      this.closeListeners.clear();
    });
  }

  get closed(): boolean {
    return this.channel.closed;
  }

  get mode(): 'mux' | 'basic' {
    return this.channel.mode;
  }

  openStream(_target?: StreamTarget): Promise<Duplex> {
    if (this.channel.closed || this.closing) return Promise.reject(new WarrenError(ErrorCode.NotConnected, `${this.key}: the session is closed`));
    if (this.smux) {
      const s = this.smux.openStream();
      this.unconfirmed.push(s);
      // SmuxStream has no "first data" event that leaves the reader's mode alone, so watch its push.
      const onPush = s.onPush.bind(s);
      s.onPush = (data: Buffer) => {
        this.confirm(s);
        onPush(data);
      };
      s.once('close', () => this.confirm(s));
      return Promise.resolve(s);
    }
    // Basic mode carries one connection at a time. The session-manager-plugin accepts the next
    // local connection only when the current one is done (basicportforwarding.go's accept loop),
    // so a client that comes meanwhile waits in line, not refused.
    if (this.basic) return this.basicTurn().then(() => this.openStream(_target));
    const stream = new BasicPortStream(this.channel, () => {
      if (this.basic !== stream) return;
      this.basic = undefined;
      this.basicQueue.shift()?.resolve();
    });
    this.basic = stream;
    return Promise.resolve(stream);
  }

  /**
   * SSM has no ping. In mux mode a smux NOP (ignored by the agent's smux) rides in an Output
   * message and the agent's acknowledgement of that message is the round trip. In basic mode every
   * Output byte goes to the target (and may make the agent dial), so there is nothing harmless to
   * send: the probe reports the smoothed RTT of recent acknowledgements while the socket is up.
   * The same while we are not reading the socket for backpressure (a local reader stalled long
   * enough for a windowless agent to fill the channel): the agent's ack would wait behind the
   * bytes we refuse to read, and a stalled reader is not a dead link.
   */
  async probe(timeoutMs: number): Promise<number> {
    if (this.channel.closed) throw new WarrenError(ErrorCode.NotConnected, `${this.key}: the session is closed`);
    if (!this.smux || this.channel.receivePaused) {
      if (!this.channel.connected) throw new WarrenError(ErrorCode.ConnectionFailed, `${this.key}: the data channel is disconnected`);
      return this.channel.srttMs;
    }
    const started = performance.now();
    const seq = this.channel.writeOutput(encodeSmuxFrame(SmuxCmd.Nop, 0));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.channel.whenAcked(seq),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new WarrenError(ErrorCode.ConnectionFailed, `${this.key}: no acknowledgement from the agent within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    if (this.channel.closed) throw new WarrenError(ErrorCode.NotConnected, `${this.key}: the session is closed`);
    return performance.now() - started;
  }

  lastReceiveAt(): number {
    return this.channel.lastReceiveAt();
  }

  onClose(listener: (err?: Error) => void): () => void {
    if (this.channel.closed) {
      queueMicrotask(() => listener());
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Ends the session (TerminateSession flag, then channel_closed or a short wait). Open streams are
   * reset first, at once: they cannot complete, and the engine should not wait out the terminate.
   */
  async close(): Promise<void> {
    if (this.channel.closed) return;
    const err = new WarrenError(ErrorCode.NotConnected, `${this.key}: the link was closed`);
    this.closing = true;
    this.smux?.close(err);
    for (const w of this.basicQueue.splice(0)) w.reject(err);
    this.basic?.onChannelClosed(err);
    await this.channel.terminate();
  }

  /** Resolves when the basic-mode connection before it is done; rejects if the session ends. */
  private basicTurn(): Promise<void> {
    return new Promise((resolve, reject) => this.basicQueue.push({ resolve, reject }));
  }

  private closedError(): WarrenError {
    return new WarrenError(ErrorCode.NotConnected, `${this.key}: the session ended`);
  }

  private onFlag(flag: number): void {
    if (flag !== FlagValue.ConnectToPortError || !this.smux) return;
    // The flag names no stream; the agent sends it right before the FIN of the stream whose dial
    // failed. The oldest stream still waiting for its first byte is the best match (every stream
    // goes to the same destination, so when one dial fails they usually all do).
    const s = this.unconfirmed.shift();
    if (!s) return;
    const p = this.channel.handshake.properties;
    const where = `${p.host ?? 'localhost'}:${p.portNumber || '?'}`;
    // A reset for the engine (the local connection must see an error), the WarrenError as its cause.
    const why = new WarrenError(ErrorCode.ConnectionFailed, `${this.key}: the agent could not connect to ${where} (ConnectToPortError)`, { session: this.sessionId });
    s.destroy(streamReset(why.message, why));
  }

  private confirm(s: SmuxStream): void {
    const i = this.unconfirmed.indexOf(s);
    if (i >= 0) this.unconfirmed.splice(i, 1);
  }
}
