// spliceTcp between two real loopback TCP connections: client ⇄ [a | splice | b] ⇄ server, the
// way a forward joins its local socket and a tunnel stream.
import net from 'node:net';
import { Duplex } from 'node:stream';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { resetError, spliceTcp, type SpliceOutcome } from './tcp-splice.js';

interface Pair {
  /** The program's end. */
  outer: net.Socket;
  /** Our end (what the splice gets). */
  inner: net.Socket;
}

const servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A connected loopback pair, both half-open. */
async function pair(): Promise<Pair> {
  const server = net.createServer({ allowHalfOpen: true });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const outer = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
  await new Promise<void>((r) => outer.once('connect', () => r()));
  const inner = await accepted;
  return { outer, inner };
}

/** Everything a socket reads until its end, or the error that stopped it. */
function readAll(s: net.Socket): Promise<{ data: Buffer; error?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.once('end', () => resolve({ data: Buffer.concat(chunks) }));
    s.once('error', (error: NodeJS.ErrnoException) => resolve({ data: Buffer.concat(chunks), error }));
  });
}

async function spliced(): Promise<{ client: net.Socket; server: net.Socket; outcome: Promise<SpliceOutcome>; counts: { sent: number; received: number } }> {
  const local = await pair();
  const remote = await pair();
  const counts = { sent: 0, received: 0 };
  const outcome = spliceTcp(local.inner, remote.inner, {
    addSent: (n) => (counts.sent += n),
    addReceived: (n) => (counts.received += n),
  });
  return { client: local.outer, server: remote.outer, outcome, counts };
}

describe('spliceTcp', () => {
  it('carries a half-close across while the reply still flows back (the request, FIN, reply exchange)', async () => {
    const { client, server, outcome, counts } = await spliced();
    const request = Buffer.alloc(200_000, 7);
    const atServer = readAll(server);
    const atClient = readAll(client);
    client.end(request);
    const got = await atServer;
    expect(got.data.equals(request)).toBe(true);
    server.end(Buffer.from('reply after the half-close'));
    expect((await atClient).data.toString()).toBe('reply after the half-close');
    expect(await outcome).toEqual({ kind: 'complete' });
    expect(counts).toEqual({ sent: request.length, received: 26 });
  });

  it('keeps the client sending after the server half-closed first', async () => {
    const { client, server, outcome } = await spliced();
    const atClient = readAll(client);
    const atServer = readAll(server);
    server.end(Buffer.from('hello'));
    expect((await atClient).data.toString()).toBe('hello');
    client.end(Buffer.from('still talking'));
    expect((await atServer).data.toString()).toBe('still talking');
    expect((await outcome).kind).toBe('complete');
  });

  it('turns a reset on one side into a reset on the other, never a clean end', async () => {
    const { client, server, outcome } = await spliced();
    const atServer = readAll(server);
    client.write('some bytes');
    await new Promise<void>((r) => server.once('data', () => r()));
    client.resetAndDestroy();
    const got = await atServer;
    expect(got.error?.code).toBe('ECONNRESET');
    expect((await outcome).kind).toBe('reset');
  });

  it('resets the local socket when the tunnel stream is closed under it without an end', async () => {
    const local = await pair();
    const tunnel = new Duplex({ allowHalfOpen: true, read() {}, write(_c, _e, cb) { cb(); } });
    const outcome = spliceTcp(local.inner, tunnel);
    const atClient = readAll(local.outer);
    tunnel.push(Buffer.from('partial'));
    // Let the client read the bytes first: libuv reports data and an RST that arrive in one
    // wakeup as a clean end (uv__stream_io's POLLHUP short-cut after a partial read), which would
    // hide the reset from any Node client, not only from this test.
    await new Promise<void>((r) => local.outer.once('data', () => r()));
    tunnel.destroy(); // a transport gave up on it, quietly
    const got = await atClient;
    expect(got.error?.code).toBe('ECONNRESET');
    expect((await outcome).kind).toBe('reset');
  });

  it('resets the local socket when the tunnel stream fails', async () => {
    const local = await pair();
    const tunnel = new Duplex({ allowHalfOpen: true, read() {}, write(_c, _e, cb) { cb(); } });
    const outcome = spliceTcp(local.inner, tunnel);
    const atClient = readAll(local.outer);
    tunnel.destroy(resetError('link died'));
    expect((await atClient).error?.code).toBe('ECONNRESET');
    expect(await outcome).toMatchObject({ kind: 'reset', side: 'remote' });
  });

  it('delivers every byte both ways whatever the chunking and whichever side ends first', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 70_000 }), { maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 70_000 }), { maxLength: 4 }),
        fc.boolean(),
        async (upChunks, downChunks, clientFirst) => {
          const { client, server, outcome } = await spliced();
          const up = upChunks.map((n, i) => Buffer.alloc(n, i + 1));
          const down = downChunks.map((n, i) => Buffer.alloc(n, 100 + i));
          const atServer = readAll(server);
          const atClient = readAll(client);
          const send = (s: net.Socket, chunks: Buffer[]): void => {
            for (const c of chunks) s.write(c);
            s.end();
          };
          if (clientFirst) {
            send(client, up);
            send(server, down);
          } else {
            send(server, down);
            send(client, up);
          }
          expect((await atServer).data.equals(Buffer.concat(up))).toBe(true);
          expect((await atClient).data.equals(Buffer.concat(down))).toBe(true);
          expect((await outcome).kind).toBe('complete');
        },
      ),
      { numRuns: 25 },
    );
  });
});
