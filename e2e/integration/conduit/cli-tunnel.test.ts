// The user's path end to end, every piece real and separate: `warren conduit init` on the client,
// `warren conduit router --config router.toml` as its own process, the daemon, `warren conduit
// start`, traffic through the bind port, the router's REST API and /metrics, a router restart
// that the tunnel heals from, and conduit.toml up/down with a UDP tunnel.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientInfoSchema, connectionStatsSchema, envelopeSchema, paginatedSchema, routerInfoSchema, trafficStatsSchema } from '../../../src-shared/api/index.js';
import { freePort, waitFor } from '../../fixtures/ports.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { runWarren } from '../helpers/cli.js';
import { cliEntry, cliEnv, repoRoot, startDaemon, waitForStatus, type DaemonHandle } from '../helpers/daemon.js';
import { startEchoServer, type EchoServer } from '../helpers/echo-server.js';
import { connectThrough, echoThrough } from '../helpers/traffic.js';

const MB = 1024 * 1024;

interface RouterProc {
  proc: ChildProcess;
  fingerprint: string;
  output(): string;
  stop(): Promise<void>;
}

async function startRouterProcess(home: string, configPath: string): Promise<RouterProc> {
  const proc = spawn(process.execPath, ['--import', 'tsx', cliEntry, 'conduit', 'router', '--config', configPath, '--drain', '1'], {
    cwd: repoRoot,
    env: { ...process.env, WARREN_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  let exited = false;
  proc.once('exit', () => (exited = true));
  await waitFor(
    () => {
      if (exited) throw new Error(`router exited:\n${out}`);
      return /listening on .* key (SHA256:\S+)/.test(out);
    },
    'router listening',
    30_000,
  );
  const fingerprint = /key (SHA256:[^,\s]+)/.exec(out)![1]!;
  return {
    proc,
    fingerprint,
    output: () => out,
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(t);
    },
  };
}

describe('warren conduit, end to end through the CLI', () => {
  let clientHome: TempDir;
  let routerHome: TempDir;
  let echo: EchoServer;
  let udpEcho: dgram.Socket;
  let udpPort: number;
  let router: RouterProc;
  let daemon: DaemonHandle;
  let env: NodeJS.ProcessEnv;
  let routerPort: number;
  let apiPort: number;
  let configPath: string;
  const bindPort = { tcp: 0, up: 0, udp: 0 };

  beforeAll(async () => {
    clientHome = await makeTempDir('warren-conduit-client-');
    routerHome = await makeTempDir('warren-conduit-router-');
    echo = await startEchoServer();
    udpEcho = dgram.createSocket('udp4');
    udpEcho.on('message', (msg, rinfo) => udpEcho.send(msg, rinfo.port, rinfo.address));
    await new Promise<void>((r) => udpEcho.bind(0, '127.0.0.1', () => r()));
    udpPort = udpEcho.address().port;
    const sshConfig = path.join(clientHome.path, 'ssh_config');
    await fs.writeFile(sshConfig, '');
    env = cliEnv(clientHome.path, sshConfig);

    const init = await runWarren(env, ['conduit', 'init', '--json']);
    expect(init.code, init.stderr).toBe(0);
    const key = JSON.parse(init.stdout) as { public_key: string; fingerprint: string };
    expect(key.public_key).toMatch(/^conduit-ed25519 /);

    routerPort = await freePort();
    apiPort = await freePort();
    configPath = path.join(routerHome.path, 'router.toml');
    await fs.writeFile(
      configPath,
      [
        '[router]',
        `bind = "127.0.0.1:${routerPort}"`,
        '[api]',
        `bind = "127.0.0.1:${apiPort}"`,
        '[health]',
        'interval_s = 1',
        '[[authorized_clients]]',
        'name = "dev-laptop"',
        `public_key = "${key.public_key}"`,
        'allow = ["127.0.0.1:*"]',
        '',
      ].join('\n'),
    );
    router = await startRouterProcess(routerHome.path, configPath);
    daemon = await startDaemon({ home: clientHome.path, sshConfigPath: sshConfig });
    bindPort.tcp = await freePort();
    bindPort.up = await freePort();
    bindPort.udp = await freePort();
  }, 90_000);

  afterAll(async () => {
    await daemon?.stop();
    await router?.stop();
    await echo?.close();
    udpEcho?.close();
    await clientHome?.remove();
    await routerHome?.remove();
  });

  it('starts a tunnel and carries 50 MB each way intact', async () => {
    const r = await runWarren(env, [
      'conduit', 'start',
      '--router', `127.0.0.1:${routerPort}`,
      '--source', `127.0.0.1:${echo.port}`,
      '--bind', `127.0.0.1:${bindPort.tcp}`,
      '--name', 'web',
      '--router-key', router.fingerprint,
    ]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('web: active');
    const res = await echoThrough(await connectThrough(bindPort.tcp), 50 * MB);
    expect(res.intact).toBe(true);

    const list = await runWarren(env, ['conduit', 'list', '--json']);
    const tunnels = (JSON.parse(list.stdout) as { tunnels: Array<{ name: string; status: string; bytes_sent: number; router_fingerprint?: string }> }).tunnels;
    const web = tunnels.find((t) => t.name === 'web')!;
    expect(web.status).toBe('active');
    expect(web.bytes_sent).toBeGreaterThanOrEqual(50 * MB);
    expect(web.router_fingerprint).toBe(router.fingerprint);
  }, 120_000);

  it("serves the router's REST API and Prometheus metrics in the documented shapes", async () => {
    const get = async (p: string): Promise<unknown> => (await fetch(`http://127.0.0.1:${apiPort}${p}`)).json();
    const info = envelopeSchema(routerInfoSchema).parse(await get('/api/v1/info'));
    expect(info.success).toBe(true);
    expect(info.data?.fingerprint).toBe(router.fingerprint);
    expect(info.request_id).toBeTruthy();
    const clients = envelopeSchema(paginatedSchema(clientInfoSchema)).parse(await get('/api/v1/clients?page=1&per_page=10'));
    expect(clients.data?.items[0]?.name).toBe('dev-laptop');
    expect(clients.data?.items[0]?.connected).toBe(true);
    const one = envelopeSchema(clientInfoSchema).parse(await get(`/api/v1/clients/${encodeURIComponent(clients.data!.items[0]!.id)}`));
    expect(one.data?.bytes_in).toBeGreaterThanOrEqual(50 * MB);
    envelopeSchema(trafficStatsSchema).parse(await get('/api/v1/stats/traffic'));
    envelopeSchema(connectionStatsSchema).parse(await get('/api/v1/stats/connections'));
    const metrics = await (await fetch(`http://127.0.0.1:${apiPort}/metrics`)).text();
    for (const name of ['conduit_connections_total', 'conduit_active_connections', 'conduit_bytes_transferred_total', 'conduit_handshake_failures_total'])
      expect(metrics).toContain(name);
    expect(metrics).toMatch(/conduit_bytes_transferred_total\{[^}]*client="dev-laptop"/);
  });

  it('heals after the router restarts: new connections flow again', async () => {
    await router.stop();
    await waitForStatus(daemon.client, 'web', 'reconnecting', 15_000);
    router = await startRouterProcess(routerHome.path, configPath);
    await waitForStatus(daemon.client, 'web', 'active', 30_000);
    const res = await echoThrough(await connectThrough(bindPort.tcp), MB);
    expect(res.intact).toBe(true);
    const s = await daemon.client.call('session.get', { name: 'web' });
    expect(s.reconnect_count).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it('brings a conduit.toml up (TCP and UDP) and down', async () => {
    const file = path.join(clientHome.path, 'conduit.toml');
    await fs.writeFile(
      file,
      [
        '[router]',
        'host = "127.0.0.1"',
        `port = ${routerPort}`,
        '[security]',
        `router_key = "${router.fingerprint}"`,
        '[[tunnels]]',
        'name = "api"',
        `source = "127.0.0.1:${echo.port}"`,
        `bind = "127.0.0.1:${bindPort.up}"`,
        '[[tunnels]]',
        'name = "dns"',
        `source = "127.0.0.1:${udpPort}"`,
        `bind = "127.0.0.1:${bindPort.udp}"`,
        'protocol = "udp"',
        '',
      ].join('\n'),
    );
    const check = await runWarren(env, ['conduit', 'config', 'validate', '-f', file]);
    expect(check.code, check.stderr).toBe(0);
    const up = await runWarren(env, ['conduit', 'up', '-f', file]);
    expect(up.code, up.stderr + up.stdout).toBe(0);
    expect(up.stdout).toContain('api: active');
    expect(up.stdout).toContain('dns: active');
    expect((await echoThrough(await connectThrough(bindPort.up), MB)).intact).toBe(true);

    const sock = dgram.createSocket('udp4');
    try {
      const got = new Promise<string>((resolve) => sock.once('message', (m) => resolve(m.toString())));
      sock.send('ping over udp', bindPort.udp, '127.0.0.1');
      expect(await got).toBe('ping over udp');
    } finally {
      sock.close();
    }

    const status = JSON.parse((await runWarren(env, ['conduit', 'status', '--json'])).stdout) as { key: { exists: boolean }; tunnels: { active: number } };
    expect(status.key.exists).toBe(true);
    expect(status.tunnels.active).toBe(3);

    const down = await runWarren(env, ['conduit', 'down', '-f', file]);
    expect(down.code, down.stderr).toBe(0);
    const names = ((await daemon.client.call('conduit.list')).tunnels).map((t) => t.name);
    expect(names).toEqual(['web']);
  }, 60_000);

  it('runs `up --foreground` as a service would, and prints a service file that systemd accepts', async () => {
    // A second WARREN_HOME (no daemon there): the process runs the engine itself and stays up.
    const home = await makeTempDir('warren-conduit-fg-');
    const port = await freePort();
    const file = path.join(home.path, 'conduit.toml');
    await fs.writeFile(
      file,
      [
        '[router]',
        `host = "127.0.0.1"`,
        `port = ${routerPort}`,
        '[security]',
        `private_key_path = "${path.join(clientHome.path, 'keys', 'conduit.key')}"`,
        `router_key = "${router.fingerprint}"`,
        '[[tunnels]]',
        'name = "fg"',
        `source = "127.0.0.1:${echo.port}"`,
        `bind = "127.0.0.1:${port}"`,
        '',
      ].join('\n'),
    );
    const fgEnv = cliEnv(home.path, path.join(clientHome.path, 'ssh_config'));
    const proc = spawn(process.execPath, ['--import', 'tsx', cliEntry, 'conduit', 'up', '-f', file, '--foreground'], { cwd: repoRoot, env: fgEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await waitFor(() => out.includes('fg: active'), 'foreground tunnel active', 30_000);
      expect((await echoThrough(await connectThrough(port), MB)).intact).toBe(true);
    } finally {
      const gone = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
      proc.kill('SIGTERM');
      expect(await gone).toBe(0);
      await home.remove();
    }

    const unit = await runWarren(env, ['conduit', 'service-file', 'systemd', '-f', file, '--warren-path', '/bin/true', '--warren-home', '/var/lib/warren']);
    expect(unit.code, unit.stderr).toBe(0);
    expect(unit.stdout).toContain(`ExecStart=/bin/true conduit up -f ${file} --foreground`);
    const analyze = spawnSync('systemd-analyze', ['--version']);
    if (analyze.error) return console.log('skipped systemd-analyze verify: systemd-analyze is not installed');
    const unitDir = await makeTempDir('warren-unit-');
    try {
      const unitPath = path.join(unitDir.path, 'warren-conduit-up.service');
      await fs.writeFile(unitPath, unit.stdout);
      const verify = spawnSync('systemd-analyze', ['verify', unitPath], { encoding: 'utf8' });
      expect(verify.status, verify.stderr).toBe(0);
    } finally {
      await unitDir.remove();
    }
  }, 60_000);

  it('kills a tunnel, and refuses bad input with a clear error and exit code', async () => {
    const kill = await runWarren(env, ['conduit', 'kill', '--tunnel', 'web']);
    expect(kill.code).toBe(0);
    expect(kill.stdout).toContain('web: stopped');
    const none = await runWarren(env, ['conduit', 'kill']);
    expect(none.code).toBe(2);
    // A source the router does not grant: `start` says so at once (the router is asked, nothing is dialed).
    const denied = await runWarren(env, [
      'conduit', 'start',
      '--router', `127.0.0.1:${routerPort}`,
      '--source', '10.9.9.9:80',
      '--bind', `127.0.0.1:${await freePort()}`,
      '--name', 'denied',
      '--router-key', router.fingerprint,
    ]);
    expect(denied.code).toBe(4);
    expect(denied.stderr).toMatch(/does not allow this client to reach 10\.9\.9\.9:80/);
    expect((await daemon.client.call('session.get', { name: 'denied' })).status).toBe('error');
    const bad = await runWarren(env, ['conduit', 'start', '--router', 'nowhere', '--source', 'x:1', '--bind', '127.0.0.1:1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/host:port/);
  });
});
