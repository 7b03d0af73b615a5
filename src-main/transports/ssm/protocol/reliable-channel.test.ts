// The data channel's reliability layer on a simulated clock: receiver rules (in order, buffer,
// re-ack, ready gate, bound), the retransmission timer and RTO arithmetic (hand-computed), Karn's
// rule, pause/resume, resuming over a new socket, and two channels talking both ways through a
// network that loses, reorders and duplicates, until everything is delivered and nothing resends.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RELIABILITY,
  ReliableChannel,
  ResendLimitError,
  type ChannelTimers,
  type IncomingStreamMessage,
  type OutgoingMessage,
  type ReliableChannelOptions,
} from './reliable-channel.js';

// ── a simulated clock ────────────────────────────────────────────────────────────────────────────

interface SimEvent {
  at: number;
  id: number;
  every: number;
  cb: () => void;
}

/** Virtual time: intervals and one-shot events fire in (time, creation) order as it advances. */
class Sim {
  now = 0;
  private nextId = 0;
  private queue: SimEvent[] = [];
  readonly clock = (): number => this.now;
  readonly timers: ChannelTimers = {
    setInterval: (cb, ms) => this.add(cb, ms, ms),
    clearInterval: (h) => {
      this.queue = this.queue.filter((e) => e.id !== h);
    },
  };

  after(ms: number, cb: () => void): void {
    this.add(cb, ms, 0);
  }

  advance(ms: number): void {
    const end = this.now + ms;
    while (this.queue.length > 0 && this.queue[0]!.at <= end) {
      const e = this.queue.shift()!;
      this.now = e.at;
      if (e.every > 0) this.insert({ ...e, at: e.at + e.every });
      e.cb();
    }
    this.now = end;
  }

  private add(cb: () => void, delay: number, every: number): number {
    const e = { at: this.now + delay, id: ++this.nextId, every, cb };
    this.insert(e);
    return e.id;
  }

  private insert(e: SimEvent): void {
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.queue[mid]!;
      if (m.at < e.at || (m.at === e.at && m.id < e.id)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, e);
  }
}

/** A channel whose sends, acks and deliveries are recorded. */
function recorded(sim: Sim, extra: Partial<ReliableChannelOptions> = {}) {
  const sent: OutgoingMessage[] = [];
  const acks: number[] = [];
  const delivered: IncomingStreamMessage[] = [];
  const errors: Error[] = [];
  let n = 0;
  const channel = new ReliableChannel({
    send: (m) => sent.push(m),
    sendAck: (m) => acks.push(m.sequenceNumber),
    deliver: (m) => delivered.push(m),
    onError: (e) => errors.push(e),
    now: sim.clock,
    timers: sim.timers,
    newMessageId: () => `id-${n++}`,
    ...extra,
  });
  return { channel, sent, acks, delivered, errors };
}

const incoming = (seq: number, text = `m${seq}`): IncomingStreamMessage => ({ sequenceNumber: seq, messageId: `peer-${seq}`, payloadType: 1, payload: Buffer.from(text) });
const seqs = (ms: Array<{ sequenceNumber: number }>): number[] => ms.map((m) => m.sequenceNumber);

// ── receiving ────────────────────────────────────────────────────────────────────────────────────

