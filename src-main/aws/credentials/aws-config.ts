// The few things Warren reads from the shared AWS config itself (the SDK reads everything else):
// which SSO session a profile signs in through, and where the SDK looks for that session's token.
// The file is parsed by the SDK's own loader (@smithy/core/config), uncached. AWS_CONFIG_FILE
// overrides ~/.aws/config; the home directory is HOME, then USERPROFILE, then HOMEDRIVE+HOMEPATH,
// then os.homedir(), as the SDK's getHomeDir (so a test's HOME redirects the token cache too).
import { CONFIG_PREFIX_SEPARATOR, loadSharedConfigFiles } from '@smithy/core/config';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type IniSection = Record<string, string>;

export interface AwsConfigFile {
  profiles: Record<string, IniSection>;
  ssoSessions: Record<string, IniSection>;
}

/** The home directory exactly as the SDK resolves it (getHomeDir). */
export function awsHomeDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['HOME']) return env['HOME'];
  if (env['USERPROFILE']) return env['USERPROFILE'];
  if (env['HOMEPATH']) return `${env['HOMEDRIVE'] ?? `C:${path.sep}`}${env['HOMEPATH']}`;
  return os.homedir();
}

export function awsConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env['AWS_CONFIG_FILE'] || path.join(awsHomeDir(env), '.aws', 'config');
}

export function awsCredentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return env['AWS_SHARED_CREDENTIALS_FILE'] || path.join(awsHomeDir(env), '.aws', 'credentials');
}

/** The profile the SDK uses when none is named. */
export function defaultProfileName(env: NodeJS.ProcessEnv = process.env): string {
  return env['AWS_PROFILE'] || 'default';
}

const SSO_SESSION_PREFIX = `sso-session${CONFIG_PREFIX_SEPARATOR}`;

/** Whether a key of the loader's configFile is a profile (not "sso-session.x" or "services.x"). */
export function isProfileKey(key: string): boolean {
  return !key.startsWith(SSO_SESSION_PREFIX) && !key.startsWith(`services${CONFIG_PREFIX_SEPARATOR}`);
}

/** A loaded section without its undefined values. */
export function definedValues(section: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(section ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * The config file as the SDK reads it (@smithy's loader: `[profile x]` → x, `[sso-session y]` →
 * "sso-session.y"), read afresh each time so an edit made while the daemon runs is seen.
 */
export async function readAwsConfig(env: NodeJS.ProcessEnv = process.env): Promise<AwsConfigFile> {
  const out: AwsConfigFile = { profiles: {}, ssoSessions: {} };
  const { configFile } = await loadSharedConfigFiles({ configFilepath: awsConfigPath(env), filepath: awsCredentialsPath(env), ignoreCache: true });
  for (const [key, section] of Object.entries(configFile)) {
    if (key.startsWith(SSO_SESSION_PREFIX)) out.ssoSessions[key.slice(SSO_SESSION_PREFIX.length)] = definedValues(section);
    else if (isProfileKey(key)) out.profiles[key] = definedValues(section);
  }
  return out;
}

/** How a profile signs in to IAM Identity Center. */
export interface SsoTarget {
  /** The profile asked about (its credentials may come from an SSO source_profile). */
  profile: string;
  /** The [sso-session] name; undefined for a legacy profile with sso_start_url itself. */
  ssoSession: string | undefined;
  startUrl: string;
  /** Where the OIDC and portal endpoints are (sso_region). */
  region: string;
  /** sso_registration_scopes (sso-session only); refresh tokens come with sso:account:access. */
  scopes: string[];
  /** What the token cache file is named after: the session name, or the start URL for legacy. */
  cacheKey: string;
}

/**
 * The SSO settings that give `profile` its credentials: its own, or those of the profile its
 * source_profile chain ends in (a role assumed with SSO credentials). undefined: not an SSO profile.
 */
export function resolveSsoTarget(profile: string, config: AwsConfigFile): SsoTarget | undefined {
  const seen = new Set<string>();
  let name: string | undefined = profile;
  while (name !== undefined && !seen.has(name)) {
    seen.add(name);
    const p: IniSection | undefined = config.profiles[name];
    if (!p) return undefined;
    const sessionName = p['sso_session'];
    if (sessionName) {
      const s = config.ssoSessions[sessionName];
      const startUrl = s?.['sso_start_url'];
      const region = s?.['sso_region'];
      if (!startUrl || !region) return undefined;
      const scopes = (s['sso_registration_scopes'] ?? 'sso:account:access')
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');
      return { profile, ssoSession: sessionName, startUrl, region, scopes, cacheKey: sessionName };
    }
    if (p['sso_start_url'] && p['sso_region']) return { profile, ssoSession: undefined, startUrl: p['sso_start_url'], region: p['sso_region'], scopes: [], cacheKey: p['sso_start_url'] };
    // A role profile: credentials come from its source (credential_source roles are not SSO).
    name = p['role_arn'] ? p['source_profile'] : undefined;
  }
  return undefined;
}

/** The token cache entry, field for field as the AWS CLI writes it and the SDK reads it. */
export interface SsoTokenCache {
  accessToken: string;
  /** ISO 8601, UTC. */
  expiresAt: string;
  region: string;
  startUrl: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: string;
  refreshToken?: string;
}

/** ~/.aws/sso/cache/<sha1 of the session name or legacy start URL>.json (SDK getSSOTokenFilepath). */
export function ssoTokenCachePath(cacheKey: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(awsHomeDir(env), '.aws', 'sso', 'cache', `${createHash('sha1').update(cacheKey).digest('hex')}.json`);
}

export function readSsoTokenCache(cacheKey: string, env: NodeJS.ProcessEnv = process.env): Partial<SsoTokenCache> | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(ssoTokenCachePath(cacheKey, env), 'utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Partial<SsoTokenCache>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Write the token where the SDK and the AWS CLI read it. The file holds a bearer token and a client
 * secret: 0600 in a 0700 directory, written whole (temp file + rename) so a concurrent reader never
 * sees half of it.
 */
export function writeSsoTokenCache(cacheKey: string, token: SsoTokenCache, env: NodeJS.ProcessEnv = process.env): string {
  const file = ssoTokenCachePath(cacheKey, env);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(token, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return file;
}

/** ISO 8601 without milliseconds, as the AWS CLI writes times in the cache. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
