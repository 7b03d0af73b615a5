// profile and region checks against real files read by the SDK's own loader.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseProfile, cliFlags, loadProfileFacts, profileCredentialKind, profileOutcome } from './profile.js';
import { regionOutcome } from './region.js';

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-aws-profile-'));
  const config = path.join(dir, 'config');
  const credentials = path.join(dir, 'credentials');
  fs.writeFileSync(config, '[default]\nregion = eu-west-1\n\n[profile sso]\nsso_session = corp\nsso_account_id = 1\n\n[sso-session corp]\nsso_region = eu-west-1\n\n[bare]\nregion = eu-west-1\n');
  fs.writeFileSync(credentials, '[keys]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = x\n');
  env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('profile', () => {
  it('chooses --profile, then AWS_PROFILE, then default', () => {
    expect(chooseProfile('a', { AWS_PROFILE: 'b' })).toEqual({ name: 'a', source: 'flag' });
    expect(chooseProfile(undefined, { AWS_PROFILE: 'b' })).toEqual({ name: 'b', source: 'AWS_PROFILE' });
    expect(chooseProfile(undefined, {})).toEqual({ name: 'default', source: 'default' });
  });

  it('finds profiles in either file (sso-session sections are not profiles) and knows their kind', async () => {
    const sso = await loadProfileFacts('sso', env);
    expect(sso).toMatchObject({ inConfig: true, inCredentials: false, available: ['default', 'keys', 'sso'] });
    expect(profileCredentialKind(sso.settings)).toBe('sso');
    expect(profileOutcome(sso, env)).toMatchObject({ status: 'pass', severity: 'INFO' });
    const keys = await loadProfileFacts(undefined, { ...env, AWS_PROFILE: 'keys' });
    expect(profileCredentialKind(keys.settings)).toBe('static-keys');
    expect(profileOutcome(keys, env).message).toContain('(from AWS_PROFILE)');
  });

  it('a missing named profile is CRITICAL; "[bare]" in the config file is explained', async () => {
    const missing = profileOutcome(await loadProfileFacts('nope', env), env);
    expect(missing).toMatchObject({ status: 'fail', severity: 'CRITICAL' });
    expect(missing.message).toContain('Profiles found: default, keys, sso.');
    const bare = profileOutcome(await loadProfileFacts('bare', env), env);
    expect(bare).toMatchObject({ status: 'fail', severity: 'CRITICAL' });
    expect(bare.recommendation?.summary).toContain('[profile bare]');
  });

  it('no default profile: fine with keys in the environment, a warning without', async () => {
    const none = { AWS_CONFIG_FILE: path.join(dir, 'absent'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'absent2') };
    const facts = await loadProfileFacts(undefined, none);
    expect(facts).toMatchObject({ configFileExists: false, credentialsFileExists: false, available: [] });
    expect(profileOutcome(facts, { ...none, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' })).toMatchObject({ status: 'pass' });
    expect(profileOutcome(facts, none)).toMatchObject({ status: 'warn', severity: 'WARNING' });
    expect(cliFlags(facts, 'eu-west-1')).toBe(' --region eu-west-1');
  });
});

describe('region', () => {
  it('passes with its source, fails CRITICAL without, and points out AWS_DEFAULT_REGION', async () => {
    const p = await loadProfileFacts('keys', env);
    expect(regionOutcome({ region: 'eu-west-1', source: 'AWS_REGION' }, p, env)).toMatchObject({ status: 'pass', message: 'Region eu-west-1 (from AWS_REGION).' });
    expect(regionOutcome({ region: 'moon-1', source: 'flag' }, p, env)).toMatchObject({ status: 'fail', severity: 'ERROR' });
    const none = regionOutcome({ error: 'Region is missing' }, p, { ...env, AWS_DEFAULT_REGION: 'ap-south-1' });
    expect(none).toMatchObject({ status: 'fail', severity: 'CRITICAL' });
    expect(none.message).toContain('only the aws CLI reads it');
    expect(none.recommendation?.commands).toEqual(['aws configure set region ap-south-1 --profile keys', 'export AWS_REGION=ap-south-1']);
  });
});
