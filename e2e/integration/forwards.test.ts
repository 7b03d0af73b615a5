// Local, remote and dynamic forwards through the real daemon and a real OpenSSH sshd: 50 MB each
// way intact, and 20 connections at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshdFixture } from '../fixtures/sshd.js';
import { freePort, canConnect } from '../fixtures/ports.js';
import { makeTempDir, type TempDir } from '../fixtures/tmp.js';
import { startDaemon, type DaemonHandle } from './helpers/daemon.js';
import { startEchoServer, type EchoServer } from './helpers/echo-server.js';
import { connectThrough, echoThrough } from './helpers/traffic.js';

const MB = 1024 * 1024;

describe('forwards through a real sshd', () => {
  let sshd: SshdFixture;
  let home: TempDir;
  let daemon: DaemonHandle;
  let echo: EchoServer;

  beforeAll(async () => {
    sshd = await startSshd();
    home = await makeTempDir('warren-fwd-');
    echo = await startEchoServer();
    daemon = await startDaemon({ home: home.path, sshConfigPath: sshd.sshConfigPath });
  });

  afterAll(async () => {
    await daemon?.stop();
    await echo?.close();
    await sshd?.stop();
    await home?.remove();
  });

  async function both(port: number, socks?: { host: string; port: number }): Promise<void> {
    const big = await echoThrough(await connectThrough(port, socks), 50 * MB);
    expect(big.bytes).toBe(50 * MB);
    expect(big.intact).toBe(true);
    const many = await Promise.all(
      Array.from({ length: 20 }, async () => echoThrough(await connectThrough(port, socks), 256 * 1024)),
    );
    expect(many.every((r) => r.intact && r.bytes === 256 * 1024)).toBe(true);
  }

  it('local forward (-L) carries 50 MB each way and 20 concurrent connections', async () => {
    const port = await freePort();
    const { name } = await daemon.client.call('forward.add', {
      host: 'fixture',
      type: 'local',
      local_port: port,
      remote_host: '127.0.0.1',
      remote_port: echo.port,
    });
    expect(name).toBe(`fixture-local-${port}`);
    expect((await daemon.client.call('forward.start', { name })).status).toBe('active');
    await both(port);
    const s = await daemon.client.call('session.get', { name });
    expect(s.bytes_sent).toBeGreaterThanOrEqual(50 * MB + 20 * 256 * 1024);
    expect(s.bytes_received).toBeGreaterThanOrEqual(50 * MB + 20 * 256 * 1024);
    await daemon.client.call('forward.stop', { name });
    expect(await canConnect(port)).toBe(false);
  });

  it('remote forward (-R) carries 50 MB each way and 20 concurrent connections', async () => {
    const remotePort = await freePort();
    const { name } = await daemon.client.call('forward.add', {
      name: 'rev',
      host: 'fixture',
      type: 'remote',
      local_port: echo.port,
      remote_host: '127.0.0.1',
      remote_port: remotePort,
    });
    expect((await daemon.client.call('forward.start', { name })).status).toBe('active');
    // sshd itself listens on remotePort now; traffic comes back to the local echo server.
    await both(remotePort);
    await daemon.client.call('forward.stop', { name });
  });

  it('dynamic forward (-D, SOCKS5) carries 50 MB each way and 20 concurrent connections', async () => {
    const port = await freePort();
    const { name } = await daemon.client.call('forward.add', { name: 'socks', host: 'fixture', type: 'dynamic', local_port: port });
    expect((await daemon.client.call('forward.start', { name })).status).toBe('active');
    await both(port, { host: '127.0.0.1', port: echo.port });
    // domain names are resolved on the far side
    const viaName = await echoThrough(await connectThrough(port, { host: 'localhost', port: echo.port }), 64 * 1024);
    expect(viaName.intact).toBe(true);
    await daemon.client.call('forward.stop', { name });
  });

  it('forwards to one host share one SSH connection', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    await daemon.client.call('forward.add', { name: 'share1', host: 'fixture', type: 'local', local_port: p1, remote_host: '127.0.0.1', remote_port: echo.port });
    await daemon.client.call('forward.add', { name: 'share2', host: 'fixture', type: 'dynamic', local_port: p2 });
    await Promise.all([daemon.client.call('forward.start', { name: 'share1' }), daemon.client.call('forward.start', { name: 'share2' })]);
    const status = await daemon.client.call('daemon.status');
    expect(status.active_forwards).toBe(2);
    expect(status.active_ssh_connections).toBe(1);
    const host = (await daemon.client.call('host.list')).hosts.find((h) => h.name === 'fixture');
    expect(host).toMatchObject({ state: 'connected', active_forward_count: 2 });
    await daemon.client.call('forward.stop', { name: 'share1' });
    await daemon.client.call('forward.stop', { name: 'share2' });
    // the last forward gone, the connection closes too
    expect((await daemon.client.call('daemon.status')).active_ssh_connections).toBe(0);
  });

  it('a port already taken gives 1006 PortConflict and the session shows the error', async () => {
    const port = echo.port; // taken by the echo server
    const { name } = await daemon.client.call('forward.add', { name: 'clash', host: 'fixture', type: 'dynamic', local_port: port });
    await expect(daemon.client.call('forward.start', { name })).rejects.toMatchObject({ code: 1006 });
    const s = await daemon.client.call('session.get', { name });
    expect(s.status).toBe('error');
    expect(s.last_error).toMatch(/in use/);
  });
});
