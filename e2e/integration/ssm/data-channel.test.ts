// The native SSM data channel client (SsmDataChannel + SsmLink) against the emulated service and
// agent, forwarding to a real loopback TCP echo server.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeClientMessage, encodeClientMessage, MessageType, newClientMessage, PayloadType, type ClientMessage } from '../../../src-main/transports/ssm/protocol/client-message.js';
import { ackFor, buildHandshakeResponse, buildOpenDataChannelInput, parseAcknowledge, processedAction } from '../../../src-main/transports/ssm/protocol/payloads.js';
import { SsmDataChannel, type SsmDataChannelOptions } from '../../../src-main/transports/ssm/data-channel/data-channel.js';
import { SsmLink } from '../../../src-main/transports/ssm/data-channel/ssm-link.js';
import { startDataChannelService, type CreateSessionInput, type DataChannelService } from '../../fixtures/aws-emulator/data-channel/index.js';
import { freePort, waitFor } from '../../fixtures/ports.js';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';
import { readToEnd, sha256, startTcpPeer, type TcpPeer } from '../helpers/tcp-peer.js';

let svc: DataChannelService;
let echo: EchoServer;
const links: SsmLink[] = [];

beforeAll(async () => {
  svc = await startDataChannelService();
  echo = await startEchoServer();
});
afterAll(async () => {
  await svc.close();
  await echo.close();
});
afterEach(() => {
  for (const l of links.splice(0)) l.channel.close();
});

interface Opened {
  sessionId: string;
  channel: SsmDataChannel;
  link: SsmLink;
}

async function openSession(
  over: Partial<Pick<CreateSessionInput, 'agentVersion' | 'handshake' | 'documentName' | 'parameters'>> = {},
  clientOpts: Partial<SsmDataChannelOptions> = {},
): Promise<Opened> {
  const sessionId = `warren-${randomUUID()}`;
  const tokenValue = randomUUID();
  const { streamUrl } = svc.createSession({
    sessionId,
    tokenValue,
    target: 'i-0123456789abcdef0',
    documentName: over.documentName ?? 'AWS-StartPortForwardingSession',
    parameters: over.parameters ?? { portNumber: [String(echo.port)], localPortNumber: ['0'] },
    ...(over.agentVersion ? { agentVersion: over.agentVersion } : {}),
    ...(over.handshake ? { handshake: over.handshake } : {}),
  });
  const channel = await SsmDataChannel.open({ streamUrl, tokenValue, sessionId, ...clientOpts });
  const link = new SsmLink(channel, sessionId);
  links.push(link);
  return { sessionId, channel, link };
}

/** Sends size random bytes through an echo stream and checks every byte comes back once, in order. */
async function echoThrough(stream: Duplex, size: number, onProgress?: (received: number) => void): Promise<void> {
  const data = randomBytes(size);
  const hash = createHash('sha256');
  let got = 0;
  const done = new Promise<void>((resolve, reject) => {
    stream.on('data', (c: Buffer) => {
      hash.update(c);
      got += c.length;
      onProgress?.(got);
      if (got >= size) resolve();
    });
    stream.once('error', reject);
    stream.once('end', () => (got < size ? reject(new Error(`stream ended after ${got} of ${size} bytes`)) : resolve()));
  });
  for (let off = 0; off < size; off += 64 * 1024) {
    if (!stream.write(data.subarray(off, off + 64 * 1024))) await new Promise<void>((r) => stream.once('drain', r));
  }
  await done;
  expect(got).toBe(size);
  expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
  stream.end();
}

