// The one table of AWS errors: AWS's error code → the kind of failure → Warren's API error code →
// the CLI's exit code → what to try. Pure data and a lookup; every AWS caller (API handlers through
// awsError, the diagnostics' "could not check", the CLI's hint line) reads it, so one code means
// one thing everywhere. A unit test pins each row's exit code to src-main/cli/exit-codes.ts.
import { ErrorCode, type ErrorCodeValue } from '../api/errors.js';

export type AwsErrorKind = 'auth' | 'access_denied' | 'throttled' | 'target_not_connected' | 'not_found' | 'server' | 'other';

export interface AwsErrorRow {
  readonly kind: AwsErrorKind;
  /** AWS's error codes (the SDK's exception names) in this row; empty for the fallback row. */
  readonly codes: readonly string[];
  readonly warren: ErrorCodeValue;
  /** 0 ok, 1 general, 2 config, 3 connection, 4 auth, 5 resources (src-main/cli/exit-codes.ts). */
  readonly exit: 1 | 2 | 3 | 4 | 5;
  readonly hint: string;
}

export const AWS_ERROR_TABLE: readonly AwsErrorRow[] = [
  {
    // AWS did not accept the credentials themselves (as opposed to a policy denying the call):
    // EC2's AuthFailure, the JSON protocols' UnrecognizedClientException, STS/Query's
    // InvalidClientTokenId, signature and expiry errors; plus the SDK's own "no credentials" errors.
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (AuthFailure),
    // https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html (InvalidClientTokenId, …).
    kind: 'auth',
    codes: [
      'AuthFailure',
      'UnrecognizedClientException',
      'InvalidClientTokenId',
      'SignatureDoesNotMatch',
      'InvalidSignatureException',
      'IncompleteSignature',
      'ExpiredToken',
      'ExpiredTokenException',
      'RequestExpired',
      'MissingAuthenticationToken',
      'MissingAuthenticationTokenException',
      'CredentialsProviderError',
      'TokenProviderError',
    ],
    warren: ErrorCode.AwsCredentialsRejected,
    exit: 4,
    hint: 'refresh the credentials of this AWS profile (`aws sso login --profile …` for IAM Identity Center, or replace unknown or expired access keys); `aws sts get-caller-identity` shows whether they work',
  },
  {
    kind: 'access_denied',
    codes: ['UnauthorizedOperation', 'AccessDeniedException', 'AccessDenied'],
    warren: ErrorCode.AwsAccessDenied,
    exit: 4,
    hint: "grant the permission named in the error to this profile's role or user, then try again",
  },
  {
    // EC2 (RequestLimitExceeded), SSM/JSON (ThrottlingException) and Query (Throttling) spellings.
    kind: 'throttled',
    codes: ['ThrottlingException', 'Throttling', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestThrottled', 'RequestThrottledException', 'SlowDown'],
    warren: ErrorCode.AwsRequestFailed,
    exit: 3,
    hint: 'AWS throttled the call: wait a minute and try again; other tools using the same account may be taking the request rate',
  },
  {
    kind: 'target_not_connected',
    codes: ['TargetNotConnected'],
    warren: ErrorCode.SsmTargetNotConnected,
    exit: 3,
    hint: 'the instance may be stopped or its SSM agent not registered: `warren diagnose full --instance-id …` says which',
  },
  {
    kind: 'not_found',
    codes: ['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed', 'InvalidInstanceId'],
    warren: ErrorCode.AwsRequestFailed,
    exit: 3,
    hint: 'check the instance id and the region (`warren ec2 instances --region …` lists what is there)',
  },
  {
    // Each service's internal-error codes (what AWS answers with a 5xx).
    kind: 'server',
    codes: ['InternalError', 'InternalServerError', 'InternalFailure', 'ServerException', 'ServiceUnavailable', 'Unavailable'],
    warren: ErrorCode.AwsRequestFailed,
    exit: 3,
    hint: 'AWS answered with an internal error: try again in a minute; if it persists check the AWS Health Dashboard for the service',
  },
  {
    kind: 'other',
    codes: [],
    warren: ErrorCode.AwsRequestFailed,
    exit: 3,
    hint: 'check the message above; `warren diagnose aws-config` checks the profile, region, credentials and endpoints',
  },
];

const FALLBACK = AWS_ERROR_TABLE[AWS_ERROR_TABLE.length - 1]!;
const BY_CODE: ReadonlyMap<string, AwsErrorRow> = new Map(AWS_ERROR_TABLE.flatMap((row) => row.codes.map((c) => [c, row] as const)));

/** The row for an AWS error code; unknown codes get the fallback row ("other"). */
export function awsErrorRow(code: string): AwsErrorRow {
  return BY_CODE.get(code) ?? FALLBACK;
}

/** A non-JSON/non-XML answer (a proxy's or load balancer's HTML page, an outage): not in any row's codes. */
export const UNPARSEABLE_RESPONSE_HINT =
  'try again in a minute; if it keeps failing, check the proxy and endpoint settings (HTTPS_PROXY, AWS_ENDPOINT_URL*) and the AWS Health Dashboard';