describe('receiving', () => {
  it('delivers in order, buffers (and acks) what is early, re-acks duplicates', () => {
    const r = recorded(new Sim());
    r.channel.receive(incoming(0));
    r.channel.receive(incoming(2));
    r.channel.receive(incoming(3));
    expect(seqs(r.delivered)).toEqual([0]);
    expect(r.channel.state()).toMatchObject({ nextExpected: 1, buffered: 2 });
    r.channel.receive(incoming(1));
    expect(seqs(r.delivered)).toEqual([0, 1, 2, 3]);
    r.channel.receive(incoming(2)); // lower: our ack was lost, say it again; nothing delivered twice
    r.channel.receive(incoming(3)); // a resend of one we buffered would be acked again too
    expect(r.acks).toEqual([0, 2, 3, 1, 2, 3]);
    expect(seqs(r.delivered)).toEqual([0, 1, 2, 3]);
    expect(r.channel.state()).toMatchObject({ nextExpected: 4, buffered: 0 });
  });

  it('acks a resend of a buffered message again without buffering it twice', () => {
    const r = recorded(new Sim());
    r.channel.receive(incoming(5));
    r.channel.receive(incoming(5));
    expect(r.acks).toEqual([5, 5]);
    expect(r.channel.state().buffered).toBe(1);
  });

  it('keeps at most 10,000 early messages; beyond that they are dropped unacknowledged (the peer resends)', () => {
    const r = recorded(new Sim());
    expect(RELIABILITY.maxBuffered).toBe(10_000);
    for (let s = 1; s <= 10_001; s++) r.channel.receive(incoming(s));
    expect(r.channel.state().buffered).toBe(10_000);
    expect(r.acks.length).toBe(10_000);
    expect(r.acks.includes(10_001)).toBe(false);
    r.channel.receive(incoming(0));
    expect(r.delivered.length).toBe(10_001); // 0…10,000
    expect(r.channel.state()).toMatchObject({ nextExpected: 10_001, buffered: 0 });
    r.channel.receive(incoming(10_001)); // the peer's resend
    expect(r.channel.state().nextExpected).toBe(10_002);
  });

  it('not ready: new messages, early ones too, are withheld (kept, unacked, undelivered); ready again: delivered and acked once, in order', () => {
    const r = recorded(new Sim(), { ready: false });
    r.channel.receive(incoming(0));
    r.channel.receive(incoming(0)); // the peer's resend of a withheld one: still no ack
    r.channel.receive(incoming(1));
    r.channel.receive(incoming(3)); // early and withheld
    expect(r.acks).toEqual([]);
    expect(r.delivered).toEqual([]);
    expect(r.channel.state()).toMatchObject({ buffered: 3, withheld: 3 });
    r.channel.setReady(true);
    // In order first, then the early one is acknowledged as if it had just arrived (and kept).
    expect(r.acks).toEqual([0, 1, 3]);
    expect(seqs(r.delivered)).toEqual([0, 1]);
    expect(r.channel.state()).toMatchObject({ nextExpected: 2, buffered: 1, withheld: 0 });
    r.channel.receive(incoming(3)); // acked now, so a resend is re-acked
    r.channel.receive(incoming(2));
    expect(r.acks).toEqual([0, 1, 3, 3, 2]);
    expect(seqs(r.delivered)).toEqual([0, 1, 2, 3]);
  });

  it('messages acknowledged before the gate closed stay acknowledged; only new ones are withheld', () => {
    const r = recorded(new Sim());
    r.channel.receive(incoming(2)); // early, acked while ready
    r.channel.setReady(false);
    r.channel.receive(incoming(2)); // its resend: re-acked as before
    r.channel.receive(incoming(0));
    expect(r.acks).toEqual([2, 2]);
    expect(r.channel.state()).toMatchObject({ buffered: 2, withheld: 1 });
    r.channel.setReady(true);
    expect(r.acks).toEqual([2, 2, 0]);
    expect(seqs(r.delivered)).toEqual([0]);
  });

  it('a delivery that turns the gate off stops the drain right there (backpressure)', () => {
    const delivered: number[] = [];
    const sim = new Sim();
    const channel: ReliableChannel = new ReliableChannel({
      send: () => undefined,
      sendAck: () => undefined,
      deliver: (m) => {
        delivered.push(m.sequenceNumber);
        if (m.sequenceNumber === 1) channel.setReady(false);
      },
      now: sim.clock,
      timers: sim.timers,
    });
    for (const s of [3, 2, 1, 0]) channel.receive(incoming(s));
    expect(delivered).toEqual([0, 1]);
    expect(channel.state()).toMatchObject({ nextExpected: 2, buffered: 2, ready: false });
    channel.setReady(true);
    expect(delivered).toEqual([0, 1, 2, 3]);
  });

  it('a stalled reader does not cost a sender that resends only its oldest message: resuming runs at full speed (regression: the backpressure deadlock)', () => {
    // The reference senders keep a window of unacknowledged messages (ours, the emulator's) or
    // none at all, and resend only the OLDEST unacked message per 100 ms tick. The first receiver
    // acked early messages while withholding the expected one: the sender never stopped, the
    // reorder buffer (10,000) filled, what came after was dropped, and after the reader resumed
    // each hole took one tick to refill: ~10 messages a second. Now the sender stops after one
    // window and the resume needs no resend at all.
    const sim = new Sim();
    const total = 30_000;
    const wire = 5; // ms each way
    const peer: { receiver?: ReliableChannel } = {};
    let resends = 0;
    const firstSends = new Set<number>();
    const sender = new ReliableChannel({
      send: (m) => {
        if (firstSends.has(m.sequenceNumber)) resends++;
        firstSends.add(m.sequenceNumber);
        sim.after(wire, () => peer.receiver!.receive({ ...m }));
      },
      sendAck: () => undefined,
      deliver: () => undefined,
      now: sim.clock,
      timers: sim.timers,
    });
    let delivered = 0;
    const receiver = new ReliableChannel({
      send: () => undefined,
      sendAck: (m) => sim.after(wire, () => sender.onAck(m.sequenceNumber)),
      deliver: () => void delivered++,
      now: sim.clock,
      timers: sim.timers,
      ready: false, // the reader is stalled from the start
    });
    peer.receiver = receiver;
    let queued = 0;
    const pump = (): void => {
      while (queued < total && sender.writable) {
        sender.sendMessage(1, Buffer.from([queued++ & 0xff]));
      }
      if (queued < total) sender.whenWritable(pump);
    };
    pump();
    sim.advance(5_000);
    // One window went out and stopped there; nothing was dropped, nothing delivered.
    expect(queued).toBeLessThanOrEqual(RELIABILITY.highWaterMark);
    expect(receiver.state()).toMatchObject({ withheld: queued, buffered: queued });
    expect(delivered).toBe(0);
    const resendsWhileStalled = resends;

    receiver.setReady(true);
    sim.advance(2_000);
    expect(delivered).toBe(total);
    expect(sender.state().unacked).toBe(0);
    expect(resends).toBe(resendsWhileStalled); // the resume itself needed no resend
    sender.close();
    receiver.close();
  });
});

