// smux v1 (xtaci/smux 1.5.x), the multiplexer an SSM agent newer than 3.0.196.0 runs inside a port
// session: each local TCP connection is one smux stream, and the smux byte stream rides in the data
// channel's Output payloads (≤ 1024 bytes on the reference ends, never aligned to frame
// boundaries). Every frame is
//   ver u8 (= 1) | cmd u8 (SYN 0, FIN 1, PSH 2, NOP 3) | length u16 LE | stream id u32 LE | data
// Written from the protocol notes and smux's observable behaviour, not translated from its code.
//
// Flow control. v1 has no window updates; its only brake is a session-wide receive budget (4 MiB,
// smux's MaxReceiveBuffer): smux stops reading its connection while the bytes its streams hold
// un-consumed reach the budget. We do the same. Frames stay undecoded while the budget is spent and
// the carrier is asked to pause (SSM: the reliable channel stops acknowledging, so the agent keeps
// the bytes and retransmits them later); it is resumed once readers have drained half the budget,
// so a reader hovering at the limit does not toggle the carrier on every read. A carrier without
// pause (or one that keeps delivering) may hand us one more budget's worth of raw bytes, then the
// session fails: memory stays bounded (≈ 2 budgets + one frame) whatever the local readers do.
// The price is v1's own: one stream nobody reads stalls the whole session, as with the real agent.
import { ByteQueue } from '../../byte-queue.js';
import { Duplex } from 'node:stream';
import { resetFrom, streamReset } from '../stream-reset.js';

export const SMUX_VERSION = 1;
export const SMUX_HEADER_BYTES = 8;
/** Largest PSH payload we send (smux's default MaxFrameSize); any u16 length is accepted inbound. */
export const SMUX_MAX_PSH = 32 * 1024;
/** smux's default MaxReceiveBuffer: un-consumed bytes across all streams before reading stops. */
export const SMUX_RECEIVE_BUFFER = 4 * 1024 * 1024;
const MAX_FRAME_BYTES = SMUX_HEADER_BYTES + 0xffff;

export const SmuxCmd = { Syn: 0, Fin: 1, Psh: 2, Nop: 3 } as const;
export type SmuxCmd = (typeof SmuxCmd)[keyof typeof SmuxCmd];

export interface SmuxFrame {
  cmd: SmuxCmd;
  streamId: number;
  /** May be a view into the bytes the decoder was given. */
  data: Buffer;
}

export class SmuxError extends Error {
  constructor(
    readonly code: 'bad_version' | 'bad_command' | 'bad_length' | 'buffer_overrun' | 'keepalive_timeout',
    message: string,
  ) {
    super(message);
    this.name = 'SmuxError';
  }
}

export function encodeSmuxFrame(cmd: SmuxCmd, streamId: number, data?: Buffer | Uint8Array): Buffer {
  const len = data?.length ?? 0;
  if (len > 0xffff) throw new RangeError(`smux frame payload of ${len} bytes exceeds the u16 length field`);
  const out = Buffer.allocUnsafe(SMUX_HEADER_BYTES + len);
  out.writeUInt8(SMUX_VERSION, 0);
  out.writeUInt8(cmd, 1);
  out.writeUInt16LE(len, 2);
  out.writeUInt32LE(streamId >>> 0, 4);
  if (data && len > 0) out.set(data, SMUX_HEADER_BYTES);
  return out;
}

const cmdName = (cmd: number): string => ['SYN', 'FIN', 'PSH', 'NOP'][cmd] ?? `0x${cmd.toString(16)}`;

/**
 * Turns the smux byte stream, cut anywhere, back into frames. Pull based (`append` then `next`) so
 * the session can stop decoding mid-chunk when its receive budget is spent. Holds at most the bytes
 * appended and not yet returned as frames; a bad version or command fails at once (the second
 * byte is enough to know), and the decoder refuses everything after that.
 */
export class SmuxDecoder {
  private readonly queue = new ByteQueue();
  private failure: SmuxError | undefined;

