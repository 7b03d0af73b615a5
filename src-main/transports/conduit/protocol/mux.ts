// One Conduit connection (a TLS socket) carrying many streams. Both the client link and the
// router's per-client session are a Mux plus a little policy; the handshake, stats and key
// rotation messages are handed to the owner through onControl.
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { DEFAULT_MAX_FRAME_BYTES, FrameType, encodeFrame, encodeFrameHeader, encodeJsonFrame, encodeU32Frame, type Frame } from './frames.js';
import { FrameDecoder, ProtocolError } from './frame-decoder.js';
import { errorSchema, openOkSchema, openSchema, parseJson, type ConduitErrorCode, type OpenOk, type OpenRequest } from './messages.js';
import { MuxDatagram } from './mux-datagram.js';
import { MuxStream, type StreamEndpoint, type StreamHost } from './mux-stream.js';

/** Bytes a stream may receive before crediting: enough for full loopback/LAN speed per stream. */
export const DEFAULT_STREAM_WINDOW = 1024 * 1024;
/** Above this much unsent data in the socket, datagrams are dropped instead of queued. */
const DATAGRAM_CONGESTION_BYTES = 1024 * 1024;

/** An OPEN_FAIL or ERROR from the far side, with its code. */
export class ConduitRemoteError extends Error {
  constructor(
    readonly code: ConduitErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConduitRemoteError';
  }
}

export interface MuxOptions {
  role: 'client' | 'router';
  maxFrameBytes?: number;
  streamWindow?: number;
  /** Router side: a client asked to open a stream. Answer with acceptStream/acceptDatagram/rejectStream. */
  onOpen?: (id: number, request: OpenRequest) => void;
  /** Router side: a client asked whether it may reach a source. Answer with answerCheck. */
  onCheck?: (id: number, request: OpenRequest) => void;
  /** Handshake, stats and rotation frames (the owner validates their order). */
  onControl?: (frame: Frame) => void;
  /** Called for every frame received (cheap; used for last-seen times). */
  onActivity?: () => void;
  /** Counts payload bytes for metrics. */
  onBytes?: (direction: 'in' | 'out', n: number) => void;
  /** Until handshakeDone(), only HELLO / HELLO_ACK / ERROR are accepted (anything else closes). */
  handshake?: boolean;
}

interface PendingOpen {
  resolve: (ok: OpenOk) => void;
  reject: (err: Error) => void;
}

