import { describe, expect, it } from 'vitest';
import type { FixAction } from '../../../src-shared/api/fix-contract.js';
import type { AwsClients } from '../aws-clients.js';
import type { CheckContext } from '../diagnostics/types.js';
import { applyFixes, type FixProgress } from './apply.js';
import { waitForSsmOnline } from './wait-registration.js';

const start: FixAction = { id: 'start_instance', item: 'instance_state', title: 'start', safe: true, automatic: true, steps: [] };
const wait: FixAction = { id: 'wait_for_ssm_registration', item: 'ssm_agent', title: 'wait', safe: true, automatic: true, steps: [] };
const attach: FixAction = { id: 'attach_instance_profile', item: 'iam_permissions', title: 'attach', safe: false, automatic: false, steps: ['aws iam …'] };

/** A fake clock the sleeps advance, and an SSM that shows Online from the given check on. */
function fakes(onlineAtCheck: number) {
  let t = 0;
  let checks = 0;
  const sent: string[] = [];
  const ssm = {
    send: (cmd: { constructor: { name: string } }) => {
      sent.push(cmd.constructor.name);
      checks += 1;
      return Promise.resolve({ InstanceInformationList: [{ InstanceId: 'i-1', PingStatus: checks >= onlineAtCheck ? 'Online' : 'ConnectionLost' }] });
    },
  };
  const ec2 = { send: (cmd: { constructor: { name: string } }) => (sent.push(cmd.constructor.name), Promise.resolve({ StartingInstances: [] })) };
  const ctx = { aws: { ssm, ec2 } as unknown as AwsClients, instanceId: 'i-1' } as CheckContext;
  return { ctx, sent, now: () => t, sleep: (ms: number) => ((t += ms), Promise.resolve()) };
}

describe('waitForSsmOnline', () => {
  it('polls at the interval, reporting elapsed time and the check count, until Online', async () => {
    const f = fakes(4);
    const ticks: Array<[number, number]> = [];
    const w = await waitForSsmOnline(f.ctx.aws, 'i-1', { intervalMs: 3000, timeoutMs: 300_000, now: f.now, sleep: f.sleep, onCheck: (p) => ticks.push([p.elapsedMs, p.checks]) });
    expect(w).toMatchObject({ online: true, checks: 4, elapsedMs: 9000 });
    expect(ticks).toEqual([[0, 1], [3000, 2], [6000, 3], [9000, 4]]);
  });

  it('gives up at the timeout: 5 min at 3 s is checks at 0, 3, … 300 s', async () => {
    const f = fakes(Infinity);
    const w = await waitForSsmOnline(f.ctx.aws, 'i-1', { intervalMs: 3000, timeoutMs: 300_000, now: f.now, sleep: f.sleep });
    expect(w).toMatchObject({ online: false, checks: 101, elapsedMs: 300_000 });
  });
});

describe('applyFixes', () => {
  it('dry run and not-automatic actions are skipped with their reasons; nothing is sent', async () => {
    const f = fakes(1);
    const out = await applyFixes(f.ctx, [start, wait, attach], { safeOnly: false, dryRun: true });
    expect(out.skipped.map((s) => s.reason)).toEqual(['dry run', 'dry run', 'not safe to apply automatically: run the steps yourself']);
    expect(out.applied).toEqual([]);
    expect(out.after).toBeUndefined();
    expect(f.sent).toEqual([]);
  });

  it('a failed wait is reported as failed, with progress on every check', async () => {
    const f = fakes(Infinity);
    const progress: FixProgress[] = [];
    const out = await applyFixes(f.ctx, [wait], { safeOnly: true, dryRun: false, pollIntervalMs: 1000, waitTimeoutMs: 3000, now: f.now, sleep: f.sleep, onProgress: (p) => progress.push(p) });
    expect(out.failed).toEqual([expect.objectContaining({ id: 'wait_for_ssm_registration', error: expect.stringContaining('not Online after 3 s (4 checks') as string })]);
    expect(progress.filter((p) => p.status === 'progress').map((p) => (p.status === 'progress' ? p.checks : 0))).toEqual([1, 2, 3, 4]);
  });

  it('does not wait for an agent that cannot register without an instance profile', async () => {
    const f = fakes(1);
    const out = await applyFixes(f.ctx, [wait, attach], { safeOnly: true, dryRun: false, now: f.now, sleep: f.sleep });
    expect(out.skipped[0]).toMatchObject({ id: 'wait_for_ssm_registration', reason: expect.stringContaining('attach_instance_profile') as string });
    expect(f.sent).toEqual([]);
  });
});
