// Credentials that need the user, end to end: the real daemon's SDK chain (fromNodeProviderChain →
// fromIni / fromSSO) reads a temp AWS config, STS AssumeRole with MFA and IAM Identity Center are
// the emulator's, and the questions travel as event.prompt to whoever answers (this test over the
// socket, or the real CLI). Nothing here touches the developer's ~/.aws: HOME is a temp dir.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import type { PromptEvent } from '../../../src-shared/api/prompt-contract.js';
import type { AwsEmulator } from '../../fixtures/aws-emulator/index.js';
import { freePort, waitFor } from '../../fixtures/ports.js';
import { makeTempDir, type TempDir } from '../../fixtures/tmp.js';
import { runWarren } from '../helpers/cli.js';
import type { DaemonHandle } from '../helpers/daemon.js';
import { startSsmWorld, type SsmWorld } from '../helpers/ssm-world.js';
import { connectThrough, echoThrough } from '../helpers/traffic.js';

const ACCOUNT = '123456789012';
const WEB = 'i-0c0ffee0000000001';
const SERIAL = `arn:aws:iam::${ACCOUNT}:mfa/alice`;
const ADMIN_ROLE = `arn:aws:iam::${ACCOUNT}:role/warren-admin`;
const OPS_ROLE = `arn:aws:iam::${ACCOUNT}:role/warren-ops`;
const START_URL = 'https://warren-test.awsapps.com/start';
const LEGACY_URL = 'https://warren-legacy.awsapps.com/start';
const TUNNELS_URL = 'https://warren-tunnels.awsapps.com/start';

const CONFIG = `# written by credentials-prompt.test.ts
[profile base]
aws_access_key_id = AKIDBASE000000000001
aws_secret_access_key = base-secret
region = us-east-1

[profile admin]
role_arn = ${ADMIN_ROLE}
source_profile = base
mfa_serial = ${SERIAL}
region = us-east-1

[profile ops]
role_arn = ${OPS_ROLE}
source_profile = base
mfa_serial = ${SERIAL}
region = us-east-1

[profile dev]
sso_session = corp
sso_account_id = ${ACCOUNT}
sso_role_name = Developer
region = us-east-1

[profile dev-ro]
sso_session = corp
sso_account_id = ${ACCOUNT}
sso_role_name = ReadOnly
region = us-east-1

[profile tunnel]
sso_session = tunnels
sso_account_id = ${ACCOUNT}
sso_role_name = Developer
region = us-east-1

[profile legacy]
sso_start_url = ${LEGACY_URL}
sso_region = us-east-1
sso_account_id = ${ACCOUNT}
sso_role_name = Developer
region = us-east-1

[sso-session corp]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[sso-session tunnels]
sso_start_url = ${TUNNELS_URL}
sso_region = us-east-1
`;

