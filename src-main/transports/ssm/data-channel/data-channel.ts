// The client end of one SSM session's data channel, without the session-manager-plugin: a
// WebSocket to the StreamUrl, the text OpenDataChannel frame, then binary ClientMessages only
// (notes: /work/shared/protocols/ssm-data-channel.md). It runs the handshake, acknowledges and
// retransmits through ReliableChannel, and hands the Output byte stream and Flags to its owner
// (SsmLink). The ReliableChannel outlives the socket so resume() continues the same sequences.
//
// Output payload size: 1024 bytes, as both reference ends send. The gateway between us and the
// agent is closed source and has only ever seen such messages from real clients, so we do not
// bet the session on a bigger frame being accepted; throughput comes from dropping the
// reference's 1 ms sleep per message (we send as fast as acks allow, ReliableChannel's
// highWaterMark of unacknowledged messages being the window). `maxPayloadBytes` changes it.
import { randomUUID } from 'node:crypto';
import WebSocket, { type RawData } from 'ws';
import { ErrorCode, WarrenError } from '../../../../src-shared/api/index.js';
import { decodeClientMessage, encodeClientMessage, HeaderFlags, MessageType, newClientMessage, PayloadType, type ClientMessage } from '../protocol/client-message.js';
import {
  ackFor,
  buildHandshakeResponse,
  buildOpenDataChannelInput,
  decodeFlag,
  encodeFlag,
  FlagValue,
  parseAcknowledge,
  parseChannelClosed,
  parseHandshakeRequest,
  type PortProperties,
} from '../protocol/payloads.js';
import { ReliableChannel, type IncomingStreamMessage, type OutgoingMessage } from '../protocol/reliable-channel.js';
import { WARREN_CLIENT_VERSION } from '../protocol/versions.js';
import { answerHandshake, type DataChannelMode } from './handshake.js';

export const HANDSHAKE_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024;
/** terminate() waits this long for channel_closed before closing anyway. */
const TERMINATE_WAIT_MS = 2_000;
/**
 * Withheld messages (receive backpressure, reliable-channel.ts) at which we stop reading the
 * socket. A sender with a window stops well before (the emulator's is 1,000 messages); the real
 * agent has none: it sends every message at once (datachannel.go SendStreamDataMessage) and is
 * stopped only by its WebSocket write blocking on a full TCP connection, which is what the plugin
 * does to it by not reading (websocketchannel.go calls OnMessage inside its read loop, and the
 * mux handler's Write blocks while the plugin's smux is out of receive budget).
 */
export const WITHHELD_SOCKET_PAUSE = 2048;

/** One ClientId per client run, as the plugin does (the service may group reconnects by it). */
const CLIENT_ID = randomUUID();

export interface SsmDataChannelOptions {
  streamUrl: string;
  tokenValue: string;
  /** For messages only. */
  sessionId?: string;
  handshakeTimeoutMs?: number;
  maxPayloadBytes?: number;
  clientId?: string;
  clientVersion?: string;
}

export interface DisconnectInfo {
  code: number;
  reason: string;
}

export interface HandshakeInfo {
  agentVersion: string;
  properties: PortProperties;
  mode: DataChannelMode;
  keepAlive: boolean;
}

type OutputListener = (bytes: Buffer) => void;
type FlagListener = (flag: number) => void;
type CloseListener = (err?: Error) => void;

export class SsmDataChannel {
  /** Set once open() resolves. */
  handshake!: HandshakeInfo;
  private ws: WebSocket | undefined;
  private readonly reliable: ReliableChannel;
  private readonly maxPayload: number;
  private readonly label: string;
  private handshakeDone = false;
  private socketUp = false;
  private publicationPaused = false;
  /** We stopped reading the socket (receive backpressure); applies to every socket, resumed ones too. */
  private socketReadPaused = false;
  private isClosed = false;
  private lastRx = 0;
  private readonly ackWaiters = new Map<number, () => void>();
  private readonly outputListeners: OutputListener[] = [];
  private readonly flagListeners: FlagListener[] = [];
  private readonly closeListeners: CloseListener[] = [];
  private readonly disconnectListeners: Array<(info: DisconnectInfo) => void> = [];
  private handshakeSettle: ((err?: Error) => void) | undefined;
  private channelClosedOutput: string | undefined;

