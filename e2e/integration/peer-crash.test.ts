// No peer can crash the daemon (issue 10, item 5). The real daemon gets forwards to hosts that
// break the SSH handshake in every way we know — accept and never speak, banner then silence,
// banner then close, reset mid-banner, garbage — directly and behind a jump host; they fail in
// bounded time (ConnectTimeout → ssh2's readyTimeout) or are stopped while `starting`, and the
// daemon keeps serving: status answers, a forward to the real sshd carries bytes, and a restart on
// the same home (which restores the failed forwards) does not crash either.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarrenClient } from '../../src-shared/api/index.js';
import { startBadSshPeer, type BadPeerMode, type BadSshPeer } from '../fixtures/bad-ssh-peer.js';
import { freePort, waitFor } from '../fixtures/ports.js';
import { startSshd, type SshdFixture } from '../fixtures/sshd.js';
import { makeTempDir, type TempDir } from '../fixtures/tmp.js';
import { startDaemon, waitForStatus, type DaemonHandle } from './helpers/daemon.js';
import { startEchoServer, type EchoServer } from './helpers/echo-server.js';
import { connectThrough, echoThrough } from './helpers/traffic.js';

const MODES: readonly BadPeerMode[] = ['silent', 'banner-then-silent', 'banner-then-close', 'reset-mid-banner', 'garbage'];
/** Seconds: ssh2's readyTimeout comes from ConnectTimeout, so a never-speaking host fails in 2 s. */
const HANDSHAKE_TIMEOUT_S = 2;
const STOP_CASE_TIMEOUT_S = 120;

