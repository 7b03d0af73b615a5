// The emulated service and agent as strict as the real ones where Warren's client depends on it,
// each exercised through Warren's own SsmDataChannel/SsmLink: a data-channel token opens one
// socket only, OpenDataChannelInput's MessageSchemaVersion and ClientId are checked, a session
// whose smux server died ends instead of accepting streams that then hang, a session ended by the
// TerminateSession flag stops counting as active for the control plane, the agent holds its
// sends during pause_publication, and after a resume it resends one message per 100 ms tick.
import { randomUUID } from 'node:crypto';
import { ResumeSessionCommand, SSMClient, StartSessionCommand } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SsmDataChannel } from '../../../src-main/transports/ssm/data-channel/data-channel.js';
import { SsmLink } from '../../../src-main/transports/ssm/data-channel/ssm-link.js';
import { startDataChannelService, type DataChannelService } from '../../fixtures/aws-emulator/data-channel/index.js';
import { startAwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';
import { startTcpPeer, type PeerConn, type TcpPeer } from '../helpers/tcp-peer.js';

let svc: DataChannelService;
let echo: EchoServer;
const channels: SsmDataChannel[] = [];

beforeAll(async () => {
  svc = await startDataChannelService();
  echo = await startEchoServer();
});
afterAll(async () => {
  await svc.close();
  await echo.close();
});
const peers: TcpPeer[] = [];
afterEach(async () => {
  for (const c of channels.splice(0)) c.close();
  for (const p of peers.splice(0)) await p.close();
});

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A target that speaks only when the test says so, through one stream of a fresh session. */
async function quietTarget(): Promise<{ s: ReturnType<typeof newSession>; ch: SsmDataChannel; got: () => number; conn: PeerConn }> {
  const peer = await startTcpPeer(() => undefined);
  peers.push(peer);
  const s = newSession(peer.port);
  const ch = await open(s);
  const stream = await new SsmLink(ch, s.sessionId).openStream({ host: 'localhost', port: peer.port });
  let got = 0;
  stream.on('data', (c: Buffer) => (got += c.length));
  stream.on('error', () => undefined);
  stream.write('hello');
  await until(() => peer.conns[0]?.received === 5);
  return { s, ch, got: () => got, conn: peer.conns[0]! };
}

function newSession(port = echo.port): { sessionId: string; tokenValue: string; streamUrl: string } {
  const sessionId = `warren-${randomUUID()}`;
  const tokenValue = randomUUID();
  const { streamUrl } = svc.createSession({
    sessionId,
    tokenValue,
    target: 'i-0123456789abcdef0',
    documentName: 'AWS-StartPortForwardingSession',
    parameters: { portNumber: [String(port)], localPortNumber: ['0'] },
  });
  return { sessionId, tokenValue, streamUrl };
}

async function open(s: { sessionId: string; tokenValue: string; streamUrl: string }): Promise<SsmDataChannel> {
  const ch = await SsmDataChannel.open({ streamUrl: s.streamUrl, tokenValue: s.tokenValue, sessionId: s.sessionId, handshakeTimeoutMs: 5000 });
  channels.push(ch);
  return ch;
}

/** One round trip through the echo server on a fresh stream. */
async function roundTrip(link: SsmLink): Promise<string> {
  const stream = await link.openStream({ host: 'localhost', port: echo.port });
  const back = new Promise<string>((resolve, reject) => {
    stream.once('data', (c: Buffer) => resolve(c.toString()));
    stream.once('error', reject);
  });
  stream.write('ping');
  const got = await back;
  stream.destroy();
  return got;
}

/** The close code and reason the service answers a raw OpenDataChannelInput with. */
function rawOpen(streamUrl: string, body: Record<string, string>): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(streamUrl);
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify(body)));
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

describe('emulated data channel: OpenDataChannelInput', () => {
  it('a token opens one socket: a second socket with the same token is refused and the first keeps working', async () => {
    const s = newSession();
    const first = await open(s);
    const link = new SsmLink(first, s.sessionId);
    expect(await roundTrip(link)).toBe('ping');
    await expect(open(s)).rejects.toThrow();
    expect(first.connected).toBe(true);
    expect(await roundTrip(link)).toBe('ping');
  }, 20_000);

  it('refuses a MessageSchemaVersion other than 1.0 and a ClientId that is not a UUID; accepts what Warren sends', async () => {
    const s = newSession();
    const base = { MessageSchemaVersion: '1.0', RequestId: randomUUID(), TokenValue: s.tokenValue, ClientId: randomUUID(), ClientVersion: '1.2.694.0' };
    expect(await rawOpen(s.streamUrl, { ...base, MessageSchemaVersion: '2.0' })).toEqual({ code: 1008, reason: 'unsupported MessageSchemaVersion "2.0"' });
    expect(await rawOpen(s.streamUrl, { ...base, ClientId: 'warren' })).toEqual({ code: 1008, reason: 'ClientId must be a UUID' });
    const { ClientId: _omitted, ...noClientId } = base;
    expect(await rawOpen(s.streamUrl, noClientId)).toEqual({ code: 1008, reason: 'ClientId must be a UUID' });
    // None of those used the token: Warren's own client still opens the session with it.
    const ch = await open(s);
    expect(ch.mode).toBe('mux');
  }, 20_000);
});

