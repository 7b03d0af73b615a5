// Two Mux instances over a real TCP connection on loopback (client ⇄ router, as on the wire minus
// TLS): per-stream flow control without head-of-line blocking, half-close, reset, ping, and a peer
// that ignores flow control.
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameDecoder } from './frame-decoder.js';
import { encodeFrame, encodeJsonFrame, FrameType, type Frame } from './frames.js';
import { Mux } from './mux.js';
import type { MuxStream } from './mux-stream.js';

const WINDOW = 64 * 1024;

interface Pair {
  client: Mux;
  router: Mux;
  clientSocket: net.Socket;
  routerSocket: net.Socket;
  /** Router-side streams as they are accepted, by the source the client asked for. */
  accepted: Array<{ source: string; stream: MuxStream }>;
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A connected socket pair on 127.0.0.1. */
async function socketPair(): Promise<{ a: net.Socket; b: net.Socket; server: net.Server }> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const a = net.connect(port, '127.0.0.1');
  await new Promise((r) => a.once('connect', r));
  const b = await accepted;
  return { a, b, server };
}

/**
 * Router behaviour per requested source: "echo" pipes the stream back into itself, anything else
 * is accepted and left to the test (the stream is in `accepted`, nobody reads it yet).
 */
async function muxPair(window = WINDOW): Promise<Pair> {
  const { a, b, server } = await socketPair();
  const accepted: Pair['accepted'] = [];
  const client = new Mux(a, { role: 'client', streamWindow: window });
  const router: Mux = new Mux(b, {
    role: 'router',
    streamWindow: window,
    onOpen: (id, req) => {
      router.decided(id);
      const stream = router.acceptStream(id, req, req.source);
      stream.on('error', () => undefined); // tests that care listen themselves
      accepted.push({ source: req.source, stream });
      if (req.source === 'echo') stream.pipe(stream);
    },
  });
  const pair: Pair = {
    client,
    router,
    clientSocket: a,
    routerSocket: b,
    accepted,
    async close() {
      client.destroy();
      router.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  cleanups.push(() => pair.close());
  return pair;
}

/** Opens a stream from the client side; teardown errors are expected and not the test's subject. */
async function open(p: Pair, source: string): Promise<MuxStream> {
  const s = await p.client.openStream(source);
  s.on('error', () => undefined);
  return s;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Bounded wait on a promise, so a regression fails here rather than at the test timeout. */
function within<T>(p: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function collect(stream: Duplex, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const onData = (c: Buffer): void => {
      chunks.push(c);
      n += c.length;
      if (n >= bytes) {
        stream.off('data', onData);
        resolve(Buffer.concat(chunks));
      }
    };
    stream.on('data', onData);
    stream.once('error', reject);
  });
}

function readAll(stream: Duplex): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/** Writes `data` respecting backpressure; `accepted` counts bytes the stream took so far. */
function pump(stream: Duplex, data: Buffer, chunk = 16 * 1024): { accepted: () => number; done: Promise<void> } {
  let off = 0;
  const done = new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    const go = (): void => {
      while (off < data.length) {
        const piece = data.subarray(off, off + chunk);
        off += piece.length;
        if (!stream.write(piece)) return void stream.once('drain', go);
      }
      resolve();
    };
    go();
  });
  return { accepted: () => off, done };
}

/** Parses what a raw peer received into frames. */
function frames(bytes: Buffer): Frame[] {
  const out: Frame[] = [];
  new FrameDecoder(1024 * 1024).push(bytes, (f) => out.push(f));
  return out;
}