// ── sending ──────────────────────────────────────────────────────────────────────────────────────

describe('sending and retransmission', () => {
  it('numbers messages from 0 and resends only the oldest unacked, once it is older than the RTO (checked every 100 ms)', () => {
    const sim = new Sim();
    const r = recorded(sim);
    r.channel.sendMessage(5, Buffer.from('handshake response'));
    r.channel.sendMessage(1, Buffer.from('data'));
    expect(r.sent.map((m) => [m.sequenceNumber, m.payloadType, m.messageId])).toEqual([
      [0, 5, 'id-0'],
      [1, 1, 'id-1'],
    ]);
    sim.advance(299); // ticks at 100 and 200: 200 ms old is not older than 200 ms
    expect(r.sent.length).toBe(2);
    sim.advance(1); // tick at 300
    expect(seqs(r.sent)).toEqual([0, 1, 0]);
    sim.advance(300); // next resend at 600 (500 is exactly one RTO after 300)
    expect(seqs(r.sent)).toEqual([0, 1, 0, 0]);
    r.channel.onAck(0);
    sim.advance(100); // 1 is now the oldest and long overdue
    expect(seqs(r.sent)).toEqual([0, 1, 0, 0, 1]);
    r.channel.onAck(1);
    sim.advance(10_000);
    expect(r.sent.length).toBe(5);
    expect(r.channel.state()).toMatchObject({ nextOutgoing: 2, unacked: 0 });
  });

  it('RTO follows RTTVAR = ¾RTTVAR + ¼|SRTT−R|, SRTT = ⅞SRTT + ⅛R, RTO = SRTT + max(10, 4·RTTVAR), capped at 1 s', () => {
    const sim = new Sim();
    const r = recorded(sim);
    expect(r.channel.state()).toMatchObject({ rto: 200, srtt: 100, rttvar: 0 });
    // Worked by hand from SRTT 100, RTTVAR 0; each R is below the RTO in force, so nothing is resent.
    const steps: Array<[r: number, srtt: number, rttvar: number, rto: number]> = [
      [100, 100, 0, 110], // 4·RTTVAR = 0: the 10 ms clock granularity is the floor
      [60, 95, 10, 135],
      [130, 99.375, 16.25, 164.375],
      [160, 106.953125, 27.34375, 216.328125],
      [210, 119.833984375, 46.26953125, 304.912109375],
      [300, 142.354736328125, 79.74365234375, 461.329345703125],
      [460, 182.06039428710938, 139.21905517578125, 738.9366149902344],
      [730, 250.5528450012207, 241.3991928100586, 1000], // 1216.15 capped
    ];
    for (const [rtt, srtt, rttvar, rto] of steps) {
      const m = r.channel.sendMessage(1, Buffer.from('x'));
      sim.advance(rtt);
      r.channel.onAck(m.sequenceNumber);
      const st = r.channel.state();
      expect(st.srtt).toBeCloseTo(srtt, 9);
      expect(st.rttvar).toBeCloseTo(rttvar, 9);
      expect(st.rto).toBeCloseTo(rto, 9);
    }
    expect(r.sent.length).toBe(steps.length);
  });

  it("Karn's rule: the ack of a resent message is no RTT sample", () => {
    const sim = new Sim();
    const r = recorded(sim);
    const m = r.channel.sendMessage(1, Buffer.from('x'));
    sim.advance(950); // resent at 300, 600, 900
    expect(r.sent.length).toBe(4);
    r.channel.onAck(m.sequenceNumber);
    expect(r.channel.state()).toMatchObject({ rto: 200, srtt: 100, rttvar: 0 });
    r.channel.onAck(m.sequenceNumber); // a duplicate ack changes nothing either
    expect(r.channel.state().rto).toBe(200);
  });

  it('gives up after 3,000 resends of one message', () => {
    const sim = new Sim();
    const r = recorded(sim);
    r.channel.sendMessage(1, Buffer.from('into the void'));
    sim.advance(3000 * 300 + 1);
    expect(r.sent.length).toBe(1 + 3000);
    expect(r.errors).toEqual([]);
    sim.advance(300);
    expect(r.errors.length).toBe(1);
    expect(r.errors[0]).toBeInstanceOf(ResendLimitError);
    expect(r.errors[0]).toMatchObject({ sequenceNumber: 0, resends: 3000 });
    expect(r.channel.isClosed).toBe(true);
    sim.advance(10_000);
    expect(r.sent.length).toBe(1 + 3000);
    expect(() => r.channel.sendMessage(1, Buffer.alloc(1))).toThrow(/closed/);
  });

  it('pause holds sends and resends, keeping sequence order; resume sends the held ones in order', () => {
    const sim = new Sim();
    const r = recorded(sim);
    r.channel.sendMessage(1, Buffer.from('a'));
    r.channel.pause();
    r.channel.sendMessage(1, Buffer.from('b'));
    r.channel.sendMessage(1, Buffer.from('c'));
    sim.advance(5000);
    expect(seqs(r.sent)).toEqual([0]);
    expect(r.channel.state()).toMatchObject({ paused: true, unacked: 3, nextOutgoing: 3 });
    r.channel.resume();
    expect(seqs(r.sent)).toEqual([0, 1, 2]);
    sim.advance(100); // 0 is overdue and still the oldest
    expect(seqs(r.sent)).toEqual([0, 1, 2, 0]);
  });

  it('a send that throws counts as a lost packet: reported, kept, resent', () => {
    const sim = new Sim();
    const failures: unknown[] = [];
    let up = false;
    const sent: number[] = [];
    const channel = new ReliableChannel({
      send: (m) => {
        if (!up) throw new Error('socket closed');
        sent.push(m.sequenceNumber);
      },
      sendAck: () => undefined,
      deliver: () => undefined,
      onSendError: (e) => failures.push(e),
      now: sim.clock,
      timers: sim.timers,
    });
    channel.sendMessage(1, Buffer.from('x'));
    up = true;
    sim.advance(300);
    expect(failures.length).toBe(1);
    expect(sent).toEqual([0]);
  });

  it('writable is false at highWaterMark unacked messages; whenWritable waits for an ack', () => {
    const sim = new Sim();
    const r = recorded(sim, { highWaterMark: 2 });
    r.channel.sendMessage(1, Buffer.from('a'));
    r.channel.sendMessage(1, Buffer.from('b'));
    expect(r.channel.writable).toBe(false);
    let woke = 0;
    r.channel.whenWritable(() => woke++);
    expect(woke).toBe(0);
    r.channel.onAck(1);
    expect(woke).toBe(1);
  });
});

