// Path 4: OpenSSH's `ssh -N -L` through the private sshd fixture, the tunnel most users already know.
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../e2e/fixtures/ports.js';
import { startSshd } from '../../e2e/fixtures/sshd.js';
import { onAbnormalExit, spawnTracked, stopChild } from './cleanup.js';
import { waitListening } from './listening.js';
import { findBinary, type TunnelPath } from './tunnel-path.js';

export async function startSshPath(targetPort: number): Promise<TunnelPath> {
  const ssh = findBinary('ssh');
  if (!ssh) throw new Error('the OpenSSH client is not installed');
  if (!findBinary('/usr/sbin/sshd')) throw new Error('sshd is not installed at /usr/sbin/sshd (the fixture needs it)');
  const sshd = await startSshd();
  // The fixture's listener is not our tracked child: if the run is cut short, end it by its pid file.
  const forget = onAbnormalExit(() => {
    const pid = Number(fs.readFileSync(path.join(sshd.dir, 'sshd.pid'), 'utf8').trim());
    if (pid > 1) process.kill(pid, 'SIGKILL');
    fs.rmSync(sshd.dir, { recursive: true, force: true });
  });
  const port = await freePort();
  const env = { ...process.env };
  delete env['SSH_AUTH_SOCK']; // the fixture's key only, never a developer's agent
  const child = spawnTracked(
    ssh,
    ['-N', '-F', sshd.sshConfigPath, '-o', 'BatchMode=yes', '-o', 'ExitOnForwardFailure=yes', '-L', `127.0.0.1:${port}:127.0.0.1:${targetPort}`, 'fixture'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stop = async (): Promise<void> => {
    await stopChild(child);
    await sshd.stop();
    forget();
  };
  try {
    await waitListening(child, port, 'ssh -L');
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, pids: { client: child.pid }, stop };
}
