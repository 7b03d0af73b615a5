// The CLI's exit codes and how API error codes map onto them. Pure, so scripts can rely on it and a
// unit test pins it: 0 ok, 1 general, 2 config/usage, 3 connection, 4 auth, 5 resources.
import { ErrorCode } from '../../src-shared/api/index.js';

export const ExitCode = {
  Ok: 0,
  General: 1,
  Config: 2,
  Connection: 3,
  Auth: 4,
  Resources: 5,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

const byApiCode: ReadonlyMap<number, ExitCodeValue> = new Map<number, ExitCodeValue>([
  // What the user asked for is wrong: fix the command line or the configuration.
  [ErrorCode.InvalidParams, ExitCode.Config],
  [ErrorCode.HostNotFound, ExitCode.Config],
  [ErrorCode.RuleNotFound, ExitCode.Config],
  [ErrorCode.RuleAlreadyExists, ExitCode.Config],
  [ErrorCode.ConduitConfigInvalid, ExitCode.Config],
  [ErrorCode.KeyMissing, ExitCode.Config],
  [ErrorCode.EfsScalerNotFound, ExitCode.Config],
  [ErrorCode.EfsConfigInvalid, ExitCode.Config],
  [ErrorCode.EfsParameterNotFound, ExitCode.Config],
  [ErrorCode.EfsParameterInvalid, ExitCode.Config],
  // A home, socket or config file someone else could change: fix its owner or mode.
  [ErrorCode.InsecurePath, ExitCode.Config],
  // No such AWS profile, no region, a source_profile that does not exist: fix ~/.aws/config.
  [ErrorCode.AwsConfigInvalid, ExitCode.Config],
  [ErrorCode.SourceNotAllowed, ExitCode.Auth],
  // The link is not in the state the command needs, or cannot be made. AlreadyConnected sits here
  // too: it is a connection-state conflict (`ssh connect` itself treats it as success).
  [ErrorCode.AlreadyConnected, ExitCode.Connection],
  [ErrorCode.NotConnected, ExitCode.Connection],
  [ErrorCode.ConnectionFailed, ExitCode.Connection],
  [ErrorCode.ShuttingDown, ExitCode.Connection],
  [ErrorCode.SourceUnavailable, ExitCode.Connection],
  [ErrorCode.SsmTargetNotConnected, ExitCode.Connection],
  [ErrorCode.AwsRequestFailed, ExitCode.Connection],
  [ErrorCode.ProtocolMismatch, ExitCode.Connection],
  // The server or key wants something from the user: a passphrase, a trust decision.
  [ErrorCode.AuthenticationFailed, ExitCode.Auth],
  [ErrorCode.HostKeyUnknown, ExitCode.Auth],
  [ErrorCode.HostKeyChanged, ExitCode.Auth],
  [ErrorCode.PassphraseRequired, ExitCode.Auth],
  [ErrorCode.RouterKeyMismatch, ExitCode.Auth],
  [ErrorCode.ClientNotAuthorized, ExitCode.Auth],
  [ErrorCode.AwsAccessDenied, ExitCode.Auth],
  // AuthFailure, UnrecognizedClientException, expired tokens: the credentials, not the network.
  [ErrorCode.AwsCredentialsRejected, ExitCode.Auth],
  // The door the call came through may not do this: a permission, like the auth family.
  [ErrorCode.NotAllowedFromThisDoor, ExitCode.Auth],
  // A local resource is taken.
  [ErrorCode.PortConflict, ExitCode.Resources],
  // Another Warren holds this home (its socket): a second one would only get in its way.
  [ErrorCode.AlreadyRunning, ExitCode.Resources],
  [ErrorCode.SsmSessionLimit, ExitCode.Resources],
  // Another run of the same scaler holds it: try again when it ends.
  [ErrorCode.EfsRunInProgress, ExitCode.Resources],
  // Too many connections, calls in flight or requests in one batch: a busy resource, try later.
  [ErrorCode.LimitExceeded, ExitCode.Resources],
]);

/** Exit code for an error that came back from the API (ParseError, InternalError, unknown → 1). */
export function exitCodeForApiError(code: number): ExitCodeValue {
  return byApiCode.get(code) ?? ExitCode.General;
}
