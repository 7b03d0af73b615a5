// One client's TLS connection on the router: the key was checked at TLS time by the router; here
// the HELLO must arrive within the handshake timeout, then each OPEN is authorized against the
// client's allow list before anything is dialed, and the stream is spliced to the source.
import dgram from 'node:dgram';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { FrameType, type Frame } from '../transports/conduit/protocol/frames.js';
import { ProtocolError } from '../transports/conduit/protocol/frame-decoder.js';
import { PROTOCOL_VERSION, decodeHello, parseJson, rotateSchema, type HelloAck, type OpenRequest } from '../transports/conduit/protocol/messages.js';
import { Mux } from '../transports/conduit/protocol/mux.js';
import type { MuxDatagram } from '../transports/conduit/protocol/mux-datagram.js';
import { parsePublicKey, tlsBindingBytes, verifyRotationProof } from '../transports/conduit/identity/index.js';
import type { KeyLookup } from './client-keys.js';
import { spliceTcp } from '../core/forward/tcp-splice.js';
import { OpenRefused, type SourceRouter } from './source-router.js';

export interface ConnectionHost {
  routerName: string;
  maxFrameBytes: number;
  handshakeTimeoutMs: number;
  maxStreamsPerClient: number;
  udpIdleMs: number;
  sources: SourceRouter;
  draining(): boolean;
  rotate(client: string, oldFingerprint: string, newKeyText: string): { grace_until: string };
  stats(conn: ClientConnection): unknown;
  onBytes(conn: ClientConnection, direction: 'in' | 'out', n: number): void;
  onStream(conn: ClientConnection, source: string, ok: boolean): void;
  onStreamClosed(conn: ClientConnection, source: string): void;
  onSourceBytes(source: string, direction: 'in' | 'out', n: number): void;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; debug(o: object, m: string): void };
}

export class ClientConnection {
  readonly id = randomUUID();
  readonly mux: Mux;
  readonly connectedAt = new Date();
  /** Date.now() of the last frame (a number: this runs for every frame). */
  lastSeenAtMs = Date.now();
  get lastSeenAt(): Date {
    return new Date(this.lastSeenAtMs);
  }
  bytesIn = 0;
  bytesOut = 0;
  totalStreams = 0;
  private helloDone = false;
  private readonly handshakeTimer: NodeJS.Timeout;
  private readonly udp = new Set<{ close(): void }>();

  constructor(
    readonly socket: TLSSocket,
    readonly auth: Extract<KeyLookup, { ok: true }>,
    private readonly host: ConnectionHost,
  ) {
    this.mux = new Mux(socket, {
      role: 'router',
      handshake: true,
      maxFrameBytes: host.maxFrameBytes,
      onOpen: (id, req) => this.open(id, req),
      onCheck: (id, req) => this.check(id, req),
      onControl: (f) => this.control(f),
      onActivity: () => {
        this.lastSeenAtMs = Date.now();
      },
      onBytes: (dir, n) => {
        // "in" = from the client toward sources.
        if (dir === 'in') this.bytesIn += n;
        else this.bytesOut += n;
        host.onBytes(this, dir, n);
      },
    });
    this.handshakeTimer = setTimeout(() => this.mux.fail('handshake_timeout', `no HELLO within ${host.handshakeTimeoutMs} ms`), host.handshakeTimeoutMs);
    this.mux.onClose(() => {
      clearTimeout(this.handshakeTimer);
      for (const u of this.udp) u.close();
      this.udp.clear();
    });
  }