describe('credential prompts (MFA, SSO) through the daemon', () => {
  let world: SsmWorld;
  let emu: AwsEmulator;
  let daemon: DaemonHandle;
  let aws: TempDir;
  const prompts: PromptEvent[] = [];

  /** The next prompt event matching `pred` (already received or still to come). */
  async function nextPrompt(pred: (e: PromptEvent) => boolean, from = 0): Promise<PromptEvent> {
    let found: PromptEvent | undefined;
    await waitFor(() => (found = prompts.slice(from).find(pred)) !== undefined, 'a prompt event', 20_000);
    return found!;
  }

  beforeAll(async () => {
    aws = await makeTempDir('warren-aws-home-');
    await fs.writeFile(path.join(aws.path, 'config'), CONFIG);
    world = await startSsmWorld({
      prefix: 'warren-creds-',
      setup: (e) => {
        e.addInstance({ id: WEB, name: 'web', state: 'running' });
        // The base profile's static keys, so the emulator can verify what they sign.
        e.credentials.add('AKIDBASE000000000001', 'base-secret');
        e.identity.addRole({ arn: ADMIN_ROLE, mfa: { serial: SERIAL, code: '246810' } });
        e.identity.addRole({ arn: OPS_ROLE, mfa: { serial: SERIAL, code: '135790' } });
        e.identity.addSsoRole(ACCOUNT, 'Developer');
        e.identity.addSsoRole(ACCOUNT, 'ReadOnly');
      },
      // The profiles' own credentials only: no static keys from the environment, HOME (and with it
      // ~/.aws/sso/cache) in a temp dir.
      daemonEnv: { AWS_CONFIG_FILE: path.join(aws.path, 'config'), HOME: aws.path, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' },
    });
    ({ emu, daemon } = world);
    daemon.client.on('event.prompt', (e) => prompts.push(e));
    await daemon.client.call('events.subscribe', { types: ['prompt'] });
  }, 60_000);

  afterAll(async () => {
    await world?.close();
    await aws?.remove();
  });

  it('asks for the MFA code of an assume-role profile, refuses a wrong one clearly, and uses the right one', async () => {
    // A wrong code: AWS refuses it, and the error says what to do.
    const from = prompts.length;
    const wrong = daemon.client.call('ec2.instances', { profile: 'admin' });
    const asked = await nextPrompt((e) => e.status === 'open', from);
    expect(asked).toMatchObject({ kind: 'mfa', profile: 'admin', mfa_serial: SERIAL, message: `MFA code for ${SERIAL} (profile admin)` });
    expect((await daemon.client.call('prompt.list')).prompts.map((p) => p.id)).toEqual([asked.id]);
    // A malformed answer is refused and the prompt stays open.
    await expect(daemon.client.call('prompt.answer', { id: asked.id, value: '12ab' })).rejects.toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringMatching(/6 digits/) });
    await daemon.client.call('prompt.answer', { id: asked.id, value: '111111' });
    const err = await wrong.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WarrenError);
    expect((err as WarrenError).code).toBe(ErrorCode.AwsAccessDenied);
    expect((err as WarrenError).message).toMatch(/AWS refused the MFA code for profile admin .*MultiFactorAuthentication failed.*enter the code your MFA device shows now/);
    expect(emu.calls.filter((c) => c.action === 'AssumeRole').at(-1)).toMatchObject({ params: { RoleArn: ADMIN_ROLE, SerialNumber: SERIAL, TokenCode: '111111' }, error: 'AccessDenied' });

    // The right code: AssumeRole with it, then EC2 and SSM signed with the temporary credentials.
    const from2 = prompts.length;
    const right = daemon.client.call('ec2.instances', { profile: 'admin' });
    const again = await nextPrompt((e) => e.status === 'open', from2);
    expect(again.id).not.toBe(asked.id);
    // EC2 and SSM resolve credentials together: one prompt, not two.
    expect((await daemon.client.call('prompt.list')).prompts).toHaveLength(1);
    await daemon.client.call('prompt.answer', { id: again.id, value: '246 810' });
    const r = await right;
    expect(r.instances.map((i) => i.instance_id)).toContain(WEB);
    const assume = emu.calls.filter((c) => c.action === 'AssumeRole').at(-1)!;
    expect(assume).toMatchObject({ service: 'sts', accessKeyId: 'AKIDBASE000000000001', params: { SerialNumber: SERIAL, TokenCode: '246810' } });
    expect(assume.error).toBeUndefined();
    const describe = emu.calls.filter((c) => c.action === 'DescribeInstances').at(-1)!;
    expect(describe.accessKeyId).toMatch(/^ASIA/);
    expect(prompts.filter((e) => e.id === again.id).map((e) => e.status)).toEqual(['open', 'answered']);
    expect((await daemon.client.call('prompt.list')).prompts).toEqual([]);

    // Cached until they expire: no second question.
    const before = prompts.length;
    await daemon.client.call('ec2.instances', { profile: 'admin' });
    expect(prompts.length).toBe(before);
    // The code never reaches the daemon's log.
    expect(await fs.readFile(daemon.paths.log, 'utf8')).not.toMatch(/246810|246 810/);
  }, 60_000);

  it('a cancelled prompt fails the call with a clear error', async () => {
    const from = prompts.length;
    const call = daemon.client.call('ec2.instances', { profile: 'ops' });
    const asked = await nextPrompt((e) => e.status === 'open', from);
    await daemon.client.call('prompt.cancel', { id: asked.id });
    await expect(call).rejects.toMatchObject({ code: ErrorCode.AwsAccessDenied, message: expect.stringMatching(/MFA prompt .* was cancelled/) });
  }, 30_000);

  it('`warren ec2 connect` waits on the MFA prompt; `warren aws answer` from another shell lets it connect', async () => {
    const port = await freePort();
    const from = prompts.length;
    const connect = runWarren(world.env, ['ec2', 'connect', '--instance-id', WEB, '--local-port', String(port), '--remote-port', String(world.target.port), '--name', 'ops-web', '--profile', 'ops']);
    const asked = await nextPrompt((e) => e.status === 'open' && e.profile === 'ops', from);
    const listed = await runWarren(world.env, ['aws', 'prompts']);
    expect(listed.stdout).toContain(asked.id);
    const answer = await runWarren(world.env, ['aws', 'answer', asked.id, '135790']);
    expect(answer.code, answer.stderr).toBe(0);
    const r = await connect;
    expect(r.code, r.stderr + r.stdout).toBe(0);
    // Not a terminal: the CLI said how to answer instead of asking.
    expect(r.stderr).toContain(`AWS needs the MFA code for ${SERIAL} (profile ops)`);
    expect(r.stderr).toContain(`warren aws answer ${asked.id} CODE`);
    expect(r.stdout).toContain('ops-web: active');
    expect((await echoThrough(await connectThrough(port), 256 * 1024)).intact).toBe(true);
    expect(emu.calls.filter((c) => c.action === 'StartSession').at(-1)?.accessKeyId).toMatch(/^ASIA/);
    await runWarren(world.env, ['ec2', 'terminate', 'ops-web']);
  }, 60_000);

  it('signs in to an SSO session by device authorization and writes the token where the SDK reads it', async () => {
    const from = prompts.length;
    const call = daemon.client.call('ec2.instances', { profile: 'dev' });
    const asked = await nextPrompt((e) => e.status === 'open', from);
    expect(asked).toMatchObject({ kind: 'sso', profile: 'dev', verification_uri: 'https://device.sso.us-east-1.amazonaws.com/' });
    expect(asked.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(asked.verification_uri_complete).toContain(asked.user_code);
    expect(emu.identity.pendingDeviceAuthorizations()).toEqual([{ userCode: asked.user_code, startUrl: START_URL }]);
    // Not approved yet: the daemon keeps polling (authorization_pending) and the call waits.
    await waitFor(() => emu.calls.some((c) => c.action === 'CreateToken' && c.error === 'AuthorizationPendingException'), 'a pending CreateToken poll', 10_000);
    emu.identity.approveDevice(asked.user_code!);
    const r = await call;
    expect(r.instances.map((i) => i.instance_id)).toContain(WEB);

    // The SDK's cache file: ~/.aws/sso/cache/<sha1(session name)>.json, the AWS CLI's fields.
    const file = path.join(aws.path, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`);
    const token = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, string>;
    expect(Object.keys(token).sort()).toEqual(['accessToken', 'clientId', 'clientSecret', 'expiresAt', 'refreshToken', 'region', 'registrationExpiresAt', 'startUrl']);
    expect(token).toMatchObject({ region: 'us-east-1', startUrl: START_URL });
    expect(Date.parse(token.expiresAt!)).toBeGreaterThan(Date.now() + 3600_000);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    // The SDK then used it: GetRoleCredentials, and EC2 signed with the role's credentials.
    const oidc = emu.calls.filter((c) => c.service === 'sso-oidc').map((c) => c.action);
    expect(oidc.slice(0, 2)).toEqual(['RegisterClient', 'StartDeviceAuthorization']);
    expect(emu.calls.find((c) => c.action === 'RegisterClient')?.params).toMatchObject({ clientType: 'public', scopes: ['sso:account:access'] });
    expect(emu.calls.filter((c) => c.action === 'GetRoleCredentials').at(-1)).toMatchObject({ service: 'sso', params: { role_name: 'Developer', account_id: ACCOUNT } });
    expect(emu.calls.filter((c) => c.action === 'DescribeInstances').at(-1)?.accessKeyId).toMatch(/^ASIA/);
    expect(prompts.filter((e) => e.id === asked.id).map((e) => e.status)).toEqual(['open', 'answered']);
    expect(await fs.readFile(daemon.paths.log, 'utf8')).not.toContain(token.accessToken!);

    // The file is complete enough for the SDK's own refresh: with the access token expired, another
    // profile on the session gets a new one by refresh_token (CreateToken), without asking anyone.
    await fs.writeFile(file, JSON.stringify({ ...token, expiresAt: new Date(Date.now() - 60_000).toISOString() }));
    const before = prompts.length;
    const ro = await daemon.client.call('ec2.instances', { profile: 'dev-ro' });
    expect(ro.instances.map((i) => i.instance_id)).toContain(WEB);
    expect(prompts.length).toBe(before);
    expect(emu.calls.filter((c) => c.action === 'CreateToken').at(-1)).toMatchObject({ params: { grantType: 'refresh_token', refreshToken: token.refreshToken, clientId: token.clientId } });
    const refreshed = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, string>;
    expect(refreshed.accessToken).not.toBe(token.accessToken);
    expect(Date.parse(refreshed.expiresAt!)).toBeGreaterThan(Date.now());
  }, 60_000);

  it('an SSM forward on an SSO profile signs in on connect instead of failing', async () => {
    const port = await freePort();
    const from = prompts.length;
    const connect = daemon.client.call('ec2.connect', { instance_id: WEB, local_port: port, remote_port: world.target.port, name: 'sso-web', profile: 'tunnel' });
    const asked = await nextPrompt((e) => e.status === 'open', from);
    expect(asked).toMatchObject({ kind: 'sso', profile: 'tunnel' });
    emu.identity.approveDevice(asked.user_code!);
    expect(await connect).toMatchObject({ name: 'sso-web', status: 'active' });
    expect((await echoThrough(await connectThrough(port), 64 * 1024)).intact).toBe(true);
    expect(emu.calls.filter((c) => c.action === 'StartSession').at(-1)?.accessKeyId).toMatch(/^ASIA/);
    await daemon.client.call('ec2.terminate', { name: 'sso-web' });
  }, 60_000);

  it('`warren aws sso-login` signs a legacy profile in, printing where to approve it', async () => {
    const login = runWarren(world.env, ['aws', 'sso-login', '--profile', 'legacy']);
    let code: string | undefined;
    await waitFor(() => (code = emu.identity.pendingDeviceAuthorizations().find((d) => d.startUrl === LEGACY_URL)?.userCode) !== undefined, 'the device sign-in', 20_000);
    emu.identity.approveDevice(code!);
    const r = await login;
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toContain(`?user_code=${code}`);
    expect(r.stderr).toContain(`shows the code ${code}`);
    expect(r.stdout).toMatch(/signed in for profile legacy; the token is valid until /);
    // Legacy profiles are cached under the start URL's hash.
    const file = path.join(aws.path, '.aws', 'sso', 'cache', `${createHash('sha1').update(LEGACY_URL).digest('hex')}.json`);
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ startUrl: LEGACY_URL, region: 'us-east-1' });
    // And the SDK signs in with it, without another prompt.
    const before = prompts.length;
    await daemon.client.call('ec2.instances', { profile: 'legacy' });
    expect(prompts.length).toBe(before);

    const notSso = await runWarren(world.env, ['aws', 'sso-login', '--profile', 'base']);
    expect(notSso.code).toBe(2);
    expect(notSso.stderr).toMatch(/profile "base" does not sign in through AWS IAM Identity Center/);
  }, 60_000);
});