describe('SSM data channel, mux mode', () => {
  it('carries 8 concurrent streams of 2.5 MB each way (20 MB total) intact', async () => {
    const { link, channel, sessionId } = await openSession();
    expect(channel.mode).toBe('mux');
    expect(channel.handshake.keepAlive).toBe(false);
    expect(channel.handshake.properties).toMatchObject({ type: 'LocalPortForwarding', portNumber: String(echo.port) });
    expect(svc.inspect(sessionId)?.mode).toBe('mux');
    const streams = await Promise.all(Array.from({ length: 8 }, () => link.openStream({ host: 'localhost', port: echo.port })));
    const t0 = performance.now();
    await Promise.all(streams.map((s) => echoThrough(s, 2.5 * 1024 * 1024)));
    const rtt = await link.probe(2000);
    expect(rtt).toBeGreaterThanOrEqual(0);
    console.log(`mux: 20 MB each way over 8 streams in ${Math.round(performance.now() - t0)} ms; probe ${rtt.toFixed(1)} ms`);
  }, 30_000);

  it('survives a dropped WebSocket mid-transfer: resume() with a new token, no byte lost or repeated', async () => {
    const { link, channel, sessionId } = await openSession();
    let disconnects = 0;
    channel.onDisconnect(() => {
      disconnects++;
      const r = svc.resumeSession(sessionId);
      if (!r) throw new Error('session gone');
      void channel.resume(r.tokenValue, r.streamUrl);
    });
    const stream = await link.openStream({ host: 'localhost', port: echo.port });
    // 2 MB echoed whole, the socket dropped, 2 MB more written into the gap: the client's side
    // resends its backlog after the resume. The agent's side has (almost) nothing unacknowledged
    // at the drop: like the real agent, the emulated one resends one message per 100 ms tick
    // after a resume (datachannel.go), which data-channel-agent.test.ts covers.
    const data = randomBytes(4 * 1024 * 1024);
    const half = data.length / 2;
    const hash = createHash('sha256');
    let got = 0;
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (c: Buffer) => {
        hash.update(c);
        got += c.length;
        if (got === half) {
          svc.dropWebSocket(sessionId);
          for (let off = half; off < data.length; off += 64 * 1024) stream.write(data.subarray(off, off + 64 * 1024));
        }
        if (got >= data.length) resolve();
      });
      stream.once('error', reject);
    });
    for (let off = 0; off < half; off += 64 * 1024) stream.write(data.subarray(off, off + 64 * 1024));
    await done;
    expect(got).toBe(data.length);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    stream.end();
    expect(disconnects).toBe(1);
    expect(channel.connected).toBe(true);
  }, 30_000);

  it('stays intact over a lossy, reordering, duplicating channel', async () => {
    const { link, sessionId } = await openSession();
    svc.setLossy(sessionId, { drop: 0.03, reorder: 0.1, duplicate: 0.05 });
    const streams = await Promise.all([link.openStream({ host: 'localhost', port: echo.port }), link.openStream({ host: 'localhost', port: echo.port })]);
    await Promise.all(streams.map((s) => echoThrough(s, 128 * 1024)));
    const counts = svc.inspect(sessionId)?.lossy;
    expect(counts?.dropped).toBeGreaterThan(5);
    expect(counts?.duplicated).toBeGreaterThan(5);
    expect(counts?.delayed).toBeGreaterThan(20);
  }, 30_000);

  it('a dial failure reaches the stream as ConnectToPortError with a clear message', async () => {
    const closedPort = await freePort();
    const { link } = await openSession({ parameters: { portNumber: [String(closedPort)], localPortNumber: ['0'] } });
    const stream = await link.openStream({ host: 'localhost', port: closedPort });
    stream.write('hello');
    const err = await new Promise<Error>((resolve) => stream.once('error', resolve));
    expect(err.message).toMatch(new RegExp(`could not connect to localhost:${closedPort} \\(ConnectToPortError\\)`));
    // The session itself lives on.
    expect(link.closed).toBe(false);
  });

  it('the emulated agent refuses a non-loopback host (Flag 3)', async () => {
    const { link } = await openSession({ documentName: 'AWS-StartPortForwardingSessionToRemoteHost', parameters: { portNumber: ['80'], host: ['example.com'], localPortNumber: ['0'] } });
    const stream = await link.openStream({ host: 'example.com', port: 80 });
    const err = await new Promise<Error>((resolve) => stream.once('error', resolve));
    expect(err.message).toMatch(/could not connect to example\.com:80/);
  });
});

