import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { DiagnoseRunResult } from '../../src-shared/api/diagnose-contract.js';
import type { DiagnosticResult } from '../../src-shared/api/diagnostics.js';
import type { DiagnoseRun } from '../state/diagnose-model.js';
import { DiagnoseReport } from './diagnose-report.js';

const ID = 'i-0123456789abcdef0';
const pass = (item: DiagnosticResult['item']): DiagnosticResult => ({ item, status: 'pass', severity: 'INFO', message: `${item} fine`, details: {}, duration_ms: 2 });
const stopped: DiagnosticResult = {
  item: 'instance_state', status: 'fail', severity: 'CRITICAL', message: `Instance ${ID} is stopped`, details: {}, duration_ms: 3,
  recommendation: { summary: 'Start the instance', commands: [`aws ec2 start-instances --instance-ids ${ID}`, `aws ec2 wait instance-running --instance-ids ${ID}`] },
};
const iam: DiagnosticResult = {
  item: 'iam_permissions', status: 'fail', severity: 'ERROR', message: 'no ssm:StartSession', details: {}, duration_ms: 3,
  recommendation: { summary: 'Allow it', policy_json: '{\n  "Version": "2012-10-17"\n}' },
};

function render(run: DiagnoseRun): string {
  return renderToStaticMarkup(<DiagnoseReport run={run} />);
}

describe('DiagnoseReport', () => {
  it('while running: each finished item with its stage, and a spinner with the running stage', () => {
    const html = render({
      phase: 'running', instanceId: ID, mode: 'preventive',
      progress: [{ run_id: 'r', instance_id: ID, item: 'instance_state', stage: 'ec2', stage_number: 1, total_stages: 4, result: pass('instance_state') }],
    });
    expect(html).toContain('data-testid="diag-step-instance_state" data-status="pass"');
    expect(html).toContain('stage 1/4 ec2');
    expect(html).toContain('data-testid="diag-running"');
    expect(html).toContain('Stage 2/4: ssm — checking ssm_agent…');
    expect(html).not.toContain('diag-likelihood');
  });

  it('when done: likelihood, results worst first with severity colours, commands and policy JSON to copy', () => {
    const report: DiagnoseRunResult = {
      run_id: 'r', instance_id: ID, region: 'eu-west-1', mode: 'preventive', likelihood_percent: 0, started_at: 'a', finished_at: 'b', aborted_after_stage: 'ec2',
      results: [pass('ssm_agent'), iam, stopped],
    };
    const html = render({ phase: 'done', instanceId: ID, mode: 'preventive', progress: [], report });
    expect(html).toContain('data-testid="diag-likelihood" data-value="0"');
    expect(html).toContain('class="pill tone-bad" data-testid="diag-likelihood"');
    expect(html).toContain('stopped after the ec2 stage');
    expect(html.indexOf('diag-result-instance_state')).toBeLessThan(html.indexOf('diag-result-iam_permissions'));
    expect(html.indexOf('diag-result-iam_permissions')).toBeLessThan(html.indexOf('diag-result-ssm_agent'));
    expect(html).toContain('data-testid="diag-result-instance_state" data-status="fail" data-severity="CRITICAL" data-tone="bad"');
    expect(html).toContain('data-testid="diag-result-ssm_agent" data-status="pass" data-severity="INFO" data-tone="ok"');
    expect(html).toContain(`aws ec2 start-instances --instance-ids ${ID}\naws ec2 wait instance-running`);
    expect(html).toContain('data-testid="diag-commands-instance_state-copy"');
    expect(html).toContain('data-testid="diag-policy-iam_permissions"');
    expect(html).toContain('&quot;Version&quot;: &quot;2012-10-17&quot;');
    expect(html).not.toContain('diag-running');
  });

  it('shows why a run failed', () => {
    const html = render({ phase: 'failed', instanceId: ID, mode: 'full', progress: [], error: 'AwsAccessDenied: run aws sso login' });
    expect(html).toMatch(/data-testid="diag-error"[^>]*>AwsAccessDenied: run aws sso login</);
  });

  it('a check that could not run reads distinctly, says why and what to try, and offers its fix as buttons (no command)', () => {
    const unchecked: DiagnosticResult = {
      item: 'instance_state', status: 'could_not_check', reason: 'auth', severity: 'CRITICAL', message: 'Could not check that the instance exists and is running: AWS did not accept the credentials (AuthFailure).',
      details: {}, duration_ms: 3, recommendation: { summary: 'Refresh the credentials of this AWS profile.', commands: ['aws sts get-caller-identity --region eu-west-1'] },
    };
    const throttled: DiagnosticResult = { ...unchecked, item: 'vpc_endpoints', reason: 'throttled', severity: 'ERROR', recommendation: { summary: 'Wait a minute.' } };
    const report: DiagnoseRunResult = { run_id: 'r', instance_id: ID, region: 'eu-west-1', mode: 'full', likelihood_percent: 0, started_at: 'a', finished_at: 'b', results: [pass('ssm_agent'), throttled, unchecked] };
    const html = renderToStaticMarkup(<DiagnoseReport run={{ phase: 'done', instanceId: ID, mode: 'full', progress: [], report }} actions={{ busy: false, retry: () => undefined, ssoLogin: () => undefined }} />);
    expect(html).toContain('data-testid="diag-result-instance_state" data-status="could_not_check" data-severity="CRITICAL" data-tone="warn" data-reason="auth"');
    expect(html).toMatch(/data-testid="diag-severity">COULD NOT CHECK</);
    expect(html).toContain('Not checked: AWS did not accept the credentials of this profile.');
    expect(html).toContain('What to try: Refresh the credentials of this AWS profile.');
    expect(html).toContain('data-testid="diag-fix-sso-instance_state"');
    expect(html).toContain('data-testid="diag-fix-retry-instance_state"');
    expect(html).toContain('data-testid="diag-fix-retry-vpc_endpoints"');
    expect(html).not.toContain('diag-fix-sso-vpc_endpoints');
    expect(html).not.toContain('aws sts get-caller-identity');
    // Unchecked items come after real failures would, before the passes.
    expect(html.indexOf('diag-result-instance_state')).toBeLessThan(html.indexOf('diag-result-ssm_agent'));
  });
});
