// The sshd process serving a session dies: the session shows `reconnecting` within 5 s, comes back
// `active` once sshd accepts again, the daemon is never restarted and the local port never changes
// hands. Then kill -9 of the daemon: its sessions come back by themselves on the next start.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForwardEvent } from '../../src-shared/api/index.js';
import { freePort, waitFor } from '../fixtures/ports.js';
import { startSshd, type SshdFixture } from '../fixtures/sshd.js';
import { makeTempDir, type TempDir } from '../fixtures/tmp.js';
import { startDaemon, waitForStatus, type DaemonHandle } from './helpers/daemon.js';
import { startEchoServer, type EchoServer } from './helpers/echo-server.js';
import { connectThrough, echoThrough } from './helpers/traffic.js';

function tryBind(port: number): Promise<'bound' | 'in-use'> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve('in-use'));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve('bound')));
  });
}

describe('reconnect and restore', () => {
  let sshd: SshdFixture;
  let home: TempDir;
  let daemon: DaemonHandle;
  let echo: EchoServer;
  let port: number;
  const name = 'db';

  beforeAll(async () => {
    sshd = await startSshd();
    home = await makeTempDir('warren-rec-');
    echo = await startEchoServer();
    daemon = await startDaemon({ home: home.path, sshConfigPath: sshd.sshConfigPath });
    port = await freePort();
    await daemon.client.call('forward.add', { name, host: 'fixture', type: 'local', local_port: port, remote_host: '127.0.0.1', remote_port: echo.port });
    expect((await daemon.client.call('forward.start', { name })).status).toBe('active');
  });

  afterAll(async () => {
    await daemon?.stop();
    await echo?.close();
    await sshd?.stop();
    await home?.remove();
  });

  it('sees the serving sshd process die within 5 s and comes back without a daemon restart', async () => {
    const events: ForwardEvent[] = [];
    daemon.client.on('event.forward', (e) => events.push(e));
    await daemon.client.call('events.subscribe', { types: ['forward'] });
    const pid = daemon.proc.pid;

    // sshd stops accepting AND the process serving our session dies.
    await sshd.stopListener();
    const killedAt = Date.now();
    expect(await sshd.killSessions()).toBeGreaterThan(0);
    await waitForStatus(daemon.client, name, 'reconnecting', 5000);
    expect(Date.now() - killedAt).toBeLessThan(5000);
    expect(events.some((e) => e.name === name && e.type === 'reconnecting')).toBe(true);

    // While reconnecting, the local port stays ours: nobody else can bind it.
    expect(await tryBind(port)).toBe('in-use');
    // A client arriving now waits (bounded) instead of being refused...
    const waiting = connectThrough(port).then((s) => echoThrough(s, 128 * 1024));

    await sshd.startListener();
    await waitForStatus(daemon.client, name, 'active', 30_000);
    // ...and is served once the link is back.
    const late = await waiting;
    expect(late.intact).toBe(true);

    const s = await daemon.client.call('session.get', { name });
    expect(s.reconnect_count).toBeGreaterThanOrEqual(1);
    expect(s.kind === 'ssh' && s.local_port).toBe(port);
    expect(daemon.proc.pid).toBe(pid);
    expect(daemon.proc.exitCode).toBeNull();
    const again = await echoThrough(await connectThrough(port), 1024 * 1024);
    expect(again.intact).toBe(true);
  });

  it('sees a silent death (server frozen, TCP still open) within 5 s through its probes', async () => {
    await waitForStatus(daemon.client, name, 'active', 10_000);
    // Once the monitor has measured the link (rtt_ms shows), its probe timeout adapts to it.
    await waitFor(async () => (await daemon.client.call('session.get', { name })).rtt_ms !== undefined, 'first probe', 10_000);
    const before = (await daemon.client.call('session.get', { name })).reconnect_count;
    // The listener still accepts, so the reconnect is near-instant: watch events, not polled state.
    const lost = new Promise<ForwardEvent>((resolve) => {
      const off = daemon.client.on('event.forward', (e) => {
        if (e.name === name && e.type === 'reconnecting') {
          off();
          resolve(e);
        }
      });
    });
    await daemon.client.call('events.subscribe', { types: ['forward'] });
    expect(await sshd.freezeSessions()).toBeGreaterThan(0);
    const frozenAt = Date.now();
    try {
      const event = await Promise.race([lost, new Promise<undefined>((r) => setTimeout(() => r(undefined), 8000))]);
      expect(event, 'no reconnecting event within 8 s').toBeDefined();
      // Probe interval 1.5 s + two probe timeouts of at most 1.5 s each.
      expect(Date.now() - frozenAt).toBeLessThan(5000);
      expect(event!.error).toMatch(/stopped answering/);
    } finally {
      await sshd.killSessions(); // the frozen session is dead to us; don't leave it stopped
      await sshd.thawSessions();
    }
    await waitForStatus(daemon.client, name, 'active', 30_000);
    expect((await daemon.client.call('session.get', { name })).reconnect_count).toBeGreaterThan(before);
    const r = await echoThrough(await connectThrough(port), 256 * 1024);
    expect(r.intact).toBe(true);
  });

  it('after kill -9 of the daemon, the next start brings active sessions back by themselves', async () => {
    await daemon.kill9();
    daemon = await startDaemon({ home: home.path, sshConfigPath: sshd.sshConfigPath });
    await waitForStatus(daemon.client, name, 'active', 20_000);
    const r = await echoThrough(await connectThrough(port), 1024 * 1024);
    expect(r.intact).toBe(true);
  });

  it('a stopped session stays stopped across a restart', async () => {
    await daemon.client.call('forward.stop', { name });
    await daemon.stop();
    daemon = await startDaemon({ home: home.path, sshConfigPath: sshd.sshConfigPath });
    expect((await daemon.client.call('session.get', { name })).status).toBe('stopped');
    expect(await tryBind(port)).toBe('bound');
  });
});
