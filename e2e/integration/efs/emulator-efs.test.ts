// The local AWS emulator's EFS, ECS, Parameter Store and subnet calls seen through the REAL SDK v3
// clients (src-main/aws/aws-clients.ts), pointed at it only via emulator.env(): the wire protocols
// (EFS REST-JSON, ECS and SSM JSON 1.1, EC2 Query), CreateMountTarget's placement rules, time-driven
// lifecycles, and injected faults surfacing as the SDK's own typed exceptions.
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CreateMountTargetCommand, DeleteMountTargetCommand, DescribeFileSystemsCommand, DescribeMountTargetsCommand, type MountTargetDescription } from '@aws-sdk/client-efs';
import { GetParameterCommand, GetParametersCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../../src-main/aws/aws-clients.js';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';

const FS = 'fs-0123456789abcdef0';
const VPC = 'vpc-0aaa0000000000001';
const OTHER_VPC = 'vpc-0bbb0000000000002';
const SUBNET_A = 'subnet-0a00000000000000a';
const SUBNET_A2 = 'subnet-0a00000000000000b';
const SUBNET_C = 'subnet-0c00000000000000c';
const SUBNET_D = 'subnet-0d00000000000000d';
const SUBNET_OTHER = 'subnet-0f00000000000000f';

type SdkError = Error & { $metadata?: { httpStatusCode?: number }; $fault?: string };

/** The rejection of a promise, for asserting on the SDK's exception classes. */
async function failure(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    return e as SdkError;
  }
  throw new Error('expected the call to fail');
}

