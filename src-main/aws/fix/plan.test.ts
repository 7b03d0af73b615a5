import { describe, expect, it } from 'vitest';
import type { DiagnosticResult } from '../../../src-shared/api/diagnostics.js';
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
