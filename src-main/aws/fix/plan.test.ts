import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { couldNotCheckReasonSchema, diagnosticItemNames, diagnosticStatusSchema, severitySchema, type DiagnosticResult } from '../../../src-shared/api/diagnostics.js';
import type { FixAction } from '../../../src-shared/api/fix-contract.js';
import { planFixes } from './plan.js';

const r = (item: DiagnosticResult['item'], status: DiagnosticResult['status'], details: Record<string, unknown> = {}, commands?: string[]): DiagnosticResult => ({
  item,
  status,
  severity: status === 'fail' ? 'ERROR' : 'INFO',
  message: '',
  details,
  duration_ms: 0,
  ...(commands ? { recommendation: { summary: 's', commands } } : {}),
});
const report = (results: DiagnosticResult[]) => ({ instance_id: 'i-1', region: 'eu-west-1', profile: 'dev', results });

describe('planFixes', () => {
  it('a stopped instance: start, then wait (both safe and automatic), with exact commands for the profile', () => {
    const plan = planFixes(report([r('instance_state', 'fail', { state: 'stopped' }), r('ssm_agent', 'fail', { registered: true })]));
    expect(plan.map((a) => [a.id, a.safe, a.automatic])).toEqual([
      ['start_instance', true, true],
      ['wait_for_ssm_registration', true, true],
    ]);
    expect(plan[0]!.steps).toEqual(['aws ec2 start-instances --instance-ids i-1 --region eu-west-1 --profile dev']);
  });

  it('a running instance with a lost agent: restart guidance only', () => {
    const plan = planFixes(report([r('instance_state', 'pass', { state: 'running' }), r('ssm_agent', 'fail', { registered: true }, ['sudo systemctl restart amazon-ssm-agent'])]));
    expect(plan).toEqual([expect.objectContaining({ id: 'restart_agent', automatic: false, steps: ['sudo systemctl restart amazon-ssm-agent'] })]);
  });

  it('IAM, security groups and VPC endpoints are never safe nor automatic, and keep their order', () => {
    const plan = planFixes(
      report([
        r('vpc_endpoints', 'fail', {}, ['aws ec2 create-vpc-endpoint …']),
        r('security_groups', 'fail', {}, ['aws ec2 authorize-security-group-egress …']),
        { ...r('iam_permissions', 'fail', { instance_profile_arn: null }, ['aws iam create-role …']), recommendation: { summary: 's', commands: ['aws iam create-role …'], policy_json: '{}' } },
        r('instance_state', 'pass', { state: 'running' }),
      ]),
    );
    expect(plan.map((a) => a.id)).toEqual(['attach_instance_profile', 'add_egress_443', 'create_vpc_endpoints']);
    expect(plan.every((a) => !a.safe && !a.automatic)).toBe(true);
    expect(plan[0]!.policy_json).toBe('{}');
  });

  it('nothing failing: an empty plan; a warned vpc_endpoints is not a problem to fix', () => {
    expect(planFixes(report([r('instance_state', 'pass', { state: 'running' }), r('vpc_endpoints', 'warn')]))).toEqual([]);
  });
});

describe('planFixes: an agent that never registered', () => {
  it('says to enable and start it first, then how to check', () => {
    const plan = planFixes(report([r('instance_state', 'pass', { state: 'running' }), r('ssm_agent', 'fail', { registered: false }, ['aws ssm describe-instance-information …'])]));
    expect(plan[0]).toMatchObject({ id: 'restart_agent', title: 'Install / start the SSM agent on the instance', steps: ['sudo systemctl enable --now amazon-ssm-agent  # on the instance', 'aws ssm describe-instance-information …'] });
  });
});

describe('planFixes: the wait step says the wait the run will use', () => {
  it('--wait-timeout 90 says "up to 90 s"; the default says 5 min', () => {
    const stopped = report([r('instance_state', 'fail', { state: 'stopped' })]);
    expect(planFixes(stopped, { waitTimeoutMs: 90_000 })[1]!.steps[0]).toMatch(/every 3 s until PingStatus is Online \(up to 90 s\)$/);
    expect(planFixes(stopped)[1]!.steps[0]).toMatch(/\(up to 5 min\)$/);
  });
});

// Feature: could-not-check. A check that could not run is evidence of nothing, so no action may
// rest on it: the plan is the same with every could_not_check result taken out, and a report that
// could check nothing plans nothing.
describe('planFixes: could-not-check results never produce an action', () => {
  const details = fc.record(
    {
      state: fc.constantFrom('running', 'stopped', 'stopping', 'pending', 'terminated'),
      registered: fc.boolean(),
      instance_profile_arn: fc.constantFrom(null, 'arn:aws:iam::1:instance-profile/p'),
      platform: fc.constantFrom('linux', 'windows'),
    },
    { requiredKeys: [] },
  );
  const anyResult = fc.record({
    item: fc.constantFrom(...diagnosticItemNames),
    status: fc.constantFrom(...diagnosticStatusSchema.options),
    severity: fc.constantFrom(...severitySchema.options),
    details,
    commands: fc.option(fc.array(fc.constantFrom('aws a', 'aws b'), { maxLength: 2 }), { nil: undefined }),
    reason: fc.constantFrom(...couldNotCheckReasonSchema.options),
  });
  type Drawn = { item: DiagnosticResult['item']; status: DiagnosticResult['status']; severity: DiagnosticResult['severity']; details: Record<string, unknown>; commands: string[] | undefined; reason: DiagnosticResult['reason'] };
  const toResult = (x: Drawn): DiagnosticResult => ({
    item: x.item,
    status: x.status,
    severity: x.severity,
    message: '',
    details: x.details,
    duration_ms: 0,
    recommendation: { summary: 's', ...(x.commands ? { commands: x.commands } : {}) },
    ...(x.status === 'could_not_check' ? { reason: x.reason } : {}),
  });
  /** One result per item, as a run produces. */
  const results = fc.uniqueArray(anyResult, { selector: (x) => x.item, maxLength: diagnosticItemNames.length }).map((xs) => xs.map(toResult));

  it('taking the could_not_check results out changes nothing', () => {
    fc.assert(
      fc.property(results, (rs) => {
        const known = rs.filter((x) => x.status !== 'could_not_check');
        expect(planFixes(report(rs))).toEqual(planFixes(report(known)));
        // The wait is filed under ssm_agent but rests on instance_state (stopped or pending).
        const evidence = (a: FixAction) => (a.id === 'wait_for_ssm_registration' ? 'instance_state' : a.item);
        for (const a of planFixes(report(rs))) expect(rs.find((x) => x.item === evidence(a))?.status).not.toBe('could_not_check');
      }),
      { numRuns: 500 },
    );
  });

  it('a report in which nothing could be checked plans nothing', () => {
    fc.assert(
      fc.property(results, (rs) => {
        expect(planFixes(report(rs.map((x) => ({ ...x, status: 'could_not_check' as const, reason: 'auth' as const }))))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
