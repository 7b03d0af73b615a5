// smux v1 as the SSM agent speaks it: the header layout, reassembly from any chunking (the smux
// byte stream rides in Output payloads that ignore frame boundaries), stream ids, half close, the
// session-wide receive budget (a reader that never reads cannot grow memory), and keepalive.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeSmuxFrame,
  SMUX_MAX_PSH,
  SMUX_RECEIVE_BUFFER,
  SmuxCmd,
  SmuxDecoder,
  SmuxError,
  SmuxSession,
  type SmuxCarrier,
  type SmuxFrame,
  type SmuxSessionOptions,
  type SmuxStream,
  type SmuxTimers,
} from './smux.js';

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────

/** Cuts `bytes` at the given offsets (any order, duplicates allowed: empty chunks are fine too). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [0, ...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
  const out: Buffer[] = [];
  for (let i = 1; i < points.length; i++) out.push(bytes.subarray(points[i - 1]!, points[i]!));
  return out;
}

function decodeAll(chunks: Buffer[]): SmuxFrame[] {
  const d = new SmuxDecoder();
  const frames: SmuxFrame[] = [];
  for (const c of chunks) d.push(c, (f) => frames.push({ ...f, data: Buffer.from(f.data) }));
  expect(d.bufferedBytes).toBe(0);
  return frames;
}

/**
 * One end of an in-memory byte pipe. Bytes are coalesced and re-cut into the given chunk sizes
 * (cycled), like smux bytes riding in SSM payloads, and delivered on a later turn of the event
 * loop. Honours pause() unless told not to; reports itself unwritable while the peer holds more
 * than `writableLimit` undelivered bytes.
 */
class PipeEnd implements SmuxCarrier {
  peer!: PipeEnd;
  readonly written: Buffer[] = [];
  paused = false;
  pauses = 0;
  private inbox: Buffer[] = [];
  private inboxBytes = 0;
  private sizeIndex = 0;
  private scheduled = false;
  private dataCb: ((b: Buffer) => void) | undefined;
  private closeCb: ((err?: Error) => void) | undefined;
  private writableWaiters: Array<() => void> = [];

  constructor(
    private readonly sizes: number[],
    private readonly honourPause = true,
    private readonly writableLimit = Infinity,
  ) {}

  get pendingBytes(): number {
    return this.inboxBytes;
  }
  write(bytes: Buffer): void {
    this.written.push(Buffer.from(bytes));
    this.peer.inbox.push(Buffer.from(bytes));
    this.peer.inboxBytes += bytes.length;
    this.peer.schedule();
  }
  onData(cb: (b: Buffer) => void): void {
    this.dataCb = cb;
  }
  onClose(cb: (err?: Error) => void): void {
    this.closeCb = cb;
  }
  pause(): void {
    this.paused = true;
    this.pauses++;
  }
  resume(): void {
    this.paused = false;
    this.schedule();
  }
  whenWritable(cb: () => void): void {
    if (this.peer.inboxBytes <= this.writableLimit) cb();
    else this.writableWaiters.push(cb);
  }
  closeWith(err?: Error): void {
    this.closeCb?.(err);
  }
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }
  private flush(): void {
    while (this.inboxBytes > 0 && !(this.honourPause && this.paused)) {
      const want = Math.max(1, this.sizes[this.sizeIndex++ % this.sizes.length]!);
      const all = Buffer.concat(this.inbox);
      const chunk = all.subarray(0, want);
      this.inbox = chunk.length < all.length ? [all.subarray(chunk.length)] : [];
      this.inboxBytes -= chunk.length;
      this.dataCb?.(chunk);
    }
    // The writer on the other side may go on once we hold little enough.
    const w = this.peer.writableWaiters;
    if (this.inboxBytes <= this.peer.writableLimit && w.length) {
      this.peer.writableWaiters = [];
      for (const cb of w) cb();
    }
  }
}