export class Mux implements StreamHost {
  private readonly decoder: FrameDecoder;
  private readonly endpoints = new Map<number, StreamEndpoint>();
  private readonly opening = new Map<number, PendingOpen>();
  private readonly pings = new Map<string, { start: bigint; resolve: (ms: number) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly closeListeners: Array<(err?: Error) => void> = [];
  private drainWaiters: Array<() => void> = [];
  private nextId = 1;
  private _closed = false;
  private closeError: Error | undefined;
  readonly streamWindow: number;
  lastReceiveAt = Date.now();
  streamsOpened = 0;

  constructor(
    readonly socket: Duplex,
    private readonly opts: MuxOptions,
  ) {
    this.decoder = new FrameDecoder(opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    this.streamWindow = opts.streamWindow ?? DEFAULT_STREAM_WINDOW;
    this.handshaking = opts.handshake === true;
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => this.drained());
    socket.on('error', (err: Error) => this.shutdown(err));
    socket.on('close', () => this.shutdown(this.closeError ?? new Error('tunnel connection closed')));
    socket.on('end', () => socket.end());
  }

  get closed(): boolean {
    return this._closed;
  }
  get activeStreams(): number {
    return this.endpoints.size;
  }

  // ── sending ──────────────────────────────────────────────────────────────────────────────────
  send(type: FrameType, stream: number, payload?: Buffer): void {
    if (this._closed) return;
    if (payload && payload.length >= 4096) {
      // Big payloads go out as header + payload in one corked write (TLS encrypts them together)
      // instead of being copied into a fresh frame buffer.
      if (type === FrameType.Data || type === FrameType.Datagram) this.opts.onBytes?.('out', payload.length);
      this.socket.cork();
      this.socket.write(encodeFrameHeader(type, stream, payload.length));
      this.socket.write(payload);
      this.socket.uncork();
      return;
    }
    if (payload && (type === FrameType.Data || type === FrameType.Datagram)) this.opts.onBytes?.('out', payload.length);
    this.socket.write(encodeFrame(type, stream, payload));
  }
  sendU32(type: FrameType, stream: number, value: number): void {
    if (!this._closed) this.socket.write(encodeU32Frame(type, stream, value));
  }
  sendJson(type: FrameType, stream: number, body: unknown): void {
    if (!this._closed) this.socket.write(encodeJsonFrame(type, stream, body));
  }
  whenWritable(cb: () => void): void {
    if (this._closed || !this.socket.writableNeedDrain) cb();
    else this.drainWaiters.push(cb);
  }
  congested(): boolean {
    return this.socket.writableLength > DATAGRAM_CONGESTION_BYTES;
  }
  forget(stream: number): void {
    this.endpoints.delete(stream);
  }

  private drained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  // ── client side: opening streams ───────────────────────────────────────────────────────────────
  /** Opens a TCP stream to `source` (host:port or a source name); rejects with ConduitRemoteError. */
  async openStream(source: string): Promise<MuxStream> {
    const { id, ok } = await this.requestOpen(source, 'tcp');
    const stream = new MuxStream(this, id, ok.window, this.streamWindow, source);
    this.endpoints.set(id, stream);
    return stream;
  }

  async openDatagram(source: string): Promise<MuxDatagram> {
    const { id } = await this.requestOpen(source, 'udp');
    const d = new MuxDatagram(this, id, source);
    this.endpoints.set(id, d);
    return d;
  }

  /** Asks the router whether this client may reach `source` (nothing is dialed); rejects with ConduitRemoteError if not. */
  async check(source: string, protocol: 'tcp' | 'udp'): Promise<void> {
    await this.requestOpen(source, protocol, FrameType.Check);
  }

  private requestOpen(source: string, protocol: 'tcp' | 'udp', type: FrameType = FrameType.Open): Promise<{ id: number; ok: OpenOk }> {
    if (this._closed) return Promise.reject(this.closeError ?? new Error('tunnel connection closed'));
    const id = this.nextId++;
    if (this.nextId > 0xffff_fff0) this.nextId = 1; // wraps after 4 billion streams; old ids are long gone
    return new Promise((resolve, reject) => {
      this.opening.set(id, { resolve: (ok) => resolve({ id, ok }), reject });
      this.sendJson(type, id, { source, protocol, window: this.streamWindow } satisfies OpenRequest);
    });
  }

  // ── router side: answering opens ─────────────────────────────────────────────────────────────
  acceptStream(id: number, request: OpenRequest, endpoint: string): MuxStream {
    const stream = new MuxStream(this, id, request.window, this.streamWindow, endpoint);
    this.endpoints.set(id, stream);
    this.sendJson(FrameType.OpenOk, id, { endpoint, window: this.streamWindow } satisfies OpenOk);
    return stream;
  }
  acceptDatagram(id: number, endpoint: string): MuxDatagram {
    const d = new MuxDatagram(this, id, endpoint);
    this.endpoints.set(id, d);
    this.sendJson(FrameType.OpenOk, id, { endpoint, window: this.streamWindow } satisfies OpenOk);
    return d;
  }
  /** Router side: the answer to a CHECK (no stream is created either way). */
  answerCheck(id: number, result: { ok: true; endpoint: string } | { ok: false; code: ConduitErrorCode; message: string }): void {
    if (result.ok) this.sendJson(FrameType.OpenOk, id, { endpoint: result.endpoint, window: this.streamWindow } satisfies OpenOk);
    else this.sendJson(FrameType.OpenFail, id, { code: result.code, message: result.message });
  }

  rejectStream(id: number, code: ConduitErrorCode, message: string): void {
    this.endpoints.delete(id);
    this.sendJson(FrameType.OpenFail, id, { code, message });
  }
  /** Ids the router is still deciding about (so a duplicate OPEN is caught). */
  private readonly deciding = new Set<number>();
  decided(id: number): void {
    this.deciding.delete(id);
  }

  // ── ping ─────────────────────────────────────────────────────────────────────────────────────
  /** One round trip; resolves with milliseconds. */
  ping(timeoutMs: number): Promise<number> {
    if (this._closed) return Promise.reject(this.closeError ?? new Error('tunnel connection closed'));
    const nonce = randomBytes(8);
    const key = nonce.toString('hex');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pings.delete(key);
        reject(new Error(`no answer to a ping within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref?.();
      this.pings.set(key, { start: process.hrtime.bigint(), resolve, reject, timer });
      this.send(FrameType.Ping, 0, nonce);
    });
  }

  // ── receiving ────────────────────────────────────────────────────────────────────────────────
  private receive(chunk: Buffer): void {
    if (this._closed) return;
    this.lastReceiveAt = Date.now();
    try {
      this.decoder.push(chunk, (f) => this.dispatch(f));
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const code: ConduitErrorCode = e instanceof ProtocolError && e.code === 'unsupported_version' ? 'unsupported_version' : 'protocol_error';
      this.fail(code, err.message);
    }
  }

  /** The HELLO exchange is over: stream and ping frames are welcome from now on. */
  handshakeDone(): void {
    this.handshaking = false;
  }
  private handshaking: boolean;

  private dispatch(f: Frame): void {
    this.opts.onActivity?.();
    if (this.handshaking && f.type !== FrameType.Hello && f.type !== FrameType.HelloAck && f.type !== FrameType.Error)
      throw new ProtocolError('unexpected_frame', `frame 0x${f.type.toString(16)} before HELLO finished the handshake`);
    switch (f.type) {
      case FrameType.Data: {
        this.opts.onBytes?.('in', f.payload.length);
        this.endpoints.get(f.stream)?.onData(f.payload);
        return;
      }
      case FrameType.Datagram:
        this.opts.onBytes?.('in', f.payload.length);
        this.endpoints.get(f.stream)?.onDatagram(f.payload);
        return;
      case FrameType.Window:
        if (f.payload.length !== 4) throw new ProtocolError('bad_message', 'WINDOW payload must be 4 bytes');
        this.endpoints.get(f.stream)?.onWindow(f.payload.readUInt32BE(0));
        return;
      case FrameType.Fin:
        this.endpoints.get(f.stream)?.onFin();
        return;
      case FrameType.Reset: {
        const ep = this.endpoints.get(f.stream);
        this.endpoints.delete(f.stream);
        ep?.onReset(f.payload.length ? f.payload.toString('utf8').slice(0, 200) : '');
        return;
      }
      case FrameType.Ping:
        if (f.payload.length !== 8) throw new ProtocolError('bad_message', 'PING payload must be 8 bytes');
        this.send(FrameType.Pong, 0, f.payload);
        return;
      case FrameType.Pong: {
        const key = f.payload.toString('hex');
        const p = this.pings.get(key);
        if (!p) return; // late answer to a timed-out ping
        this.pings.delete(key);
        clearTimeout(p.timer);
        p.resolve(Number(process.hrtime.bigint() - p.start) / 1e6);
        return;
      }
      case FrameType.Open: {
        if (this.opts.role !== 'router' || !this.opts.onOpen) throw new ProtocolError('unexpected_frame', 'only a router accepts OPEN');
        if (f.stream === 0 || this.endpoints.has(f.stream) || this.deciding.has(f.stream))
          throw new ProtocolError('bad_message', `OPEN reuses stream id ${f.stream}`);
        const req = parseJson(openSchema, f.payload, 'open');
        this.deciding.add(f.stream);
        this.streamsOpened++;
        this.opts.onOpen(f.stream, req);
        return;
      }
      case FrameType.Check: {
        if (this.opts.role !== 'router' || !this.opts.onCheck) throw new ProtocolError('unexpected_frame', 'only a router answers CHECK');
        this.opts.onCheck(f.stream, parseJson(openSchema, f.payload, 'check'));
        return;
      }
      case FrameType.OpenOk:
      case FrameType.OpenFail: {
        const p = this.opening.get(f.stream);
        if (!p) throw new ProtocolError('unexpected_frame', `answer for unknown stream ${f.stream}`);
        this.opening.delete(f.stream);
        if (f.type === FrameType.OpenOk) p.resolve(parseJson(openOkSchema, f.payload, 'open_ok'));
        else {
          const body = parseJson(errorSchema, f.payload, 'open_fail');
          p.reject(new ConduitRemoteError(body.code, body.message));
        }
        return;
      }
      case FrameType.Error: {
        const body = parseJson(errorSchema, f.payload, 'error');
        this.closeError = new ConduitRemoteError(body.code, body.message);
        this.opts.onControl?.(f);
        this.socket.destroy();
        return;
      }
      default:
        if (!this.opts.onControl) throw new ProtocolError('unexpected_frame', `unexpected frame type 0x${f.type.toString(16)}`);
        this.opts.onControl(f);
    }
  }

  // ── closing ──────────────────────────────────────────────────────────────────────────────────
  /** Sends an ERROR frame (best effort) and closes the connection. */
  fail(code: ConduitErrorCode, message: string): void {
    if (this._closed) return;
    this.closeError ??= new ConduitRemoteError(code, message);
    try {
      this.socket.write(encodeJsonFrame(FrameType.Error, 0, { code, message: message.slice(0, 2000) }));
    } catch {
      /* socket already unusable */
    }
    this.socket.end();
    // A peer that never reads would keep the socket half-alive; give the ERROR a moment, then cut.
    setTimeout(() => this.socket.destroy(), 1000).unref?.();
    this.shutdown(this.closeError);
  }

  close(): void {
    if (this._closed) return;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref?.();
    this.shutdown(new Error('tunnel connection closed'));
  }

  destroy(err?: Error): void {
    this.socket.destroy();
    this.shutdown(err ?? new Error('tunnel connection closed'));
  }

  onClose(listener: (err?: Error) => void): () => void {
    if (this._closed) {
      queueMicrotask(() => listener(this.closeError));
      return () => undefined;
    }
    this.closeListeners.push(listener);
    return () => {
      const i = this.closeListeners.indexOf(listener);
      if (i >= 0) this.closeListeners.splice(i, 1);
    };
  }

  get error(): Error | undefined {
    return this.closeError;
  }

  private shutdown(err: Error): void {
    if (this._closed) return;
    this._closed = true;
    this.closeError ??= err;
    const e = this.closeError;
    for (const ep of [...this.endpoints.values()]) ep.onLinkClosed(e);
    this.endpoints.clear();
    for (const p of this.opening.values()) p.reject(e);
    this.opening.clear();
    for (const p of this.pings.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.pings.clear();
    this.drained();
    for (const l of this.closeListeners.splice(0)) l(e);
  }
}
