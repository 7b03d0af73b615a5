// The emulated service and agent as strict as the real ones where Warren's client depends on it,
// each exercised through Warren's own SsmDataChannel/SsmLink: a data-channel token opens one
// socket only, OpenDataChannelInput's MessageSchemaVersion and ClientId are checked, and a session
// whose smux server died ends instead of accepting streams that then hang.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SsmDataChannel } from '../../../src-main/transports/ssm/data-channel/data-channel.js';
import { SsmLink } from '../../../src-main/transports/ssm/data-channel/ssm-link.js';
import { startDataChannelService, type DataChannelService } from '../../fixtures/aws-emulator/data-channel/index.js';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';

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
afterEach(() => {
  for (const c of channels.splice(0)) c.close();
});

function newSession(): { sessionId: string; tokenValue: string; streamUrl: string } {
  const sessionId = `warren-${randomUUID()}`;
  const tokenValue = randomUUID();
  const { streamUrl } = svc.createSession({
    sessionId,
    tokenValue,
    target: 'i-0123456789abcdef0',
    documentName: 'AWS-StartPortForwardingSession',
    parameters: { portNumber: [String(echo.port)], localPortNumber: ['0'] },
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
