import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ErrorCode } from '../../src-shared/api/index.js';
import { ExitCode, exitCodeForApiError } from './exit-codes.js';

describe('exitCodeForApiError', () => {
  it('maps each API error family to its exit code', () => {
    expect(exitCodeForApiError(ErrorCode.InvalidParams)).toBe(2);
    expect(exitCodeForApiError(ErrorCode.HostNotFound)).toBe(2);
    expect(exitCodeForApiError(ErrorCode.RuleNotFound)).toBe(2);
    expect(exitCodeForApiError(ErrorCode.RuleAlreadyExists)).toBe(2);
    expect(exitCodeForApiError(ErrorCode.NotConnected)).toBe(3);
    expect(exitCodeForApiError(ErrorCode.ConnectionFailed)).toBe(3);
    expect(exitCodeForApiError(ErrorCode.AlreadyConnected)).toBe(3);
    expect(exitCodeForApiError(ErrorCode.ShuttingDown)).toBe(3);
    expect(exitCodeForApiError(ErrorCode.AuthenticationFailed)).toBe(4);
    expect(exitCodeForApiError(ErrorCode.HostKeyUnknown)).toBe(4);
    expect(exitCodeForApiError(ErrorCode.HostKeyChanged)).toBe(4);
    expect(exitCodeForApiError(ErrorCode.PassphraseRequired)).toBe(4);
    expect(exitCodeForApiError(ErrorCode.PortConflict)).toBe(5);
    expect(exitCodeForApiError(ErrorCode.AlreadyRunning)).toBe(5);
    // EFS scaler: a wrong name or config is the user's to fix; a run in flight is a busy resource.
    expect(exitCodeForApiError(ErrorCode.EfsScalerNotFound)).toBe(2);
    expect(exitCodeForApiError(ErrorCode.EfsConfigInvalid)).toBe(2);
    expect(exitCodeForApiError(ErrorCode.EfsParameterNotFound)).toBe(2);
    expect(exitCodeForApiError(ErrorCode.EfsParameterInvalid)).toBe(2);
    expect(exitCodeForApiError(ErrorCode.EfsRunInProgress)).toBe(5);
    // Door permissions are a permission refusal; per-client limits a busy resource.
    expect(exitCodeForApiError(ErrorCode.NotAllowedFromThisDoor)).toBe(4);
    expect(exitCodeForApiError(ErrorCode.LimitExceeded)).toBe(5);
  });

  it('treats protocol and internal errors as general failures', () => {
    for (const code of [ErrorCode.ParseError, ErrorCode.InvalidRequest, ErrorCode.MethodNotFound, ErrorCode.InternalError])
      expect(exitCodeForApiError(code)).toBe(ExitCode.General);
  });

  it('always yields one of the documented codes, never 0', () => {
    fc.assert(
      fc.property(fc.integer(), (code) => {
        const exit = exitCodeForApiError(code);
        expect([1, 2, 3, 4, 5]).toContain(exit);
      }),
    );
  });
});