// ── resuming over a new socket ───────────────────────────────────────────────────────────────────

describe('resume over a new WebSocket', () => {
  it('the channel survives the socket: sequence state carries on, all unacked go out at once, nothing is delivered twice', () => {
    const sim = new Sim();
    let aSocketUp = true;
    const toB: OutgoingMessage[] = [];
    const a = recorded(sim);
    const b = recorded(sim);
    // Socket 1: A's messages reach B while it is up; B's acks reach A only for the first two.
    a.channel.setSender((m) => {
      if (aSocketUp) toB.push(m);
    });
    for (const t of ['h0', 'h1', 'd2', 'd3']) a.channel.sendMessage(1, Buffer.from(t));
    for (const m of toB.splice(0)) b.channel.receive({ ...m });
    a.channel.onAck(0);
    a.channel.onAck(1);
    aSocketUp = false; // the socket dies: acks for 2 and 3 are lost with it
    a.channel.pause();
    a.channel.sendMessage(1, Buffer.from('d4')); // queued in order while reconnecting
    sim.advance(5000); // no resends into the dead socket
    expect(a.channel.state()).toMatchObject({ nextOutgoing: 5, unacked: 3, paused: true });

    // Socket 2 (after ResumeSession): same channel, new sender, everything unacked at once.
    const viaNew: OutgoingMessage[] = [];
    a.channel.setSender((m) => viaNew.push(m));
    a.channel.resume({ resendUnacked: true });
    expect(seqs(viaNew)).toEqual([2, 3, 4]);
    const before = b.acks.length;
    for (const m of viaNew) {
      b.channel.receive({ ...m });
      a.channel.onAck(m.sequenceNumber);
    }
    expect(b.acks.slice(before)).toEqual([2, 3, 4]); // 2 and 3 re-acked as duplicates
    expect(b.delivered.map((m) => m.payload.toString())).toEqual(['h0', 'h1', 'd2', 'd3', 'd4']);
    expect(a.channel.state()).toMatchObject({ nextOutgoing: 5, unacked: 0, paused: false });
  });
});