describe('Mux over a loopback socket', () => {
  it('a paused reader holds its sender to about one window, while another stream flows freely', async () => {
    const p = await muxPair();
    const slow = await open(p, 'sink');
    await until(() => p.accepted.length === 1, 'the sink stream');
    const sink = p.accepted[0]!.stream;

    // The sink reads the first 128 KiB, then its consumer pauses.
    const data = randomBytes(8 * 1024 * 1024);
    const received: Buffer[] = [];
    let receivedBytes = 0;
    let pausedOnce = false;
    sink.on('data', (c: Buffer) => {
      received.push(c);
      receivedBytes += c.length;
      if (receivedBytes >= 128 * 1024 && !pausedOnce) {
        pausedOnce = true;
        sink.pause();
      }
    });
    const writer = pump(slow, data);
    await until(() => sink.isPaused(), 'the sink to pause');
    // Let everything that can move, move.
    let last = -1;
    for (let i = 0; i < 100 && p.clientSocket.bytesWritten !== last; i++) {
      last = p.clientSocket.bytesWritten;
      await sleep(30);
    }
    const slack = 4 * 1024; // frame headers and WINDOW frames
    const readBytes = receivedBytes; // what the paused consumer took before pausing
    // Whatever was written beyond what was read is bounded by the window, in the socket and at the sink…
    expect(p.clientSocket.bytesWritten + p.clientSocket.writableLength).toBeLessThanOrEqual(readBytes + WINDOW + slack);
    expect(p.routerSocket.bytesRead).toBeLessThanOrEqual(readBytes + WINDOW + slack);
    expect(sink.readableLength).toBeLessThanOrEqual(WINDOW);
    // …and the sender's own stream buffer is one write's worth, not the 8 MiB it was offered.
    expect(slow.writableLength).toBeLessThanOrEqual(64 * 1024 + 16 * 1024);
    expect(writer.accepted()).toBeLessThan(readBytes + WINDOW + 64 * 1024 + 2 * 16 * 1024);

    // Meanwhile a second stream on the same connection carries a megabyte both ways.
    const echo = await open(p, 'echo');
    const bulk = randomBytes(1024 * 1024);
    const back = collect(echo, bulk.length);
    echo.write(bulk);
    expect(sha(await within(back, 'the echo'))).toBe(sha(bulk));
    expect(sink.isPaused()).toBe(true); // still stalled: it did not have to move for the echo to work

    // The consumer resumes: every byte arrives, in order.
    sink.resume();
    await within(writer.done, 'the writer to finish', 15_000);
    await until(() => receivedBytes >= data.length, 'all 8 MiB at the sink', 15_000);
    expect(sha(Buffer.concat(received))).toBe(sha(data));
  }, 30_000);

  it('end on one side is end on the other, and the other direction keeps working', async () => {
    const p = await muxPair();
    const s = await open(p, 'half');
    await until(() => p.accepted.length === 1, 'the stream');
    const r = p.accepted[0]!.stream;
    const gotAtRouter = readAll(r);
    s.write('question');
    s.end();
    expect((await within(gotAtRouter, 'end at the router')).toString()).toBe('question');
    // The client's sending side is closed; its receiving side is not.
    const gotAtClient = readAll(s);
    r.write('answer, ');
    await sleep(20);
    r.end('after the end');
    expect((await within(gotAtClient, 'end at the client')).toString()).toBe('answer, after the end');
    await until(() => p.client.activeStreams === 0 && p.router.activeStreams === 0, 'both sides to forget the stream');
  });

  it('destroying a stream resets it at the far side, and only that stream', async () => {
    const p = await muxPair();
    const doomed = await open(p, 'doomed');
    const other = await open(p, 'echo');
    await until(() => p.accepted.length === 2, 'both streams');
    const farSide = p.accepted.find((a) => a.source === 'doomed')!.stream;
    const farError = new Promise<Error>((r) => farSide.once('error', r));
    doomed.destroy();
    const reset = (await within(farError, 'the reset at the router')) as NodeJS.ErrnoException;
    expect(reset.message).toMatch(/reset by the far side/);
    expect(reset.code).toBe('ECONNRESET');
    await until(() => farSide.destroyed, 'the far side stream destroyed');

    // The other way round: the router drops its side, the client's stream errors.
    const second = await open(p, 'doomed-2');
    await until(() => p.accepted.length === 3, 'the third stream');
    const clientError = new Promise<Error>((r) => second.once('error', r));
    p.accepted[2]!.stream.destroy();
    expect((await within(clientError, 'the reset at the client')).message).toMatch(/doomed-2: reset by the far side/);

    const back = collect(other, 5);
    other.write('still');
    expect((await within(back, 'the echo')).toString()).toBe('still');
    expect(p.client.closed).toBe(false);
    expect(p.router.closed).toBe(false);
    await until(() => p.router.activeStreams === 1 && p.client.activeStreams === 1, 'only the echo stream left');
  });

  it('a connection that dies under open streams errors them (ECONNRESET), never ends them cleanly', async () => {
    const p = await muxPair();
    const s = await open(p, 'echo');
    const outcome = new Promise<string>((r) => {
      s.once('end', () => r('clean end'));
      s.once('error', (e: NodeJS.ErrnoException) => r(`error ${e.code ?? ''}`));
    });
    s.resume();
    p.client.socket.destroy();
    expect(await within(outcome, 'the stream to notice')).toBe('error ECONNRESET');
  });

  it('ping gets its pong, either way', async () => {
    const p = await muxPair();
    const rtt = await p.client.ping(2000);
    expect(rtt).toBeGreaterThan(0);
    expect(rtt).toBeLessThan(2000);
    expect(await p.router.ping(2000)).toBeGreaterThan(0);
  });

  it('a closed connection fails pending pings and opens', async () => {
    const p = await muxPair();
    // The router never answers this OPEN: its peer socket is cut instead.
    const opening = p.client.openDatagram('nowhere').catch((e: unknown) => e);
    p.routerSocket.destroy();
    expect(await within(opening, 'the open to fail')).toBeInstanceOf(Error);
    await expect(p.client.ping(1000)).rejects.toThrow();
  });

  it('a peer that sends beyond its window is cut off with a protocol error', async () => {
    const { a: raw, b, server } = await socketPair();
    const accepted: MuxStream[] = [];
    const router: Mux = new Mux(b, {
      role: 'router',
      streamWindow: WINDOW,
      onOpen: (id, req) => {
        router.decided(id);
        const stream = router.acceptStream(id, req, req.source); // never read
        stream.on('error', () => undefined);
        accepted.push(stream);
      },
    });
    cleanups.push(async () => {
      raw.destroy();
      router.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const got: Buffer[] = [];
    raw.on('data', (c: Buffer) => got.push(c));
    raw.on('error', () => undefined);
    const closed = new Promise<void>((r) => raw.once('close', () => r()));
    const routerClosed = new Promise<Error | undefined>((r) => router.onClose(r));

    raw.write(encodeJsonFrame(FrameType.Open, 1, { source: 'greedy', protocol: 'tcp', window: WINDOW }));
    await until(() => frames(Buffer.concat(got)).some((f) => f.type === FrameType.OpenOk), 'OPEN_OK');
    // Exactly the window is fine…
    raw.write(encodeFrame(FrameType.Data, 1, Buffer.alloc(WINDOW, 1)));
    await until(() => accepted[0]!.readableLength === WINDOW, 'the window to be buffered');
    expect(router.closed).toBe(false);
    // …one byte more is not.
    raw.write(encodeFrame(FrameType.Data, 1, Buffer.alloc(1, 2)));
    const err = await within(routerClosed, 'the router to close');
    expect(err?.message).toMatch(/overran the flow-control window/);
    await within(closed, 'the raw socket to close');
    const last = frames(Buffer.concat(got)).at(-1)!;
    expect(last.type).toBe(FrameType.Error);
    expect(JSON.parse(last.payload.toString())).toMatchObject({ code: 'protocol_error' });
    expect(accepted[0]!.destroyed).toBe(true);
  });
});
