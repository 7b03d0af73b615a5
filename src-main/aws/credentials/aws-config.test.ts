import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { awsHomeDir, readAwsConfig, resolveSsoTarget, ssoTokenCachePath, writeSsoTokenCache, type AwsConfigFile } from './aws-config.js';

const CONFIG = `
# comment
[default]
region = eu-west-1 ; inline comment
s3 =
  max_concurrent_requests = 10
output = json

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev

[profile admin-on-sso]
role_arn = arn:aws:iam::111122223333:role/admin
source_profile = dev

[profile old]
sso_start_url = https://old.awsapps.com/start
sso_region = us-west-2

[profile keys]
aws_access_key_id = AKID

[profile loop-a]
role_arn = arn:aws:iam::1:role/a
source_profile = loop-b
[profile loop-b]
role_arn = arn:aws:iam::1:role/b
source_profile = loop-a

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1
sso_registration_scopes = sso:account:access, codewhisperer:completions

[not-a-profile]
sso_start_url = https://ignored
`;

describe('AWS config for SSO', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  /** CONFIG written to a temporary AWS_CONFIG_FILE and read through the SDK's loader. */
  async function load(text: string): Promise<AwsConfigFile> {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-awscfg-'));
    dirs.push(home);
    fs.writeFileSync(path.join(home, 'cfg'), text);
    return readAwsConfig({ HOME: home, AWS_CONFIG_FILE: path.join(home, 'cfg'), AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none') });
  }

  it('reads profiles and sso-sessions through the SDK loader (comments, sub-properties, ignored sections)', async () => {
    const c = await load(CONFIG);
    // Sub-properties come as "section.key", exactly as the SDK itself sees them.
    expect(c.profiles['default']).toEqual({ region: 'eu-west-1', output: 'json', 's3.max_concurrent_requests': '10' });
    expect(Object.keys(c.profiles)).not.toContain('not-a-profile');
    expect(c.ssoSessions['corp']?.['sso_region']).toBe('eu-central-1');
  });

  it('sees an edit made after the first read (no stale cache)', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-awscfg-'));
    dirs.push(home);
    const env = { HOME: home, AWS_CONFIG_FILE: path.join(home, 'cfg') };
    fs.writeFileSync(env.AWS_CONFIG_FILE, '[profile a]\nregion = eu-west-1\n');
    expect((await readAwsConfig(env)).profiles['a']?.['region']).toBe('eu-west-1');
    fs.writeFileSync(env.AWS_CONFIG_FILE, '[profile a]\nregion = us-east-2\n');
    expect((await readAwsConfig(env)).profiles['a']?.['region']).toBe('us-east-2');
  });

  it('finds the SSO session behind a profile, through source_profile, and legacy start URLs', async () => {
    const c = await load(CONFIG);
    expect(resolveSsoTarget('dev', c)).toEqual({
      profile: 'dev',
      ssoSession: 'corp',
      startUrl: 'https://corp.awsapps.com/start',
      region: 'eu-central-1',
      scopes: ['sso:account:access', 'codewhisperer:completions'],
      cacheKey: 'corp',
    });
    expect(resolveSsoTarget('admin-on-sso', c)).toMatchObject({ profile: 'admin-on-sso', ssoSession: 'corp' });
    expect(resolveSsoTarget('old', c)).toEqual({ profile: 'old', ssoSession: undefined, startUrl: 'https://old.awsapps.com/start', region: 'us-west-2', scopes: [], cacheKey: 'https://old.awsapps.com/start' });
    expect(resolveSsoTarget('keys', c)).toBeUndefined();
    expect(resolveSsoTarget('missing', c)).toBeUndefined();
    expect(resolveSsoTarget('loop-a', c)).toBeUndefined();
  });

  it('writes the token cache at the SDK path (HOME, sha1 of the key), 0600, and reads the config from AWS_CONFIG_FILE', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-awscfg-'));
    dirs.push(home);
    const env = { HOME: home, AWS_CONFIG_FILE: path.join(home, 'cfg') };
    fs.writeFileSync(env.AWS_CONFIG_FILE, CONFIG);
    expect((await readAwsConfig(env)).ssoSessions['corp']).toBeDefined();
    expect(await readAwsConfig({ HOME: home, AWS_CONFIG_FILE: path.join(home, 'none') })).toEqual({ profiles: {}, ssoSessions: {} });
    expect(awsHomeDir(env)).toBe(home);
    const file = writeSsoTokenCache('corp', { accessToken: 'a', expiresAt: '2030-01-01T00:00:00Z', region: 'eu-central-1', startUrl: 'https://corp.awsapps.com/start' }, env);
    expect(file).toBe(path.join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`));
    expect(file).toBe(ssoTokenCachePath('corp', env));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ accessToken: 'a', startUrl: 'https://corp.awsapps.com/start' });
    expect(fs.readdirSync(path.dirname(file))).toHaveLength(1); // no temp file left behind
  });
});
