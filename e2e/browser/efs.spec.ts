// Browser mode end to end with the EFS mount target scaler: the real daemon, its AWS SDK clients
// pointed at the emulator by its standard env() only, a file system with one mount target in AZ a,
// subnets in AZ a and b of its VPC, an ECS service, and a directory with 30 files. A user opens the
// EFS tab, configures the scaler through the form (threshold 20), runs a dry run (a record, nothing
// created), runs it for real (progress, then the new mount target in AZ b, published to SSM and one
// forced deployment), sees the counts on the chart, and turns the schedule on, which a reload keeps.
import fs from 'node:fs';
import path from 'node:path';
import { startAwsEmulator, type AwsEmulator } from '../fixtures/aws-emulator/index.js';
import { makeTempDir, type TempDir } from '../fixtures/tmp.js';
import { expect, runBrowserDaemon, test as base } from './fixtures.js';

const REGION = 'ap-northeast-1';
const FS = 'fs-0123456789abcdef0';
const VPC = 'vpc-0aaa0000000000001';
const SUBNET_A = 'subnet-0a00000000000000a';
const SUBNET_B = 'subnet-0b00000000000000b';
const SG = 'sg-0e0f0000000000001';
const PARAMETER = '/app/efs/mount-targets';
const FILES = 30;
const THRESHOLD = 20;

const test = base.extend<{ emu: AwsEmulator; data: TempDir; seeded: string }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  emu: async ({}, use) => {
    const emu = await startAwsEmulator({ region: REGION });
    emu.ec2.addSubnet({ id: SUBNET_A, vpcId: VPC, availabilityZone: `${REGION}a`, cidr: '10.0.1.0/24' });
    emu.ec2.addSubnet({ id: SUBNET_B, vpcId: VPC, availabilityZone: `${REGION}b`, cidr: '10.0.2.0/24' });
    emu.efs.addFileSystem({ id: FS, name: 'shared', vpcId: VPC });
    emu.ecs.addService({ cluster: 'apps', service: 'web', desiredCount: 2 });
    // A new mount target stays "creating" a moment, so the wait step (and its progress) is seen.
    emu.efs.availableAfterMs(3000);
    await use(emu);
    await emu.close();
  },
  seeded: async ({ emu }, use) => {
    await use(emu.efs.addMountTarget({ fileSystemId: FS, subnetId: SUBNET_A }));
  },
  // The "mounted" directory: more files than the threshold.
  // eslint-disable-next-line no-empty-pattern
  data: async ({}, use) => {
    const dir = await makeTempDir('warren-efs-data-');
    for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(dir.path, `file-${String(i).padStart(3, '0')}.dat`), `${i}\n`);
    await use(dir);
    await dir.remove();
  },
  // No sshd: an empty ssh config, only the emulator's AWS settings, and a quick wait-step poll.
  daemon: async ({ home, emu, seeded }, use, testInfo) => {
    void seeded;
    const sshConfig = path.join(home.path, 'ssh_config');
    fs.writeFileSync(sshConfig, '');
    const env = { ...(emu.env() as unknown as Record<string, string>), WARREN_EFS_POLL_INTERVAL_MS: '250' };
    await runBrowserDaemon(home.path, sshConfig, use, testInfo, { env, awsOnly: true });
  },
});