describe('AWS emulator: EFS mount targets, ECS, Parameter Store and subnets through the real SDK clients', () => {
  const saved = { ...process.env };
  let emu: AwsEmulator;
  let aws: AwsClients;

  // A fresh emulator per test: no state leaks between scenarios, and it costs a few milliseconds.
  beforeEach(async () => {
    emu = await startAwsEmulator({ region: 'ap-northeast-1' });
    // Only the emulator's standard settings: no developer profile or keys may leak in.
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, emu.env());
    aws = createAwsClients({}, { maxAttempts: 1 });
    emu.ec2.addSubnet({ id: SUBNET_A, vpcId: VPC, availabilityZone: 'ap-northeast-1a', cidr: '10.0.1.0/24' });
    emu.ec2.addSubnet({ id: SUBNET_A2, vpcId: VPC, availabilityZone: 'ap-northeast-1a', cidr: '10.0.4.0/24' });
    emu.ec2.addSubnet({ id: SUBNET_C, vpcId: VPC, availabilityZone: 'ap-northeast-1c', cidr: '10.0.2.0/24' });
    emu.ec2.addSubnet({ id: SUBNET_D, vpcId: VPC, availabilityZone: 'ap-northeast-1d', cidr: '10.0.3.0/28', availableIpCount: 1 });
    emu.ec2.addSubnet({ id: SUBNET_OTHER, vpcId: OTHER_VPC, availabilityZone: 'ap-northeast-1c', cidr: '172.16.0.0/24' });
    emu.efs.addFileSystem({ id: FS, name: 'shared' });
  });
  afterEach(async () => {
    aws.destroy();
    await emu.close();
  });
  afterAll(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('describes the file system and its mount targets with every field the SDK parses', async () => {
    const seeded = emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNET_A, ipAddress: '10.0.1.100' });
    expect(seeded).toMatch(/^fsmt-[0-9a-f]{17}$/);

    const fsList = await aws.efs.send(new DescribeFileSystemsCommand({ FileSystemId: FS }));
    expect(fsList.FileSystems).toHaveLength(1);
    const fs = fsList.FileSystems![0]!;
    expect(fs).toMatchObject({ FileSystemId: FS, Name: 'shared', OwnerId: emu.accountId, LifeCycleState: 'available', NumberOfMountTargets: 1 });
    expect(fs.CreationTime).toBeInstanceOf(Date);
    expect(fs.FileSystemArn).toBe(`arn:aws:elasticfilesystem:ap-northeast-1:${emu.accountId}:file-system/${FS}`);

    const { MountTargets } = await aws.efs.send(new DescribeMountTargetsCommand({ FileSystemId: FS }));
    expect(MountTargets).toEqual([
      {
        OwnerId: emu.accountId,
        MountTargetId: seeded,
        FileSystemId: FS,
        SubnetId: SUBNET_A,
        LifeCycleState: 'available',
        IpAddress: '10.0.1.100',
        NetworkInterfaceId: expect.stringMatching(/^eni-[0-9a-f]{17}$/),
        AvailabilityZoneId: 'apne1-az1',
        AvailabilityZoneName: 'ap-northeast-1a',
        VpcId: VPC,
      },
    ]);
    const byId = await aws.efs.send(new DescribeMountTargetsCommand({ MountTargetId: seeded }));
    expect(byId.MountTargets?.map((t) => t.MountTargetId)).toEqual([seeded]);

    const noFs = await failure(aws.efs.send(new DescribeFileSystemsCommand({ FileSystemId: 'fs-00000000deadbeef0' })));
    expect(noFs.name).toBe('FileSystemNotFound');
    expect(noFs.$metadata?.httpStatusCode).toBe(404);
    expect((await failure(aws.efs.send(new DescribeMountTargetsCommand({ FileSystemId: 'fs-00000000deadbeef0' })))).name).toBe('FileSystemNotFound');
    expect((await failure(aws.efs.send(new DescribeMountTargetsCommand({ MountTargetId: 'fsmt-00000000000000000' })))).name).toBe('MountTargetNotFound');
    expect((await failure(aws.efs.send(new DescribeMountTargetsCommand({})))).name).toBe('BadRequest');
  });

  it('creates a mount target: creating, then available after the configured delay, with an address from the subnet', async () => {
    emu.efs.availableAfterMs(150);
    const created = await aws.efs.send(new CreateMountTargetCommand({ FileSystemId: FS, SubnetId: SUBNET_C, SecurityGroups: ['sg-0efs0000000000001'] }));
    expect(created).toMatchObject({ FileSystemId: FS, SubnetId: SUBNET_C, LifeCycleState: 'creating', AvailabilityZoneName: 'ap-northeast-1c', AvailabilityZoneId: 'apne1-az3', VpcId: VPC });
    expect(created.MountTargetId).toMatch(/^fsmt-[0-9a-f]{17}$/);
    // AWS keeps .0-.3 of every subnet: the first address it hands out is .4.
    expect(created.IpAddress).toBe('10.0.2.4');
    expect(emu.efs.mountTargets(FS)).toMatchObject([{ mountTargetId: created.MountTargetId, lifeCycleState: 'creating', securityGroups: ['sg-0efs0000000000001'] }]);

    const state = async (): Promise<string | undefined> => (await aws.efs.send(new DescribeMountTargetsCommand({ MountTargetId: created.MountTargetId! }))).MountTargets?.[0]?.LifeCycleState;
    expect(await state()).toBe('creating');
    await new Promise((r) => setTimeout(r, 200));
    expect(await state()).toBe('available');

    // A requested address is honoured; a second target in another subnet gets its own address.
    const second = await aws.efs.send(new CreateMountTargetCommand({ FileSystemId: FS, SubnetId: SUBNET_A, IpAddress: '10.0.1.50' }));
    expect(second.IpAddress).toBe('10.0.1.50');
    const calls = emu.calls.filter((c) => c.service === 'efs' && c.action === 'CreateMountTarget');
    expect(calls.map((c) => c.params)).toEqual([
      { FileSystemId: FS, SubnetId: SUBNET_C, SecurityGroups: ['sg-0efs0000000000001'] },
      { FileSystemId: FS, SubnetId: SUBNET_A, IpAddress: '10.0.1.50' },
    ]);
    expect(calls.every((c) => c.region === 'ap-northeast-1' && c.accessKeyId === process.env.AWS_ACCESS_KEY_ID)).toBe(true);
  });

  it('enforces the placement rules: one mount target per AZ, one VPC, known subnet and file system, free addresses', async () => {
    emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNET_A });
    const create = (p: { SubnetId: string; FileSystemId?: string; IpAddress?: string }) => aws.efs.send(new CreateMountTargetCommand({ FileSystemId: FS, ...p }));

    const sameAz = await failure(create({ SubnetId: SUBNET_A2 }));
    expect(sameAz.name).toBe('MountTargetConflict');
    expect(sameAz.$metadata?.httpStatusCode).toBe(409);
    expect(sameAz.message).toBe('mount target already exists in this AZ');
    expect((await failure(create({ SubnetId: SUBNET_A }))).name).toBe('MountTargetConflict');

    const otherVpc = await failure(create({ SubnetId: SUBNET_OTHER }));
    expect(otherVpc.name).toBe('MountTargetConflict');
    expect(otherVpc.message).toContain(OTHER_VPC);

    const noSubnet = await failure(create({ SubnetId: 'subnet-0999999999999999' }));
    expect([noSubnet.name, noSubnet.$metadata?.httpStatusCode]).toEqual(['SubnetNotFound', 400]);
    const noFs = await failure(create({ SubnetId: SUBNET_C, FileSystemId: 'fs-00000000deadbeef0' }));
    expect([noFs.name, noFs.$metadata?.httpStatusCode]).toEqual(['FileSystemNotFound', 404]);

    const seededIp = emu.efs.mountTargets(FS)[0]!.ipAddress;
    expect(seededIp).toBe('10.0.1.4');
    emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNET_C, ipAddress: '10.0.2.9' });
    emu.efs.addFileSystem({ id: 'fs-0123456789abcdef1' });
    const taken = await failure(create({ FileSystemId: 'fs-0123456789abcdef1', SubnetId: SUBNET_C, IpAddress: '10.0.2.9' }));
    expect([taken.name, taken.$metadata?.httpStatusCode]).toEqual(['IpAddressInUse', 409]);
    expect((await failure(create({ FileSystemId: 'fs-0123456789abcdef1', SubnetId: SUBNET_C, IpAddress: '10.9.9.9' }))).name).toBe('BadRequest');

    // SUBNET_D has one free address: the first mount target takes it, the next file system finds none.
    await create({ SubnetId: SUBNET_D });
    expect((await failure(create({ FileSystemId: 'fs-0123456789abcdef1', SubnetId: SUBNET_D }))).name).toBe('NoFreeAddressesInSubnet');

    // Nothing failed half-way: only the successful creates exist.
    expect(emu.efs.mountTargets(FS).map((t) => t.subnetId)).toEqual([SUBNET_A, SUBNET_C, SUBNET_D]);
    expect(emu.efs.mountTargets('fs-0123456789abcdef1')).toEqual([]);
    expect(() => emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNET_A2 })).toThrow(/MountTargetConflict/);
  });

  it('pages DescribeMountTargets with Marker/MaxItems', async () => {
    emu.ec2.addSubnet({ id: 'subnet-0e00000000000000e', vpcId: VPC, availabilityZone: 'ap-northeast-1e', cidr: '10.0.5.0/24' });
    const ids = [SUBNET_A, SUBNET_C, SUBNET_D, 'subnet-0e00000000000000e'].map((subnetId) => emu.efs.addMountTarget({ fileSystemId: FS, subnetId }));
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const r = await aws.efs.send(new DescribeMountTargetsCommand({ FileSystemId: FS, MaxItems: 3, ...(marker ? { Marker: marker } : {}) }));
      expect(r.MountTargets!.length).toBeLessThanOrEqual(3);
      if (marker) expect(r.Marker).toBe(marker);
      seen.push(...r.MountTargets!.map((t: MountTargetDescription) => t.MountTargetId!));
      marker = r.NextMarker;
      pages++;
    } while (marker);
    expect(pages).toBe(2);
    expect(seen).toEqual(ids);
    expect((await failure(aws.efs.send(new DescribeMountTargetsCommand({ FileSystemId: FS, Marker: 'bogus' })))).name).toBe('BadRequest');
  });

  it('deletes a mount target: deleting, then gone after the delay, its address free again', async () => {
    const id = emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNET_D });
    emu.efs.availableAfterMs(100);
    const creating = emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNET_C, lifecycleState: 'creating' });
    expect((await failure(aws.efs.send(new DeleteMountTargetCommand({ MountTargetId: creating })))).name).toBe('IncorrectMountTargetState');

    await aws.efs.send(new DeleteMountTargetCommand({ MountTargetId: id }));
    expect(emu.efs.mountTargets(FS).find((t) => t.mountTargetId === id)?.lifeCycleState).toBe('deleting');
    await new Promise((r) => setTimeout(r, 150));
    expect(emu.efs.mountTargets(FS)).toMatchObject([{ mountTargetId: creating, lifeCycleState: 'available' }]);
    expect((await failure(aws.efs.send(new DeleteMountTargetCommand({ MountTargetId: id })))).name).toBe('MountTargetNotFound');
    const d = await aws.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [SUBNET_D] }));
    expect(d.Subnets?.[0]?.AvailableIpAddressCount).toBe(1);
  });

  it('describes subnets by VPC and zone filters and by id, with the free address count', async () => {
    emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNET_C });
    const byVpc = await aws.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [VPC] }] }));
    expect(byVpc.Subnets?.map((s) => s.SubnetId)).toEqual([SUBNET_A, SUBNET_A2, SUBNET_C, SUBNET_D]);
    const c = byVpc.Subnets!.find((s) => s.SubnetId === SUBNET_C)!;
    expect(c).toMatchObject({ VpcId: VPC, AvailabilityZone: 'ap-northeast-1c', AvailabilityZoneId: 'apne1-az3', CidrBlock: '10.0.2.0/24', State: 'available' });
    // 256 addresses, 5 reserved by AWS, one taken by the mount target's interface.
    expect(c.AvailableIpAddressCount).toBe(250);

    const byZone = await aws.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [VPC] }, { Name: 'availability-zone', Values: ['ap-northeast-1a', 'ap-northeast-1d'] }] }));
    expect(byZone.Subnets?.map((s) => s.SubnetId)).toEqual([SUBNET_A, SUBNET_A2, SUBNET_D]);
    const byId = await aws.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [SUBNET_OTHER] }));
    expect(byId.Subnets?.map((s) => [s.SubnetId, s.VpcId])).toEqual([[SUBNET_OTHER, OTHER_VPC]]);
    expect((await failure(aws.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0123456789abcdef0'] })))).name).toBe('InvalidSubnetID.NotFound');
    expect((await failure(aws.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'bogus', Values: ['x'] }] })))).name).toBe('InvalidParameterValue');
  });

  it('keeps parameters with Overwrite semantics and versions', async () => {
    const name = '/warren/efs/mount-targets';
    const list = JSON.stringify({ mount_targets: [{ mount_target_id: 'fsmt-1', ip_address: '10.0.1.4' }] });
    expect(await aws.ssm.send(new PutParameterCommand({ Name: name, Value: list, Type: 'String' }))).toMatchObject({ Version: 1, Tier: 'Standard' });

    const again = await failure(aws.ssm.send(new PutParameterCommand({ Name: name, Value: '{}', Type: 'String' })));
    expect(again.name).toBe('ParameterAlreadyExists');
    expect(emu.parameters.get(name)).toBe(list);

    expect((await aws.ssm.send(new PutParameterCommand({ Name: name, Value: '{"mount_targets":[]}', Overwrite: true }))).Version).toBe(2);
    const got = await aws.ssm.send(new GetParameterCommand({ Name: name }));
    expect(got.Parameter).toMatchObject({ Name: name, Type: 'String', Value: '{"mount_targets":[]}', Version: 2, DataType: 'text' });
    expect(got.Parameter?.ARN).toBe(`arn:aws:ssm:ap-northeast-1:${emu.accountId}:parameter/warren/efs/mount-targets`);
    expect(got.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    expect((await aws.ssm.send(new GetParameterCommand({ Name: `${name}:1` }))).Parameter?.Value).toBe(list);

    const missing = await failure(aws.ssm.send(new GetParameterCommand({ Name: '/warren/nope' })));
    expect(missing.name).toBe('ParameterNotFound');
    expect((await failure(aws.ssm.send(new PutParameterCommand({ Name: '/warren/untyped', Value: 'x' })))).name).toBe('ValidationException');

    emu.parameters.put('/warren/seeded', 'v1');
    const many = await aws.ssm.send(new GetParametersCommand({ Names: [name, '/warren/seeded', '/warren/nope'] }));
    expect(many.Parameters?.map((p) => [p.Name, p.Version])).toEqual([
      [name, 2],
      ['/warren/seeded', 1],
    ]);
    expect(many.InvalidParameters).toEqual(['/warren/nope']);
    expect(emu.parameters.info(name)).toMatchObject({ version: 2, type: 'String' });
    expect(emu.parameters.history(name).map((v) => v.version)).toEqual([1, 2]);
  });

  it('describes ECS services (missing ones as failures) and forces a new deployment', async () => {
    emu.ecs.addService({ cluster: 'apps', service: 'web', desiredCount: 2 });
    const described = await aws.ecs.send(new DescribeServicesCommand({ cluster: 'apps', services: ['web', 'ghost'] }));
    expect(described.services).toHaveLength(1);
    const web = described.services![0]!;
    expect(web).toMatchObject({
      serviceName: 'web',
      serviceArn: `arn:aws:ecs:ap-northeast-1:${emu.accountId}:service/apps/web`,
      clusterArn: `arn:aws:ecs:ap-northeast-1:${emu.accountId}:cluster/apps`,
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 2,
    });
    expect(web.deployments?.map((d) => [d.status, d.rolloutState])).toEqual([['PRIMARY', 'COMPLETED']]);
    expect(web.deployments?.[0]?.createdAt).toBeInstanceOf(Date);
    expect(described.failures).toEqual([{ arn: `arn:aws:ecs:ap-northeast-1:${emu.accountId}:service/apps/ghost`, reason: 'MISSING' }]);

    const updated = await aws.ecs.send(new UpdateServiceCommand({ cluster: 'apps', service: 'web', forceNewDeployment: true }));
    expect(updated.service?.deployments?.map((d) => [d.status, d.rolloutState])).toEqual([
      ['PRIMARY', 'IN_PROGRESS'],
      ['ACTIVE', 'COMPLETED'],
    ]);
    const view = emu.ecs.service('apps', 'web');
    expect(view).toHaveLength(2);
    expect(view.forcedDeployments).toBe(1);
    expect(view.deployments.map((d) => d.forced)).toEqual([true, false]);

    // A desired-count change alone starts no deployment.
    await aws.ecs.send(new UpdateServiceCommand({ cluster: 'apps', service: 'web', desiredCount: 3 }));
    expect(emu.ecs.service('apps', 'web').forcedDeployments).toBe(1);
    expect(emu.ecs.service('apps', 'web').desiredCount).toBe(3);

    // Once rollouts complete, the old deployment drains away; the forced count stays.
    emu.ecs.rolloutCompletesAfterMs(0);
    await aws.ecs.send(new UpdateServiceCommand({ cluster: 'apps', service: 'web', forceNewDeployment: true }));
    const after = emu.ecs.service('apps', 'web');
    expect(after.map((d) => [d.status, d.rolloutState, d.runningCount])).toEqual([['PRIMARY', 'COMPLETED', 3]]);
    expect(after.forcedDeployments).toBe(2);

    const noService = await failure(aws.ecs.send(new UpdateServiceCommand({ cluster: 'apps', service: 'ghost', forceNewDeployment: true })));
    expect(noService.name).toBe('ServiceNotFoundException');
    const noCluster = await failure(aws.ecs.send(new UpdateServiceCommand({ cluster: 'nowhere', service: 'web', forceNewDeployment: true })));
    expect(noCluster.name).toBe('ClusterNotFoundException');
    expect((await failure(aws.ecs.send(new DescribeServicesCommand({ cluster: 'nowhere', services: ['web'] })))).name).toBe('ClusterNotFoundException');
  });

  it('injects a fault per step, in each service’s own error format, for the given number of calls', async () => {
    emu.ecs.addService({ cluster: 'apps', service: 'web' });
    emu.parameters.put('/p', 'v');
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['DescribeFileSystems', () => aws.efs.send(new DescribeFileSystemsCommand({ FileSystemId: FS }))],
      ['DescribeMountTargets', () => aws.efs.send(new DescribeMountTargetsCommand({ FileSystemId: FS }))],
      ['CreateMountTarget', () => aws.efs.send(new CreateMountTargetCommand({ FileSystemId: FS, SubnetId: SUBNET_A }))],
      ['DescribeSubnets', () => aws.ec2.send(new DescribeSubnetsCommand({}))],
      ['GetParameter', () => aws.ssm.send(new GetParameterCommand({ Name: '/p' }))],
      ['PutParameter', () => aws.ssm.send(new PutParameterCommand({ Name: '/p', Value: 'w', Overwrite: true }))],
      ['DescribeServices', () => aws.ecs.send(new DescribeServicesCommand({ cluster: 'apps', services: ['web'] }))],
      ['UpdateService', () => aws.ecs.send(new UpdateServiceCommand({ cluster: 'apps', service: 'web', forceNewDeployment: true }))],
    ];
    for (const [action, call] of steps) {
      emu.failAction(action, { code: 'ThrottlingException', message: `slow down ${action}` }, 1);
      const e = await failure(call());
      expect([action, e.name, e.message]).toEqual([action, 'ThrottlingException', `slow down ${action}`]);
      await call(); // once only
    }
    // The failed calls changed nothing: one mount target, parameter version 2, one forced deployment.
    expect(emu.efs.mountTargets(FS)).toHaveLength(1);
    expect(emu.parameters.info('/p')?.version).toBe(2);
    expect(emu.ecs.service('apps', 'web').forcedDeployments).toBe(1);

    // Named AWS errors with the status AWS gives them; the default is the service's internal error.
    emu.failAction('elasticfilesystem:CreateMountTarget', { code: 'MountTargetConflict' }, 1);
    const conflict = await failure(aws.efs.send(new CreateMountTargetCommand({ FileSystemId: FS, SubnetId: SUBNET_C })));
    expect([conflict.name, conflict.$metadata?.httpStatusCode]).toEqual(['MountTargetConflict', 409]);
    emu.failAction('CreateMountTarget');
    const internal = await failure(aws.efs.send(new CreateMountTargetCommand({ FileSystemId: FS, SubnetId: SUBNET_C })));
    expect([internal.name, internal.$metadata?.httpStatusCode, internal.$fault]).toEqual(['InternalServerError', 500, 'server']);
    expect((await failure(aws.efs.send(new CreateMountTargetCommand({ FileSystemId: FS, SubnetId: SUBNET_C })))).name).toBe('InternalServerError');
    emu.failAction('ecs:UpdateService', { code: 'ServerException', status: 500 });
    expect((await failure(aws.ecs.send(new UpdateServiceCommand({ cluster: 'apps', service: 'web' })))).name).toBe('ServerException');
    emu.failAction('PutParameter', { code: 'ParameterLimitExceeded' });
    expect((await failure(aws.ssm.send(new PutParameterCommand({ Name: '/p', Value: 'x', Overwrite: true })))).name).toBe('ParameterLimitExceeded');
    emu.failAction('DescribeSubnets', { code: 'RequestLimitExceeded' });
    expect((await failure(aws.ec2.send(new DescribeSubnetsCommand({})))).name).toBe('RequestLimitExceeded');

    emu.clearFaults();
    await aws.efs.send(new CreateMountTargetCommand({ FileSystemId: FS, SubnetId: SUBNET_C }));
    await aws.ecs.send(new UpdateServiceCommand({ cluster: 'apps', service: 'web' }));
    await aws.ssm.send(new PutParameterCommand({ Name: '/p', Value: 'x', Overwrite: true }));
    await aws.ec2.send(new DescribeSubnetsCommand({}));
    expect(emu.calls.filter((c) => c.action === 'CreateMountTarget').map((c) => c.error)).toEqual(['ThrottlingException', undefined, 'MountTargetConflict', 'InternalServerError', 'InternalServerError', undefined]);
  });

  it('denies actions in each service’s access-denied format', async () => {
    emu.ecs.addService({ cluster: 'apps', service: 'web' });
    emu.denyAction('elasticfilesystem:CreateMountTarget');
    emu.denyAction('ecs:UpdateService');
    emu.denyAction('ssm:PutParameter');
    emu.denyAction('ec2:DescribeSubnets');

    const efs = await failure(aws.efs.send(new CreateMountTargetCommand({ FileSystemId: FS, SubnetId: SUBNET_A })));
    expect([efs.name, efs.$metadata?.httpStatusCode]).toEqual(['AccessDeniedException', 403]);
    expect(efs.message).toContain('elasticfilesystem:CreateMountTarget');
    expect((await failure(aws.ecs.send(new UpdateServiceCommand({ cluster: 'apps', service: 'web', forceNewDeployment: true })))).name).toBe('AccessDeniedException');
    expect((await failure(aws.ssm.send(new PutParameterCommand({ Name: '/p', Value: 'v', Type: 'String' })))).name).toBe('AccessDeniedException');
    expect((await failure(aws.ec2.send(new DescribeSubnetsCommand({})))).name).toBe('UnauthorizedOperation');
    // Describe calls stay allowed, and nothing was created.
    expect((await aws.efs.send(new DescribeMountTargetsCommand({ FileSystemId: FS }))).MountTargets).toEqual([]);

    emu.allowAction('elasticfilesystem:CreateMountTarget');
    expect((await aws.efs.send(new CreateMountTargetCommand({ FileSystemId: FS, SubnetId: SUBNET_A }))).LifeCycleState).toBe('creating');
  });

  it('refuses EFS requests that are unsigned or signed for another service', async () => {
    const unsigned = await fetch(`${emu.url}/2015-02-01/mount-targets?FileSystemId=${FS}`);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    const wrongScope = await fetch(`${emu.url}/2015-02-01/mount-targets?FileSystemId=${FS}`, {
      headers: {
        'x-amz-date': '20250101T000000Z',
        authorization: `AWS4-HMAC-SHA256 Credential=AKIAWARRENEMULATOR01/20250101/ap-northeast-1/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
      },
    });
    expect(wrongScope.status).toBe(403);
    expect(await wrongScope.json()).toEqual({ ErrorCode: 'InvalidSignatureException', Message: "Credential should be scoped to correct service: 'elasticfilesystem'." });
  });
});
