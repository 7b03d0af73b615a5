// What the EFS scaler integration tests start: the AWS emulator with one file system in a VPC of
// three availability zones (mount targets in two, the third free), the ECS service to redeploy, and
// a local directory standing in for the mounted file system. Two ways in:
//   emulatorClients() — the real SDK clients in this process (for runScaler through sdkEfsPort);
//   startEfsWorld()   — plus the real daemon and `warren` CLI, whose AWS clients see only the
//                       emulator's standard settings (no developer profile or keys).
import fs from 'node:fs/promises';
import path from 'node:path';
import { createAwsClients, type AwsClients } from '../../../src-main/aws/aws-clients.js';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { cliEnv, startDaemon, type DaemonHandle } from './daemon.js';

export const REGION = 'ap-northeast-1';
export const FS = 'fs-0123456789abcdef0';
export const VPC = 'vpc-0aaa0000000000001';
export const SG = 'sg-0ef50000000000001';
export const PARAM = '/app/efs/mount-targets';
export const CLUSTER = 'prod';
export const SERVICE = 'web';
export const SUBNETS = {
  a: 'subnet-0a00000000000000a',
  c: 'subnet-0c00000000000000c',
  d: 'subnet-0d00000000000000d',
  other: 'subnet-0f00000000000000f',
} as const;

export interface EfsAccount {
  emu: AwsEmulator;
  /** The mount targets there before the test (in a and c). */
  seeded: string[];
}

/**
 * A fresh emulator: subnets in ap-northeast-1a, 1c and 1d (1d free) of VPC plus one in another
 * VPC, the file system with mount targets in 1a and 1c, the parameter listing those two, and the
 * ECS service. `zones` adds more free AZs (1e, 1f, …).
 */
export async function startEfsAccount(opts: { zones?: number; publish?: boolean } = {}): Promise<EfsAccount> {
  const emu = await startAwsEmulator({ region: REGION });
  emu.ec2.addSubnet({ id: SUBNETS.a, vpcId: VPC, availabilityZone: `${REGION}a`, cidr: '10.0.1.0/24' });
  emu.ec2.addSubnet({ id: SUBNETS.c, vpcId: VPC, availabilityZone: `${REGION}c`, cidr: '10.0.2.0/24' });
  emu.ec2.addSubnet({ id: SUBNETS.d, vpcId: VPC, availabilityZone: `${REGION}d`, cidr: '10.0.3.0/24' });
  for (let i = 0; i < (opts.zones ?? 0); i++) {
    const letter = String.fromCharCode(101 + i); // e, f, g …
    emu.ec2.addSubnet({ id: `subnet-0${(i + 1).toString(16)}${'0'.repeat(15)}`, vpcId: VPC, availabilityZone: `${REGION}${letter}`, cidr: `10.0.${10 + i}.0/24` });
  }
  emu.ec2.addSubnet({ id: SUBNETS.other, vpcId: 'vpc-0bbb0000000000002', availabilityZone: `${REGION}d`, cidr: '172.16.0.0/24' });
  emu.efs.addFileSystem({ id: FS, name: 'shared', vpcId: VPC });
  const seeded = [emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNETS.a }), emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNETS.c })];
  if (opts.publish !== false) emu.parameters.put(PARAM, publishedNow(emu));
  emu.ecs.addService({ cluster: CLUSTER, service: SERVICE });
  return { emu, seeded };
}

/** The parameter text for the file system's available mount targets now (the design's format). */
export function publishedNow(emu: AwsEmulator): string {
  const list = emu.efs
    .mountTargets(FS)
    .filter((m) => m.lifeCycleState === 'available')
    .map((m) => ({ mount_target_id: m.mountTargetId, ip_address: m.ipAddress, availability_zone: m.availabilityZoneName, subnet_id: m.subnetId }))
    .sort((x, y) => (x.availability_zone < y.availability_zone ? -1 : 1));
  return JSON.stringify({ mount_targets: list });
}

/** Forced deployments of the service so far. */
export const forcedDeployments = (emu: AwsEmulator): number => emu.ecs.service(CLUSTER, SERVICE).forcedDeployments;

/**
 * The real SDK clients, pointed at the emulator through process.env only (as the daemon is). Call
 * restore() when done: it puts the environment back.
 */
export function emulatorClients(emu: AwsEmulator, maxAttempts = 1): { aws: AwsClients; restore(): void } {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  Object.assign(process.env, emu.env());
  const aws = createAwsClients({}, { maxAttempts });
  return {
    aws,
    restore() {
      aws.destroy();
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    },
  };
}

/** Makes `files` empty files in dir (the stand-in for the mounted file system). */
export async function fillDirectory(dir: string, files: number): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await Promise.all(Array.from({ length: files }, (_, i) => fs.writeFile(path.join(dir, `f${i}.dat`), '')));
}

export interface EfsWorld extends EfsAccount {
  home: TempDir;
  /** The "mounted" directory, with `files` files in it. */
  dir: string;
  daemon: DaemonHandle;
  /** Environment for `runWarren`: the emulator's AWS settings and no other AWS_* variable. */
  env: NodeJS.ProcessEnv;
  /** `warren efs configure` arguments for this account (add --threshold etc.). */
  configureArgs: string[];
  /** Stop the daemon (SIGTERM) and start a new one on the same $WARREN_HOME. */
  restartDaemon(): Promise<DaemonHandle>;
  close(): Promise<void>;
}

export async function startEfsWorld(opts: { prefix: string; files: number; zones?: number; daemonEnv?: Record<string, string> }): Promise<EfsWorld> {
  const account = await startEfsAccount({ ...(opts.zones !== undefined ? { zones: opts.zones } : {}) });
  const home = await makeTempDir(opts.prefix);
  const dir = path.join(home.path, 'mnt', 'efs');
  await fillDirectory(dir, opts.files);
  const sshConfig = path.join(home.path, 'ssh_config');
  await fs.writeFile(sshConfig, '');
  const awsEnv = account.emu.env() as unknown as Record<string, string>;
  const env = cliEnv(home.path, sshConfig, awsEnv);
  for (const k of Object.keys(env)) if (k.startsWith('AWS_') && !(k in awsEnv)) delete env[k];
  // Mount target checks every 20 ms instead of 5 s, so the wait is measured in milliseconds.
  const start = () => startDaemon({ home: home.path, sshConfigPath: sshConfig, env: { ...awsEnv, WARREN_EFS_POLL_INTERVAL_MS: '20', ...opts.daemonEnv } });
  const world: EfsWorld = {
    ...account,
    home,
    dir,
    daemon: await start(),
    env,
    configureArgs: [
      'efs', 'configure',
      '--file-system-id', FS,
      '--directory', dir,
      '--ssm-parameter', PARAM,
      '--ecs-cluster', CLUSTER,
      '--ecs-service', SERVICE,
      '--vpc-id', VPC,
      '--security-group-id', SG,
    ],
    async restartDaemon() {
      await world.daemon.stop();
      world.daemon = await start();
      return world.daemon;
    },
    async close() {
      await world.daemon.stop();
      await account.emu.close();
      await home.remove();
    },
  };
  return world;
}
