// `npm run bench` (the default benchmark): Warren's SSH forwards against OpenSSH's `ssh -N -L` to
// the same sshd, in the same run, plus the daemon's own figures. Prints figures and ratios; asserts
// nothing (targets are in the issue; the note records what this printed).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createClient, type ForwardEvent } from '../../src-shared/api/index.js';
import { SocketCarrier } from '../../src-main/cli/socket-carrier.js';
import { warrenPaths } from '../../src-main/paths.js';
import { canConnect, freePort, waitFor } from '../../e2e/fixtures/ports.js';
import { startSshd } from '../../e2e/fixtures/sshd.js';
import { makeTempDir } from '../../e2e/fixtures/tmp.js';
import { cliEnv, repoRoot } from '../../e2e/integration/helpers/daemon.js';
import { startEchoServer } from '../../e2e/integration/helpers/echo-server.js';
import { cpuSeconds, percentile, pingPong, rssMiB, setupTimes, throughput } from '../measure.js';

const MB = 1024 * 1024;

/** One line: the figure, the anchor's figure and warren ÷ anchor (better: which direction wins). */
function row(name: string, warren: number, ssh: number | undefined, unit: string, better: 'higher' | 'lower'): void {
  const anchor = ssh === undefined ? '' : `${ssh.toFixed(2)} ${unit}`;
  const ratio = ssh === undefined ? '' : `${(warren / ssh).toFixed(2)} (${better} is better)`;
  console.log(`${name.padEnd(38)} ${`${warren.toFixed(2)} ${unit}`.padEnd(14)} ${anchor.padEnd(14)} ${ratio}`);
}