  private constructor(private readonly opts: SsmDataChannelOptions) {
    this.maxPayload = opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.label = opts.sessionId ? `SSM session ${opts.sessionId}` : 'SSM session';
    this.reliable = new ReliableChannel({
      send: (m) => this.sendStream(m),
      sendAck: (m) => this.sendRaw(encodeClientMessage(ackFor({ ...m, messageType: MessageType.OutputStreamData }))),
      deliver: (m) => this.deliver(m),
      onError: (err) => this.close(new WarrenError(ErrorCode.ConnectionFailed, `${this.label}: ${err.message}`)),
      // Until the handshake completes nothing is sent but the response; paused until the socket opens.
    });
    this.reliable.pause();
  }

  /** Opens the WebSocket and runs the handshake; rejects with a WarrenError (and closes) on failure. */
  static async open(opts: SsmDataChannelOptions): Promise<SsmDataChannel> {
    const ch = new SsmDataChannel(opts);
    try {
      await ch.start();
      return ch;
    } catch (e) {
      ch.close(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  }

  get mode(): DataChannelMode {
    return this.handshake.mode;
  }
  get closed(): boolean {
    return this.isClosed;
  }
  /** False between a dropped socket and the resume() that replaces it. */
  get connected(): boolean {
    return this.socketUp && !this.isClosed;
  }
  /** Date.now() of the last frame from the service. */
  lastReceiveAt(): number {
    return this.lastRx;
  }
  /** Smoothed round trip of acknowledged messages, ms (100 until the first sample). */
  get srttMs(): number {
    return this.reliable.state().srtt;
  }
  state(): ReturnType<ReliableChannel['state']> {
    return this.reliable.state();
  }

  onOutput(cb: OutputListener): void {
    this.outputListeners.push(cb);
  }
  onFlag(cb: FlagListener): void {
    this.flagListeners.push(cb);
  }
  /** The socket dropped; the owner calls ResumeSession, then resume(). Sends queue meanwhile. */
  onDisconnect(cb: (info: DisconnectInfo) => void): void {
    this.disconnectListeners.push(cb);
  }
  onClose(cb: CloseListener): void {
    this.closeListeners.push(cb);
  }

  /** Output bytes to the agent, cut into maxPayloadBytes messages; returns the last sequence number. */
  writeOutput(bytes: Buffer): number {
    let last = -1;
    for (let off = 0; off < bytes.length; off += this.maxPayload) last = this.sendStreamMessage(PayloadType.Output, bytes.subarray(off, off + this.maxPayload));
    return last;
  }

  sendFlag(flag: FlagValue): number {
    return this.sendStreamMessage(PayloadType.Flag, encodeFlag(flag));
  }

  /** Resolves when the agent acknowledges our message seq (or the channel closes); call right after sending it. */
  whenAcked(seq: number): Promise<void> {
    if (this.isClosed) return Promise.reject(this.closedError());
    return new Promise((resolve) => {
      const prev = this.ackWaiters.get(seq);
      this.ackWaiters.set(seq, () => {
        prev?.();
        resolve();
      });
    });
  }

  /**
   * Receive backpressure: while false, new messages are kept unacknowledged (the agent's window, if
   * it has one, fills); past WITHHELD_SOCKET_PAUSE of them the socket is not read either.
   */
  setReady(ready: boolean): void {
    this.reliable.setReady(ready);
    this.steerSocket();
  }

  /** True while we are not reading the socket for backpressure (acks from the agent wait too). */
  get receivePaused(): boolean {
    return this.socketReadPaused;
  }
  whenWritable(cb: () => void): void {
    this.reliable.whenWritable(cb);
  }

  /**
   * After ResumeSession: a new WebSocket with the new token; sequence state, unacknowledged
   * messages and the reorder buffer carry on, and everything unacknowledged is sent again.
   */
  async resume(tokenValue: string, streamUrl = this.opts.streamUrl): Promise<void> {
    if (this.isClosed) throw this.closedError();
    this.dropSocket();
    await this.connect(streamUrl, tokenValue);
    this.socketUp = true;
    this.reliable.setSender((m) => this.sendStream(m));
    if (!this.publicationPaused) this.reliable.resume({ resendUnacked: true });
  }

  /**
   * Ends the session from our side: the TerminateSession flag (agents > 2.3.722.0 act on it), then
   * a short wait for the service's channel_closed. Resolves with its Output when one came.
   */
  async terminate(): Promise<string | undefined> {
    if (this.isClosed) return this.channelClosedOutput;
    this.sendFlag(FlagValue.TerminateSession);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, TERMINATE_WAIT_MS);
      this.closeListeners.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
    this.close();
    return this.channelClosedOutput;
  }

  close(err?: Error): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.reliable.close();
    this.dropSocket();
    this.handshakeSettle?.(err ?? this.closedError());
    for (const w of this.ackWaiters.values()) w(); // their callers check `closed`
    this.ackWaiters.clear();
    for (const l of this.closeListeners.splice(0)) l(err);
  }

