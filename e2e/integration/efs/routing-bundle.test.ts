// The Fargate side, as a task would use it: the bundled library routes every path exactly as
// Warren does (`warren efs route`, src-shared/efs), and the bundled start step mounts each target
// with a stand-in mount(8) on PATH, skips the one that fails (design property 8), writes the usable
// mounts for the application, and exits 1 with the reason when none mounted.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, encodeMountTargetParameter, type MountTarget } from '../../../src-shared/efs/index.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { repoRoot } from '../helpers/daemon.js';

const run = promisify(execFile);

const TARGETS: MountTarget[] = [
  { mount_target_id: 'fsmt-0aaaaaaaaaaaaaaa1', ip_address: '10.0.1.10', availability_zone: 'ap-northeast-1a', subnet_id: 'subnet-0aaaaaaaaaaaaaaa1' },
  { mount_target_id: 'fsmt-0ccccccccccccccc3', ip_address: '10.0.2.10', availability_zone: 'ap-northeast-1c', subnet_id: 'subnet-0ccccccccccccccc3' },
  { mount_target_id: 'fsmt-0ddddddddddddddd4', ip_address: '10.0.3.10', availability_zone: 'ap-northeast-1d', subnet_id: 'subnet-0ddddddddddddddd4' },
];

describe('the EFS routing bundle for Fargate tasks', () => {
  let dir: TempDir;
  let out: string;
  let bin: string;
  const mountPoints = TARGETS.map((_, i) => `/mnt/efs-${i}`);
  const madeHere: string[] = [];

  beforeAll(async () => {
    dir = await makeTempDir('warren-efs-routing-');
    out = path.join(dir.path, 'dist');
    await run(process.execPath, [path.join(repoRoot, 'deploy/efs-routing/build.mjs'), '--out-dir', out], { cwd: repoRoot });
    // A stand-in mount(8): fails for 10.0.2.10 (as an unreachable target would), succeeds otherwise,
    // and logs its arguments. Only this test's PATH sees it.
    bin = path.join(dir.path, 'bin');
    await fs.mkdir(bin);
    await fs.writeFile(
      path.join(bin, 'mount'),
      [
        '#!/bin/sh',
        `echo "$@" >> "${path.join(dir.path, 'mount.log')}"`,
        'if [ -n "$FAIL_ALL" ]; then echo "mount.nfs4: access denied" >&2; exit 32; fi',
        'case "$*" in *10.0.2.10*) echo "mount.nfs4: Connection timed out" >&2; exit 32;; esac',
        'exit 0',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    // The task creates /mnt/efs-N as a real task would; remember which ones did not exist before.
    for (const p of mountPoints) if (!(await fs.stat(p).catch(() => undefined))) madeHere.push(p);
  }, 60_000);

  afterAll(async () => {
    for (const p of madeHere) await fs.rmdir(p).catch(() => undefined);
    await dir?.remove();
  });

  it('the bundled library routes exactly as Warren does', async () => {
    const paths = Array.from({ length: 500 }, (_, i) => `tenant-${i % 17}/2026/11/${i}.json`);
    const script = `import(${JSON.stringify(path.join(out, 'efs-routing.mjs'))}).then((m) => { const r = m.createRouter(${JSON.stringify(TARGETS)}); process.stdout.write(JSON.stringify(${JSON.stringify(paths)}.map((p) => r.resolve(p)))); })`;
    const { stdout } = await run(process.execPath, ['-e', script]);
    const expected = createRouter(TARGETS);
    expect(JSON.parse(stdout)).toEqual(paths.map((p) => expected.resolve(p)));
  });

  it('mounts what it can, skips the failed target, and writes the usable mounts', async () => {
    const mountsFile = path.join(dir.path, 'mounts.json');
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, EFS_MOUNT_TARGETS_JSON: encodeMountTargetParameter(TARGETS), EFS_MOUNTS_FILE: mountsFile };
    const r = await run(process.execPath, [path.join(out, 'efs-task-init.cjs')], { env });
    expect(r.stdout).toContain('mount failed; skipping this mount target');
    expect(r.stdout).toContain('Connection timed out');
    const written = JSON.parse(await fs.readFile(mountsFile, 'utf8')) as { mounts: Array<{ mount_target_id: string; mount_point: string }> };
    expect(written.mounts.map((m) => m.mount_point)).toEqual(['/mnt/efs-0', '/mnt/efs-2']);
    const log = await fs.readFile(path.join(dir.path, 'mount.log'), 'utf8');
    expect(log).toContain('-t nfs4 -o nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport 10.0.1.10:/ /mnt/efs-0');
  });

  it('exits 1 with the reason when no target mounts, so ECS restarts the task', async () => {
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, FAIL_ALL: '1', EFS_MOUNT_TARGETS_JSON: encodeMountTargetParameter(TARGETS), EFS_MOUNTS_FILE: path.join(dir.path, 'none.json') };
    const r = await run(process.execPath, [path.join(out, 'efs-task-init.cjs')], { env }).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/no mount target could be mounted: fsmt-0aaaaaaaaaaaaaaa1 \(mount.nfs4: access denied\)/);
    expect(r.stdout).toContain('check the security group allows NFS 2049');
  });

  it('a malformed list is refused with what is wrong', async () => {
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, EFS_MOUNT_TARGETS_JSON: '{"mount_targets":[{"mount_target_id":"fsmt-1"}]}' };
    const r = await run(process.execPath, [path.join(out, 'efs-task-init.cjs')], { env }).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/invalid mount target parameter/);
  });
});
