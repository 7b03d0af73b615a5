// Design properties 3 and 7 through the real SDK v3 clients against the AWS emulator (EFS's own
// one-mount-target-per-AZ rule, creating → available in time, Parameter Store versions, ECS
// deployments). src-main/aws/efs/controller.property.test.ts runs the same properties many more
// times against an in-memory account.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { efsScalerConfigSchema, type EfsScalerConfig } from '../../../src-shared/api/efs-contract.js';
import { decodeMountTargetParameter } from '../../../src-shared/efs/index.js';
import { sdkEfsPort } from '../../../src-main/aws/efs/aws-port.js';
import { runScaler, type CountFn } from '../../../src-main/aws/efs/controller.js';
import { scheduledPort } from '../../../src-main/aws/efs/fixtures/scheduled-port.js';
import { FileSystemLocks } from '../../../src-main/aws/efs/fs-locks.js';
import type { AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { CLUSTER, emulatorClients, forcedDeployments, FS, PARAM, SERVICE, SG, startEfsAccount, VPC } from '../helpers/efs-world.js';

const config = (over: Partial<EfsScalerConfig> = {}): EfsScalerConfig =>
  efsScalerConfigSchema.parse({
    name: 'media',
    file_system_id: FS,
    directory: '/mnt/efs/data',
    threshold: 100,
    ssm_parameter: PARAM,
    ecs_cluster: CLUSTER,
    ecs_service: SERVICE,
    vpc_id: VPC,
    security_group_id: SG,
    wait_timeout: '20s',
    ...over,
  });
// Property 1 (the count itself) is the file counter's; here the count is given.
const above: CountFn = async () => ({ files: 150, dirs: 0, elapsedMs: 1 });

async function withAccount<T>(zones: number, fn: (emu: AwsEmulator, aws: ReturnType<typeof emulatorClients>['aws']) => Promise<T>): Promise<T> {
  const { emu } = await startEfsAccount({ zones });
  const clients = emulatorClients(emu);
  try {
    return await fn(emu, clients.aws);
  } finally {
    clients.restore();
    await emu.close();
  }
}

describe('EFS scaler properties through the real SDK against the emulator', () => {
  it('Feature: efs-mount-target-autoscaling, Property 3: N concurrent runs in random interleavings create exactly one mount target per AZ they add, and publish them all', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 0, max: 2 }), // free AZs beyond 1d
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 4 }), // each run's "process" (lock)
        fc.integer({ min: 0, max: 80 }), // ms a new mount target stays creating
        async (s, extraZones, processes, creatingMs) =>
          withAccount(extraZones, async (emu, aws) => {
            emu.efs.availableAfterMs(creatingMs);
            const free = 1 + extraZones;
            const before = emu.efs.mountTargets(FS).length;
            const locks = [new FileSystemLocks(), new FileSystemLocks(), new FileSystemLocks()];
            const sdk = sdkEfsPort(aws);
            const records = await s.waitFor(
              Promise.all(
                processes.map((p, i) =>
                  runScaler(config(), { port: scheduledPort(sdk, s, `run-${i}`), locks: locks[p]!, count: above, pollIntervalMs: 10 }, { runId: `r${i}`, dryRun: false, trigger: 'manual' }),
                ),
              ),
            );

            const targets = emu.efs.mountTargets(FS);
            const byAz = new Map<string, string[]>();
            for (const m of targets) byAz.set(m.availabilityZoneName, [...(byAz.get(m.availabilityZoneName) ?? []), m.mountTargetId]);
            for (const [az, ids] of byAz) expect(ids, az).toHaveLength(1);
            const created = targets.length - before;
            expect(created).toBeGreaterThanOrEqual(1);
            expect(created).toBeLessThanOrEqual(Math.min(free, processes.length));
            for (const r of records) expect(['scaled', 'no_subnet'], `${r.run_id}: ${r.error ?? ''}`).toContain(r.outcome);
            const scaled = records.filter((r) => r.outcome === 'scaled');
            // Each new target was created by exactly one run; any other run that planned its AZ adopted it.
            expect(new Set(scaled.map((r) => r.new_mount_target_id)).size).toBe(created);
            expect(scaled.filter((r) => !r.adopted)).toHaveLength(created);
            for (const r of scaled) expect(byAz.get(r.plan!.availability_zone!)).toEqual([r.new_mount_target_id]);
            // EFS refused every second attempt in an AZ (MountTargetConflict) rather than creating it.
            const creates = emu.calls.filter((c) => c.action === 'CreateMountTarget');
            expect(creates.filter((c) => !c.error)).toHaveLength(created);
            expect(creates.filter((c) => c.error && c.error !== 'MountTargetConflict')).toEqual([]);
            // The parameter lists every mount target, all available: no stale writer won.
            expect(targets.every((m) => m.lifeCycleState === 'available')).toBe(true);
            expect(decodeMountTargetParameter(emu.parameters.get(PARAM)!).map((m) => m.mount_target_id).sort()).toEqual(targets.map((m) => m.mountTargetId).sort());
            expect(forcedDeployments(emu)).toBe(scaled.length);
          }),
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it('Feature: efs-mount-target-autoscaling, Property 3: repeated runs against one subnet leave one mount target there', async () => {
    await withAccount(0, async (emu, aws) => {
      const r: string[] = [];
      for (let i = 0; i < 4; i++) {
        const run = await runScaler(config(), { port: sdkEfsPort(aws), locks: new FileSystemLocks(), count: above, pollIntervalMs: 10 }, { runId: `r${i}`, dryRun: false, trigger: 'schedule' });
        r.push(run.outcome);
      }
      expect(r).toEqual(['scaled', 'no_subnet', 'no_subnet', 'no_subnet']);
      expect(emu.efs.mountTargets(FS)).toHaveLength(3);
      expect(emu.calls.filter((c) => c.action === 'CreateMountTarget')).toHaveLength(1);
    });
  });

  type Fault = { what: string; step: 'describe' | 'create' | 'wait' | 'ssm' | 'ecs'; inject: (emu: AwsEmulator) => void; waitTimeout?: string };
  const faults: Fault[] = [
    { what: 'DescribeFileSystems denied', step: 'describe', inject: (e) => e.denyAction('elasticfilesystem:DescribeFileSystems') },
    { what: 'DescribeFileSystems: not found', step: 'describe', inject: (e) => e.failAction('DescribeFileSystems', { code: 'FileSystemNotFound', status: 404 }) },
    { what: 'DescribeMountTargets fails', step: 'describe', inject: (e) => e.failAction('DescribeMountTargets', { code: 'AccessDeniedException', status: 403 }) },
    { what: 'DescribeSubnets denied', step: 'describe', inject: (e) => e.denyAction('ec2:DescribeSubnets') },
    { what: 'CreateMountTarget denied', step: 'create', inject: (e) => e.denyAction('elasticfilesystem:CreateMountTarget') },
    { what: 'CreateMountTarget: subnet full', step: 'create', inject: (e) => e.failAction('CreateMountTarget', { code: 'NoFreeAddressesInSubnet' }) },
    { what: 'CreateMountTarget: internal errors', step: 'create', inject: (e) => e.failAction('CreateMountTarget') },
    { what: 'never available in time', step: 'wait', inject: (e) => e.efs.availableAfterMs(60_000), waitTimeout: '1s' },
    { what: 'PutParameter denied', step: 'ssm', inject: (e) => e.denyAction('ssm:PutParameter') },
    { what: 'PutParameter: limit', step: 'ssm', inject: (e) => e.failAction('PutParameter', { code: 'ParameterLimitExceeded' }) },
    { what: 'UpdateService denied', step: 'ecs', inject: (e) => e.denyAction('ecs:UpdateService') },
    { what: 'UpdateService: no service', step: 'ecs', inject: (e) => e.failAction('ecs:UpdateService', { code: 'ServiceNotFoundException' }) },
  ];

  it('Feature: efs-mount-target-autoscaling, Property 7: under each injected failure the parameter and the service are untouched (ECS: parameter already updated), and nothing is created before/at creation', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...faults), fc.boolean(), fc.integer({ min: 0, max: 50 }), async (fault, published, creatingMs) =>
        withAccount(0, async (emu, aws) => {
          emu.efs.availableAfterMs(creatingMs);
          if (!published) emu.parameters.put(PARAM, 'set by hand'); // whatever was there must stay
          fault.inject(emu);
          const parameter = emu.parameters.info(PARAM);
          const deployments = emu.ecs.service(CLUSTER, SERVICE).deployments.map((d) => d.id);
          const targets = emu.efs.mountTargets(FS).map((m) => m.mountTargetId);

          const r = await runScaler(
            config(fault.waitTimeout ? { wait_timeout: fault.waitTimeout } : {}),
            { port: sdkEfsPort(aws), locks: new FileSystemLocks(), count: above, pollIntervalMs: 10 },
            { runId: 'r', dryRun: false, trigger: 'manual' },
          );
          expect(r.outcome, fault.what).toBe('failed');
          expect(r.failed_step, `${fault.what}: ${r.error}`).toBe(fault.step);
          expect(emu.ecs.service(CLUSTER, SERVICE).deployments.map((d) => d.id)).toEqual(deployments);
          expect(forcedDeployments(emu)).toBe(0);
          if (fault.step === 'ecs') {
            expect(emu.parameters.info(PARAM)?.version).toBe(parameter!.version + 1);
            expect(decodeMountTargetParameter(emu.parameters.get(PARAM)!)).toHaveLength(3);
          } else expect(emu.parameters.info(PARAM)).toEqual(parameter);
          const now = emu.efs.mountTargets(FS).map((m) => m.mountTargetId);
          if (fault.step === 'describe' || fault.step === 'create') expect(now).toEqual(targets);
          else expect(now).toHaveLength(targets.length + 1);
        }),
      ),
      { numRuns: 30 },
    );
  }, 120_000);
});
