import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, WarrenError } from '../../src-shared/api/index.js';
import { AWS_ERROR_TABLE, awsErrorRow } from '../../src-shared/aws/error-table.js';
import { exitCodeForApiError } from '../cli/exit-codes.js';
import { hintFor } from '../cli/hints.js';
import { AWS_CALL, awsError, describeAwsFailure } from './aws-error.js';

function sdkError(name: string, message: string, status?: number, extra: Record<string, unknown> = {}): Error {
  const e = Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, ...extra });
  Object.defineProperty(e, AWS_CALL, { value: { service: 'EC2', operation: 'DescribeInstances' } });
  return e;
}

describe('the AWS error table', () => {
  it('each row: its exit code is the one the CLI gives its Warren code, and it has a hint', () => {
    for (const row of AWS_ERROR_TABLE) {
      expect(exitCodeForApiError(row.warren), row.kind).toBe(row.exit);
      expect(row.hint.length, row.kind).toBeGreaterThan(10);
    }
  });

  it('every AWS code maps to exactly one row; unknown codes to the fallback', () => {
    const all = AWS_ERROR_TABLE.flatMap((r) => r.codes);
    expect(new Set(all).size).toBe(all.length);
    fc.assert(
      fc.property(fc.constantFrom(...all), (code) => {
        expect(AWS_ERROR_TABLE.filter((r) => r.codes.includes(code))).toHaveLength(1);
        expect(awsErrorRow(code).codes).toContain(code);
      }),
    );
    fc.assert(fc.property(fc.string().filter((s) => !all.includes(s)), (code) => awsErrorRow(code).kind === 'other'));
  });

  it.each([
    ['AuthFailure', 401, 4],
    ['UnrecognizedClientException', 400, 4],
    ['InvalidClientTokenId', 403, 4],
    ['UnauthorizedOperation', 403, 4],
    ['ThrottlingException', 400, 3],
    ['TargetNotConnected', 400, 3],
  ] as const)('%s → exit %s', (name, status, exit) => {
    const w = awsError(sdkError(name, 'x', status), 'listing');
    expect(exitCodeForApiError(w.code)).toBe(exit);
    expect(hintFor(w)).toBe(awsErrorRow(name).hint);
  });

  it('a non-JSON 5xx says which call failed and what to try, not the SDK internals', () => {
    const e = sdkError('SyntaxError', "Unexpected token '<', \"<html>\" is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.", 502, { $response: {} });
    const w = awsError(e, 'listing EC2 instances');
    expect(w.message).toBe("listing EC2 instances: EC2 DescribeInstances failed (HTTP 502): the answer was not an AWS response (a proxy's or load balancer's page, or an AWS outage)");
    expect(w.message).not.toMatch(/\$response|Deserialization/);
    expect(hintFor(w)).toMatch(/try again in a minute/);
    expect(describeAwsFailure(e)).not.toMatch(/hidden field/);
  });

  it('passes WarrenErrors through', () => {
    const w = new WarrenError(ErrorCode.AwsConfigInvalid, 'no profile');
    expect(awsError(w, 'x')).toBe(w);
  });
});
