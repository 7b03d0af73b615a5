// The ssm transport end to end on loopback: the real SDK's StartSession/ResumeSession against the
// emulated control plane, the native data channel against the emulated agent, a real TCP echo
// server as the instance's port. Errors come back as the API's codes.
import { createHash, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { AwsClientCache } from '../../../src-main/aws/aws-clients.js';
import { createSsmTransport } from '../../../src-main/transports/ssm/ssm-transport.js';
import type { SsmLink } from '../../../src-main/transports/ssm/data-channel/ssm-link.js';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { startDataChannelService, type DataChannelService } from '../../fixtures/aws-emulator/data-channel/index.js';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';
import { readToEnd } from '../helpers/tcp-peer.js';

const ID = 'i-0aaaaaaaaaaaaaaa1';
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * Writes `data` through an echo stream in pieces. With `midway`: the first half, then `midway()`
 * once that half has come back, then the rest. The agent then has (almost) nothing unacknowledged
 * when midway drops the socket: like the real agent, the emulated one resends its backlog one
 * message per 100 ms tick after a resume (datachannel.go), so a backlog of a full window would
 * take minutes to recover, on AWS as here (data-channel-agent.test.ts covers that part).
 */
function echo(stream: Duplex, data: Buffer, midway?: () => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    let fired = false;
    const half = midway ? Math.floor(data.length / 2) : data.length;
    const write = (from: number, to: number): void => {
      for (let off = from; off < to; off += 64 * 1024) stream.write(data.subarray(off, Math.min(to, off + 64 * 1024)));
    };
    stream.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (!fired && midway && got >= half) {
        fired = true;
        midway();
        write(half, data.length);
      }
      if (got >= data.length) resolve(Buffer.concat(chunks));
    });
    stream.on('error', reject);
    write(0, half);
  });
}

describe('ssm transport through the emulator', () => {
  const saved = { ...process.env };
  let emu: AwsEmulator;
  let svc: DataChannelService;
  let target: EchoServer;
  let clients: AwsClientCache;
  const links: SsmLink[] = [];

  beforeEach(async () => {
    svc = await startDataChannelService();
    emu = await startAwsEmulator({ sessions: svc });
    target = await startEchoServer();
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, emu.env());
    clients = new AwsClientCache({ maxAttempts: 1 });
  });
  afterEach(async () => {
    for (const l of links.splice(0)) await l.close().catch(() => undefined);
    clients.destroy();
    await emu.close();
    await svc.close();
    await target.close();
  });
  afterAll(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('connects, carries bytes intact, and resumes after the WebSocket drops mid-transfer', async () => {
    emu.addInstance({ id: ID, name: 'db', state: 'running' });
    const transport = createSsmTransport({ clients, sleep: async () => undefined });
    const link = (await transport.connect({ instanceId: ID, remotePort: target.port }, new AbortController().signal)) as SsmLink;
    links.push(link);
    expect(link.mode).toBe('mux');
    const data = randomBytes(2 * 1024 * 1024);
    const back = await echo(await link.openStream({ host: 'localhost', port: target.port }), data, () => svc.dropWebSocket(link.sessionId));
    expect(back.length).toBe(data.length);
    expect(sha(back)).toBe(sha(data));
    expect(emu.calls.filter((c) => c.action === 'ResumeSession').length).toBeGreaterThanOrEqual(1);
    expect(emu.calls.find((c) => c.action === 'StartSession')?.params).toMatchObject({ DocumentName: 'AWS-StartPortForwardingSession', Target: ID });
  }, 60_000);

  it('the WebSocket dropped beyond resume mid-transfer: every stream errors (ECONNRESET), none ends cleanly', async () => {
    emu.addInstance({ id: ID, name: 'db', state: 'running' });
    const transport = createSsmTransport({ clients, sleep: async () => undefined });
    const link = (await transport.connect({ instanceId: ID, remotePort: target.port }, new AbortController().signal)) as SsmLink;
    links.push(link);
    const streams = await Promise.all([0, 1, 2, 3].map(() => link.openStream({ host: 'localhost', port: target.port })));
    const outcomes = streams.map((s) => readToEnd(s));
    let echoed = 0;
    for (const s of streams) s.on('data', (c: Buffer) => (echoed += c.length));
    for (const s of streams) for (let i = 0; i < 8; i++) s.write(randomBytes(64 * 1024));
    const closed = new Promise<Error | undefined>((r) => link.onClose(r));
    await new Promise<void>((resolve) => {
      const check = (): void => (echoed > 256 * 1024 ? resolve() : void setImmediate(check));
      check();
    });
    emu.denyAction('ssm:ResumeSession');
    svc.dropWebSocket(link.sessionId);
    for (const o of await Promise.all(outcomes)) expect(o).toMatchObject({ how: 'error', code: 'ECONNRESET' });
    expect((await closed)?.message).toMatch(/resuming SSM session/);
    expect(emu.calls.filter((c) => c.action === 'ResumeSession').length).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('says why it cannot connect: instance stopped (2001), StartSession denied (2002)', async () => {
    emu.addInstance({ id: ID, state: 'stopped' });
    const transport = createSsmTransport({ clients });
    const stopped = await transport.connect({ instanceId: ID, remotePort: target.port }, new AbortController().signal).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(WarrenError);
    expect((stopped as WarrenError).code).toBe(ErrorCode.SsmTargetNotConnected);
    expect((stopped as WarrenError).message).toMatch(/warren diagnose/);

    emu.updateInstance(ID, { state: 'running' });
    emu.denyAction('ssm:StartSession');
    const denied = await transport.connect({ instanceId: ID, remotePort: target.port }, new AbortController().signal).catch((e: unknown) => e);
    expect((denied as WarrenError).code).toBe(ErrorCode.AwsAccessDenied);
    expect(target.bytesReceived).toBe(0);
  });
});
