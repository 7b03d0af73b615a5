// What the reconnector needs to know, resolved from settings at the moment it is needed so that a
// config.update takes effect on the next retry.
import { ErrorCode, isWarrenError } from '../../src-shared/api/index.js';
import { DEFAULT_JITTER, type BackoffPolicy } from '../../src-shared/logic/backoff.js';

export interface ReconnectPolicy {
  enabled: boolean;
  /** 0 = unlimited. */
  maxRetries: number;
  backoff: BackoffPolicy;
}

export function reconnectPolicy(initialMs: number, maxMs: number, maxRetries: number, enabled: boolean): ReconnectPolicy {
  return { enabled, maxRetries, backoff: { initialMs, maxMs, jitter: DEFAULT_JITTER } };
}

/** Errors that retrying cannot fix: the user must act (trust a key, supply a passphrase, fix config). */
const PERMANENT = new Set<number>([
  ErrorCode.HostNotFound,
  ErrorCode.AuthenticationFailed,
  ErrorCode.HostKeyUnknown,
  ErrorCode.HostKeyChanged,
  ErrorCode.PassphraseRequired,
  ErrorCode.PortConflict,
  ErrorCode.InvalidParams,
  ErrorCode.AwsAccessDenied,
  // Credentials AWS does not accept, a profile or region that does not exist: retrying with the
  // same ones cannot help (an SSO sign-in is offered before this, by the credential recovery).
  ErrorCode.AwsCredentialsRejected,
  ErrorCode.AwsConfigInvalid,
  ErrorCode.RouterKeyMismatch,
  ErrorCode.ClientNotAuthorized,
  ErrorCode.ProtocolMismatch,
  ErrorCode.KeyMissing,
]);

export function isPermanentError(e: unknown): boolean {
  return isWarrenError(e) && PERMANENT.has(e.code);
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
