// Backpressure through the native SSM client and the emulated agent, both directions, without the
// daemon: a stalled local reader holds the agent back by one window and gets everything once it
// reads (mux; the deadlock was a reorder buffer that filled and then refilled one resend per tick),
// and a slow target in basic mode holds the client back without piling listeners on its socket.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SsmDataChannel } from '../../../src-main/transports/ssm/data-channel/data-channel.js';
import { SsmLink } from '../../../src-main/transports/ssm/data-channel/ssm-link.js';
import { RELIABILITY } from '../../../src-main/transports/ssm/protocol/reliable-channel.js';
import { startDataChannelService, type DataChannelService } from '../../fixtures/aws-emulator/data-channel/index.js';
import { waitFor } from '../../fixtures/ports.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface Target {
  port: number;
  conns: net.Socket[];
  close(): Promise<void>;
}

async function startTarget(onConn: (s: net.Socket) => void): Promise<Target> {
  const conns: net.Socket[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => undefined);
    conns.push(s);
    onConn(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    conns,
    close: async () => {
      for (const c of conns) c.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let svc: DataChannelService;
const cleanup: Array<() => unknown> = [];
const warnings: Error[] = [];
const onWarning = (w: Error): void => void warnings.push(w);

beforeAll(async () => {
  svc = await startDataChannelService();
  process.on('warning', onWarning);
});
afterAll(async () => {
  process.off('warning', onWarning);
  await svc.close();
});
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function open(port: number, agentVersion?: string): Promise<SsmLink> {
  const sessionId = `bp-${randomUUID()}`;
  const tokenValue = randomUUID();
  const { streamUrl } = svc.createSession({
    sessionId,
    tokenValue,
    target: 'i-0123456789abcdef0',
    documentName: 'AWS-StartPortForwardingSession',
    parameters: { portNumber: [String(port)], localPortNumber: ['0'] },
    ...(agentVersion ? { agentVersion } : {}),
  });
  const channel = await SsmDataChannel.open({ streamUrl, tokenValue, sessionId });
  cleanup.push(() => channel.close());
  return new SsmLink(channel, sessionId);
}

describe('SSM backpressure through the emulated agent', () => {
  it('mux: a reader stalled past the receive budget holds the agent to one window, then gets 24 MiB intact at full speed', async () => {
    // 24 MiB: past smux's 4 MiB budget plus the 10,000-message reorder buffer the first version filled.
    const payload = randomBytes(24 * 1024 * 1024);
    const target = await startTarget((s) => s.end(payload));
    cleanup.push(() => target.close());
    const link = await open(target.port);
    const stream = await link.openStream();
    stream.pause();
    const withheld = (): number => link.channel.state().withheld;
    await waitFor(() => withheld() >= RELIABILITY.highWaterMark, 'the agent to fill its window while the reader is stalled', 15_000);
    // The agent stopped there: one window (and at most one 32 KiB smux frame more), nothing dropped.
    expect(withheld()).toBeLessThanOrEqual(RELIABILITY.highWaterMark + 32);
    expect(link.channel.state().buffered).toBe(withheld());

    const parts: Buffer[] = [];
    stream.on('data', (c: Buffer) => parts.push(c));
    await new Promise<void>((resolve, reject) => {
      stream.once('end', resolve);
      stream.once('error', reject);
      stream.resume();
    });
    const got = Buffer.concat(parts);
    expect(got.length).toBe(payload.length);
    expect(sha(got)).toBe(sha(payload));
    expect(link.channel.state()).toMatchObject({ withheld: 0, ready: true });
  }, 60_000);

  it('basic: a slow target holds the client back, then takes every byte; no listener piles up on the socket (MaxListenersExceededWarning)', async () => {
    // More than loopback's socket buffers absorb, so the agent really has to hold us back.
    const upload = randomBytes(24 * 1024 * 1024);
    const received: Buffer[] = [];
    let ended = false;
    let reading = false;
    const target = await startTarget((s) => {
      // A slow reader: nothing until the test says so, then 64 KiB per 5 ms tick, so the agent's
      // writes to it block again and again (each block used to add a listener that stayed).
      s.pause();
      s.on('end', () => (ended = true));
      const tick = setInterval(() => {
        if (!reading) return;
        for (let n = 0, c: Buffer | null; n < 64 * 1024 && (c = s.read() as Buffer | null) !== null; n += c.length) received.push(c);
      }, 5);
      s.on('close', () => clearInterval(tick));
    });
    cleanup.push(() => target.close());
    const link = await open(target.port, '3.0.196.0');
    expect(link.mode).toBe('basic');
    const stream = await link.openStream();
    stream.on('error', () => undefined);
    let written = 0;
    const writing = (async () => {
      for (let off = 0; off < upload.length; off += 64 * 1024) {
        written = off;
        if (!stream.write(upload.subarray(off, off + 64 * 1024))) await new Promise((r) => stream.once('drain', r));
      }
      stream.end();
    })();
    // The emulated agent withholds our messages while the target's socket is full: our window fills.
    await waitFor(() => target.conns.length === 1 && link.channel.state().unacked >= RELIABILITY.highWaterMark, 'our send window to fill against the slow target', 15_000);
    expect(written).toBeLessThan(upload.length);
    reading = true;
    await writing;
    await waitFor(() => ended, 'the target to get everything and the DisconnectToPort close', 30_000);
    expect(sha(Buffer.concat(received))).toBe(sha(upload));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  }, 60_000);
});