  get remoteAddress(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? 0}`;
  }

  private control(f: Frame): void {
    if (f.type === FrameType.Hello) {
      if (this.helloDone) throw new ProtocolError('unexpected_frame', 'second HELLO');
      decodeHello(f.payload); // throws unsupported_version / bad_message → ERROR frame + close
      this.helloDone = true;
      this.mux.handshakeDone();
      clearTimeout(this.handshakeTimer);
      const ack: HelloAck = {
        version: PROTOCOL_VERSION,
        router: this.host.routerName,
        client_name: this.auth.client.name,
        session_id: this.id,
        max_frame_bytes: this.host.maxFrameBytes,
        initial_window: this.mux.streamWindow,
        key_status: this.auth.keyStatus,
        grace_until: this.auth.graceUntil?.toISOString() ?? null,
      };
      this.mux.sendJson(FrameType.HelloAck, 0, ack);
      this.host.log.info({ client: this.auth.client.name, remote: this.remoteAddress, key: this.auth.keyStatus }, 'client connected');
      return;
    }
    if (!this.helloDone) throw new ProtocolError('unexpected_frame', `frame 0x${f.type.toString(16)} before HELLO`);
    if (f.type === FrameType.StatsRequest) return this.mux.sendJson(FrameType.Stats, 0, this.host.stats(this));
    if (f.type === FrameType.Rotate) return this.rotate(f);
    throw new ProtocolError('unexpected_frame', `unexpected frame type 0x${f.type.toString(16)}`);
  }

  private rotate(f: Frame): void {
    const req = parseJson(rotateSchema, f.payload, 'rotate');
    let accepted = false;
    let graceUntil: string | null = null;
    let message: string | undefined;
    try {
      const raw = parsePublicKey(req.public_key).raw;
      if (!verifyRotationProof(raw, tlsBindingBytes(this.socket), Buffer.from(req.proof, 'base64'))) throw new Error('the proof does not verify with the new key');
      graceUntil = this.host.rotate(this.auth.client.name, this.auth.fingerprint, req.public_key).grace_until;
      accepted = true;
      this.host.log.info({ client: this.auth.client.name, grace_until: graceUntil }, 'client rotated its key');
    } catch (e) {
      message = (e as Error).message;
      this.host.log.warn({ client: this.auth.client.name, err: message }, 'key rotation refused');
    }
    this.mux.sendJson(FrameType.RotateAck, 0, { accepted, grace_until: graceUntil, ...(message ? { message } : {}) });
  }

  /** May this client reach the source? Same rules as OPEN, but nothing is dialed. */
  private check(id: number, req: OpenRequest): void {
    if (!this.helloDone) throw new ProtocolError('unexpected_frame', 'CHECK before HELLO');
    try {
      const group = this.host.sources.authorize(this.auth.client, req.source);
      this.mux.answerCheck(id, { ok: true, endpoint: group.name });
    } catch (e) {
      this.mux.answerCheck(id, e instanceof OpenRefused ? { ok: false, code: e.code, message: e.message } : { ok: false, code: 'internal', message: (e as Error).message });
    }
  }

  private open(id: number, req: OpenRequest): void {
    if (!this.helloDone) throw new ProtocolError('unexpected_frame', 'OPEN before HELLO');
    const reject = (code: OpenRefused['code'], message: string): void => {
      this.mux.decided(id);
      this.mux.rejectStream(id, code, message);
      this.host.onStream(this, req.source, false);
      this.host.log.debug({ client: this.auth.client.name, source: req.source, code }, 'open refused');
    };
    if (this.host.draining()) return reject('shutting_down', 'the router is shutting down');
    if (this.mux.activeStreams >= this.host.maxStreamsPerClient) return reject('stream_limit', `at most ${this.host.maxStreamsPerClient} streams per client`);
    let group;
    try {
      group = this.host.sources.authorize(this.auth.client, req.source);
    } catch (e) {
      return e instanceof OpenRefused ? reject(e.code, e.message) : reject('internal', (e as Error).message);
    }
    this.totalStreams++;
    if (req.protocol === 'udp') {
      try {
        const endpoint = this.host.sources.pickUdp(group);
        this.mux.decided(id);
        const d = this.mux.acceptDatagram(id, endpoint);
        this.spliceUdp(d, endpoint, req.source);
        this.host.onStream(this, req.source, true);
        d.onClose(() => this.host.onStreamClosed(this, req.source));
      } catch (e) {
        reject(e instanceof OpenRefused ? e.code : 'internal', (e as Error).message);
      }
      return;
    }
    this.host.sources.connectTcp(group).then(
      ({ socket, endpoint }) => {
        this.mux.decided(id);
        if (this.mux.closed) return socket.destroy();
        const stream = this.mux.acceptStream(id, req, endpoint);
        this.host.onStream(this, req.source, true);
        stream.once('close', () => this.host.onStreamClosed(this, req.source));
        // "in" is toward the source, as for clients.
        stream.on('data', (b: Buffer) => this.host.onSourceBytes(req.source, 'in', b.length));
        socket.on('data', (b: Buffer) => this.host.onSourceBytes(req.source, 'out', b.length));
        void spliceTcp(socket, stream);
      },
      (e: unknown) => (e instanceof OpenRefused ? reject(e.code, e.message) : reject('internal', (e as Error).message)),
    );
  }

  private spliceUdp(d: MuxDatagram, endpoint: string, source: string): void {
    const { hostPart, port } = splitEndpoint(endpoint);
    const sock = dgram.createSocket(net.isIPv6(hostPart) ? 'udp6' : 'udp4');
    const entry = { close: () => d.close() };
    this.udp.add(entry);
    let closed = false;
    const finish = (): void => {
      if (closed) return;
      closed = true;
      clearInterval(idle);
      this.udp.delete(entry);
      d.close();
      try {
        sock.close();
      } catch {
        /* already closed */
      }
    };
    const idle = setInterval(() => {
      if (Date.now() - d.lastActivityAt > this.host.udpIdleMs) finish();
    }, Math.max(250, Math.floor(this.host.udpIdleMs / 4)));
    idle.unref();
    sock.on('error', (e) => {
      this.host.log.debug({ endpoint, err: e.message }, 'udp source error');
      finish();
    });
    sock.on('message', (msg) => {
      this.host.onSourceBytes(source, 'out', msg.length);
      d.send(msg);
    });
    d.onMessage((msg) => {
      this.host.onSourceBytes(source, 'in', msg.length);
      sock.send(msg);
    });
    d.onClose(() => finish());
    sock.connect(port, hostPart);
  }
}

function splitEndpoint(endpoint: string): { hostPart: string; port: number } {
  const i = endpoint.lastIndexOf(':');
  return { hostPart: endpoint.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(endpoint.slice(i + 1)) };
}