function pipePair(sizes: number[] = [1024], opts: { honourPause?: boolean; writableLimit?: number } = {}): [PipeEnd, PipeEnd] {
  const a = new PipeEnd(sizes, opts.honourPause ?? true, opts.writableLimit ?? Infinity);
  const b = new PipeEnd(sizes, opts.honourPause ?? true, opts.writableLimit ?? Infinity);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

interface Pair {
  client: SmuxSession;
  server: SmuxSession;
  clientPipe: PipeEnd;
  serverPipe: PipeEnd;
  accepted: SmuxStream[];
  acceptedByClient: SmuxStream[];
}

function sessionPair(sizes?: number[], opts: { honourPause?: boolean; writableLimit?: number; receiveBuffer?: number } = {}): Pair {
  const [clientPipe, serverPipe] = pipePair(sizes, opts);
  const accepted: SmuxStream[] = [];
  const acceptedByClient: SmuxStream[] = [];
  const common: Pick<SmuxSessionOptions, 'keepAlive' | 'receiveBuffer'> = { keepAlive: false, ...(opts.receiveBuffer ? { receiveBuffer: opts.receiveBuffer } : {}) };
  // Teardown errors on accepted streams are expected in some tests; the tests that care listen themselves.
  const keep = (into: SmuxStream[]) => (s: SmuxStream) => {
    s.on('error', () => undefined);
    into.push(s);
  };
  const client = new SmuxSession(clientPipe, { ...common, role: 'client', onAccept: keep(acceptedByClient) });
  const server = new SmuxSession(serverPipe, { ...common, role: 'server', onAccept: keep(accepted) });
  return { client, server, clientPipe, serverPipe, accepted, acceptedByClient };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
async function until(cond: () => boolean, what: string, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}
/** Event-loop turns until nothing is scheduled any more (the pipe is quiet). */
async function settle(turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) await tick();
}

function collect(stream: SmuxStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (c: Buffer) => parts.push(c));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}

const framesOf = (pipe: PipeEnd): SmuxFrame[] => decodeAll(pipe.written);