  /** Bytes appended and not yet returned as frames. */
  get bufferedBytes(): number {
    return this.queue.length;
  }

  append(chunk: Buffer): void {
    this.throwIfFailed();
    this.queue.push(chunk);
  }

  /** The next complete frame, or undefined until more bytes arrive. Throws SmuxError on bad input. */
  next(): SmuxFrame | undefined {
    this.throwIfFailed();
    if (this.queue.length === 0) return undefined;
    const head = this.queue.peek(SMUX_HEADER_BYTES);
    const ver = head[0]!;
    if (ver !== SMUX_VERSION) this.fail('bad_version', `smux frame version ${ver}, expected ${SMUX_VERSION} (is the peer speaking smux v2?)`);
    if (head.length < 2) return undefined;
    const cmd = head[1]!;
    if (cmd > SmuxCmd.Nop) this.fail('bad_command', `unknown smux command ${cmd} (v1 knows SYN 0, FIN 1, PSH 2, NOP 3)`);
    if (head.length < SMUX_HEADER_BYTES) return undefined;
    const length = head.readUInt16LE(2);
    // smux reads a body only for PSH; a length on anything else would desynchronise the stream.
    if (cmd !== SmuxCmd.Psh && length !== 0) this.fail('bad_length', `smux ${cmdName(cmd)} frame carries ${length} payload bytes`);
    if (this.queue.length < SMUX_HEADER_BYTES + length) return undefined;
    const whole = this.queue.take(SMUX_HEADER_BYTES + length);
    return { cmd: cmd as SmuxCmd, streamId: whole.readUInt32LE(4), data: whole.subarray(SMUX_HEADER_BYTES) };
  }

  /** Convenience for whole-buffer use: append, then hand every complete frame to onFrame. */
  push(chunk: Buffer, onFrame: (frame: SmuxFrame) => void): void {
    this.append(chunk);
    for (let f = this.next(); f; f = this.next()) onFrame(f);
  }

  reset(): void {
    this.queue.clear();
  }

  private fail(code: SmuxError['code'], message: string): never {
    this.failure = new SmuxError(code, message);
    this.reset();
    throw this.failure;
  }

  private throwIfFailed(): void {
    if (this.failure) throw new SmuxError(this.failure.code, `smux decoder already failed: ${this.failure.message}`);
  }
}

// ── streams ──────────────────────────────────────────────────────────────────────────────────────

/** What a stream needs from its session. */
export interface SmuxStreamHost {
  readonly closed: boolean;
  sendFrame(cmd: SmuxCmd, streamId: number, data?: Buffer): void;
  /** Calls cb once the carrier can take more (at once when it can). */
  whenWritable(cb: () => void): void;
  /** Bytes now held by a stream's read buffer count against the session's receive budget... */
  charge(n: number): void;
  /** ...until its reader takes them (or the stream is destroyed). */
  release(n: number): void;
  forget(stream: SmuxStream): void;
  closedError(): Error;
}

/**
 * One smux stream as a Node Duplex, keeping core/link.ts's contract for a protocol without
 * half-close. In smux v1 a FIN is what Stream.Close() sends, and Close() ends both directions:
 * xtaci/smux stream.go Write returns io.EOF once the peer's FIN is in (`case <-s.chFinEvent:
 * // passive closing`), and after our own Close() the session forgets the stream, so later PSH for
 * it are recycled unread (session.go recvLoop: "data directed to a missing/closed stream"). Both
 * reference ends use it that way: handleDataTransfer in the agent's port_mux.go and in the plugin's
 * muxportforwarding.go runs two io.Copy loops and Close()s the stream as soon as either ends. So:
 * - the peer's FIN is push(null) after every byte before it, and later writes fail ECONNRESET
 *   (end() after it is a quiet success: nothing is owed, the peer has closed);
 * - end() sends FIN after every byte written and ends our read side too (push(null); later PSH
 *   for the stream are dropped);
 * - destroy() sends FIN unless a FIN already went either way (v1 has no RST);
 * - the session closing under the stream is destroy(err) with code ECONNRESET, never push(null).
 */
