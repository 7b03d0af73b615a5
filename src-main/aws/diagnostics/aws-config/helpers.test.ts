// The small pure parts of aws-config: credential source names, IAM helpers, and how a run is stored.
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsConfigReport } from '../../../../src-shared/api/diagnostics.js';
import { openTempStore, type TempStore } from '../../../store/fixtures/temp-store.js';
import { credentialSourceKind, refreshCommands } from './credentials.js';
import { portForwardingPolicy, sessionIdPrefix } from './iam.js';
import { asDiagnosticReport } from './run.js';

let t: TempStore | undefined;
afterEach(() => t?.dispose());

describe('credentials', () => {
  it('names the source from the SDK feature tags, most specific first', () => {
    expect(credentialSourceKind(['CREDENTIALS_PROFILE', 'CREDENTIALS_PROFILE_SSO', 'CREDENTIALS_SSO'])).toBe('sso');
    expect(credentialSourceKind(['CREDENTIALS_PROFILE_SOURCE_PROFILE', 'CREDENTIALS_PROFILE', 'CREDENTIALS_STS_ASSUME_ROLE'])).toBe('assume-role');
    expect(credentialSourceKind(['CREDENTIALS_ENV_VARS'])).toBe('environment');
    expect(credentialSourceKind(['CREDENTIALS_IMDS'])).toBe('instance-metadata');
    expect(credentialSourceKind([])).toBeUndefined();
  });

  it('recommends the refresh that fits the source', () => {
    expect(refreshCommands('sso', { name: 'dev', source: 'flag' }, 'eu-west-1')).toEqual(['aws sso login --profile dev', 'aws sts get-caller-identity --region eu-west-1 --profile dev']);
    expect(refreshCommands(undefined, { name: 'default', source: 'default' }, undefined)).toEqual(['aws configure', 'aws sts get-caller-identity']);
  });
});

describe('iam', () => {
  it('session ids start with the user or role session name', () => {
    expect(sessionIdPrefix('arn:aws:iam::1:user/ops/alice')).toBe('alice');
    expect(sessionIdPrefix('arn:aws:sts::1:assumed-role/Admin/bob@example.com')).toBe('bob@example.com');
  });

  it('the policy is scoped to the instance when there is one', () => {
    const user = { arn: 'arn:aws:iam::111122223333:user/alice', account: '111122223333', userId: 'AIDA' };
    const scoped = JSON.parse(portForwardingPolicy('eu-west-1', user, 'i-0123456789abcdef0')) as { Statement: Array<{ Resource: unknown }> };
    expect(scoped.Statement[0]!.Resource).toEqual(['arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0', 'arn:aws:ssm:eu-west-1::document/AWS-StartPortForwardingSession*']);
    expect(scoped.Statement[1]!.Resource).toBe('arn:aws:ssm:*:*:session/${aws:username}-*');
    const any = JSON.parse(portForwardingPolicy('eu-west-1', { ...user, arn: 'arn:aws:sts::1:assumed-role/R/s' }, undefined)) as { Statement: Array<{ Resource: unknown }> };
    expect(any.Statement[0]!.Resource).toEqual(['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:eu-west-1::document/AWS-StartPortForwardingSession*']);
    expect(any.Statement[1]!.Resource).toBe('arn:aws:ssm:*:*:session/${aws:userid}-*');
  });
});

describe('asDiagnosticReport', () => {
  it('stores an aws-config run in the diagnostics history, whole, with its worst severity', () => {
    const report: AwsConfigReport = {
      mode: 'aws-config',
      profile: 'default',
      profile_source: 'default',
      include_credentials: false,
      include_iam: false,
      checks: [
        { check: 'profile', weight: 20, points: 20, status: 'pass', severity: 'INFO', message: 'ok', details: {}, duration_ms: 1 },
        { check: 'region', weight: 15, points: 0, status: 'fail', severity: 'CRITICAL', message: 'none', details: {}, duration_ms: 1 },
        { check: 'ssm_endpoint', weight: 10, points: 0, status: 'skip', severity: 'INFO', message: 'blocked', details: {}, blocked_by: 'region', duration_ms: 0 },
      ],
      score: 44.4,
      minimum_score: 0,
      meets_minimum: true,
      started_at: '2026-02-01T00:00:00.000Z',
      finished_at: '2026-02-01T00:00:01.000Z',
    };
    t = openTempStore();
    t.store.diagnostics.add('a1', asDiagnosticReport(report));
    expect(t.store.diagnostics.list()).toEqual([{ run_id: 'a1', instance_id: '', mode: 'aws-config', likelihood_percent: 44, started_at: report.started_at, worst_severity: 'CRITICAL' }]);
    expect(t.store.diagnostics.get('a1')?.aws_config).toEqual(report);
  });
});
