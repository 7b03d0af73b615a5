// credentials: the real provider chain (the daemon's cached clients for this profile) yields
// credentials, and STS GetCallerIdentity accepts them. With include_credentials it also says where
// they came from (the SDK tags each credential with the provider that made it) and when they
// expire, warning under 15 minutes: a forward started now would fail at its next reconnect.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsTarget } from '../../aws-clients.js';
import { errorName, isAccessDenied } from '../aws-facts.js';
import { cliFlags, environmentCredentialSource, profileCredentialKind, profileFlag, type ProfileFacts } from './profile.js';
import type { AwsConfigEnvironment, AwsConfigOutcome, CallerIdentity } from './types.js';

export const EXPIRY_WARNING_MS = 15 * 60_000;

/**
 * STS answers in any region; when none is configured the check still verifies the credentials there
 * (STS's original global region), so a missing region and bad credentials are reported separately.
 */
export const STS_FALLBACK_REGION = 'us-east-1';

/** The SDK's credential feature tags (credentials.$source) → a kind a person recognises; most specific first. */
const SOURCE_KINDS: ReadonlyArray<readonly [string, string]> = [
  ['CREDENTIALS_PROFILE_SSO', 'sso'],
  ['CREDENTIALS_PROFILE_SSO_LEGACY', 'sso'],
  ['CREDENTIALS_SSO', 'sso'],
  ['CREDENTIALS_SSO_LEGACY', 'sso'],
  ['CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN', 'web-identity'],
  ['CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN', 'web-identity'],
  ['CREDENTIALS_STS_ASSUME_ROLE_WEB_ID', 'web-identity'],
  ['CREDENTIALS_PROFILE_SOURCE_PROFILE', 'assume-role'],
  ['CREDENTIALS_PROFILE_NAMED_PROVIDER', 'assume-role'],
  ['CREDENTIALS_STS_ASSUME_ROLE', 'assume-role'],
  ['CREDENTIALS_PROFILE_PROCESS', 'credential-process'],
  ['CREDENTIALS_PROCESS', 'credential-process'],
  ['CREDENTIALS_PROFILE_LOGIN', 'console-login'],
  ['CREDENTIALS_LOGIN', 'console-login'],
  ['CREDENTIALS_ENV_VARS', 'environment'],
  ['CREDENTIALS_PROFILE', 'static-keys'],
  ['CREDENTIALS_HTTP', 'container'],
  ['CREDENTIALS_IMDS', 'instance-metadata'],
];

export function credentialSourceKind(features: readonly string[]): string | undefined {
  const have = new Set(features);
  return SOURCE_KINDS.find(([f]) => have.has(f))?.[1];
}

function featureTags(creds: object): string[] {
  const tags = '$source' in creds ? creds.$source : undefined;
  return tags && typeof tags === 'object' ? Object.keys(tags) : [];
}

