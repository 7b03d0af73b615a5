// Credential and config problems as a user meets them through the real daemon and CLI (its AWS SDK
// clients pointed at the emulator only, which refuses unknown keys with each service's real
// error): rejected credentials exit 4 (auth) in EC2's and SSM's spellings; a profile that does not
// exist, has no region or names a missing source_profile exits 2 and names it; a non-JSON 5xx says
// which call failed and what to try instead of the SDK's internals (issue 12, findings 3 and 8).
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsEmulator, type AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { freePort } from '../../fixtures/ports.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { runWarren } from '../helpers/cli.js';
import { cliEnv, startDaemon, type DaemonHandle } from '../helpers/daemon.js';

const WEB = 'i-0aeaeaeaeaea00001';

describe('AWS credential and config errors through the daemon and CLI', () => {
  const saved = { ...process.env };
  let home: TempDir;
  let emu: AwsEmulator;
  let daemon: DaemonHandle;
  let env: NodeJS.ProcessEnv;
  let configPath: string;

  beforeAll(async () => {
    home = await makeTempDir('warren-aws-errors-');
    emu = await startAwsEmulator({ region: 'eu-west-1' });
    emu.addInstance({ id: WEB, name: 'web', state: 'running', vpcEndpoints: true });
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    const good = `aws_access_key_id = ${emu.env().AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${emu.env().AWS_SECRET_ACCESS_KEY}\n`;
    configPath = path.join(home.path, 'aws-config');
    const credentials = path.join(home.path, 'aws-credentials');
    await fs.writeFile(
      configPath,
      '[default]\nregion = eu-west-1\n\n[profile bad]\nregion = eu-west-1\n\n[profile wrongsecret]\nregion = eu-west-1\n\n[profile noregion]\n\n[profile orphan]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = ghost\n',
    );
    await fs.writeFile(credentials, `[default]\n${good}\n[noregion]\n${good}\n[bad]\naws_access_key_id = AKIAUNKNOWNKEY000001\naws_secret_access_key = nope\n[wrongsecret]\naws_access_key_id = ${emu.env().AWS_ACCESS_KEY_ID}\naws_secret_access_key = not-the-secret\n`);
    const awsEnv = emu.env() as unknown as Record<string, string>;
    const daemonAws: Record<string, string> = { ...awsEnv, AWS_CONFIG_FILE: configPath, AWS_SHARED_CREDENTIALS_FILE: credentials };
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

  it('EC2 AuthFailure exits 4 (auth), names the call and says how to refresh the credentials', async () => {
    const r = await runWarren(env, ['ec2', 'instances', '--profile', 'bad']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('AWS did not accept the credentials (EC2 DescribeInstances failed: AuthFailure (HTTP 401)');
    expect(r.stderr).toMatch(/hint: refresh the credentials of this AWS profile/);
  }, 30_000);

  it('SSM UnrecognizedClientException exits 4 (auth)', async () => {
    const r = await runWarren(env, ['ec2', 'connect', '--instance-id', WEB, '--local-port', String(await freePort()), '--remote-port', '22', '--name', 'bad-web', '--profile', 'bad']);
    expect(r.code, r.stderr + r.stdout).toBe(4);
    expect(r.stderr + r.stdout).toContain('UnrecognizedClientException');
  }, 30_000);

  it('a wrong secret for a known key: EC2 AuthFailure and SSM InvalidSignatureException exit 4 (auth)', async () => {
    const r = await runWarren(env, ['ec2', 'instances', '--profile', 'wrongsecret']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('AWS did not accept the credentials (EC2 DescribeInstances failed: AuthFailure (HTTP 401)');
    expect(r.stderr).toMatch(/hint: refresh the credentials of this AWS profile/);
    const c = await runWarren(env, ['ec2', 'connect', '--instance-id', WEB, '--local-port', String(await freePort()), '--remote-port', '22', '--name', 'wrongsecret-web', '--profile', 'wrongsecret']);
    expect(c.code, c.stderr + c.stdout).toBe(4);
    expect(c.stderr + c.stdout).toContain('InvalidSignatureException');
    expect(emu.calls.filter((x) => x.accessKeyId === emu.env().AWS_ACCESS_KEY_ID && x.error).map((x) => x.error)).toEqual(expect.arrayContaining(['AuthFailure', 'InvalidSignatureException']));
  }, 30_000);

  it('--profile nope names the missing profile and exits 2 (not "Region is missing", exit 3)', async () => {
    const r = await runWarren(env, ['ec2', 'instances', '--profile', 'nope']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`no AWS profile named "nope" in ${configPath}`);
    expect(r.stderr).toContain('profiles there: bad, default, noregion, orphan, wrongsecret');
    expect(r.stderr).not.toContain('Region is missing');
    const d = await runWarren(env, ['diagnose', 'full', '--instance-id', WEB, '--profile', 'nope', '--format', 'json']);
    expect(d.code, d.stderr).toBe(2);
    expect(d.stderr).toContain('no AWS profile named "nope"');
  }, 30_000);

  it('a profile without a region exits 2 with the fix', async () => {
    const r = await runWarren(env, ['ec2', 'instances', '--profile', 'noregion']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('AWS profile "noregion" has no region');
    expect(r.stderr).toContain(`add "region = eu-west-1" under [profile noregion] in ${configPath}`);
    const ok = await runWarren(env, ['ec2', 'instances', '--profile', 'noregion', '--region', 'eu-west-1', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
  }, 30_000);

  it('a profile whose source_profile does not exist names the missing profile', async () => {
    const r = await runWarren(env, ['ec2', 'instances', '--profile', 'orphan']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('AWS profile "orphan" takes its credentials from source_profile "ghost", but there is no profile "ghost"');
    expect(r.stderr).not.toContain('Could not load credentials from any providers');
  }, 30_000);

  it('a non-JSON 5xx says which call failed, its HTTP status and what to try, not the SDK internals', async () => {
    emu.failAction('ec2:DescribeInstances', { code: 'BadGateway', status: 502, raw: '<html><body><h1>502 Bad Gateway</h1></body></html>' });
    try {
      const r = await runWarren(env, ['ec2', 'instances']);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain('EC2 DescribeInstances failed (HTTP 502): the answer was not an AWS response');
      expect(r.stderr).toMatch(/hint: try again in a minute/);
      expect(r.stderr).not.toMatch(/\$response|Deserialization error/);
    } finally {
      emu.clearFaults();
    }
  }, 30_000);
});