export class SmuxStream extends Duplex {
  private finSent = false;
  private finReceived = false;
  private readEnded = false;
  private pushedTotal = 0;
  private released = 0;

  constructor(
    private readonly host: SmuxStreamHost,
    readonly id: number,
  ) {
    super({ allowHalfOpen: true, writableHighWaterMark: SMUX_MAX_PSH });
  }

  /** The peer's FIN arrived: nothing more can be sent on this stream. */
  get peerClosed(): boolean {
    return this.finReceived;
  }

  // ── writing (local → peer) ─────────────────────────────────────────────────────────────────────
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.host.closed) return cb(this.host.closedError());
    // smux's Write after a FIN returns io.EOF; for the engine that is the peer refusing our bytes.
    if (this.finReceived) return cb(streamReset(`smux stream ${this.id}: the peer closed it (FIN) with ${chunk.length} bytes still to send; smux v1 has no half-close`));
    for (let off = 0; off < chunk.length; off += SMUX_MAX_PSH) this.host.sendFrame(SmuxCmd.Psh, this.id, chunk.subarray(off, off + SMUX_MAX_PSH));
    this.host.whenWritable(() => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.finReceived) this.sendFin();
    this.endRead();
    this.host.forget(this);
    cb();
  }

  // ── reading (peer → local) ─────────────────────────────────────────────────────────────────────
  // Budget is returned for bytes that have left the read buffer. Node calls _read only when it wants
  // more, so consumption is measured where it happens: after every read() (flowing mode and pipe()
  // go through it) and after every push (a flowing stream may hand data straight to its consumer).
  override _read(): void {
    this.releaseConsumed();
  }

  override read(size?: number): unknown {
    const chunk: unknown = super.read(size);
    this.releaseConsumed();
    return chunk;
  }

  /** A PSH for this stream (data already copied out of the carrier's buffers). */
  onPush(data: Buffer): void {
    // Data after a FIN either way, or after we gave up on the stream: nobody will read it.
    if (this.finReceived || this.readEnded || this.destroyed) return;
    this.host.charge(data.length);
    this.pushedTotal += data.length;
    this.push(data);
    this.releaseConsumed();
  }

  onFin(): void {
    if (this.finReceived || this.destroyed) return;
    this.finReceived = true;
    this.endRead();
    // The peer has closed its end: no frame will come for this id again.
    this.host.forget(this);
  }

  /** The session is gone under the stream: its bytes cannot be completed either way. */
  onSessionClosed(err: Error): void {
    this.finSent = this.finReceived = true;
    this.destroy(err);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.finReceived) this.sendFin();
    this.finReceived = true;
    // Whatever the reader left behind is discarded with the stream: give its budget back.
    this.host.forget(this);
    const held = this.pushedTotal - this.released;
    this.released = this.pushedTotal;
    if (held > 0) this.host.release(held);
    cb(err);
  }

  private endRead(): void {
    if (this.readEnded) return;
    this.readEnded = true;
    this.push(null);
  }

  private sendFin(): void {
    if (this.finSent) return;
    this.finSent = true;
    if (!this.host.closed) this.host.sendFrame(SmuxCmd.Fin, this.id);
  }

  private releaseConsumed(): void {
    const consumed = this.pushedTotal - this.readableLength;
    if (consumed <= this.released) return;
    const n = consumed - this.released;
    this.released = consumed;
    this.host.release(n);
  }
}

// ── session ──────────────────────────────────────────────────────────────────────────────────────

/** The byte pipe a session runs over (for SSM: Output payloads of the data channel). */
export interface SmuxCarrier {
  write(bytes: Buffer): void;
  onData(cb: (bytes: Buffer) => void): void;
  onClose(cb: (err?: Error) => void): void;
  /** Stop delivering onData until resume() (receive budget spent). Without it, see the header. */
  pause?(): void;
  resume?(): void;
  /** Calls cb once the carrier can take more; lets stream writes feel the carrier's backpressure. */
  whenWritable?(cb: () => void): void;
}

