import { describe, expect, it } from 'vitest';
import type { EfsEvent, EfsScalerConfig } from '../../../src-shared/api/efs-contract.js';
import { decodeMountTargetParameter, encodeMountTargetParameter } from '../../../src-shared/efs/index.js';
import { runScaler, type CountFn, type RunDeps } from './controller.js';
import { awsFault, type FakeEfsAws } from './fixtures/fake-aws.js';
import { counting, fakeAccount, FS, PARAM, scalerConfig, VPC } from './fixtures/scenario.js';
import { FileSystemLocks } from './fs-locks.js';

const config = scalerConfig;
const account = (): FakeEfsAws => fakeAccount(3, 2);

let seq = 0;
function deps(aws: FakeEfsAws, files: number, over: Partial<RunDeps> = {}): RunDeps & { events: EfsEvent[] } {
  const events: EfsEvent[] = [];
  return { port: aws, locks: new FileSystemLocks(), count: counting(files), emit: (e) => void events.push(e), pollIntervalMs: 1, sleep: async () => {}, events, ...over };
}
const run = (cfg: EfsScalerConfig, d: RunDeps, dryRun = false) => runScaler(cfg, d, { runId: `run-${++seq}`, dryRun, trigger: 'manual' });
const writes = (aws: FakeEfsAws) => aws.calls.filter((c) => ['createMountTarget', 'putParameter', 'forceNewDeployment'].includes(c.method)).map((c) => c.method);

