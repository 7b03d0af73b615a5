// The schedule in the daemon: a scaler runs on its own every `interval` once its schedule is on,
// skips ticks while a run is still under way, keeps running after a daemon restart (the flag is in
// the database), stops when turned off, and a daemon shutdown cancels a run waiting on AWS.
// `warren efs watch` follows those runs as they happen.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EfsRun } from '../../../src-shared/api/efs-contract.js';
import { waitFor } from '../../fixtures/ports.js';
import { runWarren } from '../helpers/cli.js';
import { cliEntry, repoRoot } from '../helpers/daemon.js';
import { forcedDeployments, FS, REGION, startEfsWorld, type EfsWorld } from '../helpers/efs-world.js';

describe('the EFS schedule in the daemon', () => {
  let w: EfsWorld;

  beforeAll(async () => {
    w = await startEfsWorld({ prefix: 'warren-efs-sched-', files: 25, zones: 1 });
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  const warren = (...args: string[]) => runWarren(w.env, args);
  const scheduledRuns = async (): Promise<EfsRun[]> => (await w.daemon.client.call('efs.runs', { name: 'media', limit: 1000 })).runs.filter((r) => r.trigger === 'schedule');

  it('runs on its own every interval once on, skipping ticks while a run waits; `efs watch` shows the runs', async () => {
    const c = await warren(...w.configureArgs, '--name', 'media', '--threshold', '20', '--interval', '1s');
    expect(c.code, c.stderr).toBe(0);
    // The first scheduled run waits ~2.5 s for its mount target: the ticks meanwhile are skipped.
    w.emu.efs.availableAfterMs(2500);

    const watch = spawn(process.execPath, ['--import', 'tsx', cliEntry, 'efs', 'watch', '--name', 'media'], { cwd: repoRoot, env: w.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    watch.stdout.on('data', (b: Buffer) => (out += b.toString()));
    watch.stderr.on('data', (b: Buffer) => (err += b.toString()));
    try {
      await waitFor(async () => err.includes('watching EFS scaler runs of media'), 'efs watch subscribed', 30_000);

      const on = await warren('efs', 'schedule', 'on', '--name', 'media');
      expect(on.code, on.stderr).toBe(0);
      expect(on.stdout).toMatch(/^media: schedule on, every 1s \(next /);

      await waitFor(async () => (await scheduledRuns()).length >= 3, 'three scheduled runs', 30_000, 100);
      const runs = (await scheduledRuns()).reverse(); // oldest first
      expect(runs[0]).toMatchObject({ outcome: 'scaled', plan: { availability_zone: `${REGION}d` } });
      expect(runs[1]).toMatchObject({ outcome: 'scaled', plan: { availability_zone: `${REGION}e` } });
      expect(runs.slice(2).every((r) => r.outcome === 'no_subnet')).toBe(true);
      // Runs never overlapped: each began after the previous one ended.
      for (let i = 1; i < runs.length; i++) expect(Date.parse(runs[i]!.timestamp)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1]!.timestamp) + runs[i - 1]!.duration_ms - 5);
      expect(fs.readFileSync(w.daemon.paths.log, 'utf8')).toContain('a run is still under way; this tick is skipped');
      expect(w.emu.efs.mountTargets(FS)).toHaveLength(4);
      expect(forcedDeployments(w.emu)).toBe(2);

      await waitFor(async () => /done: no_subnet/.test(out), 'watch saw a run end', 10_000);
      expect(out).toMatch(/media [0-9a-f]{8} count: ok: 25 files/);
      expect(out).toMatch(/media [0-9a-f]{8} waiting for the mount target: \d+\.\d s, check \d+: fsmt-[0-9a-f]+ is creating/);
      expect(out).toMatch(/media [0-9a-f]{8} done: scaled: 25 files \(threshold 20\): added fsmt-/);
    } finally {
      const exited = new Promise<number | null>((r) => watch.once('exit', (code) => r(code)));
      watch.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  }, 90_000);

  it('the schedule survives a daemon restart; turned off, it stops', async () => {
    const before = (await scheduledRuns()).length;
    await w.restartDaemon();
    const status = await warren('efs', 'status', '--name', 'media', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ scaler: { schedule_enabled: true, next_run_at: expect.any(String) as string } });
    await waitFor(async () => (await scheduledRuns()).length >= before + 2, 'scheduled runs after the restart', 30_000, 100);

    const off = await warren('efs', 'schedule', 'off', '--name', 'media');
    expect(off.stdout.trim()).toBe('media: schedule off');
    await new Promise((r) => setTimeout(r, 300)); // a run started just before may still finish
    const count = (await scheduledRuns()).length;
    await new Promise((r) => setTimeout(r, 2500));
    expect((await scheduledRuns()).length).toBe(count);
    await w.restartDaemon();
    await new Promise((r) => setTimeout(r, 2000));
    expect((await scheduledRuns()).length).toBe(count);
  }, 90_000);

  it('a daemon shutdown cancels a run waiting for its mount target, promptly, and the run is stored as cancelled', async () => {
    // A fresh free AZ and a mount target that takes a minute: the manual run is left waiting.
    w.emu.ec2.addSubnet({ id: 'subnet-0f000000000000001', vpcId: 'vpc-0aaa0000000000001', availabilityZone: `${REGION}f`, cidr: '10.0.20.0/24' });
    w.emu.efs.availableAfterMs(60_000);
    const running = runWarren(w.env, ['efs', 'run', '--name', 'media']);
    await waitFor(async () => w.emu.calls.some((c) => c.action === 'CreateMountTarget' && !c.error && JSON.stringify(c.params).includes('subnet-0f000000000000001')), 'the run created its target', 30_000, 50);
    const t0 = Date.now();
    await w.daemon.stop();
    expect(Date.now() - t0).toBeLessThan(8000);
    const r = await running;
    expect(r.code).not.toBe(0); // the daemon went away under the CLI
    await w.restartDaemon();
    const last = (await w.daemon.client.call('efs.runs', { name: 'media', limit: 1 })).runs[0]!;
    expect(last).toMatchObject({ trigger: 'manual', outcome: 'failed', failed_step: 'wait', new_mount_target_created: true });
    expect(last.error).toMatch(/cancelled/);
  }, 90_000);
});
