import { describe, expect, it } from 'vitest';
import { couldNotCheck, couldNotCheckReason } from './could-not-check.js';

/** An error shaped as the SDK v3 throws a service error: name = code, $fault, $metadata. */
function sdkError(name: string, status: number | undefined, fault?: 'client' | 'server'): Error {
  const e = new Error(`${name} happened`);
  e.name = name;
  Object.assign(e, { $metadata: status === undefined ? { attempts: 1 } : { httpStatusCode: status }, ...(fault ? { $fault: fault } : {}) });
  return e;
}

describe('couldNotCheckReason', () => {
  it.each([
    ['AuthFailure', 401, 'client', 'auth'],
    ['UnrecognizedClientException', 400, 'client', 'auth'],
    ['InvalidClientTokenId', 403, 'client', 'auth'],
    ['ExpiredTokenException', 400, 'client', 'auth'],
    ['UnauthorizedOperation', 403, 'client', 'access_denied'],
    ['AccessDeniedException', 400, 'client', 'access_denied'],
    ['ThrottlingException', 400, 'client', 'throttled'],
    ['RequestLimitExceeded', 503, 'server', 'throttled'],
    ['SomethingNew', 429, 'client', 'throttled'],
    ['InternalServerError', 500, 'server', 'api_error'],
    ['ServiceUnavailable', 503, 'server', 'api_error'],
  ] as const)('%s (HTTP %s) is %s', (name, status, fault, reason) => {
    expect(couldNotCheckReason(sdkError(name, status, fault))).toBe(reason);
  });

  it('an error without an HTTP answer is network; the SDK credential errors are auth', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: { attempts: 1 } });
    expect(couldNotCheckReason(refused)).toBe('network');
    expect(couldNotCheckReason(sdkError('TimeoutError', undefined))).toBe('network');
    expect(couldNotCheckReason(sdkError('CredentialsProviderError', undefined))).toBe('auth');
  });
});

describe('couldNotCheck', () => {
  it('names the item, the cause and what to try; weighs the instance and agent as CRITICAL', () => {
    const o = couldNotCheck('instance_state', sdkError('AuthFailure', 401, 'client'), ' --region eu-west-1 --profile dev');
    expect(o).toMatchObject({ status: 'could_not_check', reason: 'auth', severity: 'CRITICAL', details: { error: 'AuthFailure', http_status: 401 } });
    expect(o.message).toContain('the instance exists and is running');
    expect(o.message).toContain('AuthFailure (HTTP 401)');
    expect(o.recommendation?.commands).toEqual(['aws sts get-caller-identity --region eu-west-1 --profile dev']);
    expect(couldNotCheck('ssm_agent', sdkError('ThrottlingException', 400, 'client'), undefined)).toMatchObject({ severity: 'CRITICAL', reason: 'throttled' });
    expect(couldNotCheck('vpc_endpoints', sdkError('InternalError', 500, 'server'), undefined)).toMatchObject({ severity: 'ERROR', reason: 'api_error' });
  });
});