/** Manual interval timers: advance() fires what falls due, in time order. */
class ManualTimers implements SmuxTimers {
  now = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; every: number; cb: () => void }>();
  setInterval(cb: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.now + ms, every: ms, cb });
    return id;
  }
  clearInterval(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get count(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let next: [number, { at: number; every: number; cb: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.now = next[1].at;
      next[1].at += next[1].every;
      next[1].cb();
    }
    this.now = end;
  }
}

/** A carrier that records writes and lets the test feed bytes synchronously. */
function recordingCarrier(): SmuxCarrier & { written: Buffer[]; feed(b: Buffer): void; paused: boolean } {
  let dataCb: ((b: Buffer) => void) | undefined;
  const c = {
    written: [] as Buffer[],
    paused: false,
    write(b: Buffer) {
      c.written.push(Buffer.from(b));
    },
    onData(cb: (b: Buffer) => void) {
      dataCb = cb;
    },
    onClose() {},
    pause() {
      c.paused = true;
    },
    resume() {
      c.paused = false;
    },
    feed(b: Buffer) {
      dataCb?.(b);
    },
  };
  return c;
}

// ── frames ───────────────────────────────────────────────────────────────────────────────────────

describe('smux frames', () => {
  it('lays out ver, cmd, length and stream id little-endian', () => {
    expect([...encodeSmuxFrame(SmuxCmd.Psh, 0x0403_0201, Buffer.from('abc'))]).toEqual([1, 2, 3, 0, 0x01, 0x02, 0x03, 0x04, 0x61, 0x62, 0x63]);
    expect([...encodeSmuxFrame(SmuxCmd.Syn, 3)]).toEqual([1, 0, 0, 0, 3, 0, 0, 0]);
    expect([...encodeSmuxFrame(SmuxCmd.Fin, 0xffff_fffe)]).toEqual([1, 1, 0, 0, 0xfe, 0xff, 0xff, 0xff]);
    const big = encodeSmuxFrame(SmuxCmd.Psh, 5, Buffer.alloc(0x1234));
    expect([big[2], big[3]]).toEqual([0x34, 0x12]);
    expect(() => encodeSmuxFrame(SmuxCmd.Psh, 5, Buffer.alloc(0x10000))).toThrow(RangeError);
  });

  const arbFrame = fc.oneof(
    fc.record({ cmd: fc.constantFrom(SmuxCmd.Syn, SmuxCmd.Fin, SmuxCmd.Nop), streamId: fc.integer({ min: 0, max: 0xffff_ffff }), data: fc.constant(Buffer.alloc(0)) }),
    fc.record({
      cmd: fc.constant(SmuxCmd.Psh),
      // A handful of ids so streams interleave; a few sizes beyond SMUX_MAX_PSH since peers may send up to 65535.
      streamId: fc.constantFrom(3, 5, 7, 2, 0xffff_fffd),
      data: fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 0xffff }).map((n) => new Uint8Array(n).fill(n & 0xff))).map((u) => Buffer.from(u)),
    }),
  ) as fc.Arbitrary<SmuxFrame>;

  it('reassembles the same frames from any chunking (property)', () => {
    fc.assert(
      fc.property(fc.array(arbFrame, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 60 }), (frames, cuts) => {
        const bytes = Buffer.concat(frames.map((f) => encodeSmuxFrame(f.cmd, f.streamId, f.data)));
        const got = decodeAll(split(bytes, cuts));
        expect(got.map((f) => [f.cmd, f.streamId, f.data.toString('hex')])).toEqual(frames.map((f) => [f.cmd, f.streamId, f.data.toString('hex')]));
      }),
      { numRuns: 300 },
    );
  });

  it('byte at a time: nothing is returned before a frame is complete, then exactly it', () => {
    const d = new SmuxDecoder();
    const bytes = encodeSmuxFrame(SmuxCmd.Psh, 9, Buffer.from('hello'));
    for (let i = 0; i < bytes.length - 1; i++) {
      d.append(bytes.subarray(i, i + 1));
      expect(d.next()).toBeUndefined();
    }
    d.append(bytes.subarray(bytes.length - 1));
    const f = d.next()!;
    expect([f.cmd, f.streamId, f.data.toString()]).toEqual([SmuxCmd.Psh, 9, 'hello']);
    expect(d.next()).toBeUndefined();
  });

  it('fails clearly on a wrong version (as soon as the first byte arrives), an unknown command, or a control frame with a body', () => {
    const v2 = new SmuxDecoder();
    v2.append(Buffer.from([2]));
    expect(() => v2.next()).toThrow(/version 2, expected 1/);
    // Once failed, it stays failed.
    expect(() => v2.append(Buffer.from([1, 0, 0, 0]))).toThrow(SmuxError);

    const upd = new SmuxDecoder(); // cmdUPD (4) exists only in smux v2
    upd.append(Buffer.from([1, 4]));
    expect(() => upd.next()).toThrow(expect.objectContaining({ code: 'bad_command', message: expect.stringMatching(/unknown smux command 4/) }));

    const synBody = new SmuxDecoder();
    synBody.append(Buffer.from([1, SmuxCmd.Syn, 2, 0, 3, 0, 0, 0, 9, 9]));
    expect(() => synBody.next()).toThrow(expect.objectContaining({ code: 'bad_length' }));
  });
});

// ── sessions ─────────────────────────────────────────────────────────────────────────────────────

