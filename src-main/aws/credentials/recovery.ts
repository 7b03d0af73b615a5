// What the AWS clients do when the credential chain fails (AwsClientOptions.credentialRecovery):
// - an SSO token that is missing, expired or revoked: run the device sign-in (an `sso` prompt),
//   then let the call retry once: the tunnel asks instead of dying;
// - an MFA code AWS refused: a clear error (cause and fix) instead of STS's bare AccessDenied;
// - anything else: the original error, for awsError() to translate as before.
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';
import type { AwsTarget, CredentialRecovery } from '../aws-clients.js';
import { defaultProfileName } from './aws-config.js';
import type { SsoLogin } from './sso-login.js';

function text(e: unknown): { name: string; message: string } {
  return e instanceof Error ? { name: e.name, message: e.message } : { name: '', message: String(e) };
}

/**
 * The SDK's ways of saying the SSO token needs a new sign-in: fromSSO/fromSso messages ("… To
 * refresh this SSO session run 'aws sso login' …", "Token is expired …") and the portal refusing a
 * revoked token (UnauthorizedException from GetRoleCredentials).
 */
export function isSsoTokenError(e: unknown): boolean {
  const { name, message } = text(e);
  return /aws sso login/i.test(message) || /SSO session .*(invalid|expired|not found)/i.test(message) || name === 'UnauthorizedException' || /UnauthorizedException|Session token not found or invalid/.test(message);
}

/** STS's answer to a wrong or reused MFA code. */
export function isMfaRejected(e: unknown): boolean {
  const { name, message } = text(e);
  return (name === 'AccessDenied' || name === 'AccessDeniedException') && /MultiFactorAuthentication|MFA/i.test(message);
}

export function createCredentialRecovery(deps: { ssoLogin: SsoLogin; env?: NodeJS.ProcessEnv }): CredentialRecovery {
  const env = deps.env ?? process.env;
  return async (error: unknown, target: AwsTarget): Promise<void> => {
    const profile = target.profile ?? defaultProfileName(env);
    if (isMfaRejected(error))
      throw new WarrenError(
        ErrorCode.AwsAccessDenied,
        `AWS refused the MFA code for profile ${profile} (${text(error).message.trim()}): enter the code your MFA device shows now (each code works once and only for about 30 s), then try again`,
        { reason: 'mfa_rejected', profile, name: text(error).name },
      );
    if (isSsoTokenError(error) && (await deps.ssoLogin.target(profile))) {
      await deps.ssoLogin.login(profile);
      return; // retry once with the new token
    }
    throw error;
  };
}
