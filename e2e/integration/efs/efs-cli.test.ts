// `warren efs …` as a user runs it: the real daemon (its AWS clients pointed at the emulator by
// emulator.env() only; its mount target checks shortened by WARREN_EFS_POLL_INTERVAL_MS), the real
// CLI, a local directory standing in for the mounted file system, counted for real.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EfsRun, EfsScalerInfo, EfsStatusResult } from '../../../src-shared/api/efs-contract.js';
import { createRouter, decodeMountTargetParameter } from '../../../src-shared/efs/index.js';
import { runWarren } from '../helpers/cli.js';
import { CLUSTER, FS, forcedDeployments, PARAM, REGION, SERVICE, SG, startEfsWorld, SUBNETS, VPC, type EfsWorld } from '../helpers/efs-world.js';

describe('warren efs through the daemon and the emulator', () => {
  let w: EfsWorld;

  beforeAll(async () => {
    w = await startEfsWorld({ prefix: 'warren-efs-cli-', files: 25 });
    w.emu.efs.availableAfterMs(300);
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  const warren = (...args: string[]) => runWarren(w.env, args);

  it('configure saves a scaler with the defaults; a missing setting is refused with a hint', async () => {
    const bad = await warren('efs', 'configure', '--name', 'partial', '--file-system-id', FS);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/error: EFS scaler "partial": .*directory/);
    expect(bad.stderr).toMatch(/hint: .*a new scaler needs --file-system-id/);

    const r = await warren(...w.configureArgs, '--threshold', '20', '--json');
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as EfsScalerInfo;
    expect(info).toMatchObject({ name: 'default', schedule_enabled: false, running: false });
    expect(info.config).toEqual({
      name: 'default',
      file_system_id: FS,
      directory: w.dir,
      recursive: false,
      threshold: 20,
      interval: '5m',
      ssm_parameter: PARAM,
      ecs_cluster: CLUSTER,
      ecs_service: SERVICE,
      vpc_id: VPC,
      security_group_id: SG,
      wait_timeout: '10m',
    });
    const text = await warren('efs', 'list');
    expect(text.stdout).toMatch(/threshold:\s+20 files/);
    expect(text.stdout).toMatch(/schedule:\s+off \(every 5m when on\)/);
  }, 60_000);

  it('run --dry-run counts, plans the free AZ, says what it would do and changes nothing', async () => {
    const before = { parameter: w.emu.parameters.info(PARAM), targets: w.emu.efs.mountTargets(FS).length };
    const r = await warren('efs', 'run', '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/outcome:\s+dry_run/);
    expect(r.stdout).toMatch(/files:\s+25 \(threshold 20, exceeded\)/);
    expect(r.stdout).toContain(`would do:\n  CreateMountTarget ${FS} in ${SUBNETS.d} (${REGION}d) with security group ${SG}`);
    expect(r.stdout).toContain(`UpdateService ${CLUSTER}/${SERVICE} with forceNewDeployment`);
    expect(r.stderr).toContain(`count: counting files in ${w.dir}\ncount: ok: 25 files in ${w.dir} (threshold 20)`);
    expect(w.emu.parameters.info(PARAM)).toEqual(before.parameter);
    expect(w.emu.efs.mountTargets(FS)).toHaveLength(before.targets);
    expect(w.emu.calls.filter((c) => ['CreateMountTarget', 'PutParameter', 'UpdateService'].includes(c.action))).toEqual([]);
  }, 60_000);

  it('run scales up with progress while it waits: new mount target in 1d, published, one forced deployment', async () => {
    const r = await warren('efs', 'run');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/outcome:\s+scaled/);
    expect(r.stderr).toMatch(/waiting for the mount target: \d+\.\d s, check 1: fsmt-[0-9a-f]+ is creating/);
    expect(r.stderr).toMatch(/waiting for the mount target: \d+\.\d s, check (?:[2-9]|\d{2,}): fsmt-[0-9a-f]+ is available/);
    expect(r.stderr).toMatch(/ecs: ok: UpdateService prod\/web with forceNewDeployment/);
    const targets = w.emu.efs.mountTargets(FS);
    expect(targets.map((m) => [m.availabilityZoneName, m.lifeCycleState])).toEqual([
      [`${REGION}a`, 'available'],
      [`${REGION}c`, 'available'],
      [`${REGION}d`, 'available'],
    ]);
    expect(decodeMountTargetParameter(w.emu.parameters.get(PARAM)!).map((m) => m.mount_target_id)).toEqual(targets.map((m) => m.mountTargetId));
    expect(forcedDeployments(w.emu)).toBe(1);
    expect(r.stdout).toContain(`/mnt/efs-2  ${REGION}d  ${targets[2]!.mountTargetId}`);
  }, 60_000);

  it('status shows the mount targets by AZ (all in the parameter), the last run and the counts', async () => {
    const r = await warren('efs', 'status', '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as EfsStatusResult;
    expect(s.mount_targets?.map((m) => [m.availability_zone, m.lifecycle_state, m.in_parameter])).toEqual([
      [`${REGION}a`, 'available', true],
      [`${REGION}c`, 'available', true],
      [`${REGION}d`, 'available', true],
    ]);
    expect(s.last_run?.outcome).toBe('scaled');
    // The VPC's zones (another VPC's subnet in 1d counts only once, as the VPC's own 1d).
    expect(s.zones).toEqual([`${REGION}a`, `${REGION}c`, `${REGION}d`]);
    expect(s.counts.map((c) => c.file_count)).toEqual([25, 25]);
    expect(s.aws_error).toBeUndefined();
    const text = await warren('efs', 'status');
    expect(text.stdout).toMatch(/AZ\s+MOUNT TARGET\s+STATE\s+IP\s+IN PARAMETER/);
    expect(text.stdout).toMatch(/last run: scaled at /);
  }, 60_000);

  it('route prints /mnt/efs-N/PATH as a task routes it; mount-plan prints the mount commands', async () => {
    const published = decodeMountTargetParameter(w.emu.parameters.get(PARAM)!);
    const router = createRouter(published);
    for (const p of ['photos/2024/cat.jpg', '/logs/app.log', 'a']) {
      const r = await warren('efs', 'route', p);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(router.resolve(p));
    }
    const bad = await warren('efs', 'route', '../etc/passwd');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/".." segments are not allowed/);

    const plan = await warren('efs', 'mount-plan');
    expect(plan.code, plan.stderr).toBe(0);
    const lines = plan.stdout.trim().split('\n');
    expect(lines[0]).toBe(`# ${PARAM}: 3 mount targets`);
    expect(lines.slice(1)).toEqual(published.map((m, i) => `mkdir -p /mnt/efs-${i} && mount -t efs -o tls,mounttargetip=${m.ip_address} ${FS} /mnt/efs-${i}`));
    const nfs = await warren('efs', 'mount-plan', '--parameter', PARAM, '--json');
    const j = JSON.parse(nfs.stdout) as { commands: Array<{ argv: string[] }> };
    expect(j.commands.map((c) => c.argv[2])).toEqual(['nfs4', 'nfs4', 'nfs4']);
    const missing = await warren('efs', 'mount-plan', '--parameter', '/app/efs/none');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/does not exist/);
  }, 60_000);

  it('with every AZ served a run warns and succeeds; a failed run exits 1 and is stored; runs lists them', async () => {
    const full = await warren('efs', 'run');
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toMatch(/outcome:\s+no_subnet/);
    expect(full.stdout).toMatch(/warning: no availability zone of vpc-0aaa0000000000001 is left/);

    w.emu.denyAction('elasticfilesystem:DescribeFileSystems');
    const failed = await warren('efs', 'run');
    w.emu.allowAction('elasticfilesystem:DescribeFileSystems');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/outcome:\s+failed at describe/);
    expect(failed.stdout).toMatch(/error: describing fs-0123456789abcdef0: AWS denied it/);

    const runs = await warren('efs', 'runs', '--json');
    const list = (JSON.parse(runs.stdout) as { runs: EfsRun[] }).runs;
    expect(list.map((r) => r.outcome)).toEqual(['failed', 'no_subnet', 'scaled', 'dry_run']);
    expect(list.every((r) => r.trigger === 'manual' && r.name === 'default')).toBe(true);
    expect((await warren('efs', 'runs')).stdout).toMatch(/RUN\s+SCALER\s+AT\s+TRIGGER\s+OUTCOME/);
  }, 60_000);
});