describe('smux session', () => {
  it('client stream ids are odd from 3, server ids even from 2, each announced with SYN', async () => {
    const p = sessionPair();
    expect([p.client.openStream().id, p.client.openStream().id, p.client.openStream().id]).toEqual([3, 5, 7]);
    expect([p.server.openStream().id, p.server.openStream().id]).toEqual([2, 4]);
    await until(() => p.accepted.length === 3 && p.acceptedByClient.length === 2, 'accepts');
    expect(p.accepted.map((s) => s.id)).toEqual([3, 5, 7]);
    expect(framesOf(p.clientPipe).map((f) => [f.cmd, f.streamId])).toEqual([
      [SmuxCmd.Syn, 3],
      [SmuxCmd.Syn, 5],
      [SmuxCmd.Syn, 7],
    ]);
  });

  it('cuts writes into PSH frames of at most 32,768 bytes', async () => {
    const p = sessionPair();
    const s = p.client.openStream();
    const data = randomBytes(100_000);
    s.write(data);
    await until(() => p.accepted.length === 1, 'accept');
    const got = p.accepted[0]!;
    const parts: Buffer[] = [];
    got.on('data', (c: Buffer) => parts.push(c));
    await until(() => Buffer.concat(parts).length === data.length, 'data');
    const psh = framesOf(p.clientPipe).filter((f) => f.cmd === SmuxCmd.Psh);
    expect(psh.map((f) => f.data.length)).toEqual([32_768, 32_768, 32_768, 1_696]);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
  });

  it('carries several interleaved streams both ways intact over any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.array(fc.uint8Array({ minLength: 1, maxLength: 5000 }), { maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        async (sizes, perStream) => {
          const p = sessionPair(sizes);
          const opened = perStream.map(() => p.client.openStream());
          const received = new Map<SmuxStream, number>();
          for (const s of opened) s.on('data', (c: Buffer) => received.set(s, (received.get(s) ?? 0) + c.length));
          const results = opened.map((s) => collect(s));
          // Interleave the writes: round-robin over streams, one chunk at a time.
          for (let round = 0; round < 6; round++)
            perStream.forEach((chunks, i) => {
              const c = chunks[round];
              if (c) opened[i]!.write(Buffer.from(c));
            });
          // The server echoes every stream; smux v1 has no half-close, so the client ends each stream
          // only once its echo is complete (a FIN ends both directions).
          await until(() => p.accepted.length === opened.length, 'accepts');
          for (const s of p.accepted) s.pipe(s);
          perStream.forEach((chunks, i) => {
            const want = chunks.reduce((n, c) => n + c.length, 0);
            const s = opened[i]!;
            void until(() => (received.get(s) ?? 0) === want, 'echo').then(() => s.end());
          });
          const back = await Promise.all(results);
          perStream.forEach((chunks, i) => expect(back[i]!.equals(Buffer.concat(chunks.map((c) => Buffer.from(c))))).toBe(true));
          await until(() => p.client.streamCount === 0 && p.server.streamCount === 0, 'ids freed');
          expect(p.client.unconsumedBytes).toBe(0);
          expect(p.server.unconsumedBytes).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('end() sends FIN after every byte and ends both directions at once (smux v1 has no half-close)', async () => {
    const p = sessionPair();
    const c = p.client.openStream();
    const clientEnded = collect(c);
    c.end('request');
    // Our end() ends our read side at once: nothing the server sends later is delivered.
    expect((await clientEnded).length).toBe(0);
    await until(() => p.accepted.length === 1, 'accept');
    const s = p.accepted[0]!;
    expect((await collect(s)).toString()).toBe('request');
    expect(s.peerClosed).toBe(true);
    // The server may not answer after the FIN: its write fails as a reset...
    const refused = new Promise<NodeJS.ErrnoException>((r) => s.once('error', r));
    s.write('reply, too late');
    expect((await refused).code).toBe('ECONNRESET');
    await settle();
    // ...and nothing was sent for it, so the client received no PSH after its FIN.
    expect(framesOf(p.serverPipe).filter((f) => f.cmd === SmuxCmd.Psh)).toEqual([]);
    expect(p.client.streamCount).toBe(0);
    expect(p.server.streamCount).toBe(0);
  });

  it("the peer's FIN: push(null) after every byte before it; end() afterwards is a quiet success and sends nothing", async () => {
    const p = sessionPair();
    const c = p.client.openStream();
    c.write('hello');
    await until(() => p.accepted.length === 1, 'accept');
    const s = p.accepted[0]!;
    s.end('server speaks first, then closes');
    expect((await collect(c)).toString()).toBe('server speaks first, then closes');
    expect(c.peerClosed).toBe(true);
    const framesBefore = framesOf(p.clientPipe).length;
    const finished = new Promise<void>((r) => c.once('finish', r));
    c.on('error', (e) => expect.fail(`no error expected: ${e.message}`));
    c.end();
    await finished;
    await until(() => c.destroyed, 'closed');
    expect(framesOf(p.clientPipe).length).toBe(framesBefore);
    expect(p.client.streamCount).toBe(0);
  });

  it("writes after the peer's FIN fail with ECONNRESET, also those queued before it arrived (fast-check over sizes)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 200_000 }), fc.integer({ min: 0, max: 5 }), async (size, queued) => {
        const p = sessionPair([512]);
        const c = p.client.openStream();
        c.write('x');
        await until(() => p.accepted.length === 1, 'accept');
        p.accepted[0]!.resume();
        p.accepted[0]!.end();
        await until(() => c.peerClosed, 'FIN');
        const err = new Promise<NodeJS.ErrnoException>((r) => c.once('error', r));
        for (let i = 0; i <= queued; i++) c.write(Buffer.alloc(size));
        expect((await err).code).toBe('ECONNRESET');
        expect(c.destroyed).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('destroy() sends FIN (v1 has no RST); later data for the stream is dropped without being counted', async () => {
    const p = sessionPair();
    const c = p.client.openStream();
    c.write('x');
    await until(() => p.accepted.length === 1, 'accept');
    const s = p.accepted[0]!;
    const ended = new Promise<void>((r) => s.once('end', r));
    s.resume();
    c.destroy();
    await ended;
    expect(framesOf(p.clientPipe).at(-1)).toMatchObject({ cmd: SmuxCmd.Fin, streamId: c.id });
    // Raw PSH frames for the id, as a peer that has not seen the FIN yet may still send.
    p.serverPipe.write(encodeSmuxFrame(SmuxCmd.Psh, c.id, randomBytes(50_000).subarray(0, 0xffff - 1)));
    await settle();
    expect(p.client.unconsumedBytes).toBe(0);
    expect(p.client.streamCount).toBe(0);
  });

  it('destroy() after a FIN either way sends no second FIN', async () => {
    const p = sessionPair();
    const c = p.client.openStream();
    await until(() => p.accepted.length === 1, 'accept');
    p.accepted[0]!.end();
    await until(() => c.peerClosed, 'FIN');
    c.destroy();
    await settle();
    expect(framesOf(p.clientPipe).map((f) => f.cmd)).toEqual([SmuxCmd.Syn]);
  });

  it('answers a SYN with FIN when nobody accepts streams; ignores a repeated SYN and PSH for unknown streams', () => {
    const carrier = recordingCarrier();
    const session = new SmuxSession(carrier, { role: 'client', keepAlive: false });
    carrier.feed(Buffer.concat([encodeSmuxFrame(SmuxCmd.Syn, 2), encodeSmuxFrame(SmuxCmd.Psh, 2, Buffer.from('zz')), encodeSmuxFrame(SmuxCmd.Psh, 99, Buffer.from('zz'))]));
    expect(decodeAll(carrier.written).map((f) => [f.cmd, f.streamId])).toEqual([[SmuxCmd.Fin, 2]]);
    expect(session.unconsumedBytes).toBe(0);

    const accepted: SmuxStream[] = [];
    const server = recordingCarrier();
    new SmuxSession(server, { role: 'server', keepAlive: false, onAccept: (s) => accepted.push(s) });
    server.feed(Buffer.concat([encodeSmuxFrame(SmuxCmd.Syn, 3), encodeSmuxFrame(SmuxCmd.Syn, 3)]));
    expect(accepted.map((s) => s.id)).toEqual([3]);
  });

  it('a protocol error closes the session and every stream with it', async () => {
    const carrier = recordingCarrier();
    const session = new SmuxSession(carrier, { role: 'client', keepAlive: false });
    const s = session.openStream();
    const failed = new Promise<Error>((r) => s.once('error', r));
    const closed = new Promise<Error | undefined>((r) => session.onClose(r));
    carrier.feed(Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]));
    expect(session.closed).toBe(true);
    expect((await closed)?.message).toMatch(/version 2/);
    expect((await failed).message).toMatch(/version 2/);
    expect(() => session.openStream()).toThrow(/version 2/);
  });

  it('close() and a closed carrier end the session and its streams', async () => {
    const p = sessionPair();
    const s = p.client.openStream();
    const err = new Promise<Error>((r) => s.once('error', r));
    p.client.close();
    const e = (await err) as NodeJS.ErrnoException;
    expect(e.message).toMatch(/smux session closed/);
    expect(e.code).toBe('ECONNRESET');
    const late = new Promise<Error | undefined>((r) => p.client.onClose(r));
    expect(await late).toBeUndefined();

    const q = sessionPair();
    const t = q.server.openStream();
    t.on('error', () => undefined);
    const why = new Promise<Error | undefined>((r) => q.server.onClose(r));
    q.serverPipe.closeWith(new Error('websocket gone'));
    expect((await why)?.message).toBe('websocket gone');
    expect(t.destroyed).toBe(true);
  });

  it('a session dying never ends an open stream cleanly: buffered bytes or not, it is a reset', async () => {
    const p = sessionPair();
    const c = p.client.openStream();
    c.write('x');
    await until(() => p.accepted.length === 1, 'accept');
    p.accepted[0]!.write('some bytes the reader has not taken');
    await until(() => c.readableLength > 0, 'data');
    const events: string[] = [];
    c.on('end', () => events.push('end'));
    const err = new Promise<NodeJS.ErrnoException>((r) => c.once('error', r));
    p.clientPipe.closeWith(new Error('websocket gone beyond resume'));
    const e = await err;
    expect(e.code).toBe('ECONNRESET');
    expect(e.message).toBe('websocket gone beyond resume');
    expect(events).toEqual([]);
    expect(p.client.unconsumedBytes).toBe(0);
  });
});

