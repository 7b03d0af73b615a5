// profile: the profile Warren will use is in the shared config files. Read with the SDK's own loader
// (@smithy/core/config, where @smithy/shared-ini-file-loader now lives) so "found" means what the
// SDK will find, honouring AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE. The raw config text is
// also scanned once for the commonest slip: "[dev]" where the config file needs "[profile dev]".
import fs from 'node:fs';
import path from 'node:path';
import { getHomeDir, loadSharedConfigFiles } from '@smithy/core/config';
import { awsConfigPath, awsCredentialsPath, definedValues, isProfileKey } from '../../credentials/aws-config.js';
import type { AwsConfigOutcome } from './types.js';

export type ProfileSource = 'flag' | 'AWS_PROFILE' | 'default';

export interface ProfileFacts {
  name: string;
  source: ProfileSource;
  configFile: string;
  credentialsFile: string;
  configFileExists: boolean;
  credentialsFileExists: boolean;
  inConfig: boolean;
  inCredentials: boolean;
  /** The profile's settings, the credentials file's over the config file's (the SDK's precedence). */
  settings: Record<string, string>;
  /** Every profile name in either file, sorted. */
  available: string[];
  /** The config file has "[name]", which the SDK ignores there. */
  bareSectionInConfig: boolean;
}

export function chooseProfile(flag: string | undefined, env: NodeJS.ProcessEnv): { name: string; source: ProfileSource } {
  if (flag) return { name: flag, source: 'flag' };
  const fromEnv = env['AWS_PROFILE'];
  return fromEnv ? { name: fromEnv, source: 'AWS_PROFILE' } : { name: 'default', source: 'default' };
}