function mask(accessKeyId: string): string {
  return accessKeyId.length > 8 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` : '…';
}

/** Exact commands that get fresh credentials for this kind of source. */
export function refreshCommands(kind: string | undefined, profile: Pick<ProfileFacts, 'name' | 'source'>, region: string | undefined): string[] {
  const p = profileFlag(profile);
  const verify = `aws sts get-caller-identity${cliFlags(profile, region)}`;
  switch (kind) {
    case 'sso':
      return [`aws sso login${p}`, verify];
    case 'console-login':
      return [`aws login${p}`, verify];
    case 'environment':
      return ['unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN  # then set fresh ones, or use a profile', verify];
    case 'static-keys':
    case undefined:
      return [`aws configure${p}`, verify];
    default:
      return [`aws configure list${p}`, verify];
  }
}

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const REJECTED = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'AuthFailure', 'InvalidAccessKeyId', 'IncompleteSignature']);

export interface CredentialsCheck {
  outcome: AwsConfigOutcome;
  caller?: CallerIdentity;
}

export async function checkCredentials(
  env: AwsConfigEnvironment,
  target: AwsTarget,
  profile: ProfileFacts,
  region: string | undefined,
  includeDetails: boolean,
): Promise<CredentialsCheck> {
  // The same cached clients as every other call for this profile, unless no region resolved.
  const aws = env.clients.get(region ? target : { ...target, region: STS_FALLBACK_REGION });
  const configuredKind = profileCredentialKind(profile.settings) ?? (profile.source === 'default' && environmentCredentialSource(env.env) ? 'environment' : undefined);
  let creds;
  try {
    creds = await aws.credentials();
  } catch (e) {
    return {
      outcome: {
        status: 'fail',
        severity: 'CRITICAL',
        message: `No credentials for profile "${profile.name}": ${e instanceof Error ? e.message : String(e)}`,
        details: { error: errorName(e), configured_kind: configuredKind ?? null },
        recommendation: { summary: 'Give the profile credentials (or log in), then check STS knows you.', commands: refreshCommands(configuredKind, profile, region) },
      },
    };
  }
  const kind = credentialSourceKind(featureTags(creds)) ?? configuredKind ?? 'unknown';
  const expiresAt = creds.expiration;
  const msLeft = expiresAt ? expiresAt.getTime() - (env.now?.() ?? new Date()).getTime() : undefined;
  const sourceDetails = includeDetails
    ? {
        source: kind,
        access_key_id: mask(creds.accessKeyId),
        temporary: creds.sessionToken !== undefined,
        expires_at: expiresAt?.toISOString() ?? null,
        expires_in_s: msLeft === undefined ? null : Math.round(msLeft / 1000),
      }
    : {};

  let out;
  try {
    out = await aws.sts.send(new GetCallerIdentityCommand({}));
  } catch (e) {
    const name = errorName(e);
    const details = { error: name, ...sourceDetails, sts_region: region ?? STS_FALLBACK_REGION };
    const recommendation = { summary: 'Refresh or replace the credentials, then check STS knows you.', commands: refreshCommands(kind, profile, region) };
    if (EXPIRED.has(name)) return { outcome: { status: 'fail', severity: 'CRITICAL', message: `The ${kind} credentials have expired (STS: ${name}).`, details, recommendation } };
    if (REJECTED.has(name)) return { outcome: { status: 'fail', severity: 'CRITICAL', message: `AWS does not accept the ${kind} credentials (STS: ${name}: ${(e as Error).message}).`, details, recommendation } };
    if (isAccessDenied(e)) {
      return {
        outcome: {
          status: 'fail',
          severity: 'ERROR',
          message: `The credentials resolve (${kind}) but STS GetCallerIdentity was denied: ${(e as Error).message}`,
          details,
          recommendation: {
            summary: 'GetCallerIdentity needs no permission, so an explicit deny (SCP, VPC endpoint policy) is in the way: ask your AWS administrator.',
            commands: [`aws sts get-caller-identity${cliFlags(profile, region)}`],
          },
        },
      };
    }
    throw e;
  }
  const caller: CallerIdentity = { arn: out.Arn ?? '', account: out.Account ?? '', userId: out.UserId ?? '' };
  const details = { account: caller.account, arn: caller.arn, user_id: caller.userId, ...sourceDetails };
  const who = `${caller.arn} (account ${caller.account})`;
  if (includeDetails && msLeft !== undefined && msLeft < EXPIRY_WARNING_MS) {
    const mins = Math.max(0, Math.floor(msLeft / 60_000));
    return {
      caller,
      outcome: {
        status: 'warn',
        severity: 'WARNING',
        message: `Credentials (${kind}) for ${who} expire in ${mins} min (at ${expiresAt!.toISOString()}): long forwards will fail at their next reconnect.`,
        details,
        recommendation: { summary: 'Refresh the credentials before starting long-lived forwards.', commands: refreshCommands(kind, profile, region) },
      },
    };
  }
  const extra = includeDetails ? `; source ${kind}${expiresAt ? `, expiring ${expiresAt.toISOString()}` : ', not expiring'}` : '';
  return { caller, outcome: { status: 'pass', severity: 'INFO', message: `Credentials resolve and STS knows the caller ${who}${extra}.`, details } };
}