export async function runSshBench(quick: boolean): Promise<void> {
  const BYTES = (quick ? 32 : 128) * MB;
  const ROUNDS = quick ? 300 : 2000;
  const sshd = await startSshd();
  const home = await makeTempDir('warren-bench-');
  const echo = await startEchoServer();
  const procs: ChildProcess[] = [];
  try {
    // Anchor: OpenSSH's client, same sshd, same keys, same echo server.
    const sshPort = await freePort();
    const ssh = spawn('ssh', ['-N', '-F', sshd.sshConfigPath, '-o', 'ExitOnForwardFailure=yes', '-L', `127.0.0.1:${sshPort}:127.0.0.1:${echo.port}`, 'fixture'], {
      stdio: 'ignore',
    });
    procs.push(ssh);
    await waitFor(() => canConnect(sshPort), 'ssh -L listening', 15_000);

    // Warren: the built daemon, as users run it.
    const daemon = spawn(process.execPath, [path.join(repoRoot, 'dist/src-main/cli/warren.js'), 'daemon', 'run'], {
      env: cliEnv(home.path, sshd.sshConfigPath),
      stdio: 'ignore',
    });
    procs.push(daemon);
    const paths = warrenPaths(home.path);
    await waitFor(async () => (await import('node:fs')).existsSync(paths.socket), 'daemon socket', 30_000);
    const carrier = await SocketCarrier.connect({ socketPath: paths.socket, timeoutMs: 60_000 });
    const client = createClient(carrier);
    const wPort = await freePort();
    await client.call('forward.add', { name: 'bench', host: 'fixture', type: 'local', local_port: wPort, remote_host: '127.0.0.1', remote_port: echo.port });
    await client.call('forward.start', { name: 'bench' });
    // 10 active forwards in all (each its own port; one shared SSH connection).
    for (let i = 0; i < 9; i++) {
      const p = await freePort();
      await client.call('forward.add', { name: `idle${i}`, host: 'fixture', type: 'local', local_port: p, remote_host: '127.0.0.1', remote_port: echo.port });
      await client.call('forward.start', { name: `idle${i}` });
    }
    await new Promise((r) => setTimeout(r, 3000));
    const freshRss = rssMiB(daemon.pid!);

    console.log(`Warren vs OpenSSH ssh -N -L, same sshd on 127.0.0.1 (${quick ? 'quick' : 'full'} run, ${BYTES / MB} MB per throughput run)`);
    console.log(`${'measure'.padEnd(38)} ${'warren'.padEnd(14)} ${'ssh -L'.padEnd(14)} warren ÷ ssh -L`);
    // Warm both paths once so JIT and TCP windows don't favour the second.
    await throughput(wPort, 8 * MB, 1);
    await throughput(sshPort, 8 * MB, 1);
    // Median of 3 alternating runs each: this machine's other load makes single runs swing.
    for (const streams of [1, 8]) {
      const w: number[] = [];
      const o: number[] = [];
      for (let i = 0; i < 3; i++) {
        w.push(await throughput(wPort, BYTES, streams));
        o.push(await throughput(sshPort, BYTES, streams));
      }
      row(`throughput, ${streams} stream${streams > 1 ? 's' : ''} (median of 3)`, percentile(w, 50), percentile(o, 50), 'MB/s', 'higher');
    }
    const wp = await pingPong(wPort, ROUNDS);
    const sp = await pingPong(sshPort, ROUNDS);
    row('64 B round trip p50', percentile(wp, 50), percentile(sp, 50), 'ms', 'lower');
    row('64 B round trip p99', percentile(wp, 99), percentile(sp, 99), 'ms', 'lower');
    const ws = await setupTimes(wPort, quick ? 50 : 200);
    const ss = await setupTimes(sshPort, quick ? 50 : 200);
    row('new connection setup p50', percentile(ws, 50), percentile(ss, 50), 'ms', 'lower');

    // API round trip.
    const api: number[] = [];
    for (let i = 0; i < (quick ? 300 : 2000); i++) {
      const t0 = performance.now();
      await client.call('daemon.status');
      api.push(performance.now() - t0);
    }
    row('API round trip p50 (daemon.status)', percentile(api, 50), undefined, 'ms', 'lower');
    row('API round trip p99 (daemon.status)', percentile(api, 99), undefined, 'ms', 'lower');

    await carrier.close(); // no subscribed client: the daemon alone
    await new Promise((r) => setTimeout(r, 2000));
    const idleSecs = quick ? 10 : 30;
    const c0 = cpuSeconds(daemon.pid!);
    await new Promise((r) => setTimeout(r, idleSecs * 1000));
    const cpuPct = ((cpuSeconds(daemon.pid!) - c0) / idleSecs) * 100;
    const sshRss = rssMiB(ssh.pid!);
    row('idle CPU, 10 forwards (%)', cpuPct, undefined, '%', 'lower');
    row('RSS, 10 forwards, before traffic', freshRss, sshRss, 'MiB', 'lower');
    row('RSS, 10 forwards, idle after traffic', rssMiB(daemon.pid!), sshRss, 'MiB', 'lower');

    // Disconnect detection: kill the sshd process serving the session, time until `reconnecting`.
    const c2 = await SocketCarrier.connect({ socketPath: paths.socket, timeoutMs: 60_000 });
    const client2 = createClient(c2);
    const mem = (await client2.call('daemon.status')).memory;
    console.log(`${''.padEnd(38)} (JS heap ${(mem.heap_used / MB).toFixed(1)} of ${(mem.heap_total / MB).toFixed(1)} MiB, external ${(mem.external / MB).toFixed(1)} MiB)`);
    const seen = new Promise<number>((resolve) => {
      client2.on('event.forward', (e: ForwardEvent) => {
        if (e.name === 'bench' && e.type === 'reconnecting') resolve(performance.now());
      });
    });
    await client2.call('events.subscribe', { types: ['forward'] });
    const killedAt = performance.now();
    await sshd.killSessions();
    const detectedAt = await Promise.race([seen, new Promise<number>((r) => setTimeout(() => r(NaN), 15_000))]);
    row('disconnect detection (sshd killed)', detectedAt - killedAt, undefined, 'ms', 'lower');

    // Silent death: the serving sshd is frozen (SIGSTOP), TCP stays open; only the probes can tell.
    await waitFor(async () => (await client2.call('session.get', { name: 'bench' })).status === 'active', 'bench active again', 30_000);
    await new Promise((r) => setTimeout(r, 6000)); // let the monitor learn the new link's round trip
    const silent = new Promise<number>((resolve) => {
      client2.on('event.forward', (e: ForwardEvent) => {
        if (e.name === 'bench' && e.type === 'reconnecting') resolve(performance.now());
      });
    });
    const frozenAt = performance.now();
    await sshd.freezeSessions();
    const silentAt = await Promise.race([silent, new Promise<number>((r) => setTimeout(() => r(NaN), 15_000))]);
    await sshd.killSessions();
    await sshd.thawSessions();
    row('disconnect detection (sshd frozen)', silentAt - frozenAt, undefined, 'ms', 'lower');
    await c2.close();
    console.log('goals: throughput ≥ 0.8× ssh -L; detection ≤ 5000 ms (aim ≤ 2000); idle CPU ≤ 0.5 %; RSS ≤ 100 MiB; API p99 ≤ 10 ms');
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await echo.close();
    await sshd.stop();
    await home.remove();
  }
}