export interface SmuxTimers {
  setInterval(cb: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realTimers: SmuxTimers = {
  setInterval(cb, ms) {
    const h = setInterval(cb, ms);
    h.unref?.();
    return h;
  },
  clearInterval(h) {
    clearInterval(h as ReturnType<typeof setInterval>);
  },
};

export interface SmuxSessionOptions {
  /** Client stream ids are odd from 3, server ids even from 2. */
  role: 'client' | 'server';
  /**
   * smux keepalive: a NOP every intervalMs (10 s), close after timeoutMs (30 s) without a frame.
   * Required so the caller decides from the version gate; both ends must land on the same answer.
   */
  keepAlive: boolean | { intervalMs?: number; timeoutMs?: number };
  /** Peer-opened streams. Without it a peer's SYN is answered with FIN. */
  onAccept?: (stream: SmuxStream) => void;
  receiveBuffer?: number;
  timers?: SmuxTimers;
}

export class SmuxSession implements SmuxStreamHost {
  private readonly decoder = new SmuxDecoder();
  private readonly streams = new Map<number, SmuxStream>();
  private readonly closeListeners: Array<(err?: Error) => void> = [];
  private readonly timers: SmuxTimers;
  private readonly timerHandles: unknown[] = [];
  private nextId: number;
  private unconsumed = 0;
  private carrierPaused = false;
  private pumping = false;
  private heard = false;
  private _closed = false;
  private closeError: Error | undefined;
  readonly receiveBuffer: number;

  constructor(
    private readonly carrier: SmuxCarrier,
    private readonly opts: SmuxSessionOptions,
  ) {
    this.nextId = opts.role === 'client' ? 1 : 0;
    this.receiveBuffer = opts.receiveBuffer ?? SMUX_RECEIVE_BUFFER;
    this.timers = opts.timers ?? realTimers;
    carrier.onData((bytes) => this.receive(bytes));
    carrier.onClose((err) => this.close(err ?? new Error('smux carrier closed')));
    if (opts.keepAlive) {
      const ka = typeof opts.keepAlive === 'object' ? opts.keepAlive : {};
      const timeoutMs = ka.timeoutMs ?? 30_000;
      this.timerHandles.push(this.timers.setInterval(() => this.sendFrame(SmuxCmd.Nop, 0), ka.intervalMs ?? 10_000));
      this.timerHandles.push(this.timers.setInterval(() => this.checkAlive(timeoutMs), timeoutMs));
    }
  }

  get closed(): boolean {
    return this._closed;
  }
  /** Streams still open (no FIN either way yet, not destroyed). */
  get streamCount(): number {
    return this.streams.size;
  }
  /** Bytes delivered to streams and not yet taken by their readers. */
  get unconsumedBytes(): number {
    return this.unconsumed;
  }
  /** Raw carrier bytes waiting to be decoded (grows only while the budget is spent). */
  get heldBytes(): number {
    return this.decoder.bufferedBytes;
  }
  /** True while the carrier has been asked to pause. */
  get receivePaused(): boolean {
    return this.carrierPaused;
  }

  openStream(): SmuxStream {
    if (this._closed) throw this.closeError ?? new Error('smux session closed');
    const id = this.nextId + 2;
    if (id > 0xffff_ffff) throw new Error('smux stream ids exhausted: open a new session');
    this.nextId = id;
    const stream = new SmuxStream(this, id);
    this.streams.set(id, stream);
    this.sendFrame(SmuxCmd.Syn, id);
    return stream;
  }

  /**
   * Closes the session: every stream still open is destroyed with an ECONNRESET error carrying
   * err's message (a stream whose FIN went either way has already ended and is left alone).
   */
  close(err?: Error): void {
    if (this._closed) return;
    this._closed = true;
    this.closeError = err;
    for (const h of this.timerHandles.splice(0)) this.timers.clearInterval(h);
    const streamErr = resetFrom(err, 'smux session closed');
    for (const s of [...this.streams.values()]) s.onSessionClosed(streamErr);
    this.streams.clear();
    this.decoder.reset();
    for (const l of this.closeListeners.splice(0)) l(err);
  }

  /** Called once when the session closes (err undefined for a plain local close()). */
  onClose(listener: (err?: Error) => void): void {
    if (this._closed) queueMicrotask(() => listener(this.closeError));
    else this.closeListeners.push(listener);
  }

  // ── SmuxStreamHost ─────────────────────────────────────────────────────────────────────────────
  sendFrame(cmd: SmuxCmd, streamId: number, data?: Buffer): void {
    if (!this._closed) this.carrier.write(encodeSmuxFrame(cmd, streamId, data));
  }
  whenWritable(cb: () => void): void {
    if (this._closed || !this.carrier.whenWritable) cb();
    else this.carrier.whenWritable(cb);
  }
  charge(n: number): void {
    this.unconsumed += n;
  }
  release(n: number): void {
    this.unconsumed -= n;
    this.pump();
  }
  forget(stream: SmuxStream): void {
    if (this.streams.get(stream.id) === stream) this.streams.delete(stream.id);
  }
  closedError(): Error {
    return resetFrom(this.closeError, 'smux session closed');
  }

  // ── receiving ──────────────────────────────────────────────────────────────────────────────────
  private receive(bytes: Buffer): void {
    if (this._closed || bytes.length === 0) return;
    this.heard = true;
    try {
      this.decoder.append(bytes);
    } catch (e) {
      return this.close(e instanceof Error ? e : new Error(String(e)));
    }
    this.pump();
    // Only reachable while the budget is spent (otherwise pump leaves less than one frame).
    if (!this._closed && this.decoder.bufferedBytes > this.receiveBuffer + MAX_FRAME_BYTES)
      this.close(new SmuxError('buffer_overrun', `the carrier delivered ${this.decoder.bufferedBytes} bytes while smux reading was paused`));
  }

  /** Decodes while the receive budget lasts, then steers the carrier. Re-entrant calls are folded in. */
  private pump(): void {
    if (this.pumping || this._closed) return;
    this.pumping = true;
    try {
      while (!this._closed && this.unconsumed < this.receiveBuffer) {
        const f = this.decoder.next();
        if (!f) break;
        this.dispatch(f);
      }
    } catch (e) {
      this.pumping = false;
      return this.close(e instanceof Error ? e : new Error(String(e)));
    }
    this.pumping = false;
    if (this._closed) return;
    if (!this.carrierPaused && this.unconsumed >= this.receiveBuffer) {
      this.carrierPaused = true;
      this.carrier.pause?.();
    } else if (this.carrierPaused && this.unconsumed <= this.receiveBuffer / 2) {
      // Below the budget the loop above ran until no complete frame was left: nothing is held back.
      this.carrierPaused = false;
      this.carrier.resume?.();
    }
  }

  private dispatch(f: SmuxFrame): void {
    switch (f.cmd) {
      case SmuxCmd.Nop:
        return;
      case SmuxCmd.Syn: {
        if (this.streams.has(f.streamId)) return; // a repeated SYN changes nothing (as in smux)
        if (!this.opts.onAccept) return this.sendFrame(SmuxCmd.Fin, f.streamId);
        const stream = new SmuxStream(this, f.streamId);
        this.streams.set(f.streamId, stream);
        this.opts.onAccept(stream);
        return;
      }
      case SmuxCmd.Fin:
        this.streams.get(f.streamId)?.onFin();
        return;
      case SmuxCmd.Psh:
        // Copied so a held stream buffer pins only its own bytes, not the carrier's whole message:
        // the budget then measures real memory.
        if (f.data.length > 0) this.streams.get(f.streamId)?.onPush(Buffer.from(f.data));
        return;
    }
  }

  private checkAlive(timeoutMs: number): void {
    if (this.heard) {
      this.heard = false;
      return;
    }
    // Silence we asked for (carrier paused) is not a dead peer; smux makes the same exception.
    if (this.carrierPaused) return;
    this.close(new SmuxError('keepalive_timeout', `smux keepalive: nothing received for ${Math.round(timeoutMs / 1000)} s`));
  }
}
