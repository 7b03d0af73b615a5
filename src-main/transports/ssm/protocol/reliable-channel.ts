// The SSM data channel's reliability layer, apart from the wire codec: each direction numbers its
// stream messages from 0 (handshake included, acks not), every stream message is acknowledged,
// the receiver delivers in order through a bounded reorder buffer, and the sender retransmits the
// oldest unacknowledged message on an adaptive timeout. Behaviour follows the protocol notes
// (section 5); written from them, not translated from the plugin or the agent.
//
// Receiving. Expected sequence number: ack, deliver, advance, then deliver whatever the buffer
// holds next. Higher: ack and buffer (at most maxBuffered, 10,000 like the plugin; beyond that it
// is dropped unacknowledged so the peer resends it later). Lower: a duplicate whose ack was lost,
// so ack again.
//
// Backpressure (the `ready` gate). While not ready, every new message at or above the expected
// one is kept but NOT acknowledged ("withheld"), early ones included, so a sender with a window
// of unacknowledged messages (the emulator's, ours) stops after one window; once ready, they are
// delivered and acknowledged in order, so the sender's window reopens at once without any resend.
// Dropping instead would be fatal to throughput: both reference senders retransmit only their
// OLDEST unacknowledged message, once per 100 ms tick (amazon-ssm-agent
// agent/session/datachannel/datachannel.go ResendStreamDataMessageScheduler takes
// OutgoingMessageBuffer.Messages.Front() only), so a hole of n messages takes n ticks to refill.
// (The first version acknowledged early messages while withholding only the expected one: the
// sender never stopped, the reorder buffer filled, everything past it was dropped, and the
// stream crawled at ~10 messages a second once the reader resumed — the backpressure deadlock.)
// A sender without a window (the real agent) is stopped one layer down: the owner stops reading
// its socket once `withheld` is large (data-channel.ts), as the plugin's blocked read loop does.
//
// Sending. Every 100 ms the oldest unacknowledged message is resent if older than the RTO. RTO
// starts at 200 ms (SRTT 100, RTTVAR 0); each sample R gives RTTVAR = ¾RTTVAR + ¼|SRTT − R|,
// SRTT = ⅞SRTT + ⅛R, RTO = SRTT + max(10, 4·RTTVAR), at most 1 s. Samples come only from
// messages acknowledged without ever being resent (Karn's rule): an ack for a resent message
// cannot say which copy it answers, and guessing wrong drags the RTO towards the resend interval.
// (The plugin times from the last send; the agent similarly. RFC 6298's doubling on timeout is
// not in the protocol; with a 1 s cap it would change little.) One message resent 3,000 times
// (≥ 5 minutes) ends the channel with an error.
//
// Resume (ResumeSession, a new WebSocket): the channel object simply outlives the socket. The
// transport calls pause() when the socket drops (no resends into a dead socket, new messages keep
// their sequence numbers and queue in order), then, once the new socket is open, setSender(…) and
// resume({ resendUnacked: true }): every unacknowledged message goes out at once, oldest first.
// Sequence counters, the reorder buffer and the RTO carry on; the peer drops what it already has
// by sequence number and acks it again. state() is the snapshot for logs and tests.
import { randomUUID } from 'node:crypto';

/** A stream message this side sends (input_stream_data on the client, output on the agent). */
export interface OutgoingMessage {
  sequenceNumber: number;
  payloadType: number;
  payload: Buffer;
  messageId: string;
}

/** A stream message from the peer, already decoded and digest-checked. */
export interface IncomingStreamMessage {
  sequenceNumber: number;
  messageId: string;
  payloadType: number;
  payload: Buffer;
}