describe('SSM data channel, basic mode', () => {
  it('an old agent gets one connection at a time (the next waits its turn, as the plugin\'s accept loop does), bytes intact, a redial after local close', async () => {
    const { link, channel, sessionId } = await openSession({ agentVersion: '3.0.196.0' });
    expect(channel.mode).toBe('basic');
    expect(svc.inspect(sessionId)?.mode).toBe('basic');
    const before = echo.connections;
    const first = await link.openStream({ host: 'localhost', port: echo.port });
    let secondOpened = false;
    const secondOpening = link.openStream({ host: 'localhost', port: echo.port }).then((s) => ((secondOpened = true), s));
    await echoThrough(first, 512 * 1024);
    expect(secondOpened).toBe(false);
    await new Promise((r) => first.once('close', r));
    const second = await secondOpening;
    await echoThrough(second, 64 * 1024);
    await waitFor(() => echo.connections === before + 2, 'the agent to redial after DisconnectToPort', 5000);
    await expect(link.probe(1000)).resolves.toBeGreaterThanOrEqual(0);
  }, 30_000);
});

describe('SSM data channel, basic mode, waiting in line', () => {
  it('a connection waiting for its turn fails when the session ends, instead of waiting forever', async () => {
    const { link } = await openSession({ agentVersion: '3.0.196.0' });
    const first = await link.openStream({ host: 'localhost', port: echo.port });
    first.on('error', () => undefined);
    const waiting = expect(link.openStream({ host: 'localhost', port: echo.port })).rejects.toThrow(/the link was closed/);
    await link.close();
    await waiting;
  }, 30_000);
});

/** Writes `chunk` again and again until the stream fails; resolves with when it did (ms, performance.now()). */
async function writeUntilError(stream: Duplex, chunk: Buffer): Promise<{ at: number; code: string | undefined }> {
  let failure: { at: number; code: string | undefined } | undefined;
  const failed = new Promise<void>((r) =>
    stream.once('error', (e: NodeJS.ErrnoException) => {
      failure = { at: performance.now(), code: e.code };
      r();
    }),
  );
  stream.resume(); // an end (the peer's FIN) is fine on the way; a hang is not
  while (!failure) {
    if (!stream.write(chunk)) await Promise.race([new Promise((r) => stream.once('drain', r)), failed]);
    else await new Promise((r) => setImmediate(r));
  }
  return failure;
}