test('configure the EFS scaler, dry run, run: the new mount target in AZ b and the run records', async ({ warren, daemon, emu, data, seeded, page }) => {
  await warren.open(daemon.url);
  await page.getByTestId('tab-efs').click();
  const panel = page.getByTestId('efs-panel');
  const form = panel.getByTestId('efs-config-form');
  await expect(panel.getByTestId('efs-not-configured')).toBeVisible();
  await expect(form.getByTestId('efs-threshold')).toHaveValue('100000');
  await expect(form.getByTestId('efs-interval')).toHaveValue('5m');

  // Nothing filled: every required field says so, and nothing is sent.
  await form.getByTestId('efs-save').click();
  await expect(form.getByTestId('efs-error-file_system_id')).toContainText('required');
  await expect(form.getByTestId('efs-error-vpc_id')).toBeVisible();

  await form.getByTestId('efs-file-system-id').fill(FS);
  await form.getByTestId('efs-directory').fill(data.path);
  await form.getByTestId('efs-threshold').fill(String(THRESHOLD));
  await form.getByTestId('efs-ssm-parameter').fill(PARAMETER);
  await form.getByTestId('efs-ecs-cluster').fill('apps');
  await form.getByTestId('efs-ecs-service').fill('web');
  await form.getByTestId('efs-vpc-id').fill('vpc-nope');
  await form.getByTestId('efs-security-group-id').fill(SG);
  await form.getByTestId('efs-region').fill(REGION);
  // The contract's own rule for a VPC id, shown in place.
  await form.getByTestId('efs-save').click();
  await expect(form.getByTestId('efs-error-vpc_id')).toContainText('vpc-0123456789abcdef0');
  await expect(form.getByTestId('efs-error-file_system_id')).toHaveCount(0);
  await page.screenshot({ path: '/tmp/warren-efs-form.png', fullPage: true });
  await form.getByTestId('efs-vpc-id').fill(VPC);
  await form.getByTestId('efs-save').click();

  const summary = panel.getByTestId('efs-summary');
  await expect(summary).toBeVisible();
  await expect(summary.getByTestId('efs-summary-fs')).toHaveText(FS);
  await expect(summary.getByTestId('efs-summary-threshold')).toHaveText('20 files');
  await expect(summary.getByTestId('efs-schedule-toggle')).not.toBeChecked();
  await expect(panel.getByTestId('efs-runs-empty')).toBeVisible();
  // The seeded mount target, straight from (emulated) AWS.
  const azA = panel.getByTestId(`efs-az-${REGION}a`);
  await expect(azA).toHaveAttribute('data-mount-target', seeded);
  await expect(azA.getByTestId('efs-target-state')).toHaveAttribute('data-value', 'available');
  // Before any run, the VPC's other zone shows as free (efs.status lists the VPC's zones).
  await expect(panel.getByTestId(`efs-az-${REGION}b`)).toHaveAttribute('data-free', 'true');

  // Dry run: a record with what it would do, and nothing created, published or deployed.
  await panel.getByTestId('efs-dry-run').click();
  const rows = panel.getByTestId('efs-run-row');
  await expect(rows).toHaveCount(1);
  const dryRow = rows.first();
  await expect(dryRow).toHaveAttribute('data-dry-run', 'true');
  await expect(dryRow).toHaveAttribute('data-outcome', 'dry_run');
  await expect(dryRow.getByTestId('efs-run-dry')).toHaveText('dry run');
  await expect(dryRow.getByTestId('efs-run-outcome')).toHaveText('dry run: would scale');
  await expect(dryRow.getByTestId('efs-run-count')).toHaveText(`${FILES} / ${THRESHOLD}`);
  await expect(dryRow.getByTestId('efs-run-target')).toHaveText(`would add in ${REGION}b`);
  await expect(panel.getByTestId('efs-run-result')).toContainText('nothing was changed');
  await expect(panel.getByTestId(`efs-az-${REGION}b`)).toHaveAttribute('data-free', 'true');
  expect(emu.efs.mountTargets(FS)).toHaveLength(1);
  expect(emu.parameters.get(PARAMETER)).toBeUndefined();
  expect(emu.ecs.service('apps', 'web').forcedDeployments).toBe(0);

  // Run now: live progress from event.efs, then the new mount target and a "scaled" record.
  await panel.getByTestId('efs-run').click();
  const progress = panel.getByTestId('efs-progress');
  await expect(progress).toBeVisible();
  await expect(progress).toContainText('Waiting for it to become available');
  await expect(panel.getByTestId('efs-run')).toBeDisabled();
  await expect(progress).toHaveCount(0, { timeout: 30_000 });

  await expect(rows).toHaveCount(2);
  const runRow = rows.first();
  await expect(runRow).toHaveAttribute('data-outcome', 'scaled');
  await expect(runRow).toHaveAttribute('data-dry-run', 'false');
  await expect(runRow.getByTestId('efs-run-outcome')).toHaveText('scaled');
  await expect(runRow.getByTestId('efs-run-outcome')).toHaveAttribute('data-tone', 'ok');
  await expect(runRow.getByTestId('efs-run-deployment')).toHaveText('started');
  const targets = emu.efs.mountTargets(FS);
  expect(targets).toHaveLength(2);
  const created = targets.find((t) => t.mountTargetId !== seeded)!;
  expect(created).toMatchObject({ subnetId: SUBNET_B, availabilityZoneName: `${REGION}b`, securityGroups: [SG] });
  await expect(runRow.getByTestId('efs-run-target')).toHaveText(`${created.mountTargetId} (${REGION}b)`);
  await expect(panel.getByTestId('efs-run-result')).toContainText(`added ${created.mountTargetId}`);

  const azB = panel.getByTestId(`efs-az-${REGION}b`);
  await expect(azB).toHaveAttribute('data-mount-target', created.mountTargetId);
  await expect(azB.getByTestId('efs-target-state')).toHaveAttribute('data-value', 'available');
  await expect(azB.getByTestId('efs-target-listed')).toHaveAttribute('data-value', 'true');
  await expect(azA.getByTestId('efs-target-listed')).toHaveAttribute('data-value', 'true');
  expect(JSON.parse(emu.parameters.get(PARAMETER) ?? '{}').mount_targets.map((m: { mount_target_id: string }) => m.mount_target_id).sort()).toEqual(
    [seeded, created.mountTargetId].sort(),
  );
  expect(emu.ecs.service('apps', 'web').forcedDeployments).toBe(1);

  // The chart: one count per run, the latest above the threshold.
  const chart = panel.getByTestId('efs-chart');
  await expect(chart.getByTestId('efs-chart-point')).toHaveCount(2);
  expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(1);
  await expect(chart.getByRole('img')).toHaveAttribute('aria-label', new RegExp(`latest ${FILES} files, above the threshold of ${THRESHOLD}`));
  await expect(summary.getByTestId('efs-summary-last')).toContainText('scaled');
  await page.screenshot({ path: '/tmp/warren-efs.png', fullPage: true });

  // The schedule: on, and still on after a reload (the daemon keeps it).
  await summary.getByTestId('efs-schedule-toggle').check();
  await expect(summary.getByTestId('efs-schedule-text')).toHaveText('on');
  await expect(summary).toContainText('every 5m, next');
  await page.reload();
  await expect(warren.banner()).toBeHidden();
  await page.getByTestId('tab-efs').click();
  await expect(page.getByTestId('efs-schedule-toggle')).toBeChecked();
  await expect(page.getByTestId('efs-run-row')).toHaveCount(2);
  await page.getByTestId('efs-schedule-toggle').uncheck();
  await expect(page.getByTestId('efs-schedule-text')).toHaveText('off');
});
