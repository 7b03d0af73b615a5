// AWS SDK errors → the API's WarrenErrors, naming the cause and the fix.
import { ErrorCode, WarrenError } from '../../../src-shared/api/index.js';

export function awsError(e: unknown, what: string, context: Record<string, unknown> = {}): WarrenError {
  if (e instanceof WarrenError) return e;
  const name = e instanceof Error ? e.name : 'Error';
  const message = e instanceof Error ? e.message : String(e);
  if (name === 'TargetNotConnected')
    return new WarrenError(
      ErrorCode.SsmTargetNotConnected,
      `${what}: SSM cannot reach the instance (${message}); it may be stopped or its SSM agent not registered — \`warren diagnose\` says which`,
      context,
    );
  if (name === 'AccessDeniedException' || name === 'UnauthorizedOperation' || name === 'AccessDenied')
    return new WarrenError(ErrorCode.AwsAccessDenied, `${what}: AWS denied it (${message}); your role needs this permission`, { ...context, name });
  return new WarrenError(ErrorCode.AwsRequestFailed, `${what}: ${name}: ${message}`, { ...context, name });
}
