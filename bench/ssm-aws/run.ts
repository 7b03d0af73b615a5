// `npm run bench -- ssm`: Warren's native SSM forwarding against the local AWS emulator (EC2/SSM
// control plane + data-channel agent in this process), through the built daemon as users run it.
// Figures: connect → first byte through the local port (EC2 Connect's goal: ≤ 150 ms), throughput
// on 1 and 8 connections, and the time to carry traffic again after the WebSocket drops (resume).
// THE EMULATOR IS NOT AWS: no real network, no real gateway; these figures bound Warren's own cost.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient, type WarrenClient } from '../../src-shared/api/index.js';
import { SocketCarrier } from '../../src-main/cli/socket-carrier.js';
import { warrenPaths } from '../../src-main/paths.js';
import { freePort, waitFor } from '../../e2e/fixtures/ports.js';
import { makeTempDir } from '../../e2e/fixtures/tmp.js';
import { startAwsEmulator } from '../../e2e/fixtures/aws-emulator/index.js';
import { startDataChannelService } from '../../e2e/fixtures/aws-emulator/data-channel/index.js';
import { cliEnv, repoRoot } from '../../e2e/integration/helpers/daemon.js';
import { startEchoServer } from '../../e2e/integration/helpers/echo-server.js';
import { percentile, streamThroughput } from '../measure.js';

const INSTANCE = 'i-0bec0000000000001';
const MB = 1024 * 1024;

/** One byte out and back on a fresh connection; rejects if nothing comes back within ms. */
function firstByte(port: number, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, noDelay: true });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('no echo'));
    }, ms);
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.once('connect', () => s.write('x'));
    s.once('data', () => {
      clearTimeout(timer);
      s.destroy();
      resolve();
    });
  });
}

export async function runSsmBench(quick: boolean): Promise<void> {
  const procs: ChildProcess[] = [];
  const home = await makeTempDir('warren-bench-ssm-');
  const svc = await startDataChannelService();
  const emu = await startAwsEmulator({ sessions: svc });
  emu.addInstance({ id: INSTANCE, name: 'bench', state: 'running' });
  const target = await startEchoServer();
  const killAll = (): void => {
    for (const p of procs) p.kill('SIGKILL');
  };
  process.once('exit', killAll);
  let client: WarrenClient | undefined;
  let carrier: SocketCarrier | undefined;
  try {
    const sshConfig = path.join(home.path, 'ssh_config');
    fs.writeFileSync(sshConfig, '');
    const awsEnv = emu.env() as unknown as Record<string, string>;
    const env = cliEnv(home.path, sshConfig, awsEnv);
    for (const k of Object.keys(env)) if (k.startsWith('AWS_') && !(k in awsEnv)) delete env[k];
    const daemon = spawn(process.execPath, [path.join(repoRoot, 'dist/src-main/cli/warren.js'), 'daemon', 'run'], { env, stdio: 'ignore' });
    procs.push(daemon);
    const paths = warrenPaths(home.path);
    await waitFor(() => fs.existsSync(paths.socket), 'daemon socket', 30_000);
    carrier = await SocketCarrier.connect({ socketPath: paths.socket, timeoutMs: 60_000 });
    client = createClient(carrier);
    const c = client;

    // 1. connect → first byte, each time a new SSM session (StartSession, WebSocket, handshake).
    const rounds = quick ? 5 : 20;
    const connectTimes: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const port = await freePort();
      const t0 = performance.now();
      await c.call('ec2.connect', { instance_id: INSTANCE, local_port: port, remote_port: target.port, name: `b${i}` });
      await firstByte(port, 10_000);
      connectTimes.push(performance.now() - t0);
      await c.call('ec2.terminate', { name: `b${i}` });
    }

    // 2. throughput on one session, 1 and 8 connections (echo: MB/s each way).
    const port = await freePort();
    await c.call('ec2.connect', { instance_id: INSTANCE, local_port: port, remote_port: target.port, name: 'tput' });
    const bytes = (quick ? 8 : 32) * MB;
    const one = await streamThroughput(port, bytes, 1);
    const eight = await streamThroughput(port, bytes, 8);

    // 3. resume: drop the WebSocket, time until a new connection echoes again.
    const resumeTimes: number[] = [];
    for (let i = 0; i < (quick ? 3 : 10); i++) {
      const s = await c.call('ec2.status', { name: 'tput' });
      if (!s.session_id) throw new Error('no SSM session id');
      const t0 = performance.now();
      svc.dropWebSocket(s.session_id);
      for (;;) {
        try {
          await firstByte(port, 2000);
          break;
        } catch {
          if (performance.now() - t0 > 30_000) throw new Error('did not resume within 30 s');
        }
      }
      resumeTimes.push(performance.now() - t0);
    }

    const p50 = (v: number[]): string => `${percentile(v, 50).toFixed(1)} ms`;
    console.log('\nWarren SSM port forwarding against the LOCAL EMULATOR (not AWS: no real network or gateway)\n');
    console.log(`connect → first byte through the local port   p50 ${p50(connectTimes)}, p99 ${percentile(connectTimes, 99).toFixed(1)} ms (${rounds} sessions)   goal ≤ 150 ms: ${percentile(connectTimes, 50) <= 150 ? 'met' : 'MISSED'}`);
    console.log(`throughput, 1 connection                      ${one.toFixed(1)} MB/s each way (reference plugin against AWS: ~0.5–0.8 MB/s, reported)`);
    console.log(`throughput, 8 connections (smux)              ${eight.toFixed(1)} MB/s each way`);
    console.log(`resume after a WebSocket drop                 p50 ${p50(resumeTimes)} (${resumeTimes.length} drops)`);
  } finally {
    await carrier?.close().catch(() => undefined);
    killAll();
    await emu.close();
    await svc.close();
    await target.close();
    await home.remove();
  }
}