  // ── connecting ─────────────────────────────────────────────────────────────────────────────────
  private async start(): Promise<void> {
    const timeoutMs = this.opts.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const handshake = new Promise<void>((resolve, reject) => {
      this.handshakeSettle = (err) => (err ? reject(err) : resolve());
      timer = setTimeout(() => {
        const stage = this.reliable.state().nextOutgoing > 0 ? 'HandshakeResponse sent, no HandshakeComplete came back' : 'no HandshakeRequest from the agent';
        reject(new WarrenError(ErrorCode.ConnectionFailed, `${this.label}: the handshake did not complete within ${timeoutMs} ms (${stage})`));
      }, timeoutMs);
    });
    handshake.catch(() => undefined); // settled by whichever comes first; the await below reports it
    try {
      await Promise.race([this.connect(this.opts.streamUrl, this.opts.tokenValue), handshake]);
      this.socketUp = true;
      this.reliable.resume();
      await handshake;
    } finally {
      clearTimeout(timer);
      this.handshakeSettle = undefined;
    }
  }

  /** Opens a socket, sends the text OpenDataChannel frame, and wires it in. */
  private connect(url: string, tokenValue: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      this.ws = ws;
      let opened = false;
      ws.on('open', () => {
        opened = true;
        if (this.socketReadPaused) ws.pause(); // a resumed session keeps the brake it had
        const text = buildOpenDataChannelInput({ tokenValue, clientId: this.opts.clientId ?? CLIENT_ID, clientVersion: this.opts.clientVersion ?? WARREN_CLIENT_VERSION });
        ws.send(text, { binary: false });
        resolve();
      });
      ws.on('message', (data: RawData, isBinary: boolean) => {
        if (this.ws !== ws) return;
        this.lastRx = Date.now();
        if (isBinary) this.onFrame(toBuffer(data));
      });
      ws.on('error', (err) => {
        if (!opened) reject(new WarrenError(ErrorCode.ConnectionFailed, `${this.label}: cannot open the data channel WebSocket: ${err.message}`));
      });
      ws.on('close', (code, reasonBuf) => {
        if (!opened) {
          if (this.ws === ws) this.ws = undefined;
          return reject(new WarrenError(ErrorCode.ConnectionFailed, `${this.label}: the data channel WebSocket closed before it opened (${code})`));
        }
        if (this.ws !== ws) return; // replaced by resume() or dropped by close()
        this.ws = undefined;
        this.socketUp = false;
        this.reliable.pause();
        const info = { code, reason: reasonBuf.toString() };
        if (!this.handshakeDone) return this.close(new WarrenError(ErrorCode.ConnectionFailed, `${this.label}: the data channel closed during the handshake (${code}${info.reason ? ` ${info.reason}` : ''})`));
        for (const l of this.disconnectListeners) l(info);
      });
    });
  }

  private dropSocket(): void {
    const ws = this.ws;
    this.ws = undefined;
    this.socketUp = false;
    if (!ws) return;
    ws.removeAllListeners('message');
    ws.on('error', () => undefined);
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    else ws.terminate();
  }

  // ── sending ────────────────────────────────────────────────────────────────────────────────────
  private sendStreamMessage(payloadType: number, payload: Buffer): number {
    if (this.isClosed) throw this.closedError();
    return this.reliable.sendMessage(payloadType, payload).sequenceNumber;
  }

  private sendStream(m: OutgoingMessage): void {
    const msg: ClientMessage = newClientMessage({
      messageType: MessageType.InputStreamData,
      sequenceNumber: m.sequenceNumber,
      payloadType: m.payloadType,
      payload: m.payload,
      messageId: m.messageId,
      flags: m.sequenceNumber === 0 ? HeaderFlags.Syn : HeaderFlags.None,
    });
    this.sendRaw(encodeClientMessage(msg));
  }

  private sendRaw(frame: Buffer): void {
    // A dead socket drops the frame: ReliableChannel resends stream messages, and acks are
    // re-sent when the agent resends what they answered.
    if (this.socketUp && this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame, { binary: true });
  }

  // ── receiving ──────────────────────────────────────────────────────────────────────────────────
  private onFrame(buf: Buffer): void {
    let m: ClientMessage;
    try {
      m = decodeClientMessage(buf);
    } catch {
      return; // a corrupt message is dropped unacknowledged: the agent resends it (as the plugin does)
    }
    switch (m.messageType) {
      case MessageType.Acknowledge: {
        let seq: number;
        try {
          seq = parseAcknowledge(m.payload).AcknowledgedMessageSequenceNumber;
        } catch {
          return;
        }
        this.reliable.onAck(seq);
        const w = this.ackWaiters.get(seq);
        if (w) {
          this.ackWaiters.delete(seq);
          w();
        }
        return;
      }
      case MessageType.OutputStreamData:
        this.reliable.receive(m);
        return this.steerSocket();
      case MessageType.ChannelClosed: {
        let output = '';
        try {
          output = parseChannelClosed(m.payload).Output;
        } catch {
          /* closed all the same */
        }
        this.channelClosedOutput = output;
        return this.close(new WarrenError(ErrorCode.ConnectionFailed, `${this.label} closed by the service${output ? `: ${output}` : ''}`));
      }
      case MessageType.PausePublication:
        this.publicationPaused = true;
        return this.reliable.pause();
      case MessageType.StartPublication:
        this.publicationPaused = false;
        if (this.socketUp) this.reliable.resume();
        return;
      default:
        return; // unknown types are ignored, as the plugin does
    }
  }

  private deliver(m: IncomingStreamMessage): void {
    switch (m.payloadType) {
      case PayloadType.HandshakeRequest:
        return this.onHandshakeRequest(m.payload);
      case PayloadType.HandshakeComplete:
        if (!this.handshake) return; // a Complete without a Request: ignore, the timeout reports it
        this.handshakeDone = true;
        return this.handshakeSettle?.();
      case PayloadType.Output:
        if (!this.handshakeDone) return;
        for (const l of this.outputListeners) l(m.payload);
        return;
      case PayloadType.Flag: {
        if (!this.handshakeDone) return;
        let flag: number;
        try {
          flag = decodeFlag(m.payload);
        } catch {
          return;
        }
        for (const l of this.flagListeners) l(flag);
        return;
      }
      default:
        return; // Error/StdErr/ExitCode mean nothing for a port session
    }
  }

  private onHandshakeRequest(payload: Buffer): void {
    if (this.handshake) return; // a resend already answered through ReliableChannel's re-ack
    let outcome;
    try {
      outcome = answerHandshake(parseHandshakeRequest(payload));
    } catch (e) {
      return this.close(new WarrenError(ErrorCode.ConnectionFailed, `${this.label}: unreadable HandshakeRequest: ${(e as Error).message}`));
    }
    this.handshake = { agentVersion: outcome.agentVersion, properties: outcome.properties ?? { type: '', portNumber: '', localPortNumber: '' }, mode: outcome.mode, keepAlive: outcome.keepAlive };
    this.reliable.sendMessage(PayloadType.HandshakeResponse, buildHandshakeResponse(this.opts.clientVersion ?? WARREN_CLIENT_VERSION, outcome.actions));
    if (outcome.failure) this.close(new WarrenError(ErrorCode.ConnectionFailed, `${this.label}: handshake refused: ${outcome.failure}`));
  }

  /** Stops reading the socket while too much is withheld; reads again once the gate opens. */
  private steerSocket(): void {
    const pause = !this.isClosed && !this.reliable.isReady && this.reliable.withheldCount >= WITHHELD_SOCKET_PAUSE;
    if (pause === this.socketReadPaused) return;
    this.socketReadPaused = pause;
    const ws = this.ws;
    if (!ws) return;
    if (pause) ws.pause();
    else ws.resume();
  }

  private closedError(): WarrenError {
    return new WarrenError(ErrorCode.NotConnected, `${this.label}: the data channel is closed`);
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
