// AWS SDK errors → the API's WarrenErrors, through the one error table (src-shared/aws/error-table):
// the message says which service and operation failed, with what HTTP status, and never passes on
// the SDK's internals ("Deserialization error: … inspect the hidden field {error}.$response").
import { ErrorCode, WarrenError } from '../../src-shared/api/index.js';
import { awsErrorRow, UNPARSEABLE_RESPONSE_HINT } from '../../src-shared/aws/error-table.js';

/** Set on SDK errors by the clients' middleware (aws-clients.ts): which call failed. */
export const AWS_CALL = Symbol.for('warren.awsCall');

export interface AwsCallFacts {
  /** "EC2", "SSM", "STS"… */
  service?: string | undefined;
  /** "DescribeInstances"… */
  operation?: string | undefined;
  httpStatus?: number | undefined;
  /** AWS's error code, or the JS error's name when AWS sent none. */
  code: string;
  /** The error's message without the SDK's internals. */
  message: string;
  /** The answer was not the service's format (HTML from a proxy, an outage page). */
  unparseable: boolean;
}

interface SdkErrorShape {
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: unknown;
  [AWS_CALL]?: { service: string; operation: string };
}

const SDK_HINT = /\s*Deserialization error: to see the raw response, inspect the hidden field \{error\}\.\$response on this object\.?/;

export function awsCallFacts(e: unknown): AwsCallFacts {
  const err = e instanceof Error ? (e as Error & SdkErrorShape) : undefined;
  const raw = err ? err.message : String(e);
  // The SDK's two ways of saying it could not read the answer: a deserialization error (JSON
  // protocols) and the error code "Unknown" (query/XML protocols given a body with no error code).
  const unparseable = SDK_HINT.test(raw) || (err !== undefined && err.$response !== undefined && !('$fault' in err)) || (err?.name === 'Unknown' && err.$metadata !== undefined);
  return {
    service: err?.[AWS_CALL]?.service,
    operation: err?.[AWS_CALL]?.operation,
    httpStatus: err?.$metadata?.httpStatusCode,
    code: err ? err.name : typeof e,
    message: raw.replace(SDK_HINT, '').trim(),
    unparseable,
  };
}

/** "EC2 DescribeInstances", or "the AWS call" when the client did not say. */
export function describeCall(f: Pick<AwsCallFacts, 'service' | 'operation'>): string {
  return [f.service, f.operation].filter(Boolean).join(' ') || 'the AWS call';
}

/** One sentence for a user: which call failed, with what code and HTTP status, without SDK internals. */
export function describeAwsFailure(e: unknown): string {
  const f = awsCallFacts(e);
  const status = f.httpStatus !== undefined ? ` (HTTP ${f.httpStatus})` : '';
  if (f.unparseable) return `${describeCall(f)} failed${status}: the answer was not an AWS response (a proxy's or load balancer's page, or an AWS outage)`;
  return `${describeCall(f)} failed: ${f.code}${status}${f.message && f.message !== f.code ? `: ${f.message}` : ''}`;
}

export function awsError(e: unknown, what: string, context: Record<string, unknown> = {}): WarrenError {
  if (e instanceof WarrenError) return e;
  const f = awsCallFacts(e);
  const facts = { ...context, name: f.code, ...(f.service ? { service: f.service } : {}), ...(f.operation ? { operation: f.operation } : {}), ...(f.httpStatus !== undefined ? { http_status: f.httpStatus } : {}) };
  if (f.unparseable) return new WarrenError(ErrorCode.AwsRequestFailed, `${what}: ${describeAwsFailure(e)}`, { ...facts, hint: UNPARSEABLE_RESPONSE_HINT });
  const row = awsErrorRow(f.code);
  const failure = describeAwsFailure(e);
  const data = { ...facts, hint: row.hint };
  // The first words say what kind of failure it is (scripts and tests match on them), then the call.
  if (row.kind === 'target_not_connected')
    return new WarrenError(row.warren, `${what}: SSM cannot reach the instance (${failure}); it may be stopped or its SSM agent not registered — \`warren diagnose\` says which`, data);
  if (row.kind === 'access_denied') return new WarrenError(row.warren, `${what}: AWS denied it (${failure}); your role needs this permission`, data);
  if (row.kind === 'auth') return new WarrenError(row.warren, `${what}: AWS did not accept the credentials (${failure})`, data);
  return new WarrenError(row.warren, `${what}: ${failure}`, data);
}