function expandHome(p: string): string {
  return p.startsWith('~/') ? path.join(getHomeDir(), p.slice(2)) : p;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function loadProfileFacts(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<ProfileFacts> {
  const { name, source } = chooseProfile(flag, env);
  const configFile = expandHome(awsConfigPath(env));
  const credentialsFile = expandHome(awsCredentialsPath(env));
  // ignoreCache: the user may have just edited the files; the SDK's own cache would hide that.
  const files = await loadSharedConfigFiles({ configFilepath: configFile, filepath: credentialsFile, ignoreCache: true });
  const configProfiles = Object.keys(files.configFile).filter(isProfileKey);
  const credentialProfiles = Object.keys(files.credentialsFile);
  let bareSectionInConfig = false;
  if (name !== 'default' && !configProfiles.includes(name)) {
    try {
      const text = fs.readFileSync(configFile, 'utf8');
      bareSectionInConfig = new RegExp(`^\\s*\\[\\s*${escapeRegExp(name)}\\s*\\]`, 'm').test(text);
    } catch {
      // Missing or unreadable: the SDK cannot read it either, and the message says it is absent.
    }
  }
  return {
    name,
    source,
    configFile,
    credentialsFile,
    configFileExists: fs.existsSync(configFile),
    credentialsFileExists: fs.existsSync(credentialsFile),
    inConfig: configProfiles.includes(name),
    inCredentials: credentialProfiles.includes(name),
    settings: { ...definedValues(files.configFile[name]), ...definedValues(files.credentialsFile[name]) },
    available: [...new Set([...configProfiles, ...credentialProfiles])].sort(),
    bareSectionInConfig,
  };
}

/** How the profile gets credentials, judged from its settings (undefined: none in the profile). */
export function profileCredentialKind(settings: Readonly<Record<string, string>>): string | undefined {
  if (settings['sso_session'] || settings['sso_start_url']) return 'sso';
  if (settings['role_arn']) return settings['web_identity_token_file'] ? 'web-identity' : 'assume-role';
  if (settings['credential_process']) return 'credential-process';
  if (settings['login_session']) return 'console-login';
  if (settings['aws_access_key_id']) return 'static-keys';
  return undefined;
}

/** Credentials the SDK finds without any profile: keys, a web identity token or a container role. */
export function environmentCredentialSource(env: NodeJS.ProcessEnv): string | undefined {
  if (env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']) return 'AWS_ACCESS_KEY_ID';
  if (env['AWS_WEB_IDENTITY_TOKEN_FILE']) return 'AWS_WEB_IDENTITY_TOKEN_FILE';
  if (env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] || env['AWS_CONTAINER_CREDENTIALS_FULL_URI']) return 'the container credentials endpoint';
  return undefined;
}

/** " --profile p" for recommended commands, when a profile other than the implicit default is used. */
export function profileFlag(p: Pick<ProfileFacts, 'name' | 'source'>): string {
  return p.source === 'default' ? '' : ` --profile ${p.name}`;
}

/** " --region r --profile p", the suffix every recommended aws command gets (as in aws-facts.ts). */
export function cliFlags(p: Pick<ProfileFacts, 'name' | 'source'>, region: string | undefined): string {
  return `${region ? ` --region ${region}` : ''}${profileFlag(p)}`;
}

export function profileOutcome(p: ProfileFacts, env: NodeJS.ProcessEnv): AwsConfigOutcome {
  const details = {
    profile: p.name,
    profile_source: p.source,
    config_file: p.configFile,
    config_file_exists: p.configFileExists,
    credentials_file: p.credentialsFile,
    credentials_file_exists: p.credentialsFileExists,
    in_config_file: p.inConfig,
    in_credentials_file: p.inCredentials,
    credential_kind: profileCredentialKind(p.settings) ?? null,
    available_profiles: p.available,
  };
  const from = p.source === 'flag' ? '--profile' : p.source;
  if (p.inConfig || p.inCredentials) {
    const where = [p.inConfig ? p.configFile : undefined, p.inCredentials ? p.credentialsFile : undefined].filter(Boolean).join(' and ');
    return { status: 'pass', severity: 'INFO', message: `Profile "${p.name}"${p.source === 'default' ? '' : ` (from ${from})`} is in ${where}.`, details };
  }
  if (p.bareSectionInConfig) {
    return {
      status: 'fail',
      severity: 'CRITICAL',
      message: `${p.configFile} has a section [${p.name}], but in the config file a profile needs [profile ${p.name}]; the SDK ignores it.`,
      details,
      recommendation: {
        summary: `Rename the section [${p.name}] to [profile ${p.name}] in ${p.configFile} (only the credentials file uses bare names), then check it is listed.`,
        commands: ['aws configure list-profiles'],
      },
    };
  }
  if (p.source !== 'default') {
    const known = p.available.length ? ` Profiles found: ${p.available.slice(0, 10).join(', ')}${p.available.length > 10 ? ', …' : ''}.` : ' No profiles were found at all.';
    return {
      status: 'fail',
      severity: 'CRITICAL',
      message: `Profile "${p.name}" (from ${from}) is not in ${p.configFile} or ${p.credentialsFile}.${known}`,
      details,
      recommendation: {
        summary: `Create the profile (access keys, or IAM Identity Center with \`aws configure sso\`), or use one of the existing profiles.`,
        commands: [`aws configure --profile ${p.name}`, `aws configure sso --profile ${p.name}`, 'aws configure list-profiles'],
      },
    };
  }
  const envSource = environmentCredentialSource(env);
  if (envSource) {
    return { status: 'pass', severity: 'INFO', message: `No [default] profile in the shared config files; credentials come from ${envSource}.`, details };
  }
  return {
    status: 'warn',
    severity: 'WARNING',
    message: `No [default] profile in ${p.configFile} or ${p.credentialsFile}, and no credentials in the environment: only an instance or container role could supply credentials.`,
    details,
    recommendation: { summary: 'Create a default profile, or name one with --profile / AWS_PROFILE.', commands: ['aws configure', 'aws configure list-profiles'] },
  };
}