describe('emulated agent: the multiplexer', () => {
  it('a session whose smux server died ends (channel_closed), so no stream is accepted to hang', async () => {
    const s = newSession();
    const ch = await open(s);
    const link = new SsmLink(ch, s.sessionId);
    expect(await roundTrip(link)).toBe('ping');
    const closed = new Promise<Error | undefined>((resolve) => ch.onClose(resolve));
    // An smux frame with version 9: the agent's smux server rejects it and stops.
    ch.writeOutput(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0]));
    const err = await closed;
    expect(err?.message ?? '').toMatch(/multiplexer stopped/);
    expect(svc.inspect(s.sessionId)?.closedWith).toMatch(/multiplexer stopped/);
    await expect(link.openStream({ host: 'localhost', port: echo.port })).rejects.toThrow();
  }, 20_000);
});

describe('emulated agent: pause_publication and resume', () => {
  const SIZE = 20 * 1024; // ≥ 20 Output messages: the agent sends at most 1024 bytes in each

  it('holds every send while paused; start_publication brings them back one per 100 ms tick, not at once', async () => {
    const { s, got, conn } = await quietTarget();
    svc.pausePublication(s.sessionId);
    conn.socket.write(Buffer.alloc(SIZE, 7));
    await until(() => (svc.inspect(s.sessionId)?.held ?? 0) >= 20);
    expect(got()).toBe(0); // held, not sent
    const started = performance.now();
    svc.startPublication(s.sessionId);
    await until(() => got() >= SIZE, 20_000);
    // datachannel.go: nothing is flushed on start_publication; the resend scheduler takes the
    // oldest unacknowledged message once per 100 ms tick, so 20 messages need at least ~2 s.
    expect(performance.now() - started).toBeGreaterThan(15 * 100);
    expect(svc.inspect(s.sessionId)?.resent).toBeGreaterThanOrEqual(20);
  }, 30_000);

  it('after a resume, resends only the oldest unacknowledged message per tick (what Warren sees is as slow as AWS)', async () => {
    const { s, ch, got, conn } = await quietTarget();
    let resume: (() => void) | undefined;
    ch.onDisconnect(() => {
      resume = () => {
        const r = svc.resumeSession(s.sessionId)!;
        void ch.resume(r.tokenValue, r.streamUrl);
      };
    });
    svc.dropWebSocket(s.sessionId);
    await until(() => resume !== undefined);
    conn.socket.write(Buffer.alloc(SIZE, 9)); // the agent "sends" these into the gap
    await until(() => (svc.inspect(s.sessionId)?.held ?? 0) >= 20);
    const started = performance.now();
    resume!();
    await until(() => got() >= SIZE, 20_000);
    expect(got()).toBe(SIZE);
    expect(performance.now() - started).toBeGreaterThan(15 * 100);
    expect(ch.connected).toBe(true);
  }, 30_000);
});

describe('emulated service: a session ended on the data channel', () => {
  it('ended by the TerminateSession flag alone, it is no longer active and cannot be resumed', async () => {
    const emu = await startAwsEmulator({ sessions: svc });
    const env = emu.env();
    const ssm = new SSMClient({
      region: emu.region,
      endpoint: emu.url,
      maxAttempts: 1,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
    try {
      const id = 'i-0123456789abcdef0';
      emu.addInstance({ id, name: 'db', state: 'running' });
      const r = await ssm.send(new StartSessionCommand({ Target: id, DocumentName: 'AWS-StartPortForwardingSession', Parameters: { portNumber: [String(echo.port)] } }));
      const ch = await open({ sessionId: r.SessionId!, tokenValue: r.TokenValue!, streamUrl: r.StreamUrl! });
      expect(emu.activeSessions()).toEqual([r.SessionId]);
      await ch.terminate(); // the flag on the data channel, as the plugin sends it on SIGINT
      expect(emu.calls.some((c) => c.action === 'TerminateSession')).toBe(false);
      expect(emu.activeSessions()).toEqual([]);
      const resumed = await ssm.send(new ResumeSessionCommand({ SessionId: r.SessionId! }));
      expect(resumed.TokenValue ?? '').toBe('');
    } finally {
      ssm.destroy();
      await emu.close();
    }
  }, 20_000);
});
