// One scaler run (runScaler) through the real SDK v3 clients against the AWS emulator, the files
// counted by the real counter in a local directory: the design's flow end to end, the no-subnet
// case, a dry run, and every row of the design's error table.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { efsScalerConfigSchema, type EfsEvent, type EfsScalerConfig } from '../../../src-shared/api/efs-contract.js';
import { decodeMountTargetParameter } from '../../../src-shared/efs/index.js';
import { sdkEfsPort } from '../../../src-main/aws/efs/aws-port.js';
import { runScaler } from '../../../src-main/aws/efs/controller.js';
import { FileSystemLocks } from '../../../src-main/aws/efs/fs-locks.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import type { AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { CLUSTER, emulatorClients, fillDirectory, forcedDeployments, FS, PARAM, REGION, SERVICE, SG, startEfsAccount, SUBNETS, VPC } from '../helpers/efs-world.js';

describe('EFS scaler run through the real SDK against the emulator', () => {
  let emu: AwsEmulator;
  let seeded: string[];
  let tmp: TempDir;
  let dir: string;
  let clients: ReturnType<typeof emulatorClients>;

  beforeEach(async () => {
    ({ emu, seeded } = await startEfsAccount());
    clients = emulatorClients(emu);
    tmp = await makeTempDir('warren-efs-flow-');
    dir = path.join(tmp.path, 'data');
    await fillDirectory(dir, 12);
  });
  afterEach(async () => {
    clients.restore();
    await emu.close();
    await tmp.remove();
  });

  const config = (over: Partial<EfsScalerConfig> = {}): EfsScalerConfig =>
    efsScalerConfigSchema.parse({
      name: 'media',
      file_system_id: FS,
      directory: dir,
      threshold: 10,
      ssm_parameter: PARAM,
      ecs_cluster: CLUSTER,
      ecs_service: SERVICE,
      vpc_id: VPC,
      security_group_id: SG,
      wait_timeout: '20s',
      ...over,
    });
  const run = (cfg: EfsScalerConfig, opts: { dryRun?: boolean; events?: EfsEvent[] } = {}) =>
    runScaler(
      cfg,
      { port: sdkEfsPort(clients.aws), locks: new FileSystemLocks(), pollIntervalMs: 20, ...(opts.events ? { emit: (e: EfsEvent) => void opts.events!.push(e) } : {}) },
      { runId: 'run-1', dryRun: opts.dryRun ?? false, trigger: 'manual' },
    );
  const creates = () => emu.calls.filter((c) => c.action === 'CreateMountTarget');
  const snapshot = () => ({
    parameter: emu.parameters.info(PARAM),
    deployments: emu.ecs.service(CLUSTER, SERVICE).deployments.map((d) => d.id),
    forced: forcedDeployments(emu),
    mountTargets: emu.efs.mountTargets(FS).map((m) => m.mountTargetId),
  });

  it('count above the threshold: a new mount target in the free AZ, waited for, published with the others, one forced deployment', async () => {
    emu.efs.availableAfterMs(200);
    const events: EfsEvent[] = [];
    const r = await run(config(), { events });
    expect(r, r.error).toMatchObject({ outcome: 'scaled', file_count: 12, threshold_exceeded: true, new_mount_target_created: true, deployment_triggered: true });
    expect(r.plan).toEqual({ action: 'create', availability_zone: `${REGION}d`, subnet_id: SUBNETS.d });

    const targets = emu.efs.mountTargets(FS);
    expect(targets.map((m) => [m.availabilityZoneName, m.lifeCycleState])).toEqual([
      [`${REGION}a`, 'available'],
      [`${REGION}c`, 'available'],
      [`${REGION}d`, 'available'],
    ]);
    const created = targets[2]!;
    expect(created.mountTargetId).toBe(r.new_mount_target_id);
    expect(created.securityGroups).toEqual([SG]);
    expect(creates()).toHaveLength(1);

    // The parameter: the design's JSON, the three available targets, in AZ order.
    const published = decodeMountTargetParameter(emu.parameters.get(PARAM)!);
    expect(published).toEqual(
      targets.map((m) => ({ mount_target_id: m.mountTargetId, ip_address: m.ipAddress, availability_zone: m.availabilityZoneName, subnet_id: m.subnetId })),
    );
    expect(emu.parameters.info(PARAM)?.type).toBe('String');
    expect(r.mount_targets_after).toEqual(published);

    // Exactly one forced deployment, after the parameter was written.
    const service = emu.ecs.service(CLUSTER, SERVICE);
    expect(service.forcedDeployments).toBe(1);
    const order = emu.calls.filter((c) => ['CreateMountTarget', 'PutParameter', 'UpdateService'].includes(c.action)).map((c) => c.action);
    expect(order).toEqual(['CreateMountTarget', 'PutParameter', 'UpdateService']);
    expect(service.deployments[0]).toMatchObject({ status: 'PRIMARY', forced: true });

    // The wait was seen: "creating" checks, then available.
    const checks = events.filter((e) => e.stage === 'wait' && e.status === 'progress');
    expect(checks.length).toBeGreaterThanOrEqual(2);
    expect(checks[0]!.message).toContain('creating');
    expect(checks.at(-1)!.message).toContain('available');
  });

  it('no AZ left: warns, changes nothing, succeeds', async () => {
    emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNETS.d });
    const before = snapshot();
    const r = await run(config());
    expect(r.outcome).toBe('no_subnet');
    expect(r.warning).toMatch(new RegExp(`no availability zone of ${VPC} is left`));
    expect(r.error).toBeUndefined();
    expect(snapshot()).toEqual(before);
    expect(creates()).toEqual([]);
  });

  it('at or below the threshold nothing is asked of AWS', async () => {
    const r = await run(config({ threshold: 12 }));
    expect(r.outcome).toBe('below_threshold');
    expect(emu.calls).toEqual([]);
  });

  it('a dry run reports what it would do and changes nothing', async () => {
    const before = snapshot();
    const r = await run(config(), { dryRun: true });
    expect(r).toMatchObject({ outcome: 'dry_run', dry_run: true, plan: { availability_zone: `${REGION}d`, subnet_id: SUBNETS.d } });
    expect(r.actions[0]).toBe(`CreateMountTarget ${FS} in ${SUBNETS.d} (${REGION}d) with security group ${SG}`);
    expect(r.actions).toContain(`UpdateService ${CLUSTER}/${SERVICE} with forceNewDeployment`);
    expect(snapshot()).toEqual(before);
    expect(emu.calls.filter((c) => !/^Describe|^Get/.test(c.action))).toEqual([]);
  });

  it('a mount target a concurrent run created in the planned AZ after the describe is adopted (re-check), not duplicated', async () => {
    emu.efs.availableAfterMs(100);
    const port = sdkEfsPort(clients.aws);
    let other: string | undefined;
    const racing = {
      ...port,
      // The other process creates in 1d between this run's describe and its re-check.
      listMountTargets: async (fs: string) => {
        if (other === undefined && emu.calls.some((c) => c.action === 'DescribeSubnets')) other = emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNETS.d, lifecycleState: 'creating' });
        return port.listMountTargets(fs);
      },
    };
    const r = await runScaler(config(), { port: racing, locks: new FileSystemLocks(), pollIntervalMs: 20 }, { runId: 'run-1', dryRun: false, trigger: 'manual' });
    expect(r).toMatchObject({ outcome: 'scaled', adopted: true, new_mount_target_id: other });
    expect(emu.efs.mountTargets(FS).filter((m) => m.availabilityZoneName === `${REGION}d`)).toHaveLength(1);
    expect(creates()).toEqual([]);
  });

  it('a MountTargetConflict from CreateMountTarget (the other creator won) adopts the target in that AZ', async () => {
    const port = sdkEfsPort(clients.aws);
    let other: string | undefined;
    const racing = {
      ...port,
      createMountTarget: async (input: Parameters<typeof port.createMountTarget>[0]) => {
        other = emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNETS.d }); // just before ours reaches EFS
        return port.createMountTarget(input);
      },
    };
    const r = await runScaler(config(), { port: racing, locks: new FileSystemLocks(), pollIntervalMs: 20 }, { runId: 'run-1', dryRun: false, trigger: 'manual' });
    expect(creates().map((c) => c.error)).toEqual(['MountTargetConflict']); // EFS itself refused the second
    expect(r).toMatchObject({ outcome: 'scaled', adopted: true, new_mount_target_id: other });
    expect(emu.efs.mountTargets(FS)).toHaveLength(3);
    expect(decodeMountTargetParameter(emu.parameters.get(PARAM)!).map((m) => m.mount_target_id)).toEqual([...seeded, other]);
    expect(forcedDeployments(emu)).toBe(1);
  });

  it('a subnet of another VPC is never chosen, even when it is the only one in a free AZ', async () => {
    emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNETS.d });
    emu.ec2.addSubnet({ id: 'subnet-0e0000000000000ee', vpcId: 'vpc-0bbb0000000000002', availabilityZone: `${REGION}e`, cidr: '172.16.1.0/24' });
    const r = await run(config());
    expect(r.outcome).toBe('no_subnet');
    expect(creates()).toEqual([]);
  });

  // The design's error table, one row at a time (Property 7 explores them randomly in properties.test.ts).
  it.each([
    ['EFS access error (DescribeFileSystems denied)', () => emu.denyAction('elasticfilesystem:DescribeFileSystems'), 'describe'],
    ['DescribeMountTargets fails', () => emu.failAction('DescribeMountTargets', { code: 'AccessDeniedException' }), 'describe'],
    ['DescribeSubnets fails', () => emu.failAction('DescribeSubnets', { code: 'UnauthorizedOperation', status: 403 }), 'describe'],
    ['CreateMountTarget denied', () => emu.denyAction('elasticfilesystem:CreateMountTarget'), 'create'],
    ['CreateMountTarget: no free address', () => emu.failAction('CreateMountTarget', { code: 'NoFreeAddressesInSubnet' }), 'create'],
    ['PutParameter denied', () => emu.denyAction('ssm:PutParameter'), 'ssm'],
    ['UpdateService fails', () => emu.failAction('ecs:UpdateService', { code: 'ServiceNotFoundException', message: 'Service not found.' }), 'ecs'],
  ] as const)('%s: stops at %s with the parameter and the service as the table says', async (_what, inject, step) => {
    inject();
    const before = snapshot();
    const r = await run(config());
    expect(r.outcome).toBe('failed');
    expect(r.failed_step).toBe(step);
    const after = snapshot();
    expect(after.deployments).toEqual(before.deployments);
    expect(after.forced).toBe(0);
    if (step === 'ecs') {
      expect(after.parameter?.version).toBe(before.parameter!.version + 1); // written before the deployment failed
      expect(decodeMountTargetParameter(after.parameter!.value)).toHaveLength(3);
      expect(r.error).toMatch(/already updated/);
    } else expect(after.parameter).toEqual(before.parameter);
    if (step === 'describe' || step === 'create') expect(after.mountTargets).toEqual(before.mountTargets);
    else expect(after.mountTargets).toHaveLength(3);
  });

  it('the wait times out: the new target is left creating, nothing published, no deployment', async () => {
    emu.efs.availableAfterMs(60_000);
    const before = snapshot();
    const r = await run(config({ wait_timeout: '1s' }));
    expect(r).toMatchObject({ outcome: 'failed', failed_step: 'wait', new_mount_target_created: true });
    expect(emu.efs.mountTargets(FS).find((m) => m.mountTargetId === r.new_mount_target_id)?.lifeCycleState).toBe('creating');
    expect(snapshot().parameter).toEqual(before.parameter);
    expect(forcedDeployments(emu)).toBe(0);
  });

  it('the directory cannot be read: failed at count, AWS not asked', async () => {
    const r = await run(config({ directory: path.join(tmp.path, 'not-mounted') }));
    expect(r).toMatchObject({ outcome: 'failed', failed_step: 'count', file_count: null });
    expect(r.error).toMatch(/does not exist \(ENOENT\)/);
    expect(emu.calls).toEqual([]);
  });
});