describe('runScaler', () => {
  it('scales up: a mount target in the free AZ, available, published with the others, one forced deployment', async () => {
    const aws = account();
    aws.creatingChecks = 2;
    const d = deps(aws, 150);
    const r = await run(config(), d);
    expect(r).toMatchObject({ outcome: 'scaled', file_count: 150, threshold_exceeded: true, new_mount_target_created: true, deployment_triggered: true, plan: { action: 'create', availability_zone: 'eu-west-1c', subnet_id: 'subnet-0000000c' } });
    expect(r.adopted).toBeUndefined();
    expect(writes(aws)).toEqual(['createMountTarget', 'putParameter', 'forceNewDeployment']);
    const published = decodeMountTargetParameter(aws.parameters.get(PARAM)!);
    expect(published.map((m) => m.availability_zone)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(published.map((m) => m.mount_target_id)).toContain(r.new_mount_target_id);
    expect(r.mount_targets_after).toEqual(published);
    expect(aws.deployments.get('prod/web')).toBe(1);
    // Progress: every step in order, the wait with rising check counts, then done.
    expect([...new Set(d.events.map((e) => e.stage))]).toEqual(['count', 'describe', 'plan', 'create', 'wait', 'ssm', 'ecs', 'done']);
    expect(d.events.filter((e) => e.stage === 'wait' && e.status === 'progress').map((e) => e.checks)).toEqual([1, 2, 3]);
    expect(d.events.at(-1)).toMatchObject({ stage: 'done', status: 'ok', outcome: 'scaled', name: 'media', run_id: r.run_id });
  });

  it('does nothing at or below the threshold, without asking AWS (strictly above scales)', async () => {
    const aws = account();
    const r = await run(config(), deps(aws, 100));
    expect(r).toMatchObject({ outcome: 'below_threshold', threshold_exceeded: false, new_mount_target_created: false });
    expect(aws.calls).toEqual([]);
  });

  it('no free AZ: warns, changes nothing, and still succeeds', async () => {
    const aws = account();
    aws.addMountTarget(FS, 'subnet-0000000c');
    const r = await run(config(), deps(aws, 150));
    expect(r.outcome).toBe('no_subnet');
    expect(r.warning).toMatch(/no availability zone of vpc-0a1b2c3d4e5f60718 is left/);
    expect(r.error).toBeUndefined();
    expect(r.mount_targets_after).toHaveLength(3);
    expect(writes(aws)).toEqual([]);
  });

  it('a dry run plans and reports what it would do, and writes nothing', async () => {
    const aws = account();
    const r = await run(config(), deps(aws, 150), true);
    expect(r).toMatchObject({ outcome: 'dry_run', dry_run: true, new_mount_target_created: false, deployment_triggered: false, plan: { availability_zone: 'eu-west-1c' } });
    expect(r.actions).toEqual([
      `CreateMountTarget ${FS} in subnet-0000000c (eu-west-1c) with security group sg-0a1b2c3d4e5f60718`,
      'wait until it is available (up to 1m)',
      `PutParameter ${PARAM} (Overwrite) listing 3 mount targets`,
      'UpdateService prod/web with forceNewDeployment',
    ]);
    expect(writes(aws)).toEqual([]);
  });

  it('a count failure stops before AWS: file_count null, failed at count', async () => {
    const aws = account();
    const err = Object.assign(new Error('Cannot count files in /mnt/efs/data: it does not exist (ENOENT).'), { name: 'FileCountError' });
    const r = await run(config(), deps(aws, 0, { count: async () => Promise.reject(err) }));
    expect(r).toMatchObject({ outcome: 'failed', failed_step: 'count', file_count: null, error: err.message });
    expect(aws.calls).toEqual([]);
  });

  it('an EFS access error stops the run with nothing changed', async () => {
    const aws = account();
    aws.fail('describeFileSystem', awsFault('AccessDeniedException', 'not authorized to perform elasticfilesystem:DescribeFileSystems'));
    const r = await run(config(), deps(aws, 150));
    expect(r).toMatchObject({ outcome: 'failed', failed_step: 'describe' });
    expect(r.error).toMatch(/AWS denied it/);
    expect(writes(aws)).toEqual([]);
  });

  it('a create failure: no SSM write, no deployment', async () => {
    const aws = account();
    aws.fail('createMountTarget', awsFault('NoFreeAddressesInSubnet', 'no free addresses'));
    const r = await run(config(), deps(aws, 150));
    expect(r).toMatchObject({ outcome: 'failed', failed_step: 'create', new_mount_target_created: false });
    expect(aws.byAz(FS).has('eu-west-1c')).toBe(false);
    expect(aws.parameters.size).toBe(0);
    expect(aws.deployments.size).toBe(0);
  });

  it('a wait timeout leaves the new target creating, unpublished, and deploys nothing', async () => {
    const aws = account();
    aws.creatingChecks = 1_000;
    let t = 0;
    const r = await run(config({ wait_timeout: '10s' }), deps(aws, 150, { pollIntervalMs: 2000, now: () => t, sleep: async (ms) => void (t += ms) }));
    expect(r).toMatchObject({ outcome: 'failed', failed_step: 'wait', new_mount_target_created: true });
    expect(r.error).toMatch(/still "creating" after \d+ s \(wait_timeout 10 s\)/);
    expect(aws.parameters.size).toBe(0);
    expect(aws.deployments.size).toBe(0);
  });

  it('an SSM failure keeps the parameter and starts no deployment; an ECS failure is recorded after the parameter is written', async () => {
    const aws = account();
    aws.parameters.set(PARAM, 'before');
    aws.fail('putParameter', awsFault('AccessDeniedException', 'ssm:PutParameter'));
    const ssm = await run(config(), deps(aws, 150));
    expect(ssm).toMatchObject({ outcome: 'failed', failed_step: 'ssm', deployment_triggered: false });
    expect(ssm.error).toMatch(/the parameter is unchanged and no deployment was started/);
    expect(aws.parameters.get(PARAM)).toBe('before');
    expect(aws.deployments.size).toBe(0);

    const aws2 = account();
    aws2.fail('forceNewDeployment', awsFault('ServiceNotFoundException', 'Service not found.'));
    const ecs = await run(config(), deps(aws2, 150));
    expect(ecs).toMatchObject({ outcome: 'failed', failed_step: 'ecs', deployment_triggered: false, new_mount_target_created: true });
    expect(ecs.error).toMatch(/already updated/);
    expect(decodeMountTargetParameter(aws2.parameters.get(PARAM)!)).toHaveLength(3);
  });

  it('adopts the mount target a concurrent run created after the describe (re-check), creating none', async () => {
    const aws = account();
    let raced = false;
    aws.before = (method) => {
      // Between this run's describe and its create, another process creates in eu-west-1c.
      if (method === 'listMountTargets' && aws.calls.filter((c) => c.method === 'listMountTargets').length === 2 && !raced) {
        raced = true;
        aws.addMountTarget(FS, 'subnet-0000000c', 'creating');
      }
    };
    const r = await run(config(), deps(aws, 150));
    expect(r).toMatchObject({ outcome: 'scaled', adopted: true });
    expect(aws.calls.some((c) => c.method === 'createMountTarget')).toBe(false);
    expect(aws.byAz(FS).get('eu-west-1c')).toHaveLength(1);
  });

  it('adopts on MountTargetConflict (the other creator won the race to CreateMountTarget)', async () => {
    const aws = account();
    aws.before = (method) => {
      if (method === 'createMountTarget' && !aws.byAz(FS).has('eu-west-1c')) aws.addMountTarget(FS, 'subnet-0000000c', 'available');
    };
    const r = await run(config(), deps(aws, 150));
    expect(r).toMatchObject({ outcome: 'scaled', adopted: true, new_mount_target_created: true });
    expect(aws.byAz(FS).get('eu-west-1c')).toHaveLength(1);
    expect(r.new_mount_target_id).toBe(aws.byAz(FS).get('eu-west-1c')![0]!.mount_target_id);
  });

  it('runs in one process take turns per file system, so two runs never plan the same AZ', async () => {
    const aws = account();
    aws.addSubnet('subnet-0000000e', 'eu-west-1e', VPC);
    const locks = new FileSystemLocks();
    const [a, b] = await Promise.all([run(config(), deps(aws, 150, { locks })), run(config({ name: 'other' }), deps(aws, 150, { locks }))]);
    expect([a.outcome, b.outcome]).toEqual(['scaled', 'scaled']);
    expect([a.plan?.availability_zone, b.plan?.availability_zone]).toEqual(['eu-west-1c', 'eu-west-1e']);
    expect([...aws.byAz(FS).values()].every((l) => l.length === 1)).toBe(true);
    expect(decodeMountTargetParameter(aws.parameters.get(PARAM)!)).toHaveLength(4);
  });

  it('rewrites the parameter when a concurrent writer published an older list after this run did', async () => {
    const aws = account();
    aws.addSubnet('subnet-0000000e', 'eu-west-1e', VPC);
    const other = aws.addMountTarget(FS, 'subnet-0000000e', 'creating'); // another process's, not yet available
    let raced = false;
    aws.before = (method) => {
      // After this run wrote [a, b, c], the other process's target becomes available and it writes
      // the list it saw before c was available: [a, b, e].
      if (method === 'listMountTargets' && !raced && aws.calls.some((c) => c.method === 'putParameter')) {
        raced = true;
        other.lifecycle_state = 'available';
        const seen = aws.mountTargets.filter((m) => m.availability_zone !== 'eu-west-1c');
        aws.parameters.set(PARAM, encodeMountTargetParameter(seen.map(({ mount_target_id, ip_address, availability_zone, subnet_id }) => ({ mount_target_id, ip_address: ip_address!, availability_zone, subnet_id }))));
      }
    };
    const r = await run(config(), deps(aws, 150));
    expect(r.outcome).toBe('scaled');
    expect(aws.calls.filter((c) => c.method === 'putParameter')).toHaveLength(2);
    const final = decodeMountTargetParameter(aws.parameters.get(PARAM)!);
    expect(final.map((m) => m.availability_zone)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c', 'eu-west-1e']);
    expect(r.mount_targets_after).toEqual(final);
  });

  it('cancelling while counting ends the run as failed at count, having asked AWS nothing', async () => {
    const aws = account();
    const ac = new AbortController();
    const count: CountFn = (_dir, o) =>
      new Promise((_, reject) => o.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
    const p = run(config(), deps(aws, 0, { count, signal: ac.signal }));
    ac.abort();
    const r = await p;
    expect(r).toMatchObject({ outcome: 'failed', failed_step: 'count' });
    expect(r.error).toMatch(/cancelled/);
    expect(aws.calls).toEqual([]);
  });
});
