// Error codes that cross the API as data ({ code, message, data }), never as thrown objects.
// -32700…-32603 are JSON-RPC 2.0's; 1xxx are MolePort's SSH/forward codes (1001–1007 exactly as the
// seed) plus Warren's SSH additions; 2xxx AWS, 3xxx conduit, 4xxx EFS belong to later domains.
import { z } from 'zod';

export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  HostNotFound: 1001,
  AlreadyConnected: 1002,
  NotConnected: 1003,
  RuleNotFound: 1004,
  RuleAlreadyExists: 1005,
  PortConflict: 1006,
  AuthenticationFailed: 1007,
  /** The server's host key is not in known_hosts; `host.trust` accepts it. data: HostKeyInfo */
  HostKeyUnknown: 1008,
  /** The server's host key differs from known_hosts. Always refused. data: HostKeyInfo */
  HostKeyChanged: 1009,
  /** An identity file is encrypted and no passphrase is known; `host.unlock` supplies it. data: { key_path } */
  PassphraseRequired: 1010,
  /** TCP/SSH connection could not be established (refused, timeout, DNS). */
  ConnectionFailed: 1011,
  /** The daemon is shutting down and takes no new work. */
  ShuttingDown: 1012,
  /** Another Warren (daemon or app) already serves this $WARREN_HOME; this start changed nothing. data: { home, socket } */
  AlreadyRunning: 1013,
  /**
   * This door may not call this method or change this setting (browser mode cannot set a path Warren
   * runs or reads; see door-policy.ts). data: { method, door, setting?, param?, allowed_doors }
   */
  NotAllowedFromThisDoor: 1014,
  /** A per-client limit was reached (batch size, concurrent expensive calls, connections). data: { limit, what } */
  LimitExceeded: 1015,
  /** A path Warren trusts ($WARREN_HOME, its socket, the ssh config) could be changed by another user; refused, nothing changed. data: { path } */
  InsecurePath: 1016,
  // ── 2xxx AWS ──
  /** SSM cannot reach the instance's agent (instance stopped, agent not registered or offline). data: { instance_id } */
  SsmTargetNotConnected: 2001,
  /** AWS refused the call for lack of permission. data: { action } */
  AwsAccessDenied: 2002,
  /** Another AWS failure (credentials, region, throttling, service error). data: { name } */
  AwsRequestFailed: 2003,
  /** The instance already has session.max_sessions_per_instance SSM forwards running. data: { instance_id, running, limit } */
  SsmSessionLimit: 2004,
  /** AWS did not accept the credentials themselves (unknown or expired keys, bad signature). data: { name, hint } */
  AwsCredentialsRejected: 2005,
  /** The AWS profile or region Warren was told to use is missing or incomplete (no such profile, no region, a missing source_profile). data: { profile, hint } */
  AwsConfigInvalid: 2006,
  // ── 3xxx conduit ──
  /** The router presented a key other than the pinned one (--router-key or known_routers). Always refused. data: { router, expected, actual } */
  RouterKeyMismatch: 3001,
  /** The router refused this client's key (not in authorized_clients, expired, or rotated out). data: { fingerprint } */
  ClientNotAuthorized: 3002,
  /** The router does not allow this client to reach the source. data: { source } */
  SourceNotAllowed: 3003,
  /** The source is down, its circuit is open, or nothing answers there. data: { source } */
  SourceUnavailable: 3004,
  /** The router speaks another protocol version or broke the protocol. */
  ProtocolMismatch: 3005,
  /** No conduit key on this machine: `warren conduit init` makes one. data: { path } */
  KeyMissing: 3006,
  /** A conduit.toml / router.toml is invalid. data: { errors } */
  ConduitConfigInvalid: 3007,
  // ── 4xxx EFS mount target autoscaler ──
  /** No EFS scaler by that name: `warren efs configure` makes one. data: { name } */
  EfsScalerNotFound: 4001,
  /** An EFS scaler's configuration is incomplete or invalid. data: { name, errors } */
  EfsConfigInvalid: 4002,
  /** A run of this scaler is under way; it is not started twice. data: { name, run_id } */
  EfsRunInProgress: 4003,
  /** The SSM parameter does not exist (no run has published it yet). data: { parameter } */
  EfsParameterNotFound: 4004,
  /** The SSM parameter is not the mount target list the design describes. data: { parameter, reason } */
  EfsParameterInvalid: 4005,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export const rpcErrorSchema = z.object({
  code: z.number().int(),
  message: z.string(),
  data: z.unknown().optional(),
});
export type RpcError = z.infer<typeof rpcErrorSchema>;

/** An error meant for the API caller. Handlers throw it; doors turn it into `{ code, message, data }`. */
export class WarrenError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'WarrenError';
    this.code = code;
    this.data = data;
  }
  toRpc(): RpcError {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

export function isWarrenError(e: unknown): e is WarrenError {
  return e instanceof WarrenError;
}

/** Human name of a code, for CLI output and logs. */
export function errorCodeName(code: number): string {
  for (const [name, value] of Object.entries(ErrorCode)) if (value === code) return name;
  return `Error${code}`;
}

/** One line naming each zod issue by its path ("local_port: expected number"), for error messages. */
export function describeIssues(issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>, whole = 'value'): string {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : whole}: ${i.message}`).join('; ');
}
