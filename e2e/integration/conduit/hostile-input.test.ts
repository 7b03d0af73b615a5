// A client whose key IS authorised, but which then sends garbage: random bytes, absurd length
// prefixes, the wrong protocol version, OPEN before HELLO, nothing at all, or a flood that claims
// to be one enormous frame. Each time the router closes that one connection (saying why in an
// ERROR frame when it can), the source it could have reached gets nothing, memory stays bounded,
// and a well-behaved client on the same router never notices.
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientTlsOptions } from '../../../src-main/transports/conduit/identity/index.js';
import { FrameDecoder } from '../../../src-main/transports/conduit/protocol/frame-decoder.js';
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, encodeJsonFrame, FrameType, type Frame } from '../../../src-main/transports/conduit/protocol/frames.js';
import { encodeHello } from '../../../src-main/transports/conduit/protocol/messages.js';
import type { ConduitLink } from '../../../src-main/transports/conduit/conduit-link.js';
import { waitFor } from '../../fixtures/ports.js';
import { clientSpec, dialRouter, staticKeys, startTestRouter, testClient, type TestRouter } from '../../fixtures/conduit-router.js';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';
import { roundTrip } from '../../fixtures/stream-echo.js';

const HANDSHAKE_TIMEOUT_MS = 500;
const MB = 1024 * 1024;

interface Closed {
  data: Buffer;
  closed: boolean;
  /** ms from the call until the router closed (or the timeout). */
  afterMs: number;
}

/** Everything the raw peer receives until the router closes on it (bounded by a timeout). */
function untilClosed(socket: tls.TLSSocket, ms = 4000): Promise<Closed> {
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closed, afterMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), ms);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
  });
}

function parseFrames(data: Buffer): Frame[] {
  const out: Frame[] = [];
  new FrameDecoder(DEFAULT_MAX_FRAME_BYTES).push(data, (f) => out.push(f));
  return out;
}

/** The router's last word: an ERROR frame, parsed. */
function lastError(data: Buffer): { code: string; message: string } {
  const frames = parseFrames(data);
  const last = frames.at(-1);
  expect(last?.type, `frames received: ${frames.map((f) => f.type).join(',')}`).toBe(FrameType.Error);
  return JSON.parse(last!.payload.toString('utf8')) as { code: string; message: string };
}