describe('no peer can crash the daemon', () => {
  let sshd: SshdFixture;
  let home: TempDir;
  let echo: EchoServer;
  let daemon: DaemonHandle;
  const peers = new Map<BadPeerMode, BadSshPeer>();
  /** Exits nobody asked for (a crash), with the daemon's output. */
  const exits: string[] = [];
  const stopping = new Set<number | undefined>();

  const peer = (m: BadPeerMode): BadSshPeer => peers.get(m) as BadSshPeer;
  const badBlock = (alias: string, port: number, extra: string[] = [], timeoutS = HANDSHAKE_TIMEOUT_S): string =>
    [`Host ${alias}`, '  HostName 127.0.0.1', `  Port ${port}`, `  User ${sshd.user}`, `  IdentityFile ${sshd.userKeyPath}`,
      `  UserKnownHostsFile ${sshd.knownHostsPath}`, '  IdentitiesOnly yes', `  ConnectTimeout ${timeoutS}`, ...extra.map((l) => `  ${l}`), ''].join('\n');

  async function start(): Promise<DaemonHandle> {
    // Reconnect off: a failed handshake ends the session in `error` at once, so each case is bounded.
    const d = await startDaemon({ home: home.path, sshConfigPath: sshd.sshConfigPath, env: { WARREN_RECONNECT_ENABLED: 'false' } });
    d.proc.once('exit', (code, signal) => {
      if (!stopping.has(d.proc.pid)) exits.push(`daemon ${d.proc.pid} exited (${code ?? signal}):\n${d.output()}`);
    });
    return d;
  }

  /** The daemon answers, and a forward to the real sshd carries bytes intact. */
  async function stillServes(client: WarrenClient, name: string, port: number): Promise<void> {
    expect(exits).toEqual([]);
    expect((await client.call('daemon.status')).pid).toBe(daemon.proc.pid);
    expect((await client.call('session.get', { name })).status).toBe('active');
    const r = await echoThrough(await connectThrough(port), 256 * 1024);
    expect(r.intact).toBe(true);
  }

  const uncaughtInLog = (): string[] =>
    fs.readFileSync(daemon.paths.log, 'utf8').split('\n').filter((l) => /uncaught|unhandled/i.test(l));

  let goodPort: number;

  beforeAll(async () => {
    sshd = await startSshd();
    for (const m of MODES) peers.set(m, await startBadSshPeer(m));
    const blocks = MODES.map((m) => badBlock(`bad-${m}`, peer(m).port));
    // The same broken peers one hop away: the handshake runs over a channel of the jump host.
    blocks.push(...(['silent', 'garbage'] as const).map((m) => badBlock(`jump-${m}`, peer(m).port, ['ProxyJump fixture'])));
    // For stopping mid-handshake: a long timeout, so only the stop can end these handshakes.
    blocks.push(
      badBlock('slow-silent', peer('silent').port, [], STOP_CASE_TIMEOUT_S),
      badBlock('slow-banner-then-silent', peer('banner-then-silent').port, [], STOP_CASE_TIMEOUT_S),
      badBlock('slow-jump-silent', peer('silent').port, ['ProxyJump fixture'], STOP_CASE_TIMEOUT_S),
    );
    await sshd.writeClientConfig(blocks.join('\n'));
    home = await makeTempDir('warren-peer-crash-');
    echo = await startEchoServer();
    daemon = await start();
    goodPort = await freePort();
    await daemon.client.call('forward.add', { name: 'good', host: 'fixture', type: 'local', local_port: goodPort, remote_host: '127.0.0.1', remote_port: echo.port });
    expect((await daemon.client.call('forward.start', { name: 'good' })).status).toBe('active');
  });

  afterAll(async () => {
    stopping.add(daemon?.proc.pid);
    await daemon?.stop();
    await echo?.close();
    for (const p of peers.values()) await p.close();
    await sshd?.stop();
    await home?.remove();
  });

  async function addForward(name: string, host: string): Promise<void> {
    await daemon.client.call('forward.add', { name, host, type: 'local', local_port: await freePort(), remote_host: '127.0.0.1', remote_port: echo.port });
  }

  it('a forward to each broken host ends in `error` with a reason, in bounded time, and the daemon keeps serving', async () => {
    const hosts = [...MODES.map((m) => `bad-${m}`), 'jump-silent', 'jump-garbage'];
    for (const h of hosts) await addForward(`fail-${h}`, h);
    const outcomes = await Promise.allSettled(hosts.map((h) => daemon.client.call('forward.start', { name: `fail-${h}` })));
    for (const [i, h] of hosts.entries()) {
      expect(outcomes[i]?.status, h).toBe('rejected');
      const s = await daemon.client.call('session.get', { name: `fail-${h}` });
      expect(s.status, h).toBe('error');
      expect(s.last_error, h).toBeTruthy();
    }
    expect((await daemon.client.call('session.get', { name: 'fail-bad-silent' })).last_error).toMatch(/timed out/i);
    await stillServes(daemon.client, 'good', goodPort);
  });

  it('`forward stop` while the handshake is under way (status `starting`) stops it and tears the connection down', async () => {
    const cases: Array<{ host: string; peer: BadSshPeer }> = [
      { host: 'slow-silent', peer: peer('silent') },
      { host: 'slow-banner-then-silent', peer: peer('banner-then-silent') },
      { host: 'slow-jump-silent', peer: peer('silent') },
    ];
    for (const c of cases) {
      const name = `stop-${c.host}`;
      await addForward(name, c.host);
      const before = c.peer.bytesReceived;
      const started = daemon.client.call('forward.start', { name }).catch((e: unknown) => e);
      // ssh2 has sent its banner: the client is mid-handshake with the broken host.
      await waitFor(() => c.peer.bytesReceived > before, `${c.host}: the client's banner`);
      expect((await daemon.client.call('session.get', { name })).status).toBe('starting');
      await daemon.client.call('forward.stop', { name });
      expect((await daemon.client.call('session.get', { name })).status).toBe('stopped');
      await started; // the waiting start call is answered (with an error), not left hanging
      // The half-made client is torn down at once (the handshake timeout is minutes away).
      await waitFor(() => c.peer.open === 0, `${c.host}: connection closed after stop`);
    }
    await stillServes(daemon.client, 'good', goodPort);
  });

  it('a restart on the same home restores the failed forwards and still does not crash', async () => {
    stopping.add(daemon.proc.pid);
    await daemon.stop();
    daemon = await start();
    await waitForStatus(daemon.client, 'good', 'active');
    // The restored broken forwards fail again, each within its handshake timeout.
    for (const m of MODES) await waitForStatus(daemon.client, `fail-bad-${m}`, 'error', (HANDSHAKE_TIMEOUT_S + 10) * 1000);
    await waitForStatus(daemon.client, 'fail-jump-silent', 'error', (HANDSHAKE_TIMEOUT_S + 10) * 1000);
    // Stopped forwards stay stopped.
    expect((await daemon.client.call('session.get', { name: 'stop-slow-silent' })).status).toBe('stopped');
    await stillServes(daemon.client, 'good', goodPort);
    // Fixed at the root: no error reached the process-wide safety net.
    expect(uncaughtInLog()).toEqual([]);
  });
});