// ── receive budget ───────────────────────────────────────────────────────────────────────────────

describe('smux receive budget (no window updates in v1)', () => {
  const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

  function* source(total: number, seed: Buffer): Generator<Buffer> {
    for (let sent = 0; sent < total; sent += seed.length) yield seed.subarray(0, Math.min(seed.length, total - sent));
  }

  it('a reader that never reads holds at most the budget; the carrier is paused; the rest waits upstream and arrives intact later', async () => {
    const p = sessionPair([1024], { writableLimit: 256 * 1024 });
    const total = 12 * 1024 * 1024;
    const seed = randomBytes(64 * 1024);
    const s = p.server.openStream();
    let produced = 0;
    const src = Readable.from(
      (function* () {
        for (const c of source(total, seed)) {
          produced += c.length;
          yield c;
        }
      })(),
    );
    src.pipe(s);
    await until(() => p.acceptedByClient.length === 1, 'accept');
    const c = p.acceptedByClient[0]!; // nobody reads it yet
    await until(() => p.client.receivePaused, 'pause');
    await settle(200);

    const frame = 8 + 0xffff;
    expect(p.client.unconsumedBytes).toBeGreaterThanOrEqual(SMUX_RECEIVE_BUFFER);
    expect(p.client.unconsumedBytes).toBeLessThan(SMUX_RECEIVE_BUFFER + frame);
    expect(p.client.heldBytes).toBeLessThan(frame);
    // Upstream stopped too: the carrier said "full", the stream's write() said false, pipe() waited.
    expect(p.serverPipe.peer.pendingBytes).toBeLessThan(300 * 1024);
    expect(produced).toBeLessThan(SMUX_RECEIVE_BUFFER + 1024 * 1024);
    expect(p.clientPipe.pauses).toBe(1);

    // Now read it all: everything arrives, in order, and the carrier was resumed a few times only.
    const whole = await collect(c);
    expect(whole.length).toBe(total);
    expect(sha(whole)).toBe(sha(Buffer.concat([...source(total, seed)])));
    expect(p.clientPipe.pauses).toBeLessThan(10);
    expect(p.client.unconsumedBytes).toBe(0);
  });

  it('a slow reader (64 KiB at a time) never lets held bytes exceed the budget', async () => {
    const budget = 256 * 1024;
    const p = sessionPair([700, 1024, 3], { receiveBuffer: budget });
    const s = p.server.openStream();
    const data = randomBytes(1024 * 1024);
    s.end(data);
    await until(() => p.acceptedByClient.length === 1, 'accept');
    const c = p.acceptedByClient[0]!;
    const parts: Buffer[] = [];
    let got = 0;
    let peak = 0;
    for (let turns = 0; got < data.length; turns++) {
      expect(turns).toBeLessThan(10_000);
      await settle(5);
      peak = Math.max(peak, p.client.unconsumedBytes);
      expect(p.client.heldBytes).toBeLessThan(8 + 0xffff);
      // read(n) waits for n bytes unless the stream has ended; read() takes the tail.
      const chunk = (c.read(64 * 1024) ?? (c.readableLength > 0 ? c.read() : null)) as Buffer | null;
      if (chunk) {
        parts.push(chunk);
        got += chunk.length;
      }
    }
    expect(p.client.unconsumedBytes).toBe(0);
    expect(p.clientPipe.pauses).toBeGreaterThan(0);
    expect(peak).toBeLessThan(budget + SMUX_MAX_PSH + 1);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
  });

  it('destroying an unread stream gives its budget back and the carrier resumes for the others', async () => {
    const budget = 64 * 1024;
    const p = sessionPair([1024], { receiveBuffer: budget });
    const hog = p.server.openStream();
    const other = p.server.openStream();
    hog.write(randomBytes(200 * 1024));
    await until(() => p.client.receivePaused, 'pause');
    other.end('still here');
    await until(() => p.acceptedByClient.length === 2, 'accept');
    const [unread, second] = p.acceptedByClient as [SmuxStream, SmuxStream];
    const text = collect(second);
    await settle();
    // The session-wide budget is spent: the second stream is stuck behind the hog (v1's head-of-line).
    expect(second.readableLength).toBe(0);
    unread.destroy();
    expect((await text).toString()).toBe('still here');
    expect(p.client.receivePaused).toBe(false);
  });

  it('a carrier that ignores pause cannot grow memory: past one more budget the session fails', async () => {
    const budget = 64 * 1024;
    const p = sessionPair([4096], { receiveBuffer: budget, honourPause: false });
    const s = p.server.openStream();
    const closed = new Promise<Error | undefined>((r) => p.client.onClose(r));
    let maxHeld = 0;
    const watch = setInterval(() => (maxHeld = Math.max(maxHeld, p.client.heldBytes)), 0);
    s.on('error', () => undefined);
    s.write(randomBytes(1024 * 1024));
    await until(() => p.acceptedByClient.length === 1, 'accept');
    p.acceptedByClient[0]!.on('error', () => undefined);
    const err = await closed;
    clearInterval(watch);
    expect(err).toBeInstanceOf(SmuxError);
    expect((err as SmuxError).code).toBe('buffer_overrun');
    expect(maxHeld).toBeLessThanOrEqual(budget + 8 + 0xffff);
  });
});

