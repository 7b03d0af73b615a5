// The session-manager-plugin transport end to end on loopback: the real SDK's StartSession and
// TerminateSession against the emulated control plane, a real child process (the fake plugin in
// e2e/fixtures/fake-session-manager-plugin, which keeps the real plugin's CLI contract and speaks
// the data channel to the emulated agent), and a real TCP echo server as the instance's port.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import { AwsClientCache } from '../../../src-main/aws/aws-clients.js';
import { isPermanentError } from '../../../src-main/core/reconnect-policy.js';
import { createPluginSsmTransport, liveChildCount, PluginSsmLink } from '../../../src-main/transports/ssm/plugin/index.js';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { startDataChannelService, type DataChannelService } from '../../fixtures/aws-emulator/data-channel/index.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';

const ID = 'i-0aaaaaaaaaaaaaaa1';
const FAKE_PLUGIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/fake-session-manager-plugin/session-manager-plugin');
const KNOBS = ['FAKE_SSM_PLUGIN_EXIT_AFTER_MS', 'FAKE_SSM_PLUGIN_EXIT_CODE', 'FAKE_SSM_PLUGIN_RECORD', 'FAKE_SSM_PLUGIN_NEVER_READY'];
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const never = new AbortController().signal;

function isRunning(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Writes `data` through an echo stream and resolves with everything that came back. */
function echo(stream: Duplex, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    stream.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (got >= data.length) resolve(Buffer.concat(chunks));
    });
    stream.on('error', reject);
    stream.on('close', () => (got < data.length ? reject(new Error(`stream closed after ${got} of ${data.length} bytes`)) : undefined));
    for (let off = 0; off < data.length; off += 64 * 1024) stream.write(data.subarray(off, off + 64 * 1024));
  });
}

