// An SSM forward over its life, through the real daemon and the emulator: the service's maximum
// session duration met by make-before-break (the listener and the state never notice), inactivity
// judged per EC2 Connect property 8, each link's connection time and latency in the history, and
// the SSM reconnect policy giving up after its attempts with the reason.
import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForwardEvent } from '../../../src-shared/api/index.js';
import type { AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { freePort } from '../../fixtures/ports.js';
import { TrayModel, type TrayView } from '../../../src-main/electron/tray-model.js';
import { runWarren } from '../helpers/cli.js';
import { waitForStatus, type DaemonHandle } from '../helpers/daemon.js';
import type { EchoServer } from '../helpers/echo-server.js';
import { startSsmWorld, type SsmWorld } from '../helpers/ssm-world.js';
import { connectThrough, echoThrough } from '../helpers/traffic.js';

const WEB = 'i-0aaaaaaaaaaaaaaa1';
const SESSION_MS = 4000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** One round trip on a kept-open echo connection: send n random bytes, get the same n back. */
function roundTrip(socket: net.Socket, n: number, timeoutMs = 5000): Promise<boolean> {
  const sent = randomBytes(n);
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    let len = 0;
    const timer = setTimeout(() => done(new Error(`round trip timed out after ${len} of ${n} bytes`)), timeoutMs);
    const onData = (c: Buffer): void => {
      got.push(c);
      len += c.length;
      if (len >= n) done();
    };
    const onClose = (): void => done(new Error(`connection closed after ${len} of ${n} bytes`));
    function done(err?: Error): void {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve(Buffer.concat(got).equals(sent));
    }
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(sent);
  });
}

