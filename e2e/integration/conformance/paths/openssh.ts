// The reference: OpenSSH's own `ssh -N -L` on the same fixture sshd, one -L per target server.
// Every case must pass here; a case the reference fails is a wrong case.
import { spawn, type ChildProcess } from 'node:child_process';
import { canConnect, freePort, waitFor } from '../../../fixtures/ports.js';
import { cliEnv } from '../../helpers/daemon.js';
import type { ServerKind } from '../servers.js';
import { infoOf } from './info.js';
import { SERVER_KINDS, type PathDef } from './types.js';

function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  const gone = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  return gone;
}

export const opensshL: PathDef = {
  name: 'openssh-L',
  semantics: 'tcp',
  parallel: true,
  dialsOnFirstByte: false,
  async open(world) {
    const ports = new Map<ServerKind, number>();
    for (const kind of SERVER_KINDS) ports.set(kind, await freePort());
    const forwards = SERVER_KINDS.flatMap((k) => ['-L', `127.0.0.1:${ports.get(k)}:127.0.0.1:${world.servers.byKind[k].port}`]);
    const args = ['-N', '-F', world.sshd.sshConfigPath, '-o', 'BatchMode=yes', '-o', 'ExitOnForwardFailure=yes', ...forwards, 'fixture'];
    const env = cliEnv(world.home.path, world.sshd.sshConfigPath);
    const proc = spawn('ssh', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    // Probe connections reach the servers too; the cases only look at records made after they start.
    await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`ssh exited (${proc.exitCode}): ${stderr}`);
        return (await Promise.all([...ports.values()].map((p) => canConnect(p)))).every(Boolean);
      },
      'ssh -L listeners',
      15_000,
      50,
    );
    return {
      ...infoOf(opensshL),
      endpoint: (kind) => ({ port: ports.get(kind) as number }),
      faults: {
        killLink: async () => void (await world.sshd.killSessions()),
        stopForward: () => stopProcess(proc),
      },
      stop: () => stopProcess(proc),
    };
  },
};