describe('SSM data channel: TCP semantics without half-close (issue 10)', () => {
  const peers: TcpPeer[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) await p.close();
  });
  const peer = async (behave: Parameters<typeof startTcpPeer>[0]): Promise<TcpPeer> => {
    const p = await startTcpPeer(behave);
    peers.push(p);
    return p;
  };
  const sessionTo = (port: number, agentVersion?: string): Promise<Opened> =>
    openSession({ parameters: { portNumber: [String(port)], localPortNumber: ['0'] }, ...(agentVersion ? { agentVersion } : {}) });

  it('target speaks first, then closes: every byte reaches the client, then a clean end', async () => {
    const payload = randomBytes(3 * 1024 * 1024 + 7);
    const target = await peer((c) => c.socket.end(payload));
    const { link } = await sessionTo(target.port);
    const stream = await link.openStream({ host: 'localhost', port: target.port });
    const out = await readToEnd(stream);
    expect(out).toMatchObject({ how: 'end', bytes: payload.length, hash: sha256(payload) });
    // smux v1 has no half-close: after the agent's FIN nothing more may be sent.
    const refused = new Promise<NodeJS.ErrnoException>((r) => stream.once('error', r));
    stream.write('too late');
    expect((await refused).code).toBe('ECONNRESET');
  }, 30_000);

  for (const [mode, agentVersion] of [
    ['mux', undefined],
    ['basic', '3.0.196.0'],
  ] as const) {
    it(`${mode}: the client writes and closes at once: every byte reaches the target, then a clean end`, async () => {
      // A sink: reads to the end, then closes its side too.
      const target = await peer((c) => c.socket.once('end', () => c.socket.end()));
      const { link, channel } = await sessionTo(target.port, agentVersion);
      expect(channel.mode).toBe(mode);
      for (const size of [1, 64 * 1024, 2 * 1024 * 1024]) {
        const payload = randomBytes(size);
        const index = target.conns.length;
        const stream = await link.openStream({ host: 'localhost', port: target.port });
        stream.on('error', (e) => expect.fail(`no error expected: ${e.message}`));
        const closed = new Promise((r) => stream.once('close', r));
        stream.resume();
        stream.end(payload);
        await closed; // our end() ends both directions, so the stream closes without the target's help
        await waitFor(() => target.conns[index]?.hash !== undefined, 'the target connection to close', 20_000);
        const conn = target.conns[index]!;
        expect({ received: conn.received, hash: conn.hash, sawEnd: conn.sawEnd, error: conn.error }).toEqual({ received: size, hash: sha256(payload), sawEnd: true, error: undefined });
      }
    }, 60_000);
  }

  it('the target resets while the client is still sending: the client sees an error within 2 s, not a hang', async () => {
    let resetAt = 0;
    const target = await peer((c) =>
      c.socket.once('data', () => {
        resetAt = performance.now();
        c.socket.resetAndDestroy();
      }),
    );
    const { link } = await sessionTo(target.port);
    for (let i = 0; i < 3; i++) {
      const stream = await link.openStream({ host: 'localhost', port: target.port });
      const failure = await writeUntilError(stream, randomBytes(16 * 1024));
      expect(failure.code).toBe('ECONNRESET');
      expect(failure.at - resetAt).toBeLessThan(2000);
    }
    expect(link.closed).toBe(false); // one stream's reset is that stream's only
  }, 30_000);

  it('the session ended under streams mid-transfer (beyond resume): every stream errors, none ends cleanly', async () => {
    const { link, sessionId } = await openSession();
    const streams = await Promise.all([0, 1, 2].map(() => link.openStream({ host: 'localhost', port: echo.port })));
    const outcomes = streams.map((s) => readToEnd(s));
    let echoed = 0;
    for (const s of streams) s.on('data', (c: Buffer) => (echoed += c.length));
    for (const s of streams) s.write(randomBytes(256 * 1024));
    await waitFor(() => echoed > 64 * 1024, 'bytes flowing', 10_000);
    svc.terminateSession(sessionId);
    for (const o of await Promise.all(outcomes)) expect(o).toMatchObject({ how: 'error', code: 'ECONNRESET' });
  }, 30_000);

  it('close() of the link resets its open streams at once', async () => {
    const { link } = await openSession();
    const stream = await link.openStream({ host: 'localhost', port: echo.port });
    const out = readToEnd(stream);
    stream.write('x');
    await link.close();
    expect(await out).toMatchObject({ how: 'error', code: 'ECONNRESET' });
  });
});