describe('SSM session lifecycle', () => {
  let world: SsmWorld;
  let target: EchoServer;
  let daemon: DaemonHandle;
  let emu: AwsEmulator;
  const events: ForwardEvent[] = [];

  beforeAll(async () => {
    world = await startSsmWorld({
      prefix: 'warren-ssm-life-',
      setup: (e) => {
        e.addInstance({ id: WEB, name: 'web', state: 'running' });
        // The service ends every session 4 s after it started (minutes on AWS).
        e.scenario.sessionsEndAfterMs(SESSION_MS);
      },
      daemonEnv: { WARREN_SSM_MAX_SESSION_DURATION: '4s', WARREN_SSM_RENEW_BEFORE: '2s', WARREN_SSM_INACTIVE_AFTER: '1s' },
    });
    ({ target, daemon, emu } = world);
    daemon.client.on('event.forward', (e) => events.push(e));
    await daemon.client.call('events.subscribe', { types: ['forward'] });
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  const status = (name: string) => daemon.client.call('ec2.status', { name });

  it('replaces the session before the maximum duration without dropping the listener or open connections', async () => {
    const port = await freePort();
    await daemon.client.call('ec2.connect', { instance_id: WEB, local_port: port, remote_port: target.port, name: 'mbb' });
    const first = (await status('mbb')).session_id!;
    expect(first).toBeTruthy();
    expect((await status('mbb')).renew_at).toBeTruthy();

    // A connection opened on the first session keeps working through the swap (echo every 50 ms
    // from 0.3 s to 3.3 s: the swap happens at 2 s, the first session is ended by the service at 4 s).
    const early = await connectThrough(port);
    const started = Date.now();
    let rounds = 0;
    while (Date.now() - started < 3000) {
      expect(await roundTrip(early, 4096)).toBe(true);
      rounds++;
      await sleep(50);
    }
    early.destroy();
    expect(rounds).toBeGreaterThan(10);

    const second = await until('a replacement session', async () => {
      const s = await status('mbb');
      return s.session_id !== first ? s : undefined;
    });
    expect(second.status).toBe('active');
    expect(second.local_port).toBe(port);
    // New connections ride the replacement, before and after the first session's end.
    expect((await echoThrough(await connectThrough(port), 256 * 1024)).intact).toBe(true);
    await sleep(SESSION_MS - (Date.now() - started) + 500);
    expect((await echoThrough(await connectThrough(port), 256 * 1024)).intact).toBe(true);
    expect(emu.activeSessions()).not.toContain(first);

    // Never seen as reconnecting: the state and the listener did not notice.
    expect(events.filter((e) => e.name === 'mbb' && e.type === 'reconnecting')).toEqual([]);
    expect((await status('mbb')).reconnect_count).toBe(0);

    const h = await daemon.client.call('ec2.history', { name: 'mbb' });
    const oldest = h.connections[h.connections.length - 1]!;
    expect(oldest).toMatchObject({ reason: 'connect', remote_id: first, target: WEB, close_reason: 'replaced by a new session' });
    expect(h.connections.some((c) => c.reason === 'replace')).toBe(true);
    for (const c of h.connections) expect(c.connect_ms).toBeGreaterThan(0);
    expect(h.summary.connections).toBe(h.connections.length);
    expect(h.summary.connect_ms_avg).toBeGreaterThan(0);
    // Probes every 1.5 s give latency samples on links that lived long enough.
    expect(h.summary.rtt_samples).toBeGreaterThan(0);
    expect(h.summary.rtt_ms_avg).toBeGreaterThan(0);

    await daemon.client.call('ec2.terminate', { name: 'mbb' });
    await waitForStatus(daemon.client, 'mbb', 'stopped');

    // The same history as a user reads it; it outlives the session.
    const cli = await runWarren(world.env, ['ec2', 'history', 'mbb']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(first);
    expect(cli.stdout).toMatch(/replace/);
    expect(cli.stdout).toMatch(/\d+ sessions: connect [\d.]+ ms median/);
  }, 60_000);

  it('judges a session inactive after no new connection and no traffic, and active again on use (property 8)', async () => {
    const port = await freePort();
    await daemon.client.call('ec2.connect', { instance_id: WEB, local_port: port, remote_port: target.port, name: 'idle' });
    const socket = await connectThrough(port);
    expect(await roundTrip(socket, 64 * 1024)).toBe(true);
    expect((await status('idle')).inactive).toBe(false);
    // An open but silent connection does not count as activity.
    const inactive = await until('inactive', async () => ((await status('idle')).inactive ? true : undefined), 5000);
    expect(inactive).toBe(true);
    // Subscribers hear it too (the next metrics tick), so the tray and the window can show it.
    await until('the inactive event', async () => (events.some((e) => e.name === 'idle' && e.session?.kind === 'ssm' && e.session.inactive === true) ? true : undefined), 3000);
    expect(await roundTrip(socket, 1024)).toBe(true);
    expect((await status('idle')).inactive).toBe(false);
    socket.destroy();
    await daemon.client.call('ec2.terminate', { name: 'idle' });
  }, 30_000);

  it('retries a lost session by the SSM policy, then gives up with the reason (properties 3 and 6)', async () => {
    await daemon.client.call('config.update', { ssm: { reconnect_initial_delay: '100ms', reconnect_max_delay: '400ms', reconnect_max_retries: 3, max_session_duration: 'none' } });
    const port = await freePort();
    await daemon.client.call('ec2.connect', { instance_id: WEB, local_port: port, remote_port: target.port, name: 'lost', new_session: true });
    const session = (await status('lost')).session_id!;
    const before = emu.calls.filter((c) => c.action === 'StartSession').length;
    // The instance goes away, and with it the session.
    emu.updateInstance(WEB, { agentOnline: false });
    world.svc.terminateSession(session);
    await waitForStatus(daemon.client, 'lost', 'reconnecting', 5000);
    await waitForStatus(daemon.client, 'lost', 'error', 10_000);
    // One immediate attempt, then 3 retries 100-200-400 ms apart.
    expect(emu.calls.filter((c) => c.action === 'StartSession').length - before).toBe(4);
    const s = await status('lost');
    expect(s.last_error).toMatch(/not connected|TargetNotConnected/i);
    emu.updateInstance(WEB, { agentOnline: true });
    await daemon.client.call('config.update', { ssm: { reconnect_initial_delay: '1s', reconnect_max_delay: '16s', reconnect_max_retries: 5, max_session_duration: '4s' } });
  }, 30_000);

  it('the tray offers the instance forwards used last, most recent first, for one-click connect', async () => {
    let view: TrayView | undefined;
    const model = new TrayModel({ client: daemon.client, startAtLogin: { supported: false, get: async () => false }, onChange: (v) => (view = v), log: { warn: () => undefined } });
    await model.start();
    model.dispose();
    const recent = view!.items.filter((i) => i.id.startsWith('instance:')).map((i) => i.id);
    expect(recent).toEqual(['instance:lost', 'instance:idle', 'instance:mbb']);
    const lost = view!.items.find((i) => i.id === 'instance:lost');
    expect(lost).toMatchObject({ kind: 'checkbox', checked: false, action: { type: 'start', name: 'lost' } });
    expect(lost && 'label' in lost ? lost.label : '').toContain(`${WEB}:${target.port}`);
  });
});