// ── two channels over a bad network (property) ───────────────────────────────────────────────────

interface Fate {
  drop: boolean;
  dup: boolean;
  delay: number;
}

describe('two channels over a lossy, reordering, duplicating network', () => {
  const arbPayloads = fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 40 });

  it('deliver intact, in-order streams both ways; once losses stop, acks and resends converge (property)', () => {
    // Across all runs the network really misbehaved and the channels really resent.
    const seen = { dropped: 0, duplicated: 0, resent: 0, gateClosed: 0 };
    fc.assert(
      fc.property(
        arbPayloads,
        arbPayloads,
        fc.array(fc.record({ drop: fc.boolean(), dup: fc.boolean(), delay: fc.integer({ min: 0, max: 400 }) }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 15_000 }),
        fc.integer({ min: 0, max: 60 }),
        fc.constantFrom(10_000, 3),
        fc.boolean(),
        (aPayloads, bPayloads, fates, lossyUntil, sendGap, maxBuffered, flakyReaders) => {
          const sim = new Sim();
          let k = 0;
          const fate = (): Fate => fates[k++ % fates.length]!;
          let dataSends = 0;

          interface Side {
            channel: ReliableChannel;
            got: Buffer[];
            errors: Error[];
          }
          const sides: Side[] = [];
          /** Puts a packet on the network towards `to`: lost, late, or twice while the network is bad. */
          const network = (to: () => Side, arrive: (s: Side) => void): void => {
            const f = fate();
            const bad = sim.now < lossyUntil;
            if (bad && f.drop) {
              seen.dropped++;
              return;
            }
            const copies = bad && f.dup ? 2 : 1;
            if (copies === 2) seen.duplicated++;
            for (let i = 0; i < copies; i++) sim.after(f.delay + i * 13, () => arrive(to()));
          };
          const makeSide = (peer: () => Side): Side => {
            const side: Side = { channel: undefined as unknown as ReliableChannel, got: [], errors: [] };
            let deliveries = 0;
            side.channel = new ReliableChannel({
              send: (m) => {
                dataSends++;
                const copy = { ...m, payload: Buffer.from(m.payload) };
                network(peer, (p) => p.channel.receive(copy));
              },
              sendAck: (m) => network(peer, (p) => p.channel.onAck(m.sequenceNumber)),
              deliver: (m) => {
                side.got.push(m.payload);
                // A slow reader now and then: the gate closes and reopens a little later.
                if (flakyReaders && ++deliveries % 4 === 0) {
                  seen.gateClosed++;
                  side.channel.setReady(false);
                  sim.after(150, () => side.channel.setReady(true));
                }
              },
              onError: (e) => side.errors.push(e),
              now: sim.clock,
              timers: sim.timers,
              maxBuffered,
            });
            return side;
          };
          const a = makeSide(() => sides[1]!);
          const b = makeSide(() => sides[0]!);
          sides.push(a, b);

          aPayloads.forEach((p, i) => sim.after(i * sendGap, () => a.channel.sendMessage(1, Buffer.from(p))));
          bPayloads.forEach((p, i) => sim.after(i * sendGap + 7, () => b.channel.sendMessage(1, Buffer.from(p))));

          const done = (): boolean =>
            a.got.length === bPayloads.length && b.got.length === aPayloads.length && a.channel.state().unacked === 0 && b.channel.state().unacked === 0;
          sim.advance(lossyUntil + 40 * sendGap + 10);
          for (let t = 0; !done() && t < 600; t++) sim.advance(1000);

          expect(a.errors).toEqual([]);
          expect(b.errors).toEqual([]);
          expect(Buffer.concat(b.got).equals(Buffer.concat(aPayloads.map((p) => Buffer.from(p))))).toBe(true);
          expect(b.got.map((p) => p.toString('hex'))).toEqual(aPayloads.map((p) => Buffer.from(p).toString('hex')));
          expect(a.got.map((p) => p.toString('hex'))).toEqual(bPayloads.map((p) => Buffer.from(p).toString('hex')));
          expect(done()).toBe(true);
          for (const s of [a, b]) expect(s.channel.state()).toMatchObject({ buffered: 0, unacked: 0 });
          // Converged: a long quiet time later, nobody has anything left to resend.
          const sendsAtRest = dataSends;
          sim.advance(60_000);
          expect(dataSends).toBe(sendsAtRest);
          seen.resent += dataSends - aPayloads.length - bPayloads.length;
          a.channel.close();
          b.channel.close();
        },
      ),
      { numRuns: 150 },
    );
    expect(seen.dropped).toBeGreaterThan(100);
    expect(seen.duplicated).toBeGreaterThan(100);
    expect(seen.resent).toBeGreaterThan(100);
    expect(seen.gateClosed).toBeGreaterThan(10);
  });
});