describe('SSM data channel, handshake and lifecycle', () => {
  it('times out with a clear error when the agent never sends HandshakeRequest', async () => {
    await expect(openSession({ handshake: 'never' }, { handshakeTimeoutMs: 300 })).rejects.toThrow(/handshake did not complete within 300 ms \(no HandshakeRequest from the agent\)/);
  });

  it('refuses a wrong token', async () => {
    const sessionId = `warren-${randomUUID()}`;
    const { streamUrl } = svc.createSession({ sessionId, tokenValue: 'right', target: 'i-1', documentName: 'AWS-StartPortForwardingSession', parameters: { portNumber: ['1'] } });
    await expect(SsmDataChannel.open({ streamUrl, tokenValue: 'wrong', sessionId, handshakeTimeoutMs: 3000 })).rejects.toThrow(/closed during the handshake \(1008 invalid token\)/);
  });

  it('terminate() sends the TerminateSession flag and receives channel_closed with its Output', async () => {
    const { link, channel, sessionId } = await openSession();
    const closed = new Promise<Error | undefined>((r) => link.onClose(r));
    const output = await channel.terminate();
    expect(output).toBe(`Exiting session with sessionId: ${sessionId}.`);
    const err = await closed;
    expect(err?.message).toContain('closed by the service: Exiting session');
    expect(link.closed).toBe(true);
    expect(svc.inspect(sessionId)?.closedWith).toBe(output);
  });

  it('a service-side TerminateSession closes the link with the channel_closed Output', async () => {
    const { link, sessionId } = await openSession();
    const stream = await link.openStream({ host: 'localhost', port: echo.port });
    const streamErr = new Promise<Error>((r) => stream.once('error', r));
    const closed = new Promise<Error | undefined>((r) => link.onClose(r));
    svc.terminateSession(sessionId);
    expect((await closed)?.message).toMatch(/Exiting session with sessionId/);
    expect((await streamErr).message).toMatch(/Exiting session/);
  });
});

describe('the emulated agent itself', () => {
  it('acknowledges but discards data sent before HandshakeComplete, then numbers on from it', async () => {
    const sessionId = `raw-${randomUUID()}`;
    const before = echo.bytesReceived;
    const { streamUrl } = svc.createSession({ sessionId, tokenValue: 'tok', target: 'i-1', documentName: 'AWS-StartPortForwardingSession', parameters: { portNumber: [String(echo.port)] } });
    const ws = new WebSocket(streamUrl);
    const got: ClientMessage[] = [];
    ws.on('message', (d: Buffer) => got.push(decodeClientMessage(Buffer.from(d))));
    await new Promise((r) => ws.once('open', r));
    ws.send(buildOpenDataChannelInput({ tokenValue: 'tok', clientId: randomUUID(), clientVersion: '1.2.694.0' }));
    await waitFor(() => got.some((m) => m.payloadType === PayloadType.HandshakeRequest), 'HandshakeRequest', 3000);
    const req = got.find((m) => m.payloadType === PayloadType.HandshakeRequest)!;
    expect(req).toMatchObject({ messageType: 'output_stream_data', sequenceNumber: 0, flags: 1n });
    ws.send(encodeClientMessage(ackFor(req)));
    const input = (seq: number, type: number, payload: Buffer) => encodeClientMessage(newClientMessage({ messageType: MessageType.InputStreamData, sequenceNumber: seq, payloadType: type, payload }));
    // Output before the handshake: acked, never forwarded.
    ws.send(input(0, PayloadType.Output, Buffer.from('too early')));
    ws.send(input(1, PayloadType.HandshakeResponse, buildHandshakeResponse('1.2.694.0', [processedAction('SessionType', 1)])));
    await waitFor(() => got.some((m) => m.payloadType === PayloadType.HandshakeComplete), 'HandshakeComplete', 3000);
    const acked = got.filter((m) => m.messageType === MessageType.Acknowledge).map((m) => parseAcknowledge(m.payload).AcknowledgedMessageSequenceNumber);
    expect(acked).toEqual(expect.arrayContaining([0, 1]));
    const complete = got.find((m) => m.payloadType === PayloadType.HandshakeComplete)!;
    expect(complete.sequenceNumber).toBe(1);
    expect(Number.isInteger(JSON.parse(complete.payload.toString()).HandshakeTimeToComplete)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(echo.bytesReceived).toBe(before);
    ws.terminate();
    svc.terminateSession(sessionId);
  });
});