// ── keepalive ────────────────────────────────────────────────────────────────────────────────────

describe('smux keepalive', () => {
  it('off: no timers at all', () => {
    const timers = new ManualTimers();
    new SmuxSession(recordingCarrier(), { role: 'client', keepAlive: false, timers });
    expect(timers.count).toBe(0);
  });

  it('sends NOP every 10 s and closes after 30 s without a frame', async () => {
    const timers = new ManualTimers();
    const carrier = recordingCarrier();
    const session = new SmuxSession(carrier, { role: 'client', keepAlive: true, timers });
    const closed = new Promise<Error | undefined>((r) => session.onClose(r));
    timers.advance(29_999);
    expect(decodeAll(carrier.written).map((f) => [f.cmd, f.streamId])).toEqual([
      [SmuxCmd.Nop, 0],
      [SmuxCmd.Nop, 0],
    ]);
    expect(session.closed).toBe(false);
    timers.advance(1);
    expect(session.closed).toBe(true);
    expect(await closed).toMatchObject({ code: 'keepalive_timeout' });
    expect(timers.count).toBe(0);
  });

  it('stays open while frames (the peer’s NOPs) arrive, and while we paused the carrier ourselves', () => {
    const timers = new ManualTimers();
    const carrier = recordingCarrier();
    const session = new SmuxSession(carrier, { role: 'server', keepAlive: { intervalMs: 10_000, timeoutMs: 30_000 }, timers, receiveBuffer: 10, onAccept: () => undefined });
    for (let i = 0; i < 10; i++) {
      timers.advance(10_000);
      carrier.feed(encodeSmuxFrame(SmuxCmd.Nop, 0));
    }
    expect(session.closed).toBe(false);
    // Spend the (tiny) budget on an unread stream: the carrier is paused, silence is ours.
    carrier.feed(Buffer.concat([encodeSmuxFrame(SmuxCmd.Syn, 3), encodeSmuxFrame(SmuxCmd.Psh, 3, Buffer.alloc(20))]));
    expect(carrier.paused).toBe(true);
    timers.advance(120_000);
    expect(session.closed).toBe(false);
  });
});
