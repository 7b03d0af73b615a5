// "Could not check" as a user meets it through the real daemon and CLI (AWS clients pointed at the
// emulator only; profile "bad" holds an access key the emulator does not know, so EC2 answers
// AuthFailure and SSM UnrecognizedClientException as AWS does): the JSON/YAML/text reports carry
// status could_not_check and its reason, `diagnose`/`precheck` exit 3 when it hides a CRITICAL
// item, and `fix` plans nothing from it. Plus the small `fix` wording fixes (finding 10).
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { DiagnosticReport } from '../../../src-shared/api/diagnostics.js';
import type { FixRunResult } from '../../../src-shared/api/fix-contract.js';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { runWarren } from '../helpers/cli.js';
import { cliEnv, startDaemon, type DaemonHandle } from '../helpers/daemon.js';

const BARE = 'i-0c0cc0ffee0000011';
const NOROLE = 'i-0c0cc0ffee0000012';
const OFF = 'i-0c0cc0ffee0000013';
const GONE = 'i-0c0cc0ffee0000014';

describe('could not check through the daemon and CLI', () => {
  const saved = { ...process.env };
  let home: TempDir;
  let emu: AwsEmulator;
  let daemon: DaemonHandle;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    home = await makeTempDir('warren-could-not-check-');
    emu = await startAwsEmulator({ region: 'eu-west-1' });
    emu.addInstance({ id: BARE, name: 'bare', state: 'running', vpcEndpoints: false, iamProfile: null });
    emu.addInstance({ id: NOROLE, name: 'norole', state: 'running', vpcEndpoints: true, publicIp: '203.0.113.41', iamProfile: null });
    emu.addInstance({ id: OFF, name: 'off', state: 'stopped', vpcEndpoints: true, publicIp: '203.0.113.42' });
    emu.addInstance({ id: GONE, name: 'gone', state: 'terminated', vpcEndpoints: false, iamProfile: null });
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    const good = `aws_access_key_id = ${emu.env().AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${emu.env().AWS_SECRET_ACCESS_KEY}\n`;
    const config = path.join(home.path, 'aws-config');
    const credentials = path.join(home.path, 'aws-credentials');
    await fs.writeFile(config, '[default]\nregion = eu-west-1\n\n[profile bad]\nregion = eu-west-1\n');
    await fs.writeFile(credentials, `[default]\n${good}\n[bad]\naws_access_key_id = AKIAUNKNOWNKEY000001\naws_secret_access_key = nope\n`);
    const awsEnv = emu.env() as unknown as Record<string, string>;
    const daemonAws: Record<string, string> = { ...awsEnv, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, WARREN_FIX_POLL_INTERVAL_MS: '100' };
    for (const k of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) delete daemonAws[k];
    const sshConfig = path.join(home.path, 'ssh_config');
    await fs.writeFile(sshConfig, '');
    env = cliEnv(home.path, sshConfig, daemonAws);
    daemon = await startDaemon({ home: home.path, sshConfigPath: sshConfig, env: daemonAws });
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
    await emu?.close();
    await home?.remove();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('diagnose item --item instance_state with rejected credentials: could_not_check (auth), exit 3', async () => {
    const r = await runWarren(env, ['diagnose', 'item', '--item', 'instance_state', '--instance-id', BARE, '--profile', 'bad', '--format', 'json']);
    expect(r.code, r.stderr).toBe(3);
    const report = JSON.parse(r.stdout) as DiagnosticReport;
    expect(report.results[0]).toMatchObject({ item: 'instance_state', status: 'could_not_check', reason: 'auth', severity: 'CRITICAL', details: { error: 'AuthFailure' } });
    expect(report.likelihood_percent).toBeLessThan(50);
    expect(r.stderr).toContain('instance_state: could_not_check CRITICAL auth');

    const text = await runWarren(env, ['diagnose', 'item', '--item', 'instance_state', '--instance-id', BARE, '--profile', 'bad']);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/instance_state\s+could not check \(auth\)\s+CRITICAL/);
    expect(text.stdout).toContain('$ aws sts get-caller-identity --region eu-west-1 --profile bad');
  }, 30_000);

  it('diagnose full --format yaml with rejected credentials: every AWS item could not check', async () => {
    const r = await runWarren(env, ['diagnose', 'full', '--instance-id', BARE, '--profile', 'bad', '--format', 'yaml']);
    expect(r.code, r.stderr).toBe(3);
    const report = parseYaml(r.stdout) as DiagnosticReport;
    const statuses = Object.fromEntries(report.results.map((x) => [x.item, `${x.status}/${x.reason ?? '-'}`]));
    expect(statuses).toMatchObject({
      instance_state: 'could_not_check/auth',
      ssm_agent: 'could_not_check/auth',
      iam_permissions: 'could_not_check/auth',
      vpc_endpoints: 'could_not_check/auth',
      security_groups: 'could_not_check/auth',
    });
  }, 30_000);

  it('fix --dry-run with rejected credentials plans no infrastructure change (no add_egress_443, no create_vpc_endpoints)', async () => {
    const r = await runWarren(env, ['fix', '--instance-id', BARE, '--profile', 'bad', '--dry-run', '--format', 'json']);
    expect(r.code, r.stderr).toBe(3);
    const result = JSON.parse(r.stdout) as FixRunResult;
    expect(result.plan).toEqual([]);
    const text = await runWarren(env, ['fix', '--instance-id', BARE, '--profile', 'bad', '--dry-run']);
    expect(text.stdout).not.toContain('NOT SAFE');
    expect(text.stdout).toContain('could not check instance_state (auth)');
  }, 30_000);

  it('precheck exits 3 when ssm_agent could not run on an instance without an instance profile', async () => {
    emu.failAction('ssm:DescribeInstanceInformation');
    try {
      const r = await runWarren(env, ['precheck', '--instance-id', NOROLE, '--format', 'json']);
      expect(r.code, r.stderr).toBe(3);
      const report = JSON.parse(r.stdout) as DiagnosticReport;
      expect(report.results.find((x) => x.item === 'ssm_agent')).toMatchObject({ status: 'could_not_check', reason: 'api_error', severity: 'CRITICAL' });
    } finally {
      emu.clearFaults();
    }
  }, 30_000);

  it('fix --dry-run --auto-fix does not say "run with --auto-fix"; the wait step says the --wait-timeout given', async () => {
    const r = await runWarren(env, ['fix', '--instance-id', OFF, '--auto-fix', '--dry-run', '--wait-timeout', '90']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).not.toContain('run with --auto-fix');
    expect(r.stdout).toContain('dry run: nothing was changed');
    expect(r.stdout).toContain('until PingStatus is Online (up to 90 s)');
    expect(r.stdout).not.toContain('up to 5 min');
    expect(emu.instanceState(OFF)).toBe('stopped');
  }, 30_000);

  it('a terminated instance: fix says it is terminated and plans nothing; no IAM ERROR, no endpoint guess', async () => {
    const r = await runWarren(env, ['fix', '--instance-id', GONE, '--dry-run']);
    expect(r.stdout).toContain(`nothing Warren can fix for ${GONE}: Instance ${GONE} is terminated`);
    const d = await runWarren(env, ['diagnose', 'full', '--instance-id', GONE, '--format', 'json']);
    expect(d.code).toBe(3);
    const report = JSON.parse(d.stdout) as DiagnosticReport;
    expect(report.results.filter((x) => x.status === 'fail').map((x) => x.item)).toEqual(['instance_state']);
    expect(JSON.stringify(report)).not.toContain('known only once it runs');
  }, 30_000);
});
