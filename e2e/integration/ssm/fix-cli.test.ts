// `warren fix` as a user runs it: the real daemon (AWS clients pointed at the emulator by
// emulator.env() only; its registration poll shortened to 100 ms by WARREN_FIX_POLL_INTERVAL_MS,
// which the daemon reads), the real CLI, and the data-channel service behind StartSession so the
// fixed instance is then connected to and carries bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixEvent, FixRunResult, FixRunSummary } from '../../../src-shared/api/fix-contract.js';
import type { AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { freePort } from '../../fixtures/ports.js';
import { runWarren } from '../helpers/cli.js';
import { waitForStatus, type DaemonHandle } from '../helpers/daemon.js';
import type { EchoServer } from '../helpers/echo-server.js';
import { startSsmWorld, type SsmWorld } from '../helpers/ssm-world.js';
import { connectThrough, echoThrough } from '../helpers/traffic.js';

const OFF = 'i-0f1c0ffee00000001';
const DRY = 'i-0f1c0ffee00000002';
const NOROLE = 'i-0f1c0ffee00000003';

describe('warren fix through the emulator', () => {
  let world: SsmWorld;
  let emu: AwsEmulator;
  let target: EchoServer;
  let daemon: DaemonHandle;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    world = await startSsmWorld({
      prefix: 'warren-fix-',
      region: 'eu-west-1',
      daemonEnv: { WARREN_FIX_POLL_INTERVAL_MS: '100' },
      setup: (e: AwsEmulator) => {
        e.addInstance({ id: OFF, name: 'batch', state: 'stopped', vpcEndpoints: true, publicIp: '203.0.113.21' });
        e.scenario.startAfterMs(OFF, 300);
        e.scenario.agentRegistersAfterMs(OFF, 600);
        e.addInstance({ id: DRY, name: 'dry', state: 'stopped', vpcEndpoints: true, publicIp: '203.0.113.22' });
        e.addInstance({ id: NOROLE, name: 'norole', state: 'running', vpcEndpoints: true, publicIp: '203.0.113.23', iamProfile: null });
      },
    });
    ({ emu, target, daemon, env } = world);
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  const calls = (action: string, id: string) => emu.calls.filter((c) => c.action === action && JSON.stringify(c.params).includes(id));

  it('--dry-run --format json plans start_instance and does not start the instance', async () => {
    const r = await runWarren(env, ['fix', '--instance-id', DRY, '--dry-run', '--auto-fix', '--format', 'json']);
    expect(r.code, r.stderr).toBe(3);
    const result = JSON.parse(r.stdout) as FixRunResult;
    expect(result.plan.map((a) => a.id)).toEqual(['start_instance', 'wait_for_ssm_registration']);
    expect(result.plan[0]).toMatchObject({ safe: true, automatic: true, steps: [`aws ec2 start-instances --instance-ids ${DRY} --region eu-west-1`] });
    expect(result.applied).toEqual([]);
    expect(result.skipped.map((s) => [s.id, s.reason])).toEqual([
      ['start_instance', 'dry run'],
      ['wait_for_ssm_registration', 'dry run'],
    ]);
    expect(result.likelihood_after).toBe(result.likelihood_before);
    expect(calls('StartInstances', DRY)).toEqual([]);
    expect(emu.instanceState(DRY)).toBe('stopped');

    // Without --auto-fix: the plan as text, nothing started either.
    const plan = await runWarren(env, ['fix', '--instance-id', DRY]);
    expect(plan.code, plan.stderr).toBe(3);
    expect(plan.stdout).toContain('1. start_instance [safe, automatic]');
    expect(plan.stdout).toContain(`$ aws ec2 start-instances --instance-ids ${DRY} --region eu-west-1`);
    expect(plan.stdout).toContain('run with --auto-fix');
    expect(calls('StartInstances', DRY)).toEqual([]);
  }, 60_000);

  it('a missing instance profile is never applied, even with --auto-fix: its steps are shown as not safe', async () => {
    const r = await runWarren(env, ['fix', '--instance-id', NOROLE, '--auto-fix', '--format', 'json']);
    expect(r.code, r.stderr).toBe(3);
    const result = JSON.parse(r.stdout) as FixRunResult;
    const attach = result.plan.find((a) => a.id === 'attach_instance_profile');
    expect(attach).toMatchObject({ safe: false, automatic: false, item: 'iam_permissions' });
    expect(attach?.steps).toContain(`aws ec2 associate-iam-instance-profile --instance-id ${NOROLE} --iam-instance-profile Name=WarrenSSMInstanceProfile --region eu-west-1`);
    expect(attach?.policy_json).toContain('ec2.amazonaws.com');
    expect(result.applied).toEqual([]);
    expect(result.skipped).toContainEqual({ id: 'attach_instance_profile', reason: expect.stringContaining('not safe') as string });
    expect(emu.calls.filter((c) => /Iam|Role|InstanceProfile/.test(c.action) && c.action !== 'DescribeIamInstanceProfileAssociations')).toEqual([]);

    const text = await runWarren(env, ['fix', '--instance-id', NOROLE, '--auto-fix']);
    expect(text.stdout).toMatch(/attach_instance_profile \[NOT SAFE, manual\]/);
    expect(text.stdout).toContain('$ aws iam create-role --role-name WarrenSSMInstanceRole');
  }, 60_000);

  it('--auto-fix --safe-only starts a stopped instance, waits with progress, ends at likelihood 100; then ec2 connect carries bytes', async () => {
    const events: FixEvent[] = [];
    const off = daemon.client.on('event.fix', (e) => void events.push(e));
    const { subscription_id } = await daemon.client.call('events.subscribe', { types: ['fix'] });

    const r = await runWarren(env, ['fix', '--instance-id', OFF, '--auto-fix', '--safe-only']);
    await daemon.client.call('events.unsubscribe', { subscription_id });
    off();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(calls('StartInstances', OFF)).toHaveLength(1);
    expect(r.stderr).toMatch(/waiting for SSM registration: \d+\.\d s, check 1 /);
    expect(r.stderr).toMatch(/waiting for SSM registration: \d+\.\d s, check [2-9]\d* /);
    expect(r.stderr).toMatch(/wait_for_ssm_registration: done: the SSM agent is Online after/);
    expect(r.stdout).toMatch(/applied:\n {2}start_instance: .*stopped → pending/);
    expect(r.stdout).toMatch(/connection likelihood: \d+% → 100%/);

    // event.fix: each wait tick carries elapsed time and the check count, both rising.
    const ticks = events.filter((e) => e.instance_id === OFF && e.status === 'progress');
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks.map((t) => t.checks)).toEqual(ticks.map((_, i) => i + 1));
    expect(ticks.at(-1)!.elapsed_ms!).toBeGreaterThan(ticks[0]!.elapsed_ms!);
    expect(ticks.at(-1)!.message).toContain('Online');

    const port = await freePort();
    const c = await runWarren(env, ['ec2', 'connect', '--instance-id', OFF, '--local-port', String(port), '--remote-port', String(target.port), '--name', 'fixed']);
    expect(c.code, c.stderr + c.stdout).toBe(0);
    expect((await echoThrough(await connectThrough(port), 256 * 1024)).intact).toBe(true);
    await runWarren(env, ['ec2', 'terminate', 'fixed']);
    await waitForStatus(daemon.client, 'fixed', 'stopped');
  }, 60_000);

  it('every run is stored: fix history lists it with mode and outcome, fix show gives it back whole', async () => {
    const h = await runWarren(env, ['fix', 'history', '--format', 'json']);
    expect(h.code, h.stderr).toBe(0);
    const runs = (JSON.parse(h.stdout) as { runs: FixRunSummary[] }).runs;
    // Newest first: OFF fixed, NOROLE twice (nothing Warren may apply), DRY twice (plans only).
    expect(runs.map((r) => [r.instance_id, r.mode, r.outcome])).toEqual([
      [OFF, 'apply', 'fixed'],
      [NOROLE, 'apply', 'manual'],
      [NOROLE, 'apply', 'manual'],
      [DRY, 'dry-run', 'planned'],
      [DRY, 'dry-run', 'planned'],
    ]);
    expect(runs[0]).toMatchObject({ likelihood_after: 100, planned: 2, applied: 2 });
    expect(runs[0]!.likelihood_before).toBeLessThan(100);

    const off = await runWarren(env, ['fix', 'history', '--instance-id', OFF, '--limit', '1']);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toMatch(new RegExp(`${OFF}\\s+apply\\s+fixed\\s+\\d+% → 100%\\s+2/2\\s+${runs[0]!.run_id}`));
    expect(off.stdout).not.toContain(DRY);

    const show = await runWarren(env, ['fix', 'show', runs[0]!.run_id, '--format', 'json']);
    expect(show.code, show.stderr).toBe(0);
    const stored = JSON.parse(show.stdout) as FixRunResult;
    expect(stored).toMatchObject({ run_id: runs[0]!.run_id, instance_id: OFF, mode: 'apply', outcome: 'fixed', likelihood_after: 100 });
    expect(stored.applied.map((a) => a.id)).toEqual(['start_instance', 'wait_for_ssm_registration']);
    const text = await runWarren(env, ['fix', 'show', runs[3]!.run_id]);
    expect(text.stdout).toContain('outcome:  planned');
    expect(text.stdout).toContain(`$ aws ec2 start-instances --instance-ids ${DRY} --region eu-west-1`);

    const missing = await runWarren(env, ['fix', 'show', 'no-such-run']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no stored fix run no-such-run');
    const noInstance = await runWarren(env, ['fix', '--auto-fix']);
    expect(noInstance.code).toBe(2);
    expect(noInstance.stderr).toContain("required option '--instance-id <id>' not specified");
  }, 60_000);
});