describe('conduit router under hostile input from an authorised key', () => {
  let target: EchoServer; // what the abusive client is granted
  let echo: EchoServer; // what the well-behaved client uses
  let r: TestRouter;
  let good: ConduitLink;
  const mallory = testClient('mallory', []);
  const alice = testClient('alice', []);

  /** A TLS connection with Mallory's authorised key, not yet a single protocol byte sent. */
  async function rawTls(): Promise<tls.TLSSocket> {
    const socket = tls.connect({ host: '127.0.0.1', port: r.port, ...clientTlsOptions(mallory.identity) });
    socket.on('error', () => undefined);
    await new Promise((res) => socket.once('secureConnect', res));
    return socket;
  }

  /** The well-behaved client's link, made before any abuse, still carries traffic. */
  async function stillServes(): Promise<void> {
    expect(good.closed).toBe(false);
    const s = await good.openStream({ host: '127.0.0.1', port: echo.port });
    const msg = randomBytes(64 * 1024);
    expect((await roundTrip(s, msg)).equals(msg)).toBe(true);
    expect(target.bytesReceived).toBe(0);
  }

  beforeAll(async () => {
    target = await startEchoServer();
    echo = await startEchoServer();
    mallory.allow.push(`127.0.0.1:${target.port}`);
    alice.allow.push(`127.0.0.1:${echo.port}`);
    r = await startTestRouter({ clients: [clientSpec(mallory), clientSpec(alice)], handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS });
    good = await dialRouter(r, staticKeys(alice.identity));
    await waitFor(() => target.connections >= 1, 'the first health check of the target'); // so later counts are ours
  });
  afterAll(async () => {
    await good?.close();
    await r?.stop();
    await target?.close();
    await echo?.close();
  });

  it('random bytes right after TLS: closed within the handshake timeout, nothing reaches the source', async () => {
    const junk = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 4096 }).map((a) => Buffer.from(a)),
      // A real frame header of any known type with a random body, then more junk.
      fc
        .tuple(fc.constantFrom(...Object.values(FrameType)), fc.nat(), fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 64 }))
        .map(([type, stream, body, tail]) => Buffer.concat([encodeFrame(type, stream, body), tail])),
    );
    await fc.assert(
      fc.asyncProperty(junk, async (bytes) => {
        const socket = await rawTls();
        socket.write(bytes);
        const res = await untilClosed(socket);
        expect(res.closed).toBe(true);
        expect(res.afterMs).toBeLessThan(HANDSHAKE_TIMEOUT_MS + 1500);
        expect(['protocol_error', 'handshake_timeout', 'unsupported_version']).toContain(lastError(res.data).code);
        // No HELLO was ever accepted, so nothing but (at most) pongs and the ERROR came back.
        expect(parseFrames(res.data).every((f) => f.type === FrameType.Pong || f.type === FrameType.Error)).toBe(true);
        expect(target.bytesReceived).toBe(0);
      }),
      { numRuns: 25 },
    );
    await stillServes();
  }, 30_000);

  it('a length prefix far above the frame limit, before and after HELLO', async () => {
    const huge = Buffer.alloc(9);
    huge.writeUInt32BE(0xffff_fff0, 0);
    huge.writeUInt8(FrameType.Data, 4);
    huge.writeUInt32BE(1, 5);

    const before = await rawTls();
    before.write(Buffer.concat([huge, randomBytes(1000)]));
    const a = await untilClosed(before);
    expect(a.closed).toBe(true);
    expect(lastError(a.data)).toMatchObject({ code: 'protocol_error', message: expect.stringMatching(/exceeds the limit/) });

    const after = await rawTls();
    after.write(encodeFrame(FrameType.Hello, 0, encodeHello({ client: 'mallory', features: [] })));
    after.write(huge);
    const b = await untilClosed(after);
    expect(b.closed).toBe(true);
    expect(parseFrames(b.data)[0]?.type).toBe(FrameType.HelloAck);
    expect(lastError(b.data).code).toBe('protocol_error');
    await stillServes();
  });

  it('HELLO with protocol version 99', async () => {
    const socket = await rawTls();
    socket.write(encodeFrame(FrameType.Hello, 0, encodeHello({ client: 'from-the-future', features: [] }, 99)));
    const res = await untilClosed(socket);
    expect(res.closed).toBe(true);
    expect(res.afterMs).toBeLessThan(HANDSHAKE_TIMEOUT_MS); // refused at once, not timed out
    expect(lastError(res.data)).toMatchObject({ code: 'unsupported_version', message: expect.stringContaining('99') });
    await stillServes();
  });

  it('OPEN (and data for it) before HELLO: refused, the source is not even dialed', async () => {
    const connectionsBefore = target.connections;
    const socket = await rawTls();
    socket.write(encodeJsonFrame(FrameType.Open, 1, { source: `127.0.0.1:${target.port}`, protocol: 'tcp', window: 65536 }));
    socket.write(encodeFrame(FrameType.Data, 1, Buffer.from('GET /secrets HTTP/1.0\r\n\r\n')));
    const res = await untilClosed(socket);
    expect(res.closed).toBe(true);
    expect(lastError(res.data)).toMatchObject({ code: 'protocol_error', message: expect.stringMatching(/before HELLO/) });
    await new Promise((r) => setTimeout(r, 100)); // a dial, had there been one, would have landed by now
    expect(target.connections).toBe(connectionsBefore);
    expect(target.bytesReceived).toBe(0);
    await stillServes();
  });

  it('nothing at all after TLS: dropped at the handshake timeout', async () => {
    const socket = await rawTls();
    const res = await untilClosed(socket);
    expect(res.closed).toBe(true);
    expect(res.afterMs).toBeGreaterThanOrEqual(HANDSHAKE_TIMEOUT_MS - 50);
    expect(res.afterMs).toBeLessThan(HANDSHAKE_TIMEOUT_MS + 1500);
    expect(lastError(res.data).code).toBe('handshake_timeout');
    await stillServes();
  });

  it('20 MB behind a maximal length prefix: cut off early, memory stays bounded', async () => {
    const total = 20 * MB;
    const junk = randomBytes(64 * 1024); // the junk repeats; the router cannot know
    const header = Buffer.alloc(9);
    header.writeUInt32BE(DEFAULT_MAX_FRAME_BYTES, 0);
    header.writeUInt8(FrameType.Data, 4);
    header.writeUInt32BE(1, 5);

    const socket = await rawTls();
    const closed = untilClosed(socket, 10_000);
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    let written = 0; // bytes the socket took (write callback without error)
    let offered = 0;
    await new Promise<void>((resolve) => {
      let done = false;
      const finish = (): void => {
        if (!done) {
          done = true;
          resolve();
        }
      };
      socket.once('close', finish);
      const go = (): void => {
        while (!done && offered < total && !socket.destroyed && socket.writable) {
          const piece = offered === 0 ? Buffer.concat([header, junk.subarray(header.length)]) : junk;
          offered += piece.length;
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
          const more = socket.write(piece, (err) => {
            if (!err) written += piece.length;
          });
          if (!more) return void socket.once('drain', go);
        }
        if (offered >= total || !socket.writable) finish();
      };
      go();
    });
    const res = await closed;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    expect(res.closed).toBe(true);
    expect(written).toBeLessThan(total);
    expect(peakRss - rssBefore).toBeLessThan(100 * MB);
    // Whatever the router managed to say before the cut is an ERROR.
    if (res.data.length > 0) expect(lastError(res.data).code).toBe('protocol_error');
    expect(target.bytesReceived).toBe(0);
    await stillServes();
  }, 20_000);

  it('after all that, the old link still works and a new client connects', async () => {
    await stillServes();
    const fresh = await dialRouter(r, staticKeys(alice.identity));
    try {
      const s = await fresh.openStream({ host: '127.0.0.1', port: echo.port });
      expect((await roundTrip(s, Buffer.from('hello again'))).toString()).toBe('hello again');
      expect(await fresh.probe(2000)).toBeGreaterThan(0);
    } finally {
      await fresh.close();
    }
    expect(target.bytesReceived).toBe(0);
  });
});
