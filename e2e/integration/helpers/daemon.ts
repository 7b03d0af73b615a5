// Start the real daemon (`warren daemon run`) as a child process with its own $WARREN_HOME, and talk
// to it over its real Unix socket. kill9() is a real SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type WarrenClient } from '../../../src-shared/api/index.js';
import { SocketCarrier } from '../../../src-main/cli/socket-carrier.js';
import { warrenPaths, type WarrenPaths } from '../../../src-main/paths.js';
import { waitFor } from '../../fixtures/ports.js';
import { probeSocket } from '../../../src-main/api/doors/socket-door.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const cliEntry = path.join(repoRoot, 'src-main/cli/warren.ts');

export interface DaemonHandle {
  readonly paths: WarrenPaths;
  readonly proc: ChildProcess;
  client: WarrenClient;
  carrier: SocketCarrier;
  output(): string;
  /** Reconnect the client (after a restart). */
  connect(): Promise<void>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  home: string;
  sshConfigPath: string;
  env?: Record<string, string>;
  args?: string[];
}

export function cliEnv(home: string, sshConfigPath: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, WARREN_HOME: home, WARREN_SSH_CONFIG_PATH: sshConfigPath, NO_COLOR: '1', ...extra };
  delete env['SSH_AUTH_SOCK']; // the fixture's keys only, never a developer's agent
  return env;
}

export async function startDaemon(opts: DaemonOptions): Promise<DaemonHandle> {
  const paths = warrenPaths(opts.home);
  const proc = spawn(process.execPath, ['--import', 'tsx', cliEntry, 'daemon', 'run', ...(opts.args ?? [])], {
    cwd: repoRoot,
    env: cliEnv(opts.home, opts.sshConfigPath, opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  let exited = false;
  proc.once('exit', () => (exited = true));
  // Files may be left from a killed predecessor: wait for this process to answer on the socket.
  await waitFor(
    async () => {
      if (exited) throw new Error(`daemon exited during start:\n${out}`);
      return fs.existsSync(paths.pid) && fs.readFileSync(paths.pid, 'utf8').trim() === String(proc.pid) && (await probeSocket(paths.socket));
    },
    'daemon socket',
    30_000,
  );
  const handle: DaemonHandle = {
    paths,
    proc,
    client: undefined as unknown as WarrenClient,
    carrier: undefined as unknown as SocketCarrier,
    output: () => out,
    async connect() {
      handle.carrier = await SocketCarrier.connect({ socketPath: paths.socket, timeoutMs: 60_000 });
      handle.client = createClient(handle.carrier);
    },
    async kill9() {
      await handle.carrier?.close().catch(() => undefined);
      if (!exited) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await gone;
      }
    },
    async stop() {
      await handle.carrier?.close().catch(() => undefined);
      if (exited) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(t);
    },
  };
  await handle.connect();
  return handle;
}

/** Wait until session `name` has `status` (polling session.get; events are tested elsewhere). */
export async function waitForStatus(client: WarrenClient, name: string, status: string, timeoutMs = 15_000): Promise<number> {
  const t0 = Date.now();
  await waitFor(async () => (await client.call('session.get', { name })).status === status, `${name} ${status}`, timeoutMs, 50);
  return Date.now() - t0;
}