describe('ssm transport through session-manager-plugin', () => {
  const saved = { ...process.env };
  let emu: AwsEmulator;
  let svc: DataChannelService;
  let target: EchoServer;
  let clients: AwsClientCache;
  let tmp: TempDir;
  const links: PluginSsmLink[] = [];

  beforeAll(async () => {
    // Git keeps the executable bit, but a checkout through some tools does not.
    await fs.chmod(FAKE_PLUGIN, 0o755);
  });
  beforeEach(async () => {
    svc = await startDataChannelService();
    emu = await startAwsEmulator({ sessions: svc });
    emu.addInstance({ id: ID, name: 'db', state: 'running' });
    target = await startEchoServer();
    tmp = await makeTempDir('warren-plugin-');
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') || k.startsWith('FAKE_SSM_PLUGIN_')) delete process.env[k];
    Object.assign(process.env, emu.env());
    clients = new AwsClientCache({ maxAttempts: 1 });
  });
  afterEach(async () => {
    for (const l of links.splice(0)) await l.close().catch(() => undefined);
    expect(liveChildCount()).toBe(0); // no plugin process outlives its test, failed connects included
    for (const k of KNOBS) delete process.env[k];
    clients.destroy();
    await emu.close();
    await svc.close();
    await target.close();
    await tmp.remove();
  });
  afterAll(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  const transport = (readyTimeoutMs?: number) => createPluginSsmTransport({ clients, pluginPath: () => FAKE_PLUGIN, ...(readyTimeoutMs ? { readyTimeoutMs } : {}) });
  const connect = async (readyTimeoutMs?: number): Promise<PluginSsmLink> => {
    const link = (await transport(readyTimeoutMs).connect({ instanceId: ID, remotePort: target.port }, never)) as PluginSsmLink;
    links.push(link);
    return link;
  };

  it('spawns the plugin as the AWS CLI does and carries 5 MB each way on 4 concurrent streams', async () => {
    const record = path.join(tmp.path, 'argv.json');
    process.env['FAKE_SSM_PLUGIN_RECORD'] = record;
    const link = await connect();
    expect(link.mode).toBe('plugin');
    expect(emu.activeSessions()).toEqual([link.sessionId]);

    // The CLI contract: response in the environment (plugin newer than 1.2.497.0), never in argv.
    const seen = JSON.parse(await fs.readFile(record, 'utf8')) as { args: string[]; responseFromEnv: boolean };
    expect(seen.responseFromEnv).toBe(true);
    expect(seen.args[0]).toBe('AWS_SSM_START_SESSION_RESPONSE');
    expect(seen.args.slice(1, 4)).toEqual([emu.region, 'StartSession', '']);
    expect(JSON.parse(seen.args[4]!)).toMatchObject({ Target: ID, DocumentName: 'AWS-StartPortForwardingSession', Parameters: { portNumber: [String(target.port)], localPortNumber: [String(link.port)] } });
    expect(seen.args[5]).toBe(emu.url.replace(/\/$/, ''));

    const payloads = Array.from({ length: 4 }, () => randomBytes(5 * 1024 * 1024));
    const streams = await Promise.all(payloads.map(() => link.openStream({ host: 'localhost', port: target.port })));
    const back = await Promise.all(streams.map((s, i) => echo(s, payloads[i]!)));
    for (const [i, b] of back.entries()) expect(sha(b)).toBe(sha(payloads[i]!));
    for (const s of streams) s.destroy();
    expect(await link.probe(2000)).toBeGreaterThanOrEqual(0);
  }, 30_000);

  it('reports the plugin dying through onClose, with its exit code, and leaves no process or session', async () => {
    process.env['FAKE_SSM_PLUGIN_EXIT_AFTER_MS'] = '400';
    process.env['FAKE_SSM_PLUGIN_EXIT_CODE'] = '3';
    const link = await connect();
    const err = await new Promise<Error | undefined>((resolve) => link.onClose(resolve));
    expect(err).toBeInstanceOf(WarrenError);
    expect(err!.message).toMatch(/exited with code 3/);
    expect(err!.message).toMatch(/FAKE_SSM_PLUGIN_EXIT_AFTER_MS/); // its last stderr line
    expect(link.closed).toBe(true);
    expect(isRunning(link.pid)).toBe(false);
    await expect(link.probe(500)).rejects.toMatchObject({ code: ErrorCode.NotConnected });
    await expect(link.openStream({ host: 'localhost', port: target.port })).rejects.toMatchObject({ code: ErrorCode.NotConnected });
    await eventually(() => emu.activeSessions().length === 0);
  }, 20_000);

  it('fails fast and permanently when the plugin is not installed, before any session starts', async () => {
    const missing = path.join(tmp.path, 'no-such-dir', 'session-manager-plugin');
    const t = createPluginSsmTransport({ clients, pluginPath: () => missing });
    const started = Date.now();
    const e = await t.connect({ instanceId: ID, remotePort: target.port }, never).catch((x: unknown) => x);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(e).toBeInstanceOf(WarrenError);
    expect((e as WarrenError).code).toBe(ErrorCode.InvalidParams);
    expect(isPermanentError(e)).toBe(true);
    expect((e as WarrenError).message).toContain(missing);
    expect((e as WarrenError).message).toMatch(/install the Session Manager plugin/);
    expect((e as WarrenError).message).toMatch(/ssm\.use_session_manager_plugin/);
    expect(emu.calls.filter((c) => c.action === 'StartSession')).toHaveLength(0);
  });

  it('close() stops the plugin and terminates the session', async () => {
    const link = await connect();
    const closes: Array<Error | undefined> = [];
    link.onClose((e) => closes.push(e));
    const pid = link.pid;
    expect(isRunning(pid)).toBe(true);
    await link.close();
    expect(isRunning(pid)).toBe(false);
    expect(closes).toEqual([undefined]);
    expect(emu.activeSessions()).not.toContain(link.sessionId);
    expect(emu.calls.some((c) => c.action === 'TerminateSession' && (c.params as { SessionId?: string }).SessionId === link.sessionId)).toBe(true);
    expect(svc.inspect(link.sessionId)?.closedWith).toBeDefined();
  });

  it('gives up on a plugin that never listens, naming its output, and cleans up', async () => {
    process.env['FAKE_SSM_PLUGIN_NEVER_READY'] = '1';
    const started = Date.now();
    const e = await transport(1500)
      .connect({ instanceId: ID, remotePort: target.port }, never)
      .catch((x: unknown) => x);
    expect(Date.now() - started).toBeLessThan(6000);
    expect((e as WarrenError).code).toBe(ErrorCode.ConnectionFailed);
    expect((e as WarrenError).message).toMatch(/was not ready on 127\.0\.0\.1:\d+ within 1\.5 s/);
    expect((e as WarrenError).message).toMatch(/Starting session with SessionId/);
    expect(emu.activeSessions()).toEqual([]);
  });
});