export interface ChannelTimers {
  setInterval(cb: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const RELIABILITY = {
  resendCheckMs: 100,
  initialRttMs: 100,
  initialRttVarMs: 0,
  initialRtoMs: 200,
  clockGranularityMs: 10,
  maxRtoMs: 1000,
  maxResends: 3000,
  maxBuffered: 10_000,
  highWaterMark: 1000,
} as const;

export interface ReliableChannelOptions {
  /** Puts one stream message on the wire. A throw counts as a lost packet (onSendError hears of it). */
  send: (msg: OutgoingMessage) => void;
  /** Acknowledges one received stream message. */
  sendAck: (msg: IncomingStreamMessage) => void;
  /** In-order delivery. May call setReady(false) to stop the next ones (backpressure). */
  deliver: (msg: IncomingStreamMessage) => void;
  /** The channel gave up (a message resent maxResends times); it is closed by then. */
  onError?: (err: Error) => void;
  onSendError?: (err: unknown) => void;
  /** Milliseconds, monotonic. */
  now?: () => number;
  timers?: ChannelTimers;
  newMessageId?: () => string;
  /** Initial state of the ready gate (default true). */
  ready?: boolean;
  maxBuffered?: number;
  maxResends?: number;
  /** Unacknowledged messages above which `writable` turns false (advisory, like a stream's). */
  highWaterMark?: number;
}

export interface ReliableChannelState {
  /** Sequence number the next sent message gets. */
  nextOutgoing: number;
  /** Sequence number delivery waits for. */
  nextExpected: number;
  unacked: number;
  buffered: number;
  /** Kept but not acknowledged because the gate is closed (part of `buffered`). */
  withheld: number;
  rto: number;
  srtt: number;
  rttvar: number;
  paused: boolean;
  ready: boolean;
}

export class ResendLimitError extends Error {
  constructor(
    readonly sequenceNumber: number,
    readonly resends: number,
  ) {
    super(`stream message ${sequenceNumber} was resent ${resends} times without an acknowledgement`);
    this.name = 'ResendLimitError';
  }
}

interface Pending {
  msg: OutgoingMessage;
  /** Undefined until first put on the wire (sent while paused). */
  firstSentAt: number | undefined;
  lastSentAt: number;
  resends: number;
}

interface Held {
  msg: IncomingStreamMessage;
  acked: boolean;
}

const realTimers: ChannelTimers = {
  setInterval(cb, ms) {
    const h = setInterval(cb, ms);
    h.unref?.();
    return h;
  },
  clearInterval(h) {
    clearInterval(h as ReturnType<typeof setInterval>);
  },
};

export class ReliableChannel {
  private nextOutgoing = 0;
  private nextExpected = 0;
  /** Insertion order is sequence order, so the first entry is the oldest. */
  private readonly unacked = new Map<number, Pending>();
  private readonly held = new Map<number, Held>();
  private srtt: number = RELIABILITY.initialRttMs;
  private rttvar: number = RELIABILITY.initialRttVarMs;
  private rto: number = RELIABILITY.initialRtoMs;
  private ready: boolean;
  private withheld = 0;
  private paused = false;
  private closed = false;
  private send: (msg: OutgoingMessage) => void;
  private writableWaiters: Array<() => void> = [];
  private readonly now: () => number;
  private readonly timers: ChannelTimers;
  private readonly timer: unknown;
  private readonly maxBuffered: number;
  private readonly maxResends: number;
  private readonly highWaterMark: number;
  private readonly newMessageId: () => string;

  constructor(private readonly opts: ReliableChannelOptions) {
    this.send = opts.send;
    this.ready = opts.ready ?? true;
    this.now = opts.now ?? (() => performance.now());
    this.timers = opts.timers ?? realTimers;
    this.maxBuffered = opts.maxBuffered ?? RELIABILITY.maxBuffered;
    this.maxResends = opts.maxResends ?? RELIABILITY.maxResends;
    this.highWaterMark = opts.highWaterMark ?? RELIABILITY.highWaterMark;
    this.newMessageId = opts.newMessageId ?? randomUUID;
    this.timer = this.timers.setInterval(() => this.checkResend(), RELIABILITY.resendCheckMs);
  }

  // ── sending ──────────────────────────────────────────────────────────────────────────────────
  /** Numbers the message, keeps it until acknowledged, and sends it (or queues it while paused). */
  sendMessage(payloadType: number, payload: Buffer): OutgoingMessage {
    if (this.closed) throw new Error('the data channel is closed');
    const msg: OutgoingMessage = { sequenceNumber: this.nextOutgoing++, payloadType, payload, messageId: this.newMessageId() };
    const p: Pending = { msg, firstSentAt: undefined, lastSentAt: 0, resends: 0 };
    this.unacked.set(msg.sequenceNumber, p);
    if (!this.paused) this.transmitFirst(p);
    return msg;
  }

  /** The peer acknowledged our message with this sequence number (senders match acks by number). */
  onAck(sequenceNumber: number): void {
    const p = this.unacked.get(sequenceNumber);
    if (!p) return; // a duplicate ack, or one for a message never sent
    this.unacked.delete(sequenceNumber);
    if (p.resends === 0 && p.firstSentAt !== undefined) this.sample(this.now() - p.firstSentAt);
    if (this.writable) this.wakeWriters();
  }

  /** pause_publication: hold sends and resends (new messages still get their numbers, in order). */
  pause(): void {
    this.paused = true;
  }

  /**
   * start_publication, or a new socket after a resume: sends what was queued while paused, in
   * order. With resendUnacked, everything unacknowledged goes out again at once, oldest first.
   */
  resume(opts?: { resendUnacked?: boolean }): void {
    if (this.closed) return;
    this.paused = false;
    for (const p of this.unacked.values()) {
      if (p.firstSentAt === undefined) this.transmitFirst(p);
      else if (opts?.resendUnacked) this.retransmit(p);
    }
  }

  /** Where messages go from now on (the new WebSocket after a ResumeSession). Acks are the owner's. */
  setSender(send: (msg: OutgoingMessage) => void): void {
    this.send = send;
  }

  /** False while highWaterMark or more messages wait for an acknowledgement. */
  get writable(): boolean {
    return this.closed || this.unacked.size < this.highWaterMark;
  }

  /** Calls cb once writable (at once when it is). */
  whenWritable(cb: () => void): void {
    if (this.writable) cb();
    else this.writableWaiters.push(cb);
  }

  // ── receiving ────────────────────────────────────────────────────────────────────────────────
  receive(msg: IncomingStreamMessage): void {
    if (this.closed) return;
    const seq = msg.sequenceNumber;
    if (seq < this.nextExpected) return this.opts.sendAck(msg); // our ack was lost: say it again
    const known = this.held.get(seq);
    if (known) {
      // A resend of one we hold: ack it again if we had, stay silent while it is withheld.
      if (known.acked) this.opts.sendAck(msg);
      return;
    }
    if (!this.ready) {
      // Withheld: kept so delivery resumes at once, unacknowledged so the sender's window fills.
      if (this.held.size >= this.maxBuffered) return;
      this.held.set(seq, { msg, acked: false });
      this.withheld++;
      return;
    }
    if (seq === this.nextExpected) {
      this.nextExpected++;
      this.opts.sendAck(msg);
      this.opts.deliver(msg);
      return this.drain();
    }
    if (this.held.size >= this.maxBuffered) return; // full: unacknowledged, so it comes again
    this.held.set(seq, { msg, acked: true });
    this.opts.sendAck(msg);
  }

  /**
   * The ready gate: while false, new messages are kept but neither acknowledged nor delivered.
   * Opening it delivers (and acknowledges) what is in order, then acknowledges the early ones,
   * as if they had arrived now.
   */
  setReady(ready: boolean): void {
    this.ready = ready;
    if (!ready) return;
    this.drain();
    if (!this.ready || this.withheld === 0) return;
    for (const h of this.held.values()) {
      if (h.acked) continue;
      h.acked = true;
      this.withheld--;
      this.opts.sendAck(h.msg);
      if (this.closed) return;
    }
  }

  /** Messages kept unacknowledged because the gate was closed when they came. */
  get withheldCount(): number {
    return this.withheld;
  }

  get isReady(): boolean {
    return this.ready;
  }

  // ── state ────────────────────────────────────────────────────────────────────────────────────
  state(): ReliableChannelState {
    return {
      nextOutgoing: this.nextOutgoing,
      nextExpected: this.nextExpected,
      unacked: this.unacked.size,
      buffered: this.held.size,
      withheld: this.withheld,
      rto: this.rto,
      srtt: this.srtt,
      rttvar: this.rttvar,
      paused: this.paused,
      ready: this.ready,
    };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops the resend timer and drops all buffers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.timers.clearInterval(this.timer);
    this.unacked.clear();
    this.held.clear();
    this.withheld = 0;
    this.wakeWriters(); // their next write finds the channel closed
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────
  private drain(): void {
    while (!this.closed && this.ready) {
      const h = this.held.get(this.nextExpected);
      if (!h) return;
      this.held.delete(this.nextExpected);
      this.nextExpected++; // before deliver, so a re-entrant receive sees the new state
      if (!h.acked) {
        this.withheld--;
        this.opts.sendAck(h.msg);
      }
      this.opts.deliver(h.msg);
    }
  }

  private checkResend(): void {
    if (this.closed || this.paused) return;
    const first = this.unacked.values().next();
    if (first.done) return;
    const p = first.value;
    if (p.firstSentAt === undefined || this.now() - p.lastSentAt <= this.rto) return;
    if (p.resends >= this.maxResends) {
      const err = new ResendLimitError(p.msg.sequenceNumber, p.resends);
      this.close();
      this.opts.onError?.(err);
      return;
    }
    this.retransmit(p);
  }

  private transmitFirst(p: Pending): void {
    p.firstSentAt = p.lastSentAt = this.now();
    this.transmit(p.msg);
  }

  private retransmit(p: Pending): void {
    p.resends++;
    p.lastSentAt = this.now();
    this.transmit(p.msg);
  }

  private transmit(msg: OutgoingMessage): void {
    try {
      this.send(msg);
    } catch (e) {
      this.opts.onSendError?.(e);
    }
  }

  /** RFC 6298 smoothing with the protocol's constants (RTTVAR first, from the previous SRTT). */
  private sample(r: number): void {
    this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
    this.srtt = 0.875 * this.srtt + 0.125 * r;
    this.rto = Math.min(RELIABILITY.maxRtoMs, this.srtt + Math.max(RELIABILITY.clockGranularityMs, 4 * this.rttvar));
  }

  private wakeWriters(): void {
    const waiters = this.writableWaiters;
    this.writableWaiters = [];
    for (const w of waiters) w();
  }
}
