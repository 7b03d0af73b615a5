// `warren diagnose aws-config` as a user runs it: the real daemon and CLI, the real SDK reading real
// shared config files (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE written here) and talking to
// the emulator. The daemon gets no AWS_REGION and no keys in its environment, so the region and the
// credentials come from the profiles, as on a user's machine.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { DiagnoseAwsConfigResult } from '../../../src-shared/api/diagnose-contract.js';
import { awsConfigCheckNames, type AwsConfigCheckName, type AwsConfigCheckResult } from '../../../src-shared/api/diagnostics.js';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { runWarren } from '../helpers/cli.js';
import { cliEnv, startDaemon, type DaemonHandle } from '../helpers/daemon.js';

const WEB = 'i-0a0c0ffee00000001';
const GONE = 'i-0a0c0ffee000000ff';

type Report = DiagnoseAwsConfigResult;

const byCheck = (r: Report): Partial<Record<AwsConfigCheckName, AwsConfigCheckResult>> => Object.fromEntries(r.checks.map((c) => [c.check, c]));

describe('warren diagnose aws-config through the emulator', () => {
  const saved = { ...process.env };
  let home: TempDir;
  let emu: AwsEmulator;
  let daemon: DaemonHandle;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    home = await makeTempDir('warren-aws-config-');
    emu = await startAwsEmulator({ region: 'eu-west-1' });
    emu.addInstance({ id: WEB, name: 'web', state: 'running', vpcEndpoints: true, publicIp: '203.0.113.30' });
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];

    const keys = `aws_access_key_id = ${emu.env().AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${emu.env().AWS_SECRET_ACCESS_KEY}\n`;
    // A credential_process whose credentials expire in 10 minutes (the SDK refreshes under 5).
    const proc = path.join(home.path, 'short-lived.mjs');
    await fs.writeFile(
      proc,
      `console.log(JSON.stringify({ Version: 1, AccessKeyId: 'ASIAWARRENSHORT00001', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 600000).toISOString() }));\n`,
    );
    emu.credentials.add('ASIAWARRENSHORT00001', 's');
    const config = path.join(home.path, 'aws-config');
    const credentials = path.join(home.path, 'aws-credentials');
    await fs.writeFile(
      config,
      [
        '[default]',
        'region = eu-west-1',
        '',
        '[profile noregion]',
        'output = json',
        '',
        '[profile shortlived]',
        'region = eu-west-1',
        `credential_process = ${process.execPath} ${proc}`,
        '',
        '[bare]',
        'region = eu-west-1',
        '',
      ].join('\n'),
    );
    await fs.writeFile(credentials, `[default]\n${keys}\n[noregion]\n${keys}`);

    const awsEnv = emu.env() as unknown as Record<string, string>;
    const daemonAws: Record<string, string> = { ...awsEnv, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
    for (const k of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) delete daemonAws[k];
    const sshConfig = path.join(home.path, 'ssh_config');
    await fs.writeFile(sshConfig, '');
    env = cliEnv(home.path, sshConfig, daemonAws);
    daemon = await startDaemon({ home: home.path, sshConfigPath: sshConfig, env: daemonAws });
  }, 60_000);

  afterEach(() => {
    for (const a of ['ssm:StartSession', 'ec2:DescribeInstances', 'sts:GetCallerIdentity']) emu.allowAction(a);
  });

  afterAll(async () => {
    await daemon?.stop();
    await emu?.close();
    await home?.remove();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  const json = async (args: string[], code = 0): Promise<Report> => {
    const r = await runWarren(env, ['diagnose', 'aws-config', ...args, '--format', 'json']);
    expect(r.code, r.stderr).toBe(code);
    return JSON.parse(r.stdout) as Report;
  };

  it('a good configuration (default profile, region and keys from the files) scores 100 and exits 0', async () => {
    const r = await json(['--instance-id', WEB, '--include-credentials', '--include-iam', '--minimum-score', '90']);
    expect(r).toMatchObject({ mode: 'aws-config', profile: 'default', profile_source: 'default', region: 'eu-west-1', instance_id: WEB, score: 100, meets_minimum: true });
    expect(r.checks.map((c) => c.check)).toEqual([...awsConfigCheckNames]);
    expect(r.checks.every((c) => c.status === 'pass' && c.points === c.weight)).toBe(true);
    const c = byCheck(r);
    expect(c.region?.details).toMatchObject({ region: 'eu-west-1', source: 'profile' });
    expect(c.credentials?.details).toMatchObject({ account: emu.accountId, source: 'static-keys', expires_at: null, access_key_id: 'AKIA…OR01' });
    expect(c.iam_permissions?.details).toMatchObject({ scope: WEB, denied: [] });
    // The probes changed nothing: no session was opened.
    expect(emu.activeSessions()).toEqual([]);

    const text = await runWarren(env, ['diagnose', 'aws-config', '--instance-id', WEB]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^credentials\s+pass\s+-\s+25\/25\s/m);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('score: 100/100');
  });

  it('a profile without a region: region CRITICAL, the rest that needs one blocked; --minimum-score 90 exits 3', async () => {
    const r = await json(['--profile', 'noregion', '--instance-id', WEB, '--include-iam']);
    const c = byCheck(r);
    expect(c.profile).toMatchObject({ status: 'pass' });
    expect(c.region).toMatchObject({ status: 'fail', severity: 'CRITICAL', points: 0 });
    expect(c.region?.recommendation?.commands).toContain('aws configure set region us-east-1 --profile noregion');
    // Credentials are still judged (STS answers anywhere), so two problems are told apart.
    expect(c.credentials).toMatchObject({ status: 'pass' });
    for (const name of ['iam_permissions', 'ssm_endpoint', 'instance'] as const) expect(c[name]).toMatchObject({ status: 'skip', blocked_by: 'region', points: 0 });
    expect(r.score).toBe(45); // (profile 20 + credentials 25) of 100
    expect(r.region).toBeUndefined();

    const below = await runWarren(env, ['diagnose', 'aws-config', '--profile', 'noregion', '--minimum-score', '90']);
    expect(below.code, below.stderr).toBe(3);
    expect(below.stdout).toMatch(/^region\s+fail\s+CRITICAL\s+0\/15\s/m);
    expect(below.stdout).toMatch(/^ssm_endpoint\s+blocked\s/m);
    expect(below.stdout).toContain('$ aws configure set region us-east-1 --profile noregion');
    expect(below.stdout.trimEnd().split('\n').at(-1)).toBe('score 64.3 is below the minimum 90'); // 45 of 70

    // JSON keeps stdout parseable: the verdict goes to stderr.
    const j = await runWarren(env, ['diagnose', 'aws-config', '--profile', 'noregion', '--minimum-score', '64.5', '--format', 'json']);
    expect(j.code).toBe(3);
    expect((JSON.parse(j.stdout) as Report).meets_minimum).toBe(false);
    expect(j.stderr.trimEnd().split('\n').at(-1)).toBe('score 64.3 is below the minimum 64.5');
  });

  it('a profile that does not exist: profile and credentials CRITICAL, with the profiles that do exist', async () => {
    const r = await json(['--profile', 'nosuch', '--region', 'eu-west-1']);
    const c = byCheck(r);
    expect(c.profile).toMatchObject({ status: 'fail', severity: 'CRITICAL' });
    expect(c.profile?.message).toContain('Profiles found: default, noregion, shortlived');
    expect(c.profile?.recommendation?.commands).toEqual(['aws configure --profile nosuch', 'aws configure sso --profile nosuch', 'aws configure list-profiles']);
    expect(c.region).toMatchObject({ status: 'pass', details: expect.objectContaining({ source: 'flag' }) as unknown });
    expect(c.credentials).toMatchObject({ status: 'fail', severity: 'CRITICAL' });
    expect(c.ssm_endpoint).toMatchObject({ status: 'pass' });
    expect(r.score).toBe(35.7); // (region 15 + endpoint 10) of 70

    // "[bare]" in the config file: the SDK ignores it; the check says why.
    const bare = byCheck(await json(['--profile', 'bare']));
    expect(bare.profile?.message).toContain('needs [profile bare]');
  });

  it('access denied: a denied ssm:StartSession is CRITICAL with the policy to attach; a denied lookup only warns', async () => {
    emu.denyAction('ssm:StartSession');
    const r = await json(['--instance-id', WEB, '--include-iam']);
    const iam = byCheck(r).iam_permissions!;
    expect(iam).toMatchObject({ status: 'fail', severity: 'CRITICAL', points: 0, details: expect.objectContaining({ denied: ['ssm:StartSession'] }) as unknown });
    expect(iam.recommendation?.commands).toEqual(['aws iam put-user-policy --user-name warren-test --policy-name WarrenSsmPortForwarding --policy-document file://warren-ssm-policy.json']);
    expect(iam.recommendation?.policy_json).toContain(`arn:aws:ec2:eu-west-1:${emu.accountId}:instance/${WEB}`);
    expect(r.score).toBe(80);
    emu.allowAction('ssm:StartSession');

    emu.denyAction('ec2:DescribeInstances');
    const lookups = byCheck(await json(['--instance-id', WEB, '--include-iam']));
    expect(lookups.iam_permissions).toMatchObject({ status: 'warn', severity: 'WARNING', points: 10 });
    expect(lookups.instance).toMatchObject({ status: 'fail', severity: 'ERROR' });
    emu.allowAction('ec2:DescribeInstances');

    emu.denyAction('sts:GetCallerIdentity');
    const sts = byCheck(await json(['--instance-id', WEB, '--include-iam']));
    expect(sts.credentials).toMatchObject({ status: 'fail', severity: 'ERROR' });
    expect(sts.iam_permissions).toMatchObject({ status: 'skip', blocked_by: 'credentials' });
    expect(sts.instance).toMatchObject({ status: 'skip', blocked_by: 'credentials' });
  });

  it('an instance in another region or account, and credentials about to expire, are reported', async () => {
    const gone = byCheck(await json(['--instance-id', GONE]));
    expect(gone.instance).toMatchObject({ status: 'fail', severity: 'CRITICAL' });
    expect(gone.instance?.recommendation?.commands?.[0]).toBe(`aws ec2 describe-instances --instance-ids ${GONE} --region eu-west-1`);

    const r = await json(['--profile', 'shortlived', '--include-credentials']);
    const cred = byCheck(r).credentials!;
    expect(cred).toMatchObject({ status: 'warn', severity: 'WARNING', points: 12.5, details: expect.objectContaining({ source: 'credential-process', temporary: true }) as unknown });
    expect(cred.message).toMatch(/expire in (9|10) min/);
    expect(r.score).toBe(82.1); // (20 + 15 + 12.5 + 10) of 70
  });

  it('--output writes YAML; bad --minimum-score is a usage error; every run is in diagnose.history', async () => {
    const file = path.join(home.path, 'aws-config.yaml');
    const r = await runWarren(env, ['diagnose', 'aws-config', '--format', 'yaml', '--output', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const report = parseYaml(await fs.readFile(file, 'utf8')) as Report;
    expect(report).toMatchObject({ mode: 'aws-config', score: 100 });

    const bad = await runWarren(env, ['diagnose', 'aws-config', '--minimum-score', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--minimum-score must be a number from 0 to 100');

    const noRegion = await daemon.client.call('diagnose.aws_config', { profile: 'noregion' });
    const history = await daemon.client.call('diagnose.history', { limit: 5 });
    expect(history.runs[0]).toEqual({ run_id: noRegion.run_id, instance_id: '', mode: 'aws-config', likelihood_percent: 64, started_at: noRegion.started_at, worst_severity: 'CRITICAL' });
    expect(history.runs[1]).toMatchObject({ run_id: report.run_id, mode: 'aws-config', likelihood_percent: 100 });
    const text = await runWarren(env, ['diagnose', 'history', '--limit', '1']);
    expect(text.stdout).toMatch(/-\s+aws-config\s+score 64\s+CRITICAL/);
  });
});
