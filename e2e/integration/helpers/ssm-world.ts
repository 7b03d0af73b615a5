// What every SSM integration test starts: the AWS emulator with the data-channel service behind
// StartSession, a loopback echo server standing in for the instance's port, and the real daemon
// whose AWS clients see only the emulator's standard settings (no developer profile or keys).
import fs from 'node:fs/promises';
import path from 'node:path';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { startDataChannelService, type DataChannelService } from '../../fixtures/aws-emulator/data-channel/index.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { cliEnv, startDaemon, type DaemonHandle } from './daemon.js';
import { startEchoServer, type EchoServer } from './echo-server.js';

export interface SsmWorld {
  home: TempDir;
  emu: AwsEmulator;
  svc: DataChannelService;
  target: EchoServer;
  daemon: DaemonHandle;
  /** Environment for `runWarren`: the emulator's AWS settings and no other AWS_* variable. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export interface SsmWorldOptions {
  prefix: string;
  region?: string;
  /** Instances and scenarios, set before the daemon starts. */
  setup?: (emu: AwsEmulator) => void;
  /** Extra environment for the daemon only. */
  daemonEnv?: Record<string, string>;
}

export async function startSsmWorld(opts: SsmWorldOptions): Promise<SsmWorld> {
  const home = await makeTempDir(opts.prefix);
  const svc = await startDataChannelService();
  const emu = await startAwsEmulator({ sessions: svc, ...(opts.region ? { region: opts.region } : {}) });
  opts.setup?.(emu);
  const target = await startEchoServer();
  const sshConfig = path.join(home.path, 'ssh_config');
  await fs.writeFile(sshConfig, '');
  const awsEnv = emu.env() as unknown as Record<string, string>;
  const env = cliEnv(home.path, sshConfig, awsEnv);
  for (const k of Object.keys(env)) if (k.startsWith('AWS_') && !(k in awsEnv)) delete env[k];
  const daemon = await startDaemon({ home: home.path, sshConfigPath: sshConfig, env: { ...awsEnv, ...opts.daemonEnv } });
  return {
    home,
    emu,
    svc,
    target,
    daemon,
    env,
    async close() {
      await daemon.stop();
      await emu.close();
      await svc.close();
      await target.close();
      await home.remove();
    },
  };
}
